"""Spreadsheet uploads of vacancies or courses: accepted at once (202) as a job that a worker
runs; its status, progress, counts and per-row report; the report as CSV; templates."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select

from app.auth.models import Organisation
from app.deps import AnyKey, CatalogueKey, SessionDep, SettingsDep
from app.errors import Problem
from app.http import csv_safe
from app.tenancy import get_owned
from app.uploads import templates
from app.uploads.columns import fields_of
from app.uploads.models import UploadJob, UploadProblem
from app.uploads.processing import KIND_OF
from app.uploads.spreadsheet import FileRejected, precheck
from app.vacancies.router import check_job_fair

router = APIRouter(tags=["uploads"])
UploadId = Annotated[uuid.UUID, Path(description="The upload id")]
Kind = Literal["vacancies", "courses"]
_READ_BLOCK = 1024 * 1024


class Progress(BaseModel):
    rows_done: int
    rows_total: int | None
    percent: float | None


class ProblemOut(BaseModel):
    row: int | None = Field(description="The row number as the spreadsheet shows it")
    column: str | None = Field(description="The column header as written in the file")
    field: str | None
    severity: str = Field(description="error: row not stored · rejected: not stored (screening) · warning: stored, flagged")
    code: str
    problem: str
    value: str | None


class UploadPublic(BaseModel):
    id: uuid.UUID
    kind: str
    job_fair_id: uuid.UUID | None
    filename: str
    size: int
    sha256: str
    status: str = Field(description="queued → running → done | failed")
    progress: Progress
    counts: dict[str, int] = Field(description="rows, created, updated, unchanged, invalid, duplicate, flagged, "
                                   "rejected, needs_review, coding_pending")
    columns: dict[str, Any] | None = Field(description="How the headers were read: header row, mapping used, ignored")
    error: dict[str, Any] | None = Field(description="Why the whole file failed, when it did")
    options: dict[str, Any]
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    problems_total: int
    problems: list[ProblemOut]
    report_csv: str


class UploadPage(BaseModel):
    count: int
    data: list[UploadPublic]


def _public(session, job: UploadJob, limit: int = 100, offset: int = 0) -> UploadPublic:
    where = UploadProblem.upload_id == job.id
    total = session.exec(select(func.count()).select_from(UploadProblem).where(where)).one()
    rows = session.exec(select(UploadProblem).where(where).order_by(UploadProblem.row, UploadProblem.id)
                        .offset(offset).limit(limit)).all() if limit else []
    percent = round(100 * job.rows_done / job.rows_total, 1) if job.rows_total else (100.0 if job.status == "done" else None)
    return UploadPublic(
        id=job.id, kind=job.kind, job_fair_id=job.job_fair_id, filename=job.filename, size=job.size, sha256=job.sha256,
        status=job.status, progress=Progress(rows_done=job.rows_done, rows_total=job.rows_total, percent=percent),
        counts=job.counts, columns=job.columns, error=job.error,
        options={k: v for k, v in job.options.items()}, attempts=job.attempts,
        created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at, problems_total=total,
        problems=[ProblemOut.model_validate(p, from_attributes=True) for p in rows],
        report_csv=f"/v1/uploads/{job.id}/report.csv",
    )


def _form_error(field: str, msg: str, status: int = 422, code: str = "invalid_upload") -> Problem:
    return Problem(status, code, msg, errors=[{"loc": ["body", field], "field": field, "msg": msg, "type": code}])


def _mapping(kind: str, raw: str | None) -> dict[str, str] | None:
    if not raw:
        return None
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _form_error("mapping", f"mapping is not valid JSON: {exc.msg} at character {exc.pos}.") from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise _form_error("mapping", 'mapping must be a JSON object of header → field, e.g. {"Nama Jawatan": "title"}.')
    known = sorted(fields_of(KIND_OF[kind]))
    unknown = sorted(v for v in mapping.values() if v not in known)
    if unknown:
        raise _form_error("mapping", f"Unknown field(s) in mapping: {', '.join(unknown)}. Fields for {kind}: "
                          f"{', '.join(known)}.")
    return mapping


@router.post("/v1/uploads", status_code=202, response_model=UploadPublic,
             summary="Upload vacancies or courses (CSV or XLSX); answered at once with a job to follow")
async def create_upload(
    request: Request, key: CatalogueKey, session: SessionDep, settings: SettingsDep, response: Response,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, UTF-16 or Windows-1252) or XLSX; at most 50 MB")],
    kind: Annotated[Kind, Form(description="vacancies or courses")],
    job_fair_id: Annotated[uuid.UUID | None, Form(description="The job fair the vacancies belong to")] = None,
    mapping: Annotated[str | None, Form(description='JSON: header as written → field, e.g. {"Nama Jawatan": "title"}')] = None,
    dayfirst: Annotated[bool, Form(description="Read 03/04/2026 as 3 April (true) or March 4 (false)")] = True,
    sheet: Annotated[str | None, Form(max_length=100, description="XLSX: the sheet to read (default: the first with data)")] = None,
) -> UploadPublic:
    if kind == "courses" and job_fair_id is not None:
        raise _form_error("job_fair_id", "Courses do not belong to a job fair; leave job_fair_id out.")
    data = bytearray()
    while block := await file.read(_READ_BLOCK):
        data += block
        if len(data) > settings.upload_max_bytes:
            raise _form_error("file", f"The file is over the limit of {settings.upload_max_bytes // (1024 * 1024)} MB. "
                              "Split it into smaller files.", 413, "too_large")
    # reading the file's structure and storing it is blocking work: off the event loop
    public = await run_in_threadpool(_accept, key, session, settings, bytes(data), file.filename or "upload", kind,
                                     job_fair_id, mapping, {"dayfirst": dayfirst, "sheet": sheet})
    worker = getattr(request.app.state, "upload_worker", None)
    if worker is not None:
        worker.wake()
    response.headers["Location"] = f"/v1/uploads/{public.id}"
    return public


def _accept(key, session, settings, data: bytes, filename: str, kind: str, job_fair_id: uuid.UUID | None,
            mapping: str | None, options: dict[str, Any]) -> UploadPublic:
    parsed_mapping = _mapping(kind, mapping)
    try:
        precheck(data, filename, max_bytes=settings.upload_max_bytes)
    except FileRejected as exc:
        raise _form_error("file", exc.message, exc.status, exc.code) from None
    check_job_fair(session, key.organisation_id, job_fair_id, ("body", "job_fair_id"))
    organisation = session.get(Organisation, key.organisation_id)
    options = {**{k: v for k, v in options.items() if v is not None}, "screening_mode": organisation.screening_mode}
    if parsed_mapping:
        options["mapping"] = parsed_mapping
    job = UploadJob(organisation_id=key.organisation_id, kind=kind, job_fair_id=job_fair_id, filename=filename[:255],
                    size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, created_by=str(key.id),
                    options=options)
    session.add(job)
    session.commit()
    return _public(session, job)


@router.get("/v1/uploads", response_model=UploadPage, summary="Your organisation's uploads, newest first")
def list_uploads(key: AnyKey, session: SessionDep, status: Annotated[str | None, Query(pattern="^(queued|running|done|failed)$")] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Annotated[int, Query(ge=0)] = 0) -> UploadPage:
    where = [UploadJob.organisation_id == key.organisation_id]
    if status:
        where.append(UploadJob.status == status)
    count = session.exec(select(func.count()).select_from(UploadJob).where(*where)).one()
    jobs = session.exec(select(UploadJob).where(*where).order_by(UploadJob.created_at.desc()).offset(offset).limit(limit)).all()
    return UploadPage(count=count, data=[_public(session, j, limit=0) for j in jobs])


@router.get("/v1/uploads/templates/{kind}.{fmt}", summary="A template to fill in (CSV or XLSX), with an example row",
            response_class=Response)
def upload_template(kind: Kind, fmt: Literal["csv", "xlsx"]) -> Response:
    if fmt == "csv":
        body, media = templates.template_csv(KIND_OF[kind]), "text/csv; charset=utf-8"
    else:
        body, media = templates.template_xlsx(KIND_OF[kind]), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="returnmatch-{kind}-template.{fmt}"'})


@router.get("/v1/uploads/{upload_id}", response_model=UploadPublic,
            summary="An upload's status, progress, counts and per-row report (paged)")
def read_upload(upload_id: UploadId, key: AnyKey, session: SessionDep,
                problems_limit: Annotated[int, Query(ge=0, le=1000)] = 100,
                problems_offset: Annotated[int, Query(ge=0)] = 0) -> UploadPublic:
    return _public(session, get_owned(session, UploadJob, upload_id, key.organisation_id), problems_limit, problems_offset)


REPORT_COLUMNS = ("row", "column", "field", "severity", "code", "problem", "value")


@router.get("/v1/uploads/{upload_id}/report.csv", summary="The whole per-row report as CSV (formula-safe)",
            response_class=StreamingResponse)
def upload_report(upload_id: UploadId, key: AnyKey, session: SessionDep) -> StreamingResponse:
    job = get_owned(session, UploadJob, upload_id, key.organisation_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for p in session.exec(select(UploadProblem).where(UploadProblem.upload_id == job.id)
                          .order_by(UploadProblem.row, UploadProblem.id)):
        writer.writerow([csv_safe("" if getattr(p, c) is None else str(getattr(p, c))) for c in REPORT_COLUMNS])
    return StreamingResponse(iter(["\ufeff" + out.getvalue()]), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="upload-{job.id}-report.csv"'})
