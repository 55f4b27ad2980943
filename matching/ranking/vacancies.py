"""Ranking vacancies for a returnee.

    score = pathway × preference × (0.30 occupation + 0.25 skills + 0.15 semantic + 0.10 experience
                              + 0.10 qualifications + 0.10 place)

Each part and both factors are in ``components.py``; ``semantic`` is the cosine of the passport's and the
vacancy's embeddings, rescaled from [0.2, 0.7] to [0, 1]. The whole catalogue is filtered and
given a coarse score (occupation, semantic, place and pathway, over numpy columns); the best
``shortlist`` are scored in full (the same score, without building its evidence), diversified
and paged; only the page gets its evidence, the courses for its missing skills and an
explanation.

Diversity: a list should not be all one unit group unless the returnee asked for one (the
``isco`` filter). In the greedy re-ranking each further vacancy of a unit group that already
has ``free_per_unit`` places above it has its score multiplied by ``decay`` once more.
"""
from __future__ import annotations

import heapq
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matching.ranking.catalogue import VacancyFilters, VacancyIndex, VacancyTarget
from matching.ranking.components import (
    UNKNOWN, Coverage, ExperienceFit, OccupationFit, PlaceFit, QualificationFit, experience_fit, occupation_fit,
    pathway_factor, place_fit, preference_factor, qualification_fit, skill_coverage,
)
from matching.ranking.courses import CourseIndex, CourseTarget
from matching.ranking.explain import explain_vacancy
from matching.ranking.gaps import vacancy_needs
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import Profile

SEMANTIC_FLOOR, SEMANTIC_CEIL = 0.2, 0.7
NEEDS_KEPT = 100_000  # vacancies whose skill needs are kept between queries
PROJECTED_POOL = 2_000  # pre-selected through the PCA projection, then re-scored exactly
TIE_BREAK = 1e-9  # per catalogue row, so that equal scores keep catalogue order at every stage


@dataclass(frozen=True)
class Weights:
    occupation: float = 0.30
    skills: float = 0.25
    semantic: float = 0.15
    experience: float = 0.10
    qualifications: float = 0.10
    place: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("occupation", "skills", "semantic", "experience", "qualifications", "place")}


def semantic(cosine: np.ndarray) -> np.ndarray:
    return np.clip((cosine - SEMANTIC_FLOOR) / (SEMANTIC_CEIL - SEMANTIC_FLOOR), 0.0, 1.0)


def semantic_scalar(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - SEMANTIC_FLOOR) / (SEMANTIC_CEIL - SEMANTIC_FLOOR)))


@dataclass
class VacancyMatch:
    target: VacancyTarget
    score: float
    components: dict[str, float]
    cosine: float
    occupation: OccupationFit
    coverage: Coverage
    experience: ExperienceFit
    qualifications: QualificationFit
    place: PlaceFit
    pathway: tuple[float, str]
    preference: tuple[float, str]
    courses: dict[str, list[CourseTarget]] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)


@dataclass
class RankedVacancies:
    count: int  # vacancies that pass the filters
    matches: list[VacancyMatch]


class VacancyRanker:
    def __init__(self, occupation_skills: OccupationSkills, weights: Weights = Weights(), shortlist: int = 100,
                 free_per_unit: int = 2, decay: float = 0.85):
        self.skills = occupation_skills
        self.weights = weights
        self.shortlist = shortlist
        self.free_per_unit = free_per_unit
        self.decay = decay
        self._needs: dict[str, tuple] = {}

    def needs(self, target: VacancyTarget) -> tuple[list, list, frozenset[str], frozenset[str]]:
        """The target's essential and optional skills (``gaps.vacancy_needs``), kept per vacancy id."""
        found = self._needs.get(target.id)
        if found is None or found[4] is not target:
            essential, optional = vacancy_needs(self.skills, target)
            found = (essential, optional, frozenset(u for u, _ in essential), frozenset(u for u, _ in optional), target)
            if len(self._needs) >= NEEDS_KEPT:
                self._needs.clear()
            self._needs[target.id] = found
        return found[:4]

    def _parts(self, profile: Profile, target: VacancyTarget, cosine: float):
        occupation = occupation_fit(profile, target.isco)
        experience = experience_fit(profile, target.isco, target.experience_months)
        qualifications = qualification_fit(profile, [(c.name, c.framework, c.level) for c in target.certificates],
                                           target.isco, target.min_isced, target.languages)
        place = place_fit(profile, target.country, target.region, target.city)
        home = profile.home.country if profile.home else None
        pathway = pathway_factor(profile, bool(target.country and home and target.country != home))
        preference = preference_factor(profile, target.isco)
        return occupation, experience, qualifications, place, pathway, preference

    def _total(self, parts: dict[str, float], pathway: float, preference: float) -> float:
        return round(sum(w * parts[k] for k, w in self.weights.as_dict().items()) * pathway * preference, 4)

    def quick_score(self, profile: Profile, target: VacancyTarget, cosine: float) -> float:
        """The same score as ``score``, without building the evidence (for the shortlist)."""
        occupation, experience, qualifications, place, pathway, preference = self._parts(profile, target, cosine)
        _, _, essential, optional = self.needs(target)
        if essential or optional:
            shown = profile.skills.keys()
            share_e = len(essential & shown) / len(essential) if essential else 1.0
            share_o = len(optional & shown) / len(optional) if optional else 1.0
            skills = round(0.75 * share_e + 0.25 * share_o, 4)
        else:
            skills = UNKNOWN
        parts = {"occupation": occupation.score, "skills": skills, "semantic": round(semantic_scalar(cosine), 4),
                 "experience": experience.score, "qualifications": qualifications.score, "place": place.score}
        return self._total(parts, pathway[0], preference[0])

    def score(self, profile: Profile, target: VacancyTarget, cosine: float | None = None) -> VacancyMatch:
        """Every part for one vacancy, with its evidence (no explanation)."""
        if cosine is None:
            cosine = float(target.vector @ profile.vector) if target.vector is not None and profile.vector is not None else 0.0
        occupation, experience, qualifications, place, pathway, preference = self._parts(profile, target, cosine)
        essential, optional, _, _ = self.needs(target)
        coverage = skill_coverage(profile, essential, optional)
        parts = {"occupation": occupation.score, "skills": coverage.score, "semantic": round(semantic_scalar(cosine), 4),
                 "experience": experience.score, "qualifications": qualifications.score, "place": place.score}
        total = self._total(parts, pathway[0], preference[0])
        parts["pathway"], parts["preference"] = pathway[0], preference[0]
        return VacancyMatch(target, total, parts, round(cosine, 4), occupation, coverage, experience,
                            qualifications, place, pathway, preference)

    def rank(self, profile: Profile, index: VacancyIndex, filters: VacancyFilters, today: date, *,
             offset: int = 0, limit: int = 20, courses: CourseIndex | None = None,
             diversify: bool | None = None) -> RankedVacancies:
        keep = index.mask(filters, profile, today)
        count = int(keep.sum())
        if not count:
            return RankedVacancies(0, [])
        w = self.weights
        home = profile.home.country if profile.home else None
        occ = index.by_unit(lambda code: occupation_fit(profile, code).score)
        pref = index.by_unit(lambda code: preference_factor(profile, code)[0])
        place = index.by_place(lambda c, r, ci: place_fit(profile, c, r, ci).score)
        path = index.by_place(lambda c, r, ci: pathway_factor(profile, bool(c and home and c != home))[0])
        fixed = (w.occupation + w.skills + w.experience) * occ + w.place * place + w.qualifications
        factor = path * pref

        order = np.arange(len(index), dtype=np.float64) * TIE_BREAK  # equal scores: catalogue order

        def coarse(cosine, rows=slice(None)):
            return (fixed[rows] + w.semantic * semantic(cosine)) * factor[rows] - order[rows]

        scores = coarse(index.similarity(profile, approximate=True))
        scores[~keep] = -1.0
        k = min(count, max(self.shortlist, 3 * (offset + limit)))
        if index.reduced is not None and profile.vector is not None and count > PROJECTED_POOL:
            # the projection only pre-selects: the best PROJECTED_POOL are re-scored with the exact cosine
            pool = np.argpartition(-scores, PROJECTED_POOL - 1)[:PROJECTED_POOL]
            exact_scores = coarse(index.vectors[pool] @ profile.vector.astype(np.float32), pool)
            best = pool[np.argpartition(-exact_scores, k - 1)[:k]] if k < len(pool) else pool
        elif k < len(scores):
            best = np.argpartition(-scores, k - 1)[:k]
        else:
            best = np.flatnonzero(keep)
        exact = {int(i): index.cosine(profile, int(i)) for i in best}
        quick = sorted(((self.quick_score(profile, index.targets[i], exact[i]), i, i) for i in exact),
                       key=lambda t: (-t[0], t[1]))
        if diversify is None:
            diversify = not filters.isco
        ranked = self.diversified([(score, i) for score, _, i in quick], index) if diversify else \
            [i for _, _, i in quick]
        page = []
        for i in ranked[offset:offset + limit]:
            t = index.targets[i]
            m = self.score(profile, t, exact[i])
            if courses is not None:
                m.courses = {s.uri: courses.teaching(s.uri, profile, today) for s in m.coverage.essential_missing[:3]}
            m.explanation = explain_vacancy(t.title, t.isco, t.isco_title, m.occupation, m.coverage, m.experience,
                                            m.qualifications, m.place, t.country, t.region, t.city, m.courses)
            page.append(m)
        return RankedVacancies(count, page)

    def diversified(self, scored: list[tuple[float, int]], index: VacancyIndex) -> list[int]:
        """Greedy: take the best head of the per-unit-group queues, scores of a unit group
        multiplied by ``decay`` for each vacancy of it already taken beyond ``free_per_unit``.
        ``scored``: (score, row) in score order."""
        queues: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        for item in scored:
            t = index.targets[item[1]]
            queues[t.isco or f"none:{t.id}"].append(item)
        taken: dict[str, int] = defaultdict(int)
        heap = [(-q[0][0], q[0][1], unit) for unit, q in queues.items()]
        heapq.heapify(heap)
        out = []
        while heap:
            _, _, unit = heapq.heappop(heap)
            out.append(queues[unit].popleft()[1])
            taken[unit] += 1
            if queues[unit]:
                score, nxt = queues[unit][0]
                penalty = self.decay ** max(0, taken[unit] - self.free_per_unit + 1)
                heapq.heappush(heap, (-score * penalty, nxt, unit))
        return out
