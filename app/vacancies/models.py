"""Vacancy storage: the record as validated (``document``), columns copied out of it for
filters and matching, what the service derived (ISCO-08 code, ESCO skills, screening findings).

A vacancy is identified inside its organisation by ``external_id`` when the source gives one,
else by ``content_hash`` (a hash of its normalised fields), so that uploading the same file twice
updates rows instead of duplicating them.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Date, DateTime, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app import catalogue_version  # noqa: F401  (registers the version hook)
from app.timeutil import utcnow

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Vacancy(SQLModel, table=True):
    __tablename__ = "vacancy"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_vacancy_org_external_id"),
        Index("ix_vacancy_org_hash", "organisation_id", "content_hash"),
        Index("ix_vacancy_org_isco", "organisation_id", "isco"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    job_fair_id: uuid.UUID | None = Field(default=None, foreign_key="job_fair.id", index=True, ondelete="SET NULL")
    upload_id: uuid.UUID | None = Field(default=None, foreign_key="upload_job.id", ondelete="SET NULL")
    external_id: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    document: dict[str, Any] = Field(sa_column=Column(JSONDoc, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    employer: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True, index=True))
    region: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    city: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    employment_type: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    pay_min: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    pay_max: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    pay_currency: str | None = Field(default=None, sa_column=Column(String(3), nullable=True))
    pay_period: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))
    expires_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(default="open", sa_column=Column(String(10), nullable=False))
    isco: str | None = Field(default=None, sa_column=Column(String(4), nullable=True))
    isco_source: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))  # given, coded
    isco_probability: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    coding: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDoc, nullable=True))
    needs_review: bool = False
    coding_status: str = Field(default="pending", sa_column=Column(String(12), nullable=False))
    coding_model: str | None = Field(default=None, sa_column=Column(String(120), nullable=True))
    # the coder's embedding of title and description (float32, unit length; model: coding_model)
    embedding: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    screening: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONDoc, nullable=False))
    flagged: bool = False  # the screening found something
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class VacancySkill(SQLModel, table=True):
    """An ESCO skill the vacancy asks for: listed by the employer (``given``) or found in its text."""

    __tablename__ = "vacancy_skill"

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: uuid.UUID = Field(foreign_key="vacancy.id", index=True, ondelete="CASCADE")
    esco_uri: str = Field(sa_column=Column(String(200), nullable=False))
    label: str = Field(sa_column=Column(String(300), nullable=False))
    source: str = Field(sa_column=Column(String(20), nullable=False))  # given, extracted
    field: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    words: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    method: str = Field(sa_column=Column(String(20), nullable=False))
    confidence: float = Field(sa_column=Column(Float, nullable=False))
