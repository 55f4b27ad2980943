"""RPL pre-screen requests and answers."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from app.fields import IscoUnit, Strict


class SchemeSummary(BaseModel):
    id: str
    name: str
    country: str
    framework: str
    levels: list[str]
    effective_from: date | None
    effective_to: date | None
    in_force: bool
    known_facts: int
    unknown_facts: int


class SchemeList(BaseModel):
    count: int
    data: list[SchemeSummary]


class Period(Strict):
    start: date
    end: date | None = None


class EvidenceIn(Strict):
    months: int | None = Field(default=None, ge=0, le=720, description="Months of relevant work")
    periods: list[Period] = Field(default_factory=list, max_length=50, description="Dated relevant work, for recency")
    age: int | None = Field(default=None, ge=10, le=100)
    relevant_training: bool | None = None
    evidence: list[str] = Field(default_factory=list, max_length=40,
                                description="Evidence held: employer_certificate, contract, payslip, …")
    self_assessment_done: bool | None = None


class AssessIn(Strict):
    scheme_id: str = Field(max_length=60)
    level: str = Field(max_length=20)
    evidence: EvidenceIn
    on: date | None = Field(default=None, description="The day to judge on (default today)")


class RuleOut(BaseModel):
    id: str
    rule: str
    value: Any
    status: str
    grade: str | None
    source: str | None
    note: str | None
    outcome: str


class PlaceOut(BaseModel):
    name: str
    how: str | None
    url: str | None


class AssessmentOut(BaseModel):
    scheme_id: str
    scheme: str
    level: str
    decision: str = Field(description="eligible, eligible_pending_evidence, not_yet, not_eligible, insufficient_data")
    reasons: list[str]
    months_required: int | None
    months_counted: int | None
    months_needed: int | None
    missing_evidence: list[str]
    bring: list[str] = Field(description="Identity documents to bring on the day")
    rules: list[RuleOut]
    caveats: list[str]
    where_to_apply: list[PlaceOut]
    outcomes: list[str] | None
    disclaimer: str = "A pre-screen and a referral, not a certification: the assessing body decides."


class PassportRplGroup(BaseModel):
    isco: IscoUnit
    title: str
    months: int
    assessments: list[AssessmentOut]


class PassportRpl(BaseModel):
    passport_id: uuid.UUID
    country: str | None
    schemes: list[str]
    data: list[PassportRplGroup]
