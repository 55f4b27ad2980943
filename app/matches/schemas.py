"""What the matching endpoints return: every part of every score, with the facts behind it."""
from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field


class CourseRef(BaseModel):
    id: str
    title: str
    provider: str | None
    kind: str
    city: str | None
    cost: float | None
    cost_currency: str | None


class SkillEvidence(BaseModel):
    esco_uri: str
    label: str
    evidence: str | None = Field(description="What on the passport shows it; null when missing")
    source: str | None = Field(description="extracted, declared, assessed, or experience (months in the occupation)")


class MissingSkill(BaseModel):
    esco_uri: str
    label: str
    courses: list[CourseRef] = Field(description="Catalogue courses that teach it, nearest first")


class SkillsPart(BaseModel):
    essential_matched: list[SkillEvidence]
    essential_missing: list[MissingSkill]
    optional_matched: list[SkillEvidence]
    optional_missing: list[MissingSkill]


class OccupationPart(BaseModel):
    relation: str | None = Field(description="same unit group, same minor group, same sub-major group, same major group")
    held_isco: str | None
    held_title: str | None
    held_words: str | None = Field(description="The returnee's own words for it")
    held_months: int | None
    held_source: str | None = Field(description="experience, before_migration or preference")


class CertificatePart(BaseModel):
    name: str
    held: str | None


class RequirementsPart(BaseModel):
    required_experience_months: int | None
    relevant_months: int
    certificates: list[CertificatePart]
    education: str = Field(description="met, below, unknown or not_asked")
    languages_missing: list[str]


class Pay(BaseModel):
    min: float | None
    max: float | None
    currency: str | None
    period: str | None


class RplRoute(BaseModel):
    """How to get a certificate the vacancy asks for through recognition of prior learning."""

    certificate: str
    scheme_id: str
    scheme: str
    level: str
    decision: str = Field(description="eligible or eligible_pending_evidence (the pre-screen, not a certification)")
    missing_evidence: list[str]
    where_to_apply: list[str]


class VacancyMatchOut(BaseModel):
    rank: int
    vacancy_id: uuid.UUID
    title: str
    employer: str | None
    isco: str | None
    isco_title: str | None
    country: str | None
    region: str | None
    city: str | None
    employment_type: str | None
    pay: Pay
    expires_on: date | None
    score: float = Field(description="pathway × preference × weighted sum of the other components")
    components: dict[str, float] = Field(description="Each 0–1: occupation, skills, semantic, experience, "
                                         "qualifications, place; and the factors pathway and preference")
    cosine: float = Field(description="The raw embedding similarity behind 'semantic'")
    occupation: OccupationPart
    skills: SkillsPart
    requirements: RequirementsPart
    place: str = Field(description="same_city, same_region, same_country, abroad, unknown")
    pathway: str = Field(description="How the vacancy fits the pathway chosen")
    preference: str = Field(description="wanted, close to one wanted, not one wanted, or none stated")
    explanation: str = Field(description="Plain words a counsellor can read aloud")
    reasons: list[str] = Field(description="The explanation, one sentence each")
    rpl_routes: list[RplRoute] = Field(default_factory=list, description="For certificates asked and not held")


class VacancyMatches(BaseModel):
    passport_id: uuid.UUID
    count: int = Field(description="Open vacancies that pass the filters")
    offset: int
    limit: int
    weights: dict[str, float]
    diversified: bool
    data: list[VacancyMatchOut]


class CourseMatchOut(BaseModel):
    rank: int
    course_id: uuid.UUID
    title: str
    provider: str | None
    provider_accreditation: str | None
    kind: str
    target_isco: list[str]
    schedule: list[str]
    mode: str | None
    country: str | None
    region: str | None
    city: str | None
    cost: float | None
    cost_currency: str | None
    childcare: bool | None
    next_start: date | None
    score: float
    components: dict[str, float] = Field(description="Each 0–1: gaps, occupation, place, schedule, cost")
    closes: list[SkillEvidence] = Field(description="The returnee's missing skills it teaches")
    for_occupations: list[str]
    explanation: str


class GapSkill(BaseModel):
    esco_uri: str
    label: str
    weight: float


class CourseMatches(BaseModel):
    passport_id: uuid.UUID
    count: int
    offset: int
    limit: int
    occupations_in_view: list[str] = Field(description="Unit groups whose gaps the courses were chosen for")
    gaps: list[GapSkill] = Field(description="The missing skills weighed, most needed first (at most 20)")
    data: list[CourseMatchOut]


class GapTarget(BaseModel):
    kind: str = Field(description="occupation or vacancy")
    isco: str | None
    title: str
    vacancy_id: uuid.UUID | None = None


class Gaps(BaseModel):
    passport_id: uuid.UUID
    target: GapTarget
    matched_essential: list[SkillEvidence]
    matched_optional: list[SkillEvidence]
    missing_essential: list[MissingSkill]
    missing_optional: list[MissingSkill]
    coverage: float = Field(description="0.75 × essential share + 0.25 × optional share")


class CandidateSkill(BaseModel):
    esco_uri: str
    label: str


class CandidateOccupation(BaseModel):
    isco: str
    title: str
    months: int


class CandidateOut(BaseModel):
    """Tier-1 data only: no sex, age, return or any statistical attribute."""

    rank: int
    passport_id: uuid.UUID
    external_ref: str
    score: float
    components: dict[str, float]
    occupations: list[CandidateOccupation]
    skills_matched: list[SkillEvidence]
    skills_missing: list[CandidateSkill]
    certificates: list[str]
    languages: list[str]
    explanation: str


class Candidates(BaseModel):
    vacancy_id: uuid.UUID
    count: int = Field(description="Passports that consented to be visible to employers and job-fair organisers")
    offset: int
    limit: int
    data: list[CandidateOut]


class EquityRow(BaseModel):
    sex: str
    passports: int | None = Field(description="Null when fewer than 5 (suppressed)")
    top10_all_care: int | None
    top10_all_care_share: float | None
    before_migration_care: int | None
    before_migration_care_share: float | None
    suppressed: bool


class EquityReport(BaseModel):
    care_unit_groups: list[str]
    rule: str
    passports_considered: int
    passports_without_results: int
    data: list[EquityRow]
