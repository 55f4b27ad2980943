"""Request dependencies: settings, database session, runtime, the caller's API key and role checks."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlmodel import Session

from app.audit.log import Purpose, purpose_header
from app.auth.keys import authenticate
from app.auth.models import ApiKey, Role
from app.errors import Problem
from app.runtime import Runtime
from app.settings import Settings
from app.timeutil import utcnow

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key issued to your organisation")
_UNAUTHORISED = "The X-API-Key header is missing, or the key is not valid."
_LAST_USED_RESOLUTION = timedelta(minutes=5)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_current_key(
    session: SessionDep, settings: SettingsDep, key: Annotated[str | None, Security(_api_key_header)]
) -> ApiKey:
    record = authenticate(session, key, settings.api_key_pepper)
    if record is None:
        raise Problem(401, "unauthorized", _UNAUTHORISED, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    now = utcnow()
    last = record.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) > _LAST_USED_RESOLUTION:
        record.last_used_at = now
        session.add(record)
        session.commit()
    return record


CurrentKey = Annotated[ApiKey, Depends(get_current_key)]


def require_roles(*roles: Role) -> Callable[[ApiKey], ApiKey]:
    """A dependency that lets through only keys with one of ``roles``."""
    allowed = frozenset(roles)

    def check(key: CurrentKey) -> ApiKey:
        if key.role not in allowed:
            raise Problem(
                403, "forbidden",
                f"This operation needs one of the roles {', '.join(sorted(allowed))}; your key has the role {key.role}.",
            )
        return key

    return check


ALL_ROLES = tuple(Role)
AdminKey = Annotated[ApiKey, Depends(require_roles(Role.admin))]
AnyKey = Annotated[ApiKey, Depends(require_roles(*ALL_ROLES))]
CatalogueKey = Annotated[ApiKey, Depends(require_roles(Role.fair_organiser, Role.portal, Role.admin))]
PassportKey = Annotated[ApiKey, Depends(require_roles(Role.portal, Role.counsellor, Role.admin))]
PurposeDep = Annotated[Purpose | None, Depends(purpose_header)]
