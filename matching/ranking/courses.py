"""Training courses for a returnee: which close the skill gaps of the occupations in view, then
which fit the returnee's place, schedule and purse.

The gaps come from ``gaps.py``: missing skills weighted by how much the occupations in view need
them. A course's score is

    0.55 × gap skills it teaches (weight, relative to the best course)
  + 0.15 × its target unit groups against the occupations in view (ISCO hierarchy)
  + 0.15 × place (``components.place_fit``; online courses 1.0)
  + 0.10 × schedule (a session time the returnee can attend; childcare counts for carers)
  + 0.05 × cost (free 1.0, else lower is better within the list)

RPL assessment and assessment-preparation courses for a unit group whose RPL pre-screen is
eligible or pending evidence count the same way (closing gaps and fitting in full, raised by a
tenth). For a returnee on the self-employment pathway, entrepreneurship and financial-literacy courses
count as closing gaps and fitting the occupation in full, and their score is raised by a tenth;
on the training pathway every course's score is raised by a tenth (scores stay at most 1).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from matching.ranking.catalogue import TargetSkill
from matching.ranking.components import hierarchy_fit, place_fit
from matching.ranking.profile import Profile

SELF_EMPLOYMENT_KINDS = frozenset({"entrepreneurship", "financial_literacy"})
RPL_KINDS = frozenset({"rpl_assessment", "assessment_preparation"})
WEIGHTS = {"gaps": 0.55, "occupation": 0.15, "place": 0.15, "schedule": 0.10, "cost": 0.05}


@dataclass(frozen=True, slots=True)
class CourseTarget:
    id: str
    title: str
    kind: str
    provider: str | None = None
    provider_accreditation: str | None = None
    target_isco: tuple[str, ...] = ()
    skills: tuple[TargetSkill, ...] = ()
    framework: str | None = None
    framework_level: str | None = None
    hours: float | None = None
    schedule: tuple[str, ...] = ()  # weekday, evening, weekend, flexible
    mode: str | None = None  # in_person, online, blended
    country: str | None = None
    region: str | None = None
    city: str | None = None
    cost: float | None = None
    cost_currency: str | None = None
    childcare: bool | None = None
    start_dates: tuple[date, ...] = ()


class CourseIndex:
    def __init__(self, targets: Sequence[CourseTarget]):
        self.targets = list(targets)
        self.by_skill: dict[str, list[int]] = defaultdict(list)
        self.by_minor: dict[str, list[int]] = defaultdict(list)
        self.by_kind: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(self.targets):
            for s in t.skills:
                self.by_skill[s.uri].append(i)
            for code in t.target_isco:
                self.by_minor[code[:3]].append(i)
            self.by_kind[t.kind].append(i)

    def __len__(self) -> int:
        return len(self.targets)

    def teaching(self, uri: str, profile: Profile, today: date, limit: int = 2) -> list[CourseTarget]:
        """The courses that teach a skill, nearest and most attendable first."""
        found = [self.targets[i] for i in self.by_skill.get(uri, ()) if is_running(self.targets[i], today)]
        found.sort(key=lambda c: (-practical_fit(profile, c), c.cost or 0.0, c.title, c.id))
        return found[:limit]


def is_running(course: CourseTarget, today: date) -> bool:
    """No start dates (rolling intake) or one still to come."""
    return not course.start_dates or course.start_dates[-1] >= today


def schedule_fit(profile: Profile, course: CourseTarget) -> float:
    """1.0 when a session time suits the returnee (flexible and online always do), else 0.3;
    a carer gets the full score only where childcare is offered or the course is flexible."""
    needs = profile.schedule
    if course.mode == "online" or "flexible" in course.schedule or not course.schedule:
        fit = 1.0
    else:
        allowed = {"weekday": needs.weekday_daytime, "evening": needs.evenings, "weekend": needs.weekends}
        fit = 1.0 if any(allowed.get(s, True) for s in course.schedule) else 0.3
    if needs.care_duties and fit == 1.0 and course.mode != "online" and "flexible" not in course.schedule \
            and not course.childcare:
        fit = 0.7
    return fit


def practical_fit(profile: Profile, course: CourseTarget) -> float:
    place = place_fit(profile, course.country, course.region, course.city, remote=course.mode == "online").score
    return round((WEIGHTS["place"] * place + WEIGHTS["schedule"] * schedule_fit(profile, course))
                 / (WEIGHTS["place"] + WEIGHTS["schedule"]), 4)


@dataclass(frozen=True, slots=True)
class CourseMatch:
    course: CourseTarget
    score: float
    components: dict[str, float]
    closes: tuple[TargetSkill, ...]  # the gap skills it teaches
    for_occupations: tuple[str, ...]  # the occupations in view it targets
    place: str
    explanation: str


def rank_courses(profile: Profile, index: CourseIndex, gap_weights: Mapping[str, float], in_view: Sequence[str],
                 today: date, *, kind: str | None = None, country: str | None = None,
                 free_only: bool = False, rpl_ready: Collection[str] = ()) -> list[CourseMatch]:
    """Every running course that closes a gap, targets an occupation in view (or a neighbour in
    its minor group), or suits the chosen pathway, ranked. ``gap_weights``: ESCO URI → weight;
    ``in_view``: the unit groups the gaps came from (wanted, held, of the best vacancies);
    ``rpl_ready``: unit groups whose RPL pre-screen is eligible or pending evidence — their RPL
    assessment and assessment-preparation courses count like closing every gap."""
    self_employed = "self_employment" in profile.pathways
    candidates: set[int] = set()
    for uri in gap_weights:
        candidates.update(index.by_skill.get(uri, ()))
    for code in in_view:
        candidates.update(index.by_minor.get(code[:3], ()))
    if self_employed:
        for k in SELF_EMPLOYMENT_KINDS:
            candidates.update(index.by_kind.get(k, ()))
    for code in rpl_ready:
        candidates.update(i for i in index.by_minor.get(code[:3], ()) if index.targets[i].kind in RPL_KINDS)
    if "training" in profile.pathways:
        candidates.update(range(len(index.targets)))
    chosen = []
    for i in candidates:
        c = index.targets[i]
        if not is_running(c, today) or (kind and c.kind != kind) or (country and c.country != country) \
                or (free_only and c.cost):
            continue
        chosen.append(c)
    if not chosen:
        return []
    closing = {c.id: tuple(s for s in c.skills if s.uri in gap_weights) for c in chosen}
    raw_gap = {c.id: sum(gap_weights[s.uri] for s in closing[c.id]) for c in chosen}
    best_gap = max(raw_gap.values()) or 1.0
    costs = sorted(c.cost for c in chosen if c.cost)
    top_cost = costs[-1] if costs else 1.0
    out = []
    for c in chosen:
        gap = raw_gap[c.id] / best_gap
        business = self_employed and c.kind in SELF_EMPLOYMENT_KINDS
        rpl = c.kind in RPL_KINDS and any(code in rpl_ready for code in c.target_isco)
        occupation, targets_in_view = (1.0 if business else 0.0), []
        if business or rpl:
            gap = 1.0
        for code in c.target_isco:
            for view in in_view:
                value, _ = hierarchy_fit(view, code)
                if value > occupation:
                    occupation = value
                if value == 1.0 and code not in targets_in_view:
                    targets_in_view.append(code)
        place = place_fit(profile, c.country, c.region, c.city, remote=c.mode == "online")
        schedule = schedule_fit(profile, c)
        cost = 1.0 if not c.cost else round(1.0 - 0.8 * c.cost / top_cost, 4)
        parts = {"gaps": round(gap, 4), "occupation": occupation, "place": place.score, "schedule": schedule, "cost": cost}
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        if business or rpl or "training" in profile.pathways:
            score = min(1.0, score * 1.1)
        out.append(CourseMatch(c, round(score, 4), parts, closing[c.id], tuple(targets_in_view), place.reason,
                               _explain(c, closing[c.id], place.reason, schedule, self_employed, rpl)))
    out.sort(key=lambda m: (-m.score, m.course.title, m.course.id))
    return out


def _explain(course: CourseTarget, closes: Sequence[TargetSkill], place: str, schedule: float,
             self_employed: bool, rpl: bool = False) -> str:
    parts = []
    if rpl:
        parts.append("Your experience passes the RPL pre-screen for this occupation: this course leads to the "
                     "certificate.")
    elif closes:
        labels = ", ".join(s.label for s in closes[:4])
        more = f" and {len(closes) - 4} more" if len(closes) > 4 else ""
        parts.append(f"Teaches {labels}{more}, which you are missing.")
    elif self_employed and course.kind in SELF_EMPLOYMENT_KINDS:
        parts.append("For starting and running your own business (your chosen pathway).")
    else:
        parts.append(f"A {course.kind.replace('_', ' ')} course for your occupation.")
    where = {"remote": "online", "same_city": "in your town", "same_region": "in your area",
             "same_country": "in your country", "abroad": "in another country",
             "destination": "in the country you named", "unknown": "place not given"}[place]
    cost = "free" if course.cost == 0 else (f"{course.cost:,.0f} {course.cost_currency or ''}".strip() if course.cost else "cost not given")
    times = "/".join(course.schedule) if course.schedule else "times not given"
    parts.append(f"{where.capitalize()}, {times}, {cost}" + (", childcare offered." if course.childcare else "."))
    if schedule < 1.0:
        parts.append("The session times may not suit you.")
    return " ".join(parts)
