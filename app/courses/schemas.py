"""Training courses as the API and the uploads accept and return them."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from app.fields import Country, Currency, ExternalId, IscoUnit, Latitude, Longitude, Strict
from app.vacancies.schemas import SkillOut, SkillText


class CourseKind(StrEnum):
    upskilling = "upskilling"
    bridging = "bridging"
    rpl_assessment = "rpl_assessment"
    assessment_preparation = "assessment_preparation"
    entrepreneurship = "entrepreneurship"
    financial_literacy = "financial_literacy"
    language = "language"
    soft_skills = "soft_skills"
    apprenticeship = "apprenticeship"


class Schedule(StrEnum):
    weekday = "weekday"
    evening = "evening"
    weekend = "weekend"
    flexible = "flexible"


class Mode(StrEnum):
    in_person = "in_person"
    online = "online"
    blended = "blended"


class CourseStatus(StrEnum):
    open = "open"
    closed = "closed"


class CourseBody(Strict):
    external_id: ExternalId | None = None
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: Annotated[str, Field(max_length=20_000)] | None = None
    provider: Annotated[str, Field(max_length=300)] | None = None
    provider_accreditation: Annotated[str, Field(max_length=300)] | None = Field(
        default=None, description="Who accredits the provider, and the number", examples=["TESDA-registered, WTR 2023-0412"])
    kind: CourseKind
    target_isco: list[IscoUnit] = Field(default_factory=list, max_length=20)
    skills_taught: list[SkillText] = Field(default_factory=list, max_length=60)
    framework: Annotated[str, Field(max_length=20)] | None = Field(default=None, examples=["NC", "NVQ", "SKM"])
    framework_level: Annotated[str, Field(max_length=10)] | None = Field(default=None, examples=["II"])
    hours: float | None = Field(default=None, gt=0, le=10_000)
    schedule: list[Schedule] = Field(default_factory=list, max_length=4)
    mode: Mode | None = None
    country: Country | None = None
    region: Annotated[str, Field(max_length=200)] | None = None
    city: Annotated[str, Field(max_length=200)] | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    cost: float | None = Field(default=None, ge=0, description="0 for free courses")
    cost_currency: Currency | None = None
    start_dates: list[date] = Field(default_factory=list, max_length=50)
    entry_requirements: Annotated[str, Field(max_length=2000)] | None = None
    seats: int | None = Field(default=None, ge=0, le=100_000)
    childcare: bool | None = Field(default=None, description="Childcare offered during sessions")
    contact: Annotated[str, Field(max_length=300)] | None = None
    status: CourseStatus = CourseStatus.open

    @model_validator(mode="after")
    def _consistent(self) -> "CourseBody":
        if self.cost and self.cost_currency is None:
            raise ValueError("cost_currency is needed with a cost above 0")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.framework_level and not self.framework:
            raise ValueError("framework_level needs a framework")
        self.schedule = sorted(set(self.schedule), key=list(Schedule).index)
        self.start_dates = sorted(set(self.start_dates))
        return self


class CoursePublic(CourseBody):
    id: uuid.UUID
    version: int
    upload_id: uuid.UUID | None
    coding_status: str
    skills: list[SkillOut]
    created_at: datetime
    updated_at: datetime


class CourseSummary(BaseModel):
    id: uuid.UUID
    external_id: str | None
    title: str
    provider: str | None
    kind: str
    target_isco: list[str]
    mode: str | None
    country: str | None
    city: str | None
    cost: float | None
    status: str
    updated_at: datetime


class CoursePage(BaseModel):
    count: int
    data: list[CourseSummary]


def document_of(body: CourseBody) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_none=True)
