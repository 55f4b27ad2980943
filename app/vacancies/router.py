"""Vacancies: create, read, list, patch (JSON merge patch with If-Match), delete, CSV export.
Each is screened for discriminatory requirements and coded to ISCO-08 on save."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.auth.models import ApiKey, Organisation
from app.deps import AnyKey, CatalogueKey, RuntimeDep, SessionDep
from app.errors import Problem
from app.http import check_if_match, csv_safe, etag, validation_error
from app.jobfairs.models import JobFair
from app.passports.service import merge_patch
from app.tenancy import get_owned
from app.timeutil import utcnow
from app.vacancies import service
from app.vacancies.models import Vacancy, VacancySkill
from app.vacancies.schemas import (
    CodedCandidate, ScreeningFinding, SkillOut, VacancyBody, VacancyPage, VacancyPublic, VacancySummary,
)

router = APIRouter(tags=["vacancies"])
VacancyId = Annotated[uuid.UUID, Path(description="The vacancy id")]
IfMatch = Annotated[str | None, Header(description='The vacancy\'s ETag ("v3"): the change is refused (412) if it moved on')]


def check_job_fair(session: Session, organisation_id: uuid.UUID, job_fair_id: uuid.UUID | None,
                   loc: tuple = ("body", "job_fair_id")) -> None:
    if job_fair_id is None:
        return
    fair = session.get(JobFair, job_fair_id)
    if fair is None or fair.organisation_id != organisation_id:
        raise Problem(422, "unknown_job_fair", f"Your organisation has no job fair {job_fair_id}.",
                      errors=[{"loc": list(loc), "field": loc[-1], "msg": "no such job fair", "type": "not_found"}])


def _rejected(findings: list[dict[str, Any]]) -> Problem:
    words = "; ".join(f"{f['words']!r} ({f['category']})" for f in findings)
    return Problem(422, "discriminatory_requirement",
                   f"The vacancy states requirements that exclude people on grounds ILO Convention 111 protects: {words}. "
                   "Your organisation rejects such vacancies; remove the requirement and send it again.",
                   findings=findings)


def _duplicate(external_id: str) -> Problem:
    return Problem(409, "duplicate_external_id", f"Your organisation already has a vacancy with external_id {external_id!r}.",
                   errors=[{"loc": ["body", "external_id"], "field": "external_id", "msg": "already used", "type": "duplicate"}])


def public(session: Session, vacancy: Vacancy, runtime) -> VacancyPublic:
    tx = runtime.taxonomies
    skills = session.exec(select(VacancySkill).where(VacancySkill.vacancy_id == vacancy.id).order_by(VacancySkill.id)).all()
    coding = vacancy.coding or {}
    return VacancyPublic(
        **vacancy.document, job_fair_id=vacancy.job_fair_id, id=vacancy.id, version=vacancy.version,
        upload_id=vacancy.upload_id, isco=vacancy.isco,
        isco_title=tx.isco[vacancy.isco].title if tx is not None and vacancy.isco else None,
        isco_source=vacancy.isco_source, isco_probability=vacancy.isco_probability, needs_review=vacancy.needs_review,
        coding_status=vacancy.coding_status,
        candidates=[CodedCandidate(**c) for c in coding.get("candidates", [])],
        skills=[SkillOut.model_validate(s, from_attributes=True) for s in skills],
        screening=[ScreeningFinding(**f) for f in vacancy.screening], active=service.is_active(vacancy),
        created_at=vacancy.created_at, updated_at=vacancy.updated_at,
    )


def _ensure_coded(session: Session, vacancy: Vacancy, runtime) -> None:
    if vacancy.coding_status == "pending" and service.code(session, [vacancy], runtime):
        session.commit()


def _screening_mode(session: Session, key: ApiKey) -> str:
    return session.get(Organisation, key.organisation_id).screening_mode


@router.post("/v1/vacancies", status_code=201, response_model=VacancyPublic,
             summary="Add a vacancy; it is screened and coded on save")
def create_vacancy(body: VacancyBody, key: CatalogueKey, session: SessionDep, runtime: RuntimeDep,
                   response: Response) -> VacancyPublic:
    check_job_fair(session, key.organisation_id, body.job_fair_id)
    if body.external_id and session.exec(select(Vacancy.id).where(
            Vacancy.organisation_id == key.organisation_id, Vacancy.external_id == body.external_id)).first():
        raise _duplicate(body.external_id)
    saved = service.save(session, key.organisation_id, body, screening_mode=_screening_mode(session, key), lookup=False)
    if saved.outcome == "rejected":
        raise _rejected(saved.findings)
    vacancy = saved.vacancy
    service.code(session, [vacancy], runtime)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _duplicate(body.external_id or "") from None
    response.headers["Location"] = f"/v1/vacancies/{vacancy.id}"
    response.headers["ETag"] = etag(vacancy)
    return public(session, vacancy, runtime)


def _filters(key: ApiKey, job_fair_id, country, isco, status, active, needs_review, external_id, updated_since):
    where = [Vacancy.organisation_id == key.organisation_id]
    if job_fair_id:
        where.append(Vacancy.job_fair_id == job_fair_id)
    if country:
        where.append(Vacancy.country == country.upper())
    if isco:
        where.append(Vacancy.isco.startswith(isco))
    if status:
        where.append(Vacancy.status == status)
    if active is not None:
        today = utcnow().date()
        live = (Vacancy.status == "open") & or_(Vacancy.expires_on.is_(None), Vacancy.expires_on >= today)
        where.append(live if active else ~live)
    if needs_review is not None:
        where.append(Vacancy.needs_review.is_(needs_review))
    if external_id:
        where.append(Vacancy.external_id == external_id)
    if updated_since:
        where.append(Vacancy.updated_at >= updated_since)
    return where


@router.get("/v1/vacancies", response_model=VacancyPage, summary="List vacancies (summaries), newest first")
def list_vacancies(
    key: AnyKey, session: SessionDep,
    job_fair_id: uuid.UUID | None = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    isco: Annotated[str | None, Query(pattern=r"^\d{1,4}$", description="ISCO-08 group (any level)")] = None,
    status: Annotated[str | None, Query(pattern="^(open|closed|filled)$")] = None,
    active: Annotated[bool | None, Query(description="open and not expired (true) or the rest (false)")] = None,
    needs_review: bool | None = None,
    flagged: Annotated[bool | None, Query(description="with (true) or without (false) a screening finding")] = None,
    external_id: Annotated[str | None, Query(max_length=100)] = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> VacancyPage:
    where = _filters(key, job_fair_id, country, isco, status, active, needs_review, external_id, updated_since)
    if flagged is not None:
        where.append(Vacancy.flagged.is_(flagged))
    count = session.exec(select(func.count()).select_from(Vacancy).where(*where)).one()
    rows = session.exec(select(Vacancy).where(*where).order_by(Vacancy.updated_at.desc(), Vacancy.id)
                        .offset(offset).limit(limit)).all()
    return VacancyPage(count=count, data=[_summary(v) for v in rows])


def _summary(v: Vacancy) -> VacancySummary:
    return VacancySummary(id=v.id, external_id=v.external_id, job_fair_id=v.job_fair_id, title=v.title, employer=v.employer,
                          country=v.country, city=v.city, isco=v.isco, needs_review=v.needs_review,
                          flagged=sorted({f["category"] for f in v.screening}), status=v.status,
                          active=service.is_active(v), expires_on=v.expires_on, updated_at=v.updated_at)


EXPORT_COLUMNS = ("id", "external_id", "job_fair_id", "title", "employer", "country", "region", "city", "isco",
                  "isco_source", "isco_probability", "needs_review", "screening", "employment_type", "pay_min", "pay_max",
                  "pay_currency", "pay_period", "expires_on", "status", "active", "description")


@router.get("/v1/vacancies/export.csv", summary="Vacancies as CSV (formula-safe), with the same filters as the list",
            response_class=StreamingResponse)
def export_vacancies(
    key: AnyKey, session: SessionDep, job_fair_id: uuid.UUID | None = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    isco: Annotated[str | None, Query(pattern=r"^\d{1,4}$")] = None,
    status: Annotated[str | None, Query(pattern="^(open|closed|filled)$")] = None,
    active: bool | None = None, needs_review: bool | None = None,
) -> StreamingResponse:
    where = _filters(key, job_fair_id, country, isco, status, active, needs_review, None, None)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for v in session.exec(select(Vacancy).where(*where).order_by(Vacancy.created_at, Vacancy.id)):
        values = {"id": v.id, "external_id": v.external_id, "job_fair_id": v.job_fair_id, "title": v.title,
                  "employer": v.employer, "country": v.country, "region": v.region, "city": v.city, "isco": v.isco,
                  "isco_source": v.isco_source, "isco_probability": v.isco_probability, "needs_review": v.needs_review,
                  "screening": "; ".join(f"{f['category']}: {f['words']}" for f in v.screening),
                  "employment_type": v.employment_type, "pay_min": v.pay_min, "pay_max": v.pay_max,
                  "pay_currency": v.pay_currency, "pay_period": v.pay_period, "expires_on": v.expires_on,
                  "status": v.status, "active": service.is_active(v), "description": v.description}
        writer.writerow([csv_safe("" if values[c] is None else str(values[c])) for c in EXPORT_COLUMNS])
    return StreamingResponse(iter(["\ufeff" + out.getvalue()]), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="vacancies.csv"'})


@router.get("/v1/vacancies/{vacancy_id}", response_model=VacancyPublic, summary="Read a vacancy")
def read_vacancy(vacancy_id: VacancyId, key: AnyKey, session: SessionDep, runtime: RuntimeDep,
                 response: Response) -> VacancyPublic:
    vacancy = get_owned(session, Vacancy, vacancy_id, key.organisation_id)
    _ensure_coded(session, vacancy, runtime)
    response.headers["ETag"] = etag(vacancy)
    return public(session, vacancy, runtime)


@router.patch("/v1/vacancies/{vacancy_id}", response_model=VacancyPublic,
              summary="Change part of a vacancy (JSON merge patch); screened and re-coded on save")
def patch_vacancy(vacancy_id: VacancyId, key: CatalogueKey, session: SessionDep, runtime: RuntimeDep, response: Response,
                  if_match: IfMatch = None,
                  patch: dict[str, Any] = Body(examples=[{"status": "filled"}])) -> VacancyPublic:
    vacancy = get_owned(session, Vacancy, vacancy_id, key.organisation_id)
    check_if_match(vacancy, if_match, "vacancy")
    current = {**vacancy.document, "job_fair_id": str(vacancy.job_fair_id) if vacancy.job_fair_id else None}
    try:
        body = VacancyBody.model_validate(merge_patch(current, patch))
    except ValidationError as exc:
        raise validation_error(exc) from None
    check_job_fair(session, key.organisation_id, body.job_fair_id)
    if body.external_id and body.external_id != vacancy.external_id and session.exec(select(Vacancy.id).where(
            Vacancy.organisation_id == key.organisation_id, Vacancy.external_id == body.external_id)).first():
        raise _duplicate(body.external_id)
    saved = service.save(session, key.organisation_id, body, screening_mode=_screening_mode(session, key), existing=vacancy)
    if saved.outcome == "rejected":
        raise _rejected(saved.findings)
    if saved.outcome == "updated":
        service.code(session, [vacancy], runtime)
    session.commit()
    response.headers["ETag"] = etag(vacancy)
    return public(session, vacancy, runtime)


@router.delete("/v1/vacancies/{vacancy_id}", status_code=204, summary="Delete a vacancy")
def delete_vacancy(vacancy_id: VacancyId, key: CatalogueKey, session: SessionDep, if_match: IfMatch = None) -> Response:
    vacancy = get_owned(session, Vacancy, vacancy_id, key.organisation_id)
    check_if_match(vacancy, if_match, "vacancy")
    session.delete(vacancy)
    session.commit()
    return Response(status_code=204)
