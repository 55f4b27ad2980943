"""What the ranker knows about a returnee: tier-1 data only.

A ``Profile`` has no field for sex, age, marital status, nationality, religion, disability,
return type or legal status, so none of them can reach a score: the service builds it from the
passport's matching data (experiences, coded occupations, skills, certificates, education,
languages, places, preferences) and nothing else.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from matching.ranking.occupation_skills import OccupationSkills

# A unit group worked in for this many months shows the group's ESCO skills.
IMPLIED_SKILL_MONTHS = 6


@dataclass(frozen=True, slots=True)
class Place:
    country: str | None
    region: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class HeldOccupation:
    """A unit group the returnee worked in (or wants): ``strength`` 0–1 says how much it counts."""

    isco: str
    title: str
    months: int
    strength: float
    source: str  # experience, before_migration, preference
    words: str  # the worker's own words for it
    countries: tuple[str, ...] = ()  # where it was done


@dataclass(frozen=True, slots=True)
class ShownSkill:
    uri: str
    label: str
    source: str  # extracted, declared, assessed, experience (shown by months in an occupation)
    evidence: str  # readable provenance: "tasks of 'mason in Qatar': 'laying bricks'"
    confidence: float


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    title: str
    framework: str | None
    level: str | None
    isco: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class ScheduleNeeds:
    weekday_daytime: bool = True
    evenings: bool = True
    weekends: bool = True
    max_hours_per_week: int | None = None
    care_duties: bool = False


@dataclass(frozen=True)
class Profile:
    occupations: tuple[HeldOccupation, ...]
    skills: Mapping[str, ShownSkill]
    certificates: tuple[HeldCertificate, ...] = ()
    education_isced: int | None = None  # highest completed
    languages: frozenset[str] = frozenset()
    home: Place | None = None
    places: tuple[Place, ...] = ()  # where they want to work; empty = home
    willing_to_relocate: bool = False
    pathways: frozenset[str] = frozenset()
    wanted: tuple[str, ...] = ()  # unit groups asked for (preferences), strongest first
    schedule: ScheduleNeeds = field(default_factory=ScheduleNeeds)
    vector: np.ndarray | None = field(default=None, repr=False)

    @property
    def wanted_places(self) -> tuple[Place, ...]:
        return self.places or ((self.home,) if self.home else ())


def with_implied_skills(profile: Profile, occupation_skills: OccupationSkills) -> Profile:
    """Add the essential ESCO skills of each unit group worked in for ``IMPLIED_SKILL_MONTHS`` or
    more, with the work as evidence ("72 months as Bricklayers and related workers"). A skill
    the passport states itself keeps its own evidence."""
    skills = dict(profile.skills)
    for held in sorted(profile.occupations, key=lambda o: -o.months):
        if held.source == "preference" or held.months < IMPLIED_SKILL_MONTHS:
            continue
        evidence = f"{held.months} months as {held.words}" if held.words else f"{held.months} months in {held.title}"
        for uri in occupation_skills.of(held.isco).essential:
            if uri not in skills:
                skills[uri] = ShownSkill(uri, occupation_skills.label(uri), "experience", evidence,
                                         round(min(1.0, held.strength), 3))
    return replace(profile, skills=skills)
