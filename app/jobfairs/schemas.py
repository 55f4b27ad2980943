"""Job fairs as the API accepts and returns them."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from app.fields import Country, Strict


class JobFairBody(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Your short code for the fair",
                               examples=["kl-2026-11"])]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    starts_on: date | None = None
    ends_on: date | None = None
    country: Country | None = None
    region: Annotated[str, Field(max_length=200)] | None = None
    city: Annotated[str, Field(max_length=200)] | None = None
    venue: Annotated[str, Field(max_length=300)] | None = None

    @model_validator(mode="after")
    def _dates(self) -> "JobFairBody":
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class JobFairPublic(JobFairBody):
    id: uuid.UUID
    vacancies: int
    created_at: datetime


class JobFairPage(BaseModel):
    count: int
    data: list[JobFairPublic]
