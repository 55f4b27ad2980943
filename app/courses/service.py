"""Course operations shared by the API and the upload worker: identity (external id, else
content hash), saving, and the ESCO skills a course teaches (the list given, and its text)."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, select

from app.courses.models import Course, CourseSkill
from app.courses.schemas import CourseBody, document_of
from app.runtime import Runtime
from app.timeutil import utcnow
from app.vacancies.service import content_hash
from matching.skills.listing import RecordSkill, record_skills


@dataclass
class Saved:
    course: Course | None
    outcome: str  # created, updated, unchanged


def find_existing(session: Session, organisation_id: uuid.UUID, external_id: str | None, digest: str) -> Course | None:
    where = [Course.organisation_id == organisation_id]
    where.append(Course.external_id == external_id if external_id else
                 (Course.external_id.is_(None)) & (Course.content_hash == digest))
    return session.exec(select(Course).where(*where)).first()


def save(session: Session, organisation_id: uuid.UUID, body: CourseBody, *, upload_id: uuid.UUID | None = None,
         existing: Course | None = None, lookup: bool = True) -> Saved:
    document = document_of(body)
    digest = content_hash(document)
    if existing is None and lookup:
        existing = find_existing(session, organisation_id, body.external_id, digest)
    if existing is not None and existing.content_hash == digest:
        return Saved(existing, "unchanged")
    course = existing or Course(organisation_id=organisation_id, content_hash=digest, document={}, title=body.title,
                                kind=body.kind.value)
    course.document, course.content_hash, course.external_id = document, digest, body.external_id
    course.title, course.description, course.provider = body.title, body.description, body.provider
    course.kind, course.target_isco = body.kind.value, list(body.target_isco)
    course.mode = body.mode.value if body.mode else None
    course.country, course.region, course.city = body.country, body.region, body.city
    course.cost, course.hours, course.status = body.cost, body.hours, body.status.value
    course.coding_status = "pending"
    course.updated_at = utcnow()
    if upload_id is not None:
        course.upload_id = upload_id
    if existing is not None:
        course.version += 1
    session.add(course)
    return Saved(course, "updated" if existing is not None else "created")


def compute_skills(runtime: Runtime, courses: Sequence[Course]) -> list[list[RecordSkill]] | None:
    """The ESCO skills each course teaches: the list given (normalised), then what its title and
    description name; ``None`` while the model is loading. CPU only."""
    extractor = runtime.skills
    if extractor is None:
        return None
    return record_skills(extractor, [(c.title, c.description) for c in courses],
                         [c.document.get("skills_taught", []) for c in courses], "skills_taught",
                         runtime.require_taxonomies().esco_skills)


def apply_skills(session: Session, course: Course, skills: list[RecordSkill], *, had_skills: bool = True) -> None:
    if had_skills:
        session.exec(delete(CourseSkill).where(CourseSkill.course_id == course.id))
    for s in skills:
        session.add(CourseSkill(course_id=course.id, esco_uri=s.uri, label=s.label, source=s.source, words=s.words,
                                method=s.method, confidence=s.confidence))
    course.coding_status = "coded"
    session.add(course)


def code(session: Session, courses: Sequence[Course], runtime: Runtime) -> int:
    found = compute_skills(runtime, courses)
    for course, skills in zip(courses, found or []):
        apply_skills(session, course, skills)
    return len(found or [])
