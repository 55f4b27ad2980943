"""Training-course storage: the record as validated, columns for filters and ranking, and the
ESCO skills it teaches. Identity inside an organisation as for vacancies (external id, else
content hash)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app import catalogue_version  # noqa: F401  (registers the version hook)
from app.timeutil import utcnow

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class Course(SQLModel, table=True):
    __tablename__ = "course"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_course_org_external_id"),
        Index("ix_course_org_hash", "organisation_id", "content_hash"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    upload_id: uuid.UUID | None = Field(default=None, foreign_key="upload_job.id", ondelete="SET NULL")
    external_id: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    document: dict[str, Any] = Field(sa_column=Column(JSONDoc, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    provider: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    kind: str = Field(sa_column=Column(String(30), nullable=False, index=True))
    target_isco: list[str] = Field(default_factory=list, sa_column=Column(JSONDoc, nullable=False))
    mode: str | None = Field(default=None, sa_column=Column(String(12), nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True, index=True))
    region: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    city: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    cost: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    hours: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    status: str = Field(default="open", sa_column=Column(String(10), nullable=False))
    coding_status: str = Field(default="pending", sa_column=Column(String(12), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class CourseSkill(SQLModel, table=True):
    """An ESCO skill the course teaches: listed by the provider (``given``) or found in its text."""

    __tablename__ = "course_skill"

    id: int | None = Field(default=None, primary_key=True)
    course_id: uuid.UUID = Field(foreign_key="course.id", index=True, ondelete="CASCADE")
    esco_uri: str = Field(sa_column=Column(String(200), nullable=False))
    label: str = Field(sa_column=Column(String(300), nullable=False))
    source: str = Field(sa_column=Column(String(20), nullable=False))
    words: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    method: str = Field(sa_column=Column(String(20), nullable=False))
    confidence: float = Field(sa_column=Column(Float, nullable=False))
