"""Skills passports: create, read, list, patch (JSON merge patch with If-Match), erase; what a
passport supports; counsellor overrides; the person's export; labelled data export."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit.log import Purpose, events_for, record
from app.auth.models import ApiKey, Role
from app.deps import PassportKey, PurposeDep, RuntimeDep, SessionDep, require_roles
from app.errors import Problem
from app.http import check_if_match, csv_safe, etag, validation_error
from app.passports import service
from app.passports.models import OccupationOverride, Passport, PassportOccupation, PassportSkill
from app.passports.questionnaire import AnswerError, QuestionnaireImport, to_passport
from app.passports.schemas import IscoUnit, PassportBody, PassportCreate
from app.tenancy import get_owned
from taxonomies.ilo_forms import load_ilo_forms

router = APIRouter(tags=["passports"])
CounsellorKey = Annotated[ApiKey, Depends(require_roles(Role.counsellor, Role.admin))]
IfMatch = Annotated[str | None, Header(description='The passport\'s ETag ("v3"): the change is refused (412) if it moved on')]
PassportId = Annotated[uuid.UUID, Path(description="The passport id")]
_COUNSELLOR_ROLES = {Role.counsellor, Role.admin}


# ---- response models ---------------------------------------------------------------------------
class CodedOccupation(BaseModel):
    rank: int
    isco: str
    title: str
    probability: float
    signal: str
    matched_label: str | None
    needs_review: bool


class OverrideOut(BaseModel):
    id: uuid.UUID
    experience_id: str
    coded_isco: str | None
    isco: str
    title: str
    reason: str
    created_by: str
    created_at: datetime


class ExperienceCoding(BaseModel):
    experience_id: str
    coded: list[CodedOccupation]
    override: OverrideOut | None = None


class SkillOut(BaseModel):
    esco_uri: str
    label: str
    source: str = Field(description="extracted (from the worker's words), declared or assessed")
    experience_id: str | None
    field: str | None = Field(description="title, tasks, description or declared")
    words: str | None = Field(description="The words that showed the skill")
    method: str
    confidence: float


class PassportPublic(BaseModel):
    id: uuid.UUID
    external_ref: str
    version: int
    created_at: datetime
    updated_at: datetime
    coding_status: str = Field(description="coded, or pending while the coder loads")
    passport: dict[str, Any] = Field(description="The passport as stored (schema: GET /v1/schemas/passport), consent stamped")
    priority_support: bool | None = Field(default=None, description="Shown to counsellors only")
    coding: list[ExperienceCoding]
    skills: list[SkillOut]


class PassportSummary(BaseModel):
    id: uuid.UUID
    external_ref: str
    version: int
    country: str | None
    region: str | None
    experiences: int
    coding_status: str
    updated_at: datetime


class PassportPage(BaseModel):
    data: list[PassportSummary]
    count: int


class SupportedOccupation(BaseModel):
    isco: str
    title: str
    skill_levels: list[int]
    months_abroad: int
    months_home: int
    months_unknown_place: int
    months_total: int
    experiences: list[str]
    evidence_strength: str = Field(description="verified, documented, self_declared or none")
    confidence: float
    sources: list[str] = Field(description="coded, override, before_migration")
    needs_review: bool


class SupportedOccupations(BaseModel):
    passport_id: uuid.UUID
    data: list[SupportedOccupation]


class OverrideIn(BaseModel):
    isco: IscoUnit
    reason: str = Field(min_length=3, max_length=500, description="Why the coded occupation was wrong")
    model_config = {"extra": "forbid"}


# ---- helpers -----------------------------------------------------------------------------------
def _load(session: Session, key: ApiKey, passport_id: uuid.UUID) -> Passport:
    return get_owned(session, Passport, passport_id, key.organisation_id)


def _ensure_coded(session: Session, passport: Passport, runtime) -> None:
    if passport.coding_status == "pending" and runtime.coder is not None:
        service.code_passport(session, passport, runtime)
        session.add(passport)
        session.commit()


def _public(session: Session, passport: Passport, key: ApiKey, runtime) -> PassportPublic:
    tx = runtime.require_taxonomies()
    rows = session.exec(select(PassportOccupation).where(PassportOccupation.passport_id == passport.id)
                        .order_by(PassportOccupation.experience_id, PassportOccupation.rank)).all()
    overrides = _overrides(session, passport.id)
    latest = {o.experience_id: o for o in overrides}
    coding: dict[str, list[CodedOccupation]] = {}
    for r in rows:
        if r.experience_id.startswith(service.PREFERENCE):
            continue
        coding.setdefault(r.experience_id, []).append(CodedOccupation(
            rank=r.rank, isco=r.isco, title=tx.isco[r.isco].title, probability=r.probability, signal=r.signal,
            matched_label=r.matched_label, needs_review=r.needs_review))
    skills = session.exec(select(PassportSkill).where(PassportSkill.passport_id == passport.id)
                          .order_by(PassportSkill.id)).all()
    return PassportPublic(
        id=passport.id, external_ref=passport.external_ref, version=passport.version, created_at=passport.created_at,
        updated_at=passport.updated_at, coding_status=passport.coding_status, passport=passport.document,
        priority_support=passport.priority_support if key.role in _COUNSELLOR_ROLES else None,
        coding=[ExperienceCoding(experience_id=eid, coded=coded,
                                 override=_override_out(latest[eid], tx) if eid in latest else None)
                for eid, coded in coding.items()],
        skills=[SkillOut.model_validate(s, from_attributes=True) for s in skills],
    )


def _overrides(session: Session, passport_id: uuid.UUID) -> list[OccupationOverride]:
    return list(session.exec(select(OccupationOverride).where(OccupationOverride.passport_id == passport_id)
                             .order_by(OccupationOverride.created_at)))


def _override_out(o: OccupationOverride, tx) -> OverrideOut:
    return OverrideOut(id=o.id, experience_id=o.experience_id, coded_isco=o.coded_isco, isco=o.isco,
                       title=tx.isco[o.isco].title, reason=o.reason, created_by=o.created_by, created_at=o.created_at)


def _check_priority(key: ApiKey, body: PassportBody) -> None:
    if body.priority_support is not None and key.role not in _COUNSELLOR_ROLES:
        raise Problem(403, "forbidden", "priority_support can be set by counsellors only.",
                      errors=[{"loc": ["body", "priority_support"], "field": "priority_support",
                               "msg": "counsellor-only field", "type": "forbidden"}])


def _duplicate(ref: str) -> Problem:
    return Problem(409, "duplicate_external_ref",
                   f"Your organisation already has a passport with external_ref {ref!r}.",
                   errors=[{"loc": ["body", "external_ref"], "field": "external_ref", "msg": "already used",
                            "type": "duplicate"}])


def _respond(response: Response, passport: Passport) -> None:
    response.headers["ETag"] = etag(passport)


# ---- routes ------------------------------------------------------------------------------------
@router.get("/v1/schemas/passport", summary="The passport as JSON Schema (what POST and PATCH accept)")
def passport_schema() -> dict[str, Any]:
    schema = PassportCreate.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://returnmatch.org/schemas/passport.json"
    return schema


@router.get("/v1/schemas/self-assessment", summary="The ILO self-assessment items (Tables 9 and 11) and the 1–4 anchors")
def self_assessment_schema() -> dict[str, Any]:
    forms = load_ilo_forms()
    return {
        "source": "ILO (2024) ToT manual on labour-market reintegration, Tables 9 and 11",
        "soft_skills": [{"item": s.id, "statement": s.statement, "esco_skill": s.esco_label} for s in forms.soft_skills],
        "sector_experience": [{"item": s.id, "sector": s.sector, "label": s.label, "isco": s.isco08}
                              for s in forms.sector_statements.values()],
        "developed": list(forms.where_developed_values),
        "anchors": {table: [{"level": a.level, "label": a.label, "description": a.description} for a in anchors]
                    for table, anchors in forms.anchors.items()},
        "anchors_defined_by": forms.anchors_defined_by,
    }


@router.post("/v1/passports", status_code=201, response_model=PassportPublic, summary="Register a passport; it is coded on save")
def create_passport(body: PassportCreate, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                    response: Response, purpose: PurposeDep) -> PassportPublic:
    return _create(body, key, session, runtime, response, purpose)


@router.post("/v1/passports/import/ilo-questionnaire", status_code=201, response_model=PassportPublic,
             summary="Register a passport from ILO return-migration questionnaire answers (Annex 2 codes)")
def import_questionnaire(answers: QuestionnaireImport, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                         response: Response, purpose: PurposeDep) -> PassportPublic:
    try:
        body = PassportCreate.model_validate(to_passport(answers))
    except AnswerError as exc:
        raise RequestValidationError([{"loc": ("body", *exc.loc), "msg": str(exc), "type": "value_error"}]) from None
    except ValidationError as exc:
        raise validation_error(exc) from None
    return _create(body, key, session, runtime, response, purpose)


def _create(body: PassportCreate, key: ApiKey, session: Session, runtime, response: Response,
            purpose: Purpose | None) -> PassportPublic:
    _check_priority(key, body)
    exists = session.exec(select(Passport.id).where(Passport.organisation_id == key.organisation_id,
                                                    Passport.external_ref == body.external_ref)).first()
    if exists:
        raise _duplicate(body.external_ref)
    passport = Passport(organisation_id=key.organisation_id, external_ref=body.external_ref, document={}, sex="undisclosed",
                        priority_support=bool(body.priority_support))
    service.apply(passport, service.to_document(body, None, key), body)
    session.add(passport)
    session.flush()
    service.code_passport(session, passport, runtime)
    record(session, key, "create", "passport", passport.id, purpose)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _duplicate(body.external_ref) from None
    response.headers["Location"] = f"/v1/passports/{passport.id}"
    _respond(response, passport)
    return _public(session, passport, key, runtime)


@router.get("/v1/passports", response_model=PassportPage, summary="List passports (summaries), newest first")
def list_passports(
    key: PassportKey, session: SessionDep, purpose: PurposeDep,
    external_ref: Annotated[str | None, Query(max_length=100)] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    region: Annotated[str | None, Query(max_length=200)] = None,
    coding_status: Annotated[str | None, Query(pattern="^(coded|pending)$")] = None,
    isco: Annotated[str | None, Query(pattern=r"^\d{1,4}$", description="Has an experience coded (first choice) in this group")] = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PassportPage:
    where = [Passport.organisation_id == key.organisation_id]
    if external_ref:
        where.append(Passport.external_ref == external_ref)
    if country:
        where.append(Passport.country == country.upper())
    if region:
        where.append(Passport.region == region)
    if coding_status:
        where.append(Passport.coding_status == coding_status)
    if updated_since:
        where.append(Passport.updated_at >= updated_since)
    if isco:
        coded = select(PassportOccupation.passport_id).where(
            PassportOccupation.organisation_id == key.organisation_id, PassportOccupation.rank == 1,
            PassportOccupation.isco.startswith(isco))
        where.append(Passport.id.in_(coded))
    count = session.exec(select(func.count()).select_from(Passport).where(*where)).one()
    rows = session.exec(select(Passport).where(*where).order_by(Passport.updated_at.desc(), Passport.id)
                        .offset(offset).limit(limit)).all()
    record(session, key, "list", "passport", None, purpose, {"returned": len(rows)})
    session.commit()
    return PassportPage(count=count, data=[PassportSummary(
        id=p.id, external_ref=p.external_ref, version=p.version, country=p.country, region=p.region,
        experiences=len(p.document.get("experiences", [])), coding_status=p.coding_status, updated_at=p.updated_at,
    ) for p in rows])


@router.get("/v1/passports/{passport_id}", response_model=PassportPublic, summary="Read a passport")
def read_passport(passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                  response: Response, purpose: PurposeDep) -> PassportPublic:
    passport = _load(session, key, passport_id)
    _ensure_coded(session, passport, runtime)
    record(session, key, "read", "passport", passport.id, purpose)
    session.commit()
    _respond(response, passport)
    return _public(session, passport, key, runtime)


@router.patch("/v1/passports/{passport_id}", response_model=PassportPublic,
              summary="Change part of a passport (JSON merge patch, RFC 7396); re-coded on save")
def patch_passport(
    passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep, response: Response,
    purpose: PurposeDep, if_match: IfMatch = None,
    patch: dict[str, Any] = Body(description="Objects merge, arrays replace, null removes a field",
                                 examples=[{"preferences": {"pathways": ["wage_employment"]}}]),
) -> PassportPublic:
    passport = _load(session, key, passport_id)
    check_if_match(passport, if_match, "passport")
    current = {**service.body_of(passport.document), "external_ref": passport.external_ref}
    if passport.priority_support and key.role in _COUNSELLOR_ROLES:
        current["priority_support"] = True
    merged = service.merge_patch(current, patch)
    try:
        body = PassportCreate.model_validate(merged)
    except ValidationError as exc:
        raise validation_error(exc) from None
    if "priority_support" in patch:
        _check_priority(key, body)
        passport.priority_support = bool(body.priority_support)
    if body.external_ref != passport.external_ref:
        taken = session.exec(select(Passport.id).where(Passport.organisation_id == key.organisation_id,
                                                       Passport.external_ref == body.external_ref)).first()
        if taken:
            raise _duplicate(body.external_ref)
        passport.external_ref = body.external_ref
    service.apply(passport, service.to_document(body, passport.document, key), body)
    passport.version += 1
    session.add(passport)
    service.code_passport(session, passport, runtime)
    record(session, key, "update", "passport", passport.id, purpose, {"fields": sorted(patch)})
    session.commit()
    _respond(response, passport)
    return _public(session, passport, key, runtime)


@router.delete("/v1/passports/{passport_id}", status_code=204,
               summary="Erase the person everywhere; only an audit tombstone stays")
def erase_passport(passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                   purpose: PurposeDep, if_match: IfMatch = None) -> Response:
    passport = _load(session, key, passport_id)
    check_if_match(passport, if_match, "passport")
    counts = service.erase(session, passport)
    record(session, key, "erase", "passport", passport_id, purpose or Purpose.data_subject_request, {"deleted_rows": counts})
    session.commit()
    service.compact(session)
    return Response(status_code=204)


@router.get("/v1/passports/{passport_id}/occupations", response_model=SupportedOccupations,
            summary="The ISCO-08 unit groups the passport supports, with months abroad and at home")
def passport_occupations(passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                         purpose: PurposeDep) -> SupportedOccupations:
    passport = _load(session, key, passport_id)
    service.require_coded(session, passport, runtime)
    data = service.supported_groups(session, passport, runtime.require_taxonomies())
    record(session, key, "read", "passport_occupations", passport.id, purpose)
    session.commit()
    return SupportedOccupations(passport_id=passport.id, data=[SupportedOccupation(**g) for g in data])


@router.post("/v1/passports/{passport_id}/experiences/{experience_id}/override", status_code=201,
             response_model=OverrideOut, summary="Correct the occupation coded for an experience (counsellors)")
def override_occupation(
    passport_id: PassportId, experience_id: Annotated[str, Path(max_length=40)], body: OverrideIn,
    key: CounsellorKey, session: SessionDep, runtime: RuntimeDep, purpose: PurposeDep, if_match: IfMatch = None,
) -> OverrideOut:
    passport = _load(session, key, passport_id)
    check_if_match(passport, if_match, "passport")
    experience = next((e for e in passport.document.get("experiences", []) if e["id"] == experience_id), None)
    if experience is None:
        raise Problem(404, "not_found", f"The passport has no experience with id {experience_id!r}.")
    coded = session.exec(select(PassportOccupation.isco).where(
        PassportOccupation.passport_id == passport.id, PassportOccupation.experience_id == experience_id,
        PassportOccupation.rank == 1)).first()
    override = OccupationOverride(
        organisation_id=key.organisation_id, passport_id=passport.id, experience_id=experience_id,
        text=experience["title"], lang=experience.get("lang"), coded_isco=coded, isco=body.isco, reason=body.reason,
        created_by=str(key.id),
    )
    session.add(override)
    passport.version += 1
    session.add(passport)
    record(session, key, "override", "passport", passport.id, purpose,
           {"experience_id": experience_id, "from": coded, "to": body.isco})
    session.commit()
    return _override_out(override, runtime.require_taxonomies())


@router.get("/v1/passports/{passport_id}/export", summary="Everything held on the person (data-subject access)")
def export_passport(passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep,
                    purpose: PurposeDep) -> dict[str, Any]:
    passport = _load(session, key, passport_id)
    _ensure_coded(session, passport, runtime)
    record(session, key, "export", "passport", passport.id, purpose or Purpose.data_subject_request)
    session.commit()
    public = _public(session, passport, key, runtime).model_dump(mode="json")
    rows = session.exec(select(PassportOccupation).where(PassportOccupation.passport_id == passport.id)).all()
    public["occupations"] = service.supported_occupations(passport, list(rows), _overrides(session, passport.id),
                                                          runtime.require_taxonomies())
    public["priority_support"] = passport.priority_support
    public["overrides"] = [_override_out(o, runtime.require_taxonomies()).model_dump(mode="json")
                           for o in _overrides(session, passport.id)]
    public["audit"] = [{"at": e.at.isoformat(), "action": e.action, "resource": e.resource_type, "role": e.role,
                        "key_id": e.key_id, "purpose": e.purpose}
                       for e in events_for(session, key.organisation_id, "passport", passport.id)]
    public["exported_at"] = datetime.now().astimezone().isoformat()
    return public


@router.get("/v1/labels/export", summary="Counsellor corrections as labelled data (text → ISCO-08), JSON or CSV")
def export_labels(key: CounsellorKey, session: SessionDep, purpose: PurposeDep,
                  format: Annotated[str, Query(pattern="^(json|csv)$")] = "json"):
    rows = session.exec(select(OccupationOverride).where(OccupationOverride.organisation_id == key.organisation_id)
                        .order_by(OccupationOverride.created_at)).all()
    record(session, key, "export", "labels", None, purpose, {"rows": len(rows)})
    session.commit()
    data = [{"text": o.text, "lang": o.lang, "isco": o.isco, "coded_isco": o.coded_isco, "reason": o.reason,
             "created_by": o.created_by, "created_at": o.created_at.isoformat()} for o in rows]
    if format == "json":
        return {"data": data, "count": len(data)}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["text", "lang", "isco", "coded_isco", "reason", "created_by", "created_at"])
    writer.writeheader()
    for row in data:
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return StreamingResponse(iter([out.getvalue()]), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="labels.csv"'})
