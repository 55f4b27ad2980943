"""An organisation's catalogue version: raised in the same transaction as any change to its
vacancies or courses, so that every worker's in-memory matching index can tell, with one
indexed read, that it must reload (``app/matches/catalogue.py``)."""
from __future__ import annotations

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.auth.models import Organisation

CATALOGUE_TABLES = frozenset({"vacancy", "course"})
_KEY = "catalogue_changed"


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in CATALOGUE_TABLES:
            session.info.setdefault(_KEY, set()).add(obj.organisation_id)


@event.listens_for(Session, "after_flush")
def _bump(session: Session, _context) -> None:
    changed = session.info.pop(_KEY, None)
    if changed:
        session.execute(
            update(Organisation).where(Organisation.id.in_(changed))
            .values(catalogue_version=Organisation.catalogue_version + 1)
            .execution_options(synchronize_session=False)
        )
