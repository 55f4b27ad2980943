"""Writing and reading the audit log: who (API key and role), what (action on which record),
when, and for what purpose. Callers state the purpose in the ``X-Purpose`` header; without it
the role's usual purpose is recorded."""
from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Header
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import ApiKey, Role


class Purpose(StrEnum):
    counselling = "counselling"  # a counsellor working with the person
    service_delivery = "service_delivery"  # a PES portal acting for its client
    matching = "matching"
    rpl_referral = "rpl_referral"
    statistics = "statistics"
    data_subject_request = "data_subject_request"  # the person asked for their data, or its erasure
    administration = "administration"


DEFAULT_PURPOSE = {
    Role.counsellor: Purpose.counselling, Role.portal: Purpose.service_delivery,
    Role.admin: Purpose.administration, Role.fair_organiser: Purpose.matching,
}


def purpose_header(
    x_purpose: Annotated[Purpose | None, Header(description="Why personal data is accessed (recorded in the audit log)")] = None,
) -> Purpose | None:
    return x_purpose


def record(session: Session, key: ApiKey, action: str, resource_type: str, resource_id: uuid.UUID | str | None,
           purpose: Purpose | None, detail: dict[str, Any] | None = None) -> None:
    """Add an audit event to the session (committed with the change it records)."""
    session.add(AuditEvent(
        organisation_id=key.organisation_id, key_id=str(key.id), role=str(key.role), action=action,
        resource_type=resource_type, resource_id=str(resource_id) if resource_id else None,
        purpose=str(purpose or DEFAULT_PURPOSE[Role(key.role)]), detail=detail,
    ))


def events_for(session: Session, organisation_id: uuid.UUID, resource_type: str, resource_id: uuid.UUID) -> list[AuditEvent]:
    return list(session.exec(
        select(AuditEvent).where(AuditEvent.organisation_id == organisation_id, AuditEvent.resource_type == resource_type,
                                 AuditEvent.resource_id == str(resource_id)).order_by(AuditEvent.id)
    ))
