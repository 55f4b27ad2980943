"""API keys: issued once in clear, stored as HMAC-SHA256 hashes, looked up by a public prefix.

A key reads ``rm_<prefix>_<secret>``. Only the prefix (to find the row) and the HMAC of the whole
key under the server's pepper are stored, so a leaked database does not leak usable keys.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from app.auth.models import ApiKey, Organisation, Role
from app.timeutil import utcnow

KEY_PATTERN = re.compile(r"^rm_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32,64})$")
_DUMMY_HASH = "0" * 64



def hash_key(key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


def _new_key() -> tuple[str, str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(12))
    return prefix, f"rm_{prefix}_{secrets.token_urlsafe(32)}"


@dataclass(frozen=True)
class IssuedKey:
    key: str  # shown once, never stored
    record: ApiKey


def issue_key(session: Session, organisation: Organisation, role: Role, name: str, pepper: str) -> IssuedKey:
    prefix, key = _new_key()
    record = ApiKey(
        organisation_id=organisation.id, name=name, role=Role(role), prefix=prefix, key_hash=hash_key(key, pepper)
    )
    session.add(record)
    session.commit()
    session.refresh(record)
    return IssuedKey(key=key, record=record)


def authenticate(session: Session, key: str | None, pepper: str) -> ApiKey | None:
    """The live key matching ``key``, or None. Constant-time whatever the reason for failure."""
    match = KEY_PATTERN.match(key or "")
    record = None
    if match:
        record = session.exec(select(ApiKey).where(ApiKey.prefix == match.group(1))).first()
    expected = record.key_hash if record is not None else _DUMMY_HASH
    ok = hmac.compare_digest(expected, hash_key(key or "", pepper))
    if not ok or record is None or record.revoked_at is not None:
        return None
    return record


def revoke_key(session: Session, record: ApiKey) -> ApiKey:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.commit()
        session.refresh(record)
    return record


def find_organisation(session: Session, slug_or_id: str) -> Organisation | None:
    try:
        return session.get(Organisation, uuid.UUID(slug_or_id))
    except ValueError:
        return session.exec(select(Organisation).where(Organisation.slug == slug_or_id)).first()


def create_organisation(session: Session, name: str, slug: str, country: str | None = None) -> Organisation:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", slug):
        raise ValueError("slug must be 2-64 lower-case letters, digits or hyphens")
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        raise ValueError(f"an organisation with slug {slug!r} exists")
    organisation = Organisation(name=name, slug=slug, country=country.upper() if country else None)
    session.add(organisation)
    session.commit()
    session.refresh(organisation)
    return organisation
