"""Training courses: create, read, list, patch (JSON merge patch with If-Match), delete. The ESCO
skills each teaches are found on save."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Response
from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.courses import service
from app.courses.models import Course, CourseSkill
from app.courses.schemas import CourseBody, CourseKind, CoursePage, CoursePublic, CourseSummary, Mode
from app.deps import AnyKey, CatalogueKey, RuntimeDep, SessionDep
from app.errors import Problem
from app.http import check_if_match, etag, validation_error
from app.passports.service import merge_patch
from app.tenancy import get_owned
from app.vacancies.schemas import SkillOut

router = APIRouter(tags=["courses"])
CourseId = Annotated[uuid.UUID, Path(description="The course id")]
IfMatch = Annotated[str | None, Header(description='The course\'s ETag ("v3"): the change is refused (412) if it moved on')]


def _duplicate(external_id: str) -> Problem:
    return Problem(409, "duplicate_external_id", f"Your organisation already has a course with external_id {external_id!r}.",
                   errors=[{"loc": ["body", "external_id"], "field": "external_id", "msg": "already used", "type": "duplicate"}])


def public(session: Session, course: Course) -> CoursePublic:
    skills = session.exec(select(CourseSkill).where(CourseSkill.course_id == course.id).order_by(CourseSkill.id)).all()
    return CoursePublic(**course.document, id=course.id, version=course.version, upload_id=course.upload_id,
                        coding_status=course.coding_status, created_at=course.created_at, updated_at=course.updated_at,
                        skills=[SkillOut.model_validate({**s.model_dump(), "field": "skills_taught" if s.source == "given"
                                                         else None}) for s in skills])


@router.post("/v1/courses", status_code=201, response_model=CoursePublic, summary="Add a training course")
def create_course(body: CourseBody, key: CatalogueKey, session: SessionDep, runtime: RuntimeDep,
                  response: Response) -> CoursePublic:
    if body.external_id and session.exec(select(Course.id).where(
            Course.organisation_id == key.organisation_id, Course.external_id == body.external_id)).first():
        raise _duplicate(body.external_id)
    course = service.save(session, key.organisation_id, body, lookup=False).course
    service.code(session, [course], runtime)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _duplicate(body.external_id or "") from None
    response.headers["Location"] = f"/v1/courses/{course.id}"
    response.headers["ETag"] = etag(course)
    return public(session, course)


@router.get("/v1/courses", response_model=CoursePage, summary="List training courses (summaries), newest first")
def list_courses(
    key: AnyKey, session: SessionDep, kind: CourseKind | None = None, mode: Mode | None = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    isco: Annotated[str | None, Query(pattern=r"^\d{4}$", description="Targets this ISCO-08 unit group")] = None,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    external_id: Annotated[str | None, Query(max_length=100)] = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> CoursePage:
    where = [Course.organisation_id == key.organisation_id]
    for column, value in ((Course.kind, kind), (Course.mode, mode), (Course.status, status),
                          (Course.external_id, external_id)):
        if value is not None:
            where.append(column == (value.value if hasattr(value, "value") else value))
    if country:
        where.append(Course.country == country.upper())
    if updated_since:
        where.append(Course.updated_at >= updated_since)
    rows = session.exec(select(Course).where(*where).order_by(Course.updated_at.desc(), Course.id)).all()
    if isco:  # a JSON list column: filtered here, portable across SQLite and PostgreSQL
        rows = [c for c in rows if isco in c.target_isco]
    count = len(rows) if isco else session.exec(select(func.count()).select_from(Course).where(*where)).one()
    page = rows[offset:offset + limit]
    return CoursePage(count=count, data=[CourseSummary(
        id=c.id, external_id=c.external_id, title=c.title, provider=c.provider, kind=c.kind, target_isco=c.target_isco,
        mode=c.mode, country=c.country, city=c.city, cost=c.cost, status=c.status, updated_at=c.updated_at) for c in page])


@router.get("/v1/courses/{course_id}", response_model=CoursePublic, summary="Read a training course")
def read_course(course_id: CourseId, key: AnyKey, session: SessionDep, runtime: RuntimeDep, response: Response) -> CoursePublic:
    course = get_owned(session, Course, course_id, key.organisation_id)
    if course.coding_status == "pending" and service.code(session, [course], runtime):
        session.commit()
    response.headers["ETag"] = etag(course)
    return public(session, course)


@router.patch("/v1/courses/{course_id}", response_model=CoursePublic, summary="Change part of a course (JSON merge patch)")
def patch_course(course_id: CourseId, key: CatalogueKey, session: SessionDep, runtime: RuntimeDep, response: Response,
                 if_match: IfMatch = None, patch: dict[str, Any] = Body(examples=[{"seats": 12}])) -> CoursePublic:
    course = get_owned(session, Course, course_id, key.organisation_id)
    check_if_match(course, if_match, "course")
    try:
        body = CourseBody.model_validate(merge_patch(course.document, patch))
    except ValidationError as exc:
        raise validation_error(exc) from None
    if body.external_id and body.external_id != course.external_id and session.exec(select(Course.id).where(
            Course.organisation_id == key.organisation_id, Course.external_id == body.external_id)).first():
        raise _duplicate(body.external_id)
    if service.save(session, key.organisation_id, body, existing=course).outcome == "updated":
        service.code(session, [course], runtime)
    session.commit()
    response.headers["ETag"] = etag(course)
    return public(session, course)


@router.delete("/v1/courses/{course_id}", status_code=204, summary="Delete a training course")
def delete_course(course_id: CourseId, key: CatalogueKey, session: SessionDep, if_match: IfMatch = None) -> Response:
    course = get_owned(session, Course, course_id, key.organisation_id)
    check_if_match(course, if_match, "course")
    session.delete(course)
    session.commit()
    return Response(status_code=204)
