"""Vacancies as the API and the uploads accept and return them."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from app.fields import Country, Currency, ExternalId, IscoUnit, LanguageCode, Latitude, Longitude, ShortText, Strict
from matching.ranking.certificates import read_certificate

_ISIC = re.compile(r"^(?:[A-U]|\d{2,4})$")


def _isic(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if not _ISIC.match(code):
        raise ValueError(f"{value!r} is not an ISIC Rev.4 section letter (A–U) or division/group/class code")
    return code


class EmploymentType(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    contract = "contract"
    temporary = "temporary"
    seasonal = "seasonal"
    apprenticeship = "apprenticeship"
    internship = "internship"


class PayPeriod(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class VacancyStatus(StrEnum):
    open = "open"
    closed = "closed"
    filled = "filled"


class CertificateRequirement(Strict):
    name: ShortText = Field(description="As the employer wrote it", examples=["TESDA NC II Shielded Metal Arc Welding"])
    framework: str | None = Field(default=None, max_length=20, description="NVQ, NC (TESDA), NSQF, SKM, …")
    level: str | None = Field(default=None, max_length=10, examples=["II", "3"])

    @model_validator(mode="after")
    def _read_level(self) -> "CertificateRequirement":
        """Framework and level read from the name when it states them and they were not given."""
        if self.framework is None and (found := read_certificate(self.name)):
            self.framework = found[0]
            self.level = self.level or found[1]
        return self


SkillText = Annotated[str, Field(min_length=1, max_length=200, description="A skill as written, or an ESCO skill URI")]


class VacancyBody(Strict):
    external_id: ExternalId | None = None
    job_fair_id: uuid.UUID | None = None
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: Annotated[str, Field(max_length=20_000)] | None = None
    employer: Annotated[str, Field(max_length=300)] | None = None
    sector_isic: Annotated[str, AfterValidator(_isic)] | None = Field(
        default=None, description="ISIC Rev.4 section letter or division code", examples=["F"])
    isco08: IscoUnit | None = Field(default=None, description="Give it when you know it; otherwise it is coded")
    required_skills: list[SkillText] = Field(default_factory=list, max_length=60)
    required_experience_months: int | None = Field(default=None, ge=0, le=600)
    required_certificates: list[CertificateRequirement] = Field(default_factory=list, max_length=20)
    min_education_isced: int | None = Field(default=None, ge=0, le=8, description="ISCED 2011 level")
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    country: Country | None = None
    region: Annotated[str, Field(max_length=200)] | None = None
    city: Annotated[str, Field(max_length=200)] | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    positions: int | None = Field(default=None, ge=1, le=100_000)
    pay_min: float | None = Field(default=None, ge=0)
    pay_max: float | None = Field(default=None, ge=0)
    pay_currency: Currency | None = None
    pay_period: PayPeriod | None = None
    employment_type: EmploymentType | None = None
    posted_on: date | None = None
    expires_on: date | None = None
    contact: Annotated[str, Field(max_length=300)] | None = None
    status: VacancyStatus = VacancyStatus.open

    @model_validator(mode="after")
    def _consistent(self) -> "VacancyBody":
        if self.pay_min is not None and self.pay_max is not None and self.pay_max < self.pay_min:
            raise ValueError("pay_max is below pay_min")
        if (self.pay_min is not None or self.pay_max is not None) and self.pay_currency is None:
            raise ValueError("pay_currency is needed with pay_min or pay_max")
        if self.posted_on and self.expires_on and self.expires_on < self.posted_on:
            raise ValueError("expires_on is before posted_on")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class SkillOut(BaseModel):
    esco_uri: str
    label: str
    source: str
    field: str | None
    words: str | None
    method: str
    confidence: float


class CodedCandidate(BaseModel):
    isco: str
    title: str
    probability: float
    matched_label: str | None
    signal: str


class ScreeningFinding(BaseModel):
    category: str
    rule_id: str
    lang: str
    field: str | None
    words: str
    reason: str


class VacancyPublic(VacancyBody):
    id: uuid.UUID
    version: int
    upload_id: uuid.UUID | None
    isco: str | None = Field(description="The unit group used for matching: the one given, else the coder's first")
    isco_title: str | None
    isco_source: str | None = Field(description="given | coded")
    isco_probability: float | None
    needs_review: bool
    coding_status: str
    candidates: list[CodedCandidate]
    skills: list[SkillOut]
    screening: list[ScreeningFinding] = Field(description="Discriminatory requirements found (ILO C111)")
    active: bool = Field(description="open and not past expires_on")
    created_at: datetime
    updated_at: datetime


class VacancySummary(BaseModel):
    id: uuid.UUID
    external_id: str | None
    job_fair_id: uuid.UUID | None
    title: str
    employer: str | None
    country: str | None
    city: str | None
    isco: str | None
    needs_review: bool
    flagged: list[str] = Field(description="Screening categories found")
    status: str
    active: bool
    expires_on: date | None
    updated_at: datetime


class VacancyPage(BaseModel):
    count: int
    data: list[VacancySummary]


def document_of(body: VacancyBody) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_none=True, exclude={"job_fair_id"})
