"""Job fairs: an organiser's event, to which vacancies (typed or uploaded) belong."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class JobFair(SQLModel, table=True):
    __tablename__ = "job_fair"
    __table_args__ = (UniqueConstraint("organisation_id", "code", name="uq_job_fair_org_code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    code: str = Field(sa_column=Column(String(64), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    starts_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    ends_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    region: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    city: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    venue: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
