"""Upload jobs: the file as received (so any worker can resume it), the options, progress, and
the per-row report.

A job is ``queued`` until a worker claims it (``running``, with a heartbeat); rows are processed
in chunks, and each chunk's records, problems and the new ``rows_done`` checkpoint commit in one
transaction — a worker that dies loses at most the chunk in hand, which the next worker redoes
from the checkpoint once the lease has run out.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class UploadJob(SQLModel, table=True):
    __tablename__ = "upload_job"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_column=Column(String(12), nullable=False))  # vacancies, courses
    job_fair_id: uuid.UUID | None = Field(default=None, foreign_key="job_fair.id", ondelete="SET NULL")
    filename: str = Field(sa_column=Column(String(255), nullable=False))
    size: int = Field(sa_column=Column(Integer, nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # dropped when done
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDoc, nullable=False))
    status: str = Field(default="queued", sa_column=Column(String(10), nullable=False, index=True))
    rows_total: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    rows_done: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSONDoc, nullable=False))
    columns: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDoc, nullable=True))
    error: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDoc, nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))
    heartbeat_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_by: str = Field(sa_column=Column(String(36), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    started_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class UploadProblem(SQLModel, table=True):
    """One line of the per-row report: a cell that could not be read, a row that failed
    validation, or a screening finding (``severity`` error, rejected or warning)."""

    __tablename__ = "upload_problem"

    id: int | None = Field(default=None, primary_key=True)
    upload_id: uuid.UUID = Field(foreign_key="upload_job.id", index=True, ondelete="CASCADE")
    row: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    column: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    field: str | None = Field(default=None, sa_column=Column(String(60), nullable=True))
    severity: str = Field(sa_column=Column(String(10), nullable=False))
    code: str = Field(sa_column=Column(String(40), nullable=False))
    problem: str = Field(sa_column=Column(Text, nullable=False))
    value: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
