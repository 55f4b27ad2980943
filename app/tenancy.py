"""Tenant scoping: a record of another organisation is indistinguishable from a missing one."""
import uuid
from typing import TypeVar

from sqlmodel import Session, SQLModel

from app.errors import Problem

T = TypeVar("T", bound=SQLModel)


def get_owned(session: Session, model: type[T], record_id: uuid.UUID, organisation_id: uuid.UUID) -> T:
    """The record if it exists and belongs to the organisation; otherwise a 404 problem."""
    record = session.get(model, record_id)
    if record is None or record.organisation_id != organisation_id:
        raise Problem(404, "not_found", f"No {model.__tablename__.replace('_', ' ')} with id {record_id}.")
    return record
