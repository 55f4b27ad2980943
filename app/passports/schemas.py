"""The skills passport: what a returnee brings, as the API accepts and returns it.

Three data tiers (``domain.md`` §7): tier 1 is matching data (experiences, education, training,
certificates, skills, languages, places, preferences); tier 2 is statistics only (sex, birth
year, return status, type and reasons) and never reaches a score; tier 3 (health, abuse,
trafficking, pregnancy, legal cases) has no field at all — unknown fields are rejected, so it
cannot be smuggled in. ``priority_support`` is a counsellor-only flag with no reason.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator

from app.fields import _ID, Country, IscoUnit, PastDate, ShortText, Strict, Text, not_future, language_code
from app.timeutil import utcnow

MAX_EXPERIENCE_MONTHS = 60 * 12


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    undisclosed = "undisclosed"


class LanguageLevel(StrEnum):
    native = "native"
    fluent = "fluent"
    working = "working"
    basic = "basic"


class LanguageSkill(Strict):
    code: str = Field(description="ISO 639-1 or 639-3 code", examples=["si", "afb"])
    level: LanguageLevel
    reads: bool | None = None
    writes: bool | None = None

    @field_validator("code")
    @classmethod
    def _known(cls, value: str) -> str:
        return language_code(value)


class Person(Strict):
    """Pseudonymous: no name, no document number, no address."""

    sex: Sex = Sex.undisclosed
    birth_year: int | None = Field(default=None, ge=1900)
    country: Country | None = Field(default=None, description="Country of residence now")
    region: ShortText | None = None
    district: ShortText | None = None
    languages: list[LanguageSkill] = Field(default_factory=list, max_length=20)


    @field_validator("birth_year")
    @classmethod
    def _plausible(cls, value: int | None) -> int | None:
        if value is not None and value > utcnow().year - 10:
            raise ValueError("a birth year that makes the person younger than 10 is not plausible")
        return value


class ReturnStatus(StrEnum):
    returned = "returned"
    returning = "returning"


class ReturnType(StrEnum):
    voluntary = "voluntary"
    forced = "forced"
    assisted = "assisted"
    spontaneous = "spontaneous"
    unknown = "unknown"


class Return(Strict):
    """Statistics only: never used for matching or ranking."""

    status: ReturnStatus = ReturnStatus.returned
    returned_on: PastDate | None = None
    type: ReturnType = ReturnType.unknown
    reasons: list[Annotated[int, Field(ge=1, le=23)]] = Field(
        default_factory=list, max_length=23, description="ILO questionnaire item B8 codes (1–23)"
    )



class EvidenceKind(StrEnum):
    employer_certificate = "employer_certificate"
    employer_testimonial = "employer_testimonial"
    contract = "contract"
    payslip = "payslip"
    reference_letter = "reference_letter"
    photo_video = "photo_video"
    overseas_worker_information_sheet = "overseas_worker_information_sheet"
    self_declaration = "self_declaration"


class Evidence(Strict):
    kind: EvidenceKind
    description: ShortText | None = None
    issued_on: PastDate | None = None
    verified: bool = False



def _month(value: str | date | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        value += "-01"
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{field} must be a date (YYYY-MM-DD) or a month (YYYY-MM)") from exc


class Experience(Strict):
    id: _ID | None = Field(default=None, description="Stable id; assigned (e1, e2, …) when omitted")
    title: Text = Field(description="The job in the worker's own words, any language", examples=["6 yrs house driver in Riyadh"])
    tasks: Text | None = Field(default=None, description="What the work involved, in the worker's words")
    description: Text | None = None
    lang: str | None = Field(default=None, max_length=8, description=(
        "Language of the title, if known: a registered language's alias table then reads its words (see POST "
        "/v1/occupations/code)"))
    employer: ShortText | None = None
    country: Country | None = None
    city: ShortText | None = None
    abroad: bool | None = Field(default=None, description="Default: country differs from the person's country")
    major_group: str | None = Field(
        default=None, pattern=r"^\d$",
        description="ISCO-08 major group, when only that is known (e.g. from the ILO questionnaire): "
        "the coder's best unit group inside it is chosen")
    start: date | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM")
    end: date | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM; empty while it goes on")
    months: int | None = Field(default=None, ge=0, le=MAX_EXPERIENCE_MONTHS, description="When dates are not known")
    full_time: bool = True
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


    @field_validator("start", "end", mode="before")
    @classmethod
    def _months_ok(cls, value, info):
        return _month(value, info.field_name)

    @field_validator("start", "end")
    @classmethod
    def _past(cls, value):
        return not_future(value)

    @field_validator("end")
    @classmethod
    def _after_start(cls, value, info):
        start = info.data.get("start")
        if value and start:
            if value < start:
                raise ValueError("end is before start")
            if (value.year - start.year) * 12 + value.month - start.month > MAX_EXPERIENCE_MONTHS:
                raise ValueError(f"more than {MAX_EXPERIENCE_MONTHS // 12} years of experience in one job")
        return value

    @model_validator(mode="after")
    def _not_too_long(self):
        if self.start and not self.end and self.duration_months() > MAX_EXPERIENCE_MONTHS:
            raise ValueError(f"more than {MAX_EXPERIENCE_MONTHS // 12} years of experience in one job")
        return self

    def duration_months(self) -> int:
        """Months worked: from the dates when given (an open end counts to today), else ``months``."""
        if self.start:
            end = self.end or utcnow().date()
            return max(0, (end.year - self.start.year) * 12 + end.month - self.start.month - (end.day < self.start.day))
        return self.months or 0


class Education(Strict):
    isced: int = Field(ge=0, le=8, description="ISCED 2011 level 0–8")
    title: ShortText | None = None
    field: ShortText | None = None
    country: Country | None = None
    year: int | None = Field(default=None, ge=1900)
    completed: bool = True



class TrainingPhase(StrEnum):
    before = "before"
    abroad = "abroad"
    after = "after"


class Training(Strict):
    title: ShortText
    provider: ShortText | None = None
    phase: TrainingPhase
    country: Country | None = None
    hours: int | None = Field(default=None, ge=1, le=10000)
    year: int | None = Field(default=None, ge=1900)
    certificate: bool = False



class Certificate(Strict):
    title: ShortText
    awarding_body: ShortText | None = None
    country: Country | None = None
    framework: ShortText | None = Field(default=None, examples=["NVQ (Sri Lanka)", "TESDA NC", "NSQF", "SKM"])
    level: str | None = Field(default=None, max_length=20, examples=["4", "NC II"])
    isco: IscoUnit | None = None
    verified: bool = False
    issued_on: PastDate | None = None
    expires_on: date | None = None



class SkillSource(StrEnum):
    declared = "declared"
    assessed = "assessed"


class DeclaredSkill(Strict):
    label: ShortText = Field(description="The skill in the worker's or assessor's words")
    esco_uri: str | None = Field(default=None, max_length=200, description="An ESCO skill URI, if known")
    source: SkillSource = SkillSource.declared
    level: int | None = Field(default=None, ge=1, le=4)
    assessed_by: ShortText | None = None

    @field_validator("esco_uri")
    @classmethod
    def _esco(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from taxonomies import load_taxonomies

        if value not in load_taxonomies().esco_skills:
            raise ValueError(f"{value!r} is not an ESCO v1.1.1 skill URI")
        return value


def _soft_skill_item(value: str) -> str:
    from taxonomies.ilo_forms import load_ilo_forms

    if value not in {s.id for s in load_ilo_forms().soft_skills}:
        raise ValueError(f"{value!r} is not a Table 9 item (soft_01 … soft_16)")
    return value


def _sector_item(value: str) -> str:
    from taxonomies.ilo_forms import load_ilo_forms

    if value not in load_ilo_forms().sector_statements:
        raise ValueError(f"{value!r} is not a Table 11 item (see GET /v1/schemas/self-assessment)")
    return value


class Rating(Strict):
    item: Annotated[str, AfterValidator(_soft_skill_item)] = Field(
        max_length=60, description="A Table 9 item id (see GET /v1/schemas/self-assessment)")
    level: int = Field(ge=1, le=4, description="1–4, anchors in the README")
    justification: Text | None = None


class SectorRating(Strict):
    item: Annotated[str, AfterValidator(_sector_item)] = Field(
        max_length=60, description="A Table 11 item id (see GET /v1/schemas/self-assessment)")
    level: int = Field(ge=1, le=4, description="1–4, anchors in the README")
    justification: Text | None = None
    developed: Literal["abroad", "home"] | None = Field(default=None, description="Developed mainly abroad or at home")


class SelfAssessment(Strict):
    soft_skills: list[Rating] = Field(default_factory=list, max_length=16, description="ILO Table 9")
    sector_experience: list[SectorRating] = Field(default_factory=list, max_length=60, description="ILO Table 11")


class BeforeMigration(Strict):
    """What the person did and held before leaving: many were de-skilled abroad."""

    occupation: Text | None = Field(default=None, description="In their own words")
    isco: IscoUnit | None = Field(default=None, description="When known (e.g. from the questionnaire)")
    major_group: str | None = Field(default=None, pattern=r"^\d$", description="ISCO-08 major group, when only that is known")
    qualifications: list[ShortText] = Field(default_factory=list, max_length=20)
    months: int | None = Field(default=None, ge=0, le=MAX_EXPERIENCE_MONTHS)



class Pathway(StrEnum):
    wage_employment = "wage_employment"
    self_employment = "self_employment"
    training = "training"
    re_migration = "re_migration"
    retirement = "retirement"


class Place(Strict):
    country: Country
    region: ShortText | None = None
    city: ShortText | None = None



class Schedule(Strict):
    weekday_daytime: bool = True
    evenings: bool = True
    weekends: bool = True
    max_hours_per_week: int | None = Field(default=None, ge=1, le=80)
    care_duties: bool = Field(default=False, description="Cares for children or relatives (limits hours and travel)")


class Preferences(Strict):
    pathways: list[Pathway] = Field(default_factory=list, max_length=5)
    occupations: list[ShortText] = Field(default_factory=list, max_length=10, description="Words or ISCO-08 codes")
    places: list[Place] = Field(default_factory=list, max_length=10)
    willing_to_relocate: bool = False
    schedule: Schedule = Field(default_factory=Schedule)


class ConsentPurpose(StrEnum):
    matching = "matching"
    employer_visibility = "employer_visibility"
    rpl_sharing = "rpl_sharing"
    statistics = "statistics"


class ConsentIn(Strict):
    granted: bool
    obtained_on: PastDate | None = Field(default=None, description="When the person gave (or withdrew) it")
    method: Literal["written", "verbal", "digital"] | None = None



class ConsentOut(ConsentIn):
    recorded_by: str = Field(description="The API key (id and name) that recorded it")
    recorded_at: datetime


class PassportBody(Strict):
    """The fields a client writes (all sections optional)."""

    person: Person = Field(default_factory=Person)
    return_: Return | None = Field(default=None, alias="return")
    experiences: list[Experience] = Field(default_factory=list, max_length=50)
    education: list[Education] = Field(default_factory=list, max_length=20)
    training: list[Training] = Field(default_factory=list, max_length=50)
    certificates: list[Certificate] = Field(default_factory=list, max_length=50)
    skills: list[DeclaredSkill] = Field(default_factory=list, max_length=200)
    self_assessment: SelfAssessment = Field(default_factory=SelfAssessment)
    before_migration: BeforeMigration | None = None
    preferences: Preferences = Field(default_factory=Preferences)
    consent: dict[ConsentPurpose, ConsentIn] = Field(default_factory=dict)
    priority_support: bool | None = Field(default=None, description="Counsellor-only; no reason is ever stored")

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ids(self):
        seen: set[str] = set()
        for n, experience in enumerate(self.experiences):
            if experience.id is None:
                continue
            if experience.id in seen:
                raise ValueError(f"experiences[{n}].id {experience.id!r} is used twice")
            seen.add(experience.id)
        return self


class PassportCreate(PassportBody):
    external_ref: str = Field(
        min_length=1, max_length=100, pattern=r"^[^\s].*$",
        description="The client's id in your system (e.g. the PES client number), unique in your organisation",
    )
