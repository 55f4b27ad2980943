"""Organisations (tenants) and their API keys."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Integer, String
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class Role(StrEnum):
    portal = "portal"
    fair_organiser = "fair_organiser"
    counsellor = "counsellor"
    admin = "admin"


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(sa_column=Column(String(64), unique=True, nullable=False, index=True))
    name: str = Field(max_length=200)
    country: str | None = Field(default=None, max_length=2)
    # What an upload does with a vacancy that states a discriminatory requirement (ILO C111):
    # "flag" stores it with the finding on the row; "reject" stores nothing and reports it.
    screening_mode: str = Field(default="flag", sa_column=Column(String(10), nullable=False, server_default="flag"))
    # Raised with every change to the organisation's vacancies or courses (app/catalogue_version.py).
    catalogue_version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    role: Role = Field(sa_column=Column(String(20), nullable=False))
    prefix: str = Field(sa_column=Column(String(16), unique=True, nullable=False, index=True))
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
