"""Passport storage: the document as written, and what the service derived from it.

``passport.document`` holds the validated passport (tier 1 and tier 2 data). Tier-2 columns
copied out of it (sex, birth year, country, region) serve filters and reports only. Derived rows
— coded occupations and extracted skills — live in their own tables so that matching can query
them, and are deleted with the passport.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, DateTime, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Passport(SQLModel, table=True):
    __tablename__ = "passport"
    __table_args__ = (UniqueConstraint("organisation_id", "external_ref", name="uq_passport_org_ref"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    external_ref: str = Field(sa_column=Column(String(100), nullable=False))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    document: dict[str, Any] = Field(sa_column=Column(JSONDoc, nullable=False))
    sex: str = Field(sa_column=Column(String(12), nullable=False))
    birth_year: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True, index=True))
    region: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    priority_support: bool = False
    coding_status: str = Field(default="pending", sa_column=Column(String(12), nullable=False))
    coding_model: str | None = Field(default=None, sa_column=Column(String(120), nullable=True))
    # months-weighted mean of the experiences' embeddings (float32, unit length; model: coding_model)
    embedding: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    coded_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class PassportOccupation(SQLModel, table=True):
    """One of the top-3 ISCO-08 unit groups the coder gave an experience (or the pre-migration job)."""

    __tablename__ = "passport_occupation"
    __table_args__ = (Index("ix_passport_occupation_org_isco", "organisation_id", "isco"),)

    id: int | None = Field(default=None, primary_key=True)
    passport_id: uuid.UUID = Field(foreign_key="passport.id", index=True, ondelete="CASCADE")
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", ondelete="CASCADE")
    experience_id: str = Field(sa_column=Column(String(40), nullable=False))
    rank: int
    isco: str = Field(sa_column=Column(String(4), nullable=False))
    probability: float = Field(sa_column=Column(Float, nullable=False))
    matched_label: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    signal: str = Field(sa_column=Column(String(20), nullable=False))
    needs_review: bool = False


class PassportSkill(SQLModel, table=True):
    """An ESCO skill the passport shows, with where it came from (provenance)."""

    __tablename__ = "passport_skill"

    id: int | None = Field(default=None, primary_key=True)
    passport_id: uuid.UUID = Field(foreign_key="passport.id", index=True, ondelete="CASCADE")
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", ondelete="CASCADE")
    esco_uri: str = Field(sa_column=Column(String(200), nullable=False))
    label: str = Field(sa_column=Column(String(300), nullable=False))
    source: str = Field(sa_column=Column(String(20), nullable=False))  # extracted, declared, assessed
    experience_id: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    field: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))  # title, tasks, description
    words: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    method: str = Field(sa_column=Column(String(20), nullable=False))  # exact, dense, declared
    confidence: float = Field(sa_column=Column(Float, nullable=False))


class OccupationOverride(SQLModel, table=True):
    """A counsellor's correction of a coded occupation: kept, audited, exported as a label, and
    used by the coder as an alias for this organisation."""

    __tablename__ = "occupation_override"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    passport_id: uuid.UUID = Field(foreign_key="passport.id", index=True, ondelete="CASCADE")
    experience_id: str = Field(sa_column=Column(String(40), nullable=False))
    text: str = Field(sa_column=Column(String(2000), nullable=False))
    lang: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    coded_isco: str | None = Field(default=None, sa_column=Column(String(4), nullable=True))
    isco: str = Field(sa_column=Column(String(4), nullable=False))
    reason: str = Field(sa_column=Column(String(500), nullable=False))
    created_by: str = Field(sa_column=Column(String(36), nullable=False))  # the API key id
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
