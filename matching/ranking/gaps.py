"""Skill gaps: what an occupation or a vacancy needs that the passport does not show, and the
courses that teach each missing skill."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matching.ranking.catalogue import VacancyTarget
from matching.ranking.components import Coverage, skill_coverage
from matching.ranking.courses import CourseIndex, CourseTarget
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import Profile

VACANCY_GROUP_ESSENTIAL = 8  # the unit group's essential skills a vacancy needs besides its own list
VACANCY_GROUP_OPTIONAL = 10


def occupation_needs(skills: OccupationSkills, isco: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    group = skills.of(isco)
    return ([(u, skills.label(u)) for u in group.essential], [(u, skills.label(u)) for u in group.optional])


def vacancy_needs(skills: OccupationSkills, target: VacancyTarget) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Essential: the skills the employer listed, then the unit group's first essential ones;
    optional: skills found in the vacancy's text, then the group's optional ones."""
    essential = {s.uri: s.label for s in target.skills if s.source == "given"}
    optional = {s.uri: s.label for s in target.skills if s.source != "given" and s.uri not in essential}
    if target.isco:
        group = skills.of(target.isco)
        for uri in group.essential[:VACANCY_GROUP_ESSENTIAL]:
            essential.setdefault(uri, skills.label(uri))
        for uri in group.optional[:VACANCY_GROUP_OPTIONAL]:
            if uri not in essential:
                optional.setdefault(uri, skills.label(uri))
    for uri in essential:
        optional.pop(uri, None)
    return list(essential.items()), list(optional.items())


@dataclass(frozen=True, slots=True)
class Gap:
    coverage: Coverage
    courses: dict[str, list[CourseTarget]]  # missing skill URI → courses that teach it


def skill_gap(profile: Profile, essential: Sequence[tuple[str, str]], optional: Sequence[tuple[str, str]],
              courses: CourseIndex | None, today: date, per_skill: int = 3) -> Gap:
    coverage = skill_coverage(profile, essential, optional)
    found: dict[str, list[CourseTarget]] = {}
    if courses is not None:
        for s in coverage.essential_missing + coverage.optional_missing:
            found[s.uri] = courses.teaching(s.uri, profile, today, per_skill)
    return Gap(coverage, found)


def gap_weights(profile: Profile, skills: OccupationSkills, in_view: Sequence[tuple[str, float]],
                vacancies: Sequence[VacancyTarget] = ()) -> dict[str, float]:
    """Missing skills weighted by need: for each unit group in view (with its weight), 1 per
    missing essential skill and 0.3 per missing optional one; the same for each vacancy in view
    (its own list), at weight 0.8."""
    weights: dict[str, float] = {}

    def add(essential, optional, weight):
        for uri, _ in essential:
            if uri not in profile.skills:
                weights[uri] = weights.get(uri, 0.0) + weight
        for uri, _ in optional:
            if uri not in profile.skills:
                weights[uri] = weights.get(uri, 0.0) + 0.3 * weight

    for isco, weight in in_view:
        add(*occupation_needs(skills, isco), weight)
    for target in vacancies:
        add(*vacancy_needs(skills, target), 0.8)
    return weights

