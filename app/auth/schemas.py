import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import Role


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    slug: str
    name: str
    country: str | None
    screening_mode: Literal["flag", "reject"] = Field(
        description="What happens to a vacancy with a discriminatory requirement (ILO C111): flag = stored with "
        "the finding; reject = not stored, reported")
    created_at: datetime


class OrganisationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    screening_mode: Literal["flag", "reject"]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    role: Role


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyIssued(ApiKeyPublic):
    key: str = Field(description="The key itself. Shown only once: store it now.")


class ApiKeyList(BaseModel):
    data: list[ApiKeyPublic]
    count: int


class WhoAmI(BaseModel):
    organisation: OrganisationPublic
    key: ApiKeyPublic
