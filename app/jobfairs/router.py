"""Job fairs: an organiser's events; vacancies and uploads can belong to one."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.deps import AnyKey, CatalogueKey, SessionDep
from app.errors import Problem
from app.jobfairs.models import JobFair
from app.jobfairs.schemas import JobFairBody, JobFairPage, JobFairPublic
from app.tenancy import get_owned
from app.vacancies.models import Vacancy

router = APIRouter(tags=["job fairs"])
JobFairId = Annotated[uuid.UUID, Path(description="The job fair id")]


def _count(session: Session, fair_id: uuid.UUID) -> int:
    return session.exec(select(func.count()).select_from(Vacancy).where(Vacancy.job_fair_id == fair_id)).one()


def _public(session: Session, fair: JobFair) -> JobFairPublic:
    return JobFairPublic.model_validate({**fair.model_dump(exclude={"organisation_id"}), "vacancies": _count(session, fair.id)})


def _duplicate(code: str) -> Problem:
    return Problem(409, "duplicate_code", f"Your organisation already has a job fair with code {code!r}.",
                   errors=[{"loc": ["body", "code"], "field": "code", "msg": "already used", "type": "duplicate"}])


@router.post("/v1/job-fairs", status_code=201, response_model=JobFairPublic, summary="Register a job fair")
def create_job_fair(body: JobFairBody, key: CatalogueKey, session: SessionDep, response: Response) -> JobFairPublic:
    fair = JobFair(organisation_id=key.organisation_id, **body.model_dump())
    session.add(fair)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _duplicate(body.code) from None
    response.headers["Location"] = f"/v1/job-fairs/{fair.id}"
    return _public(session, fair)


@router.get("/v1/job-fairs", response_model=JobFairPage, summary="Your organisation's job fairs, latest first")
def list_job_fairs(key: AnyKey, session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0)] = 0) -> JobFairPage:
    where = JobFair.organisation_id == key.organisation_id
    count = session.exec(select(func.count()).select_from(JobFair).where(where)).one()
    rows = session.exec(select(JobFair).where(where).order_by(JobFair.starts_on.desc(), JobFair.created_at.desc())
                        .offset(offset).limit(limit)).all()
    return JobFairPage(count=count, data=[_public(session, f) for f in rows])


@router.get("/v1/job-fairs/{job_fair_id}", response_model=JobFairPublic, summary="Read a job fair")
def read_job_fair(job_fair_id: JobFairId, key: AnyKey, session: SessionDep) -> JobFairPublic:
    return _public(session, get_owned(session, JobFair, job_fair_id, key.organisation_id))


@router.put("/v1/job-fairs/{job_fair_id}", response_model=JobFairPublic, summary="Replace a job fair's details")
def replace_job_fair(job_fair_id: JobFairId, body: JobFairBody, key: CatalogueKey, session: SessionDep) -> JobFairPublic:
    fair = get_owned(session, JobFair, job_fair_id, key.organisation_id)
    for name, value in body.model_dump().items():
        setattr(fair, name, value)
    session.add(fair)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _duplicate(body.code) from None
    return _public(session, fair)


@router.delete("/v1/job-fairs/{job_fair_id}", status_code=204,
               summary="Delete a job fair that has no vacancies (409 otherwise)")
def delete_job_fair(job_fair_id: JobFairId, key: CatalogueKey, session: SessionDep) -> Response:
    fair = get_owned(session, JobFair, job_fair_id, key.organisation_id)
    if count := _count(session, fair.id):
        raise Problem(409, "job_fair_in_use", f"The job fair has {count} vacancies: delete them or move them to "
                      "another fair first.", vacancies=count)
    session.delete(fair)
    session.commit()
    return Response(status_code=204)
