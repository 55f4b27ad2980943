"""An organisation's catalogue version: raised in the same transaction as any change to its
vacancies or courses, so that every worker's in-memory matching index can tell, with one
indexed read, that it must reload (``app/matches/catalogue.py``).

The version is raised at the start of the flush, before the vacancy and course rows are
written: every writer of an organisation's catalogue takes the organisation row first, so
concurrent writers (an upload chunk and an API edit) queue in one order and cannot deadlock.
"""
from __future__ import annotations

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.auth.models import Organisation

CATALOGUE_TABLES = frozenset({"vacancy", "course"})


@event.listens_for(Session, "before_flush")
def _bump(session: Session, _context, _instances) -> None:
    changed = {obj.organisation_id for obj in (*session.new, *session.dirty, *session.deleted)
               if getattr(obj, "__tablename__", None) in CATALOGUE_TABLES}
    if changed:
        # on the session's connection, not session.execute: no autoflush inside a flush
        session.connection().execute(
            update(Organisation).where(Organisation.id.in_(changed))
            .values(catalogue_version=Organisation.catalogue_version + 1)
        )
