"""The audit log of personal-data access. It never holds personal data itself: ids, actions,
field names and purposes only, so that it can outlive an erasure as its tombstone."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_resource", "resource_type", "resource_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    key_id: str = Field(sa_column=Column(String(36), nullable=False))
    role: str = Field(sa_column=Column(String(20), nullable=False))
    action: str = Field(sa_column=Column(String(20), nullable=False))  # create read update delete export override erase
    resource_type: str = Field(sa_column=Column(String(30), nullable=False))
    resource_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    purpose: str = Field(sa_column=Column(String(30), nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
