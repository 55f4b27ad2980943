"""Running one upload job: read the file, match its headers, then take the data rows in chunks.

For each chunk, all the CPU work — reading cells, validating, screening, coding, extracting
skills — happens first, outside any write; then the chunk's records, its report lines, the counts
and the new checkpoint (``rows_done``) are written and committed together, fenced on the claim
(``claimed_by`` and the previous checkpoint). A worker that dies mid-chunk leaves nothing of it;
the next worker redoes it. Upserts (external id, else content hash) make redoing harmless.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.courses import service as courses
from app.courses.models import Course
from app.courses.schemas import CourseBody
from app.runtime import Runtime
from app.settings import Settings
from app.timeutil import utcnow
from app.uploads.cells import convert_row
from app.uploads.columns import HeaderMatch, match_headers
from app.uploads.models import UploadJob, UploadProblem
from app.uploads.spreadsheet import FileRejected, read_table
from app.vacancies import service as vacancies
from app.vacancies.models import Vacancy
from app.vacancies.schemas import VacancyBody

log = logging.getLogger("returnmatch.uploads")
KIND_OF = {"vacancies": "vacancy", "courses": "course"}
COUNTS = ("rows", "created", "updated", "unchanged", "invalid", "duplicate", "flagged", "rejected", "needs_review",
          "coding_pending")


class LostClaim(Exception):
    """Another worker took the job over (our lease ran out): stop without writing."""


@dataclass
class Row:
    number: int
    body: VacancyBody | CourseBody
    digest: str = ""
    external_id: str | None = None


@dataclass
class ChunkResult:
    problems: list[UploadProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))


def problem(upload_id: uuid.UUID, row: int | None, column: str | None, field_name: str | None, severity: str,
            code: str, text: str, value: Any = None) -> UploadProblem:
    shown = None if value is None else str(value)[:500]
    return UploadProblem(upload_id=upload_id, row=row, column=column, field=field_name, severity=severity, code=code,
                         problem=text, value=shown)


class JobRunner:
    def __init__(self, engine: Engine, runtime: Runtime, settings: Settings, worker_id: str,
                 should_stop: Callable[[], bool] | None = None):
        self.engine, self.runtime, self.settings, self.worker_id = engine, runtime, settings, worker_id
        self.should_stop = should_stop or (lambda: False)

    # ---- the job ---------------------------------------------------------------------------
    def run(self, job_id: uuid.UUID) -> str:
        with Session(self.engine, expire_on_commit=False) as session:
            job = session.get(UploadJob, job_id)
            if job is None or job.status != "running" or job.claimed_by != self.worker_id:
                return "lost"
            try:
                table = read_table(job.data or b"", job.filename, max_bytes=self.settings.upload_max_bytes,
                                   max_rows=self.settings.upload_max_rows, sheet=job.options.get("sheet"))
                match = match_headers(KIND_OF[job.kind], table.rows, job.options.get("mapping"))
            except FileRejected as exc:
                return self._fail(session, job, exc.code, exc.message)
            except ValueError as exc:
                return self._fail(session, job, "bad_mapping", str(exc))
            if match.missing_required:
                found = ", ".join(repr(h) for h in match.headers if h) or "none"
                return self._fail(session, job, "missing_column",
                                  f"No column for the required field(s) {', '.join(match.missing_required)}. "
                                  f"Headers found on row {match.header_row}: {found}. Rename the column, or send a "
                                  "mapping such as {\"Nama Jawatan\": \"title\"}.")
            rows = [(n, cells) for n, cells in table.rows if n > match.header_row]
            if job.rows_total is None:
                job.rows_total = len(rows)
                job.columns = {"header_row": match.header_row, "format": table.format, "encoding": table.encoding,
                               "sheet": table.sheet, "mapped": {match.headers[i] or f"column {i + 1}": f
                                                                for i, f in sorted(match.columns.items())},
                               "how": match.how, "ignored": match.ignored}
                job.counts = {**dict.fromkeys(COUNTS, 0), **job.counts}
                session.add(job)
                self._fence(session, job, job.rows_done)
                session.commit()
            first_row = self._first_rows(match, rows)
            chunk = self.settings.upload_chunk_rows
            try:
                while job.rows_done < len(rows):
                    if self.should_stop():  # shutting down: hand the job back at its checkpoint
                        self._fence(session, job, job.rows_done)
                        job.status, job.claimed_by = "queued", None
                        session.add(job)
                        session.commit()
                        return "released"
                    start = job.rows_done
                    end = min(start + chunk, len(rows))
                    result = self._chunk(session, job, match, rows[start:end], first_row)
                    self._commit_chunk(session, job, start, end, result)
            except LostClaim:
                session.rollback()
                log.warning("upload %s: another worker took it over", job.id)
                return "lost"
            job.status, job.finished_at, job.data = "done", utcnow(), None  # the file is not kept
            session.add(job)
            self._fence(session, job, job.rows_done)
            session.commit()
            return "done"

    def _fail(self, session: Session, job: UploadJob, code: str, message: str) -> str:
        job.status, job.finished_at, job.data = "failed", utcnow(), None
        job.error = {"code": code, "detail": message}
        session.add(job)
        session.commit()
        return "failed"

    def _fence(self, session: Session, job: UploadJob, expected_done: int) -> None:
        """Check, inside the write transaction, that the job is still ours and where we left it."""
        claimed = session.exec(update(UploadJob).where(
            UploadJob.id == job.id, UploadJob.claimed_by == self.worker_id, UploadJob.rows_done == expected_done,
        ).values(heartbeat_at=utcnow()))
        if claimed.rowcount != 1:
            raise LostClaim()

    def _commit_chunk(self, session: Session, job: UploadJob, start: int, end: int, result: ChunkResult) -> None:
        for p in result.problems:
            session.add(p)
        self._fence(session, job, start)
        job.rows_done = end
        job.counts = {k: job.counts.get(k, 0) + result.counts.get(k, 0) for k in COUNTS}
        job.heartbeat_at = utcnow()
        session.add(job)
        session.commit()

    @staticmethod
    def _first_rows(match: HeaderMatch, rows: list[tuple[int, list[str | None]]]) -> dict[str, int]:
        """The first row of each external id in the file (later rows with it are duplicates)."""
        column = next((i for i, f in match.columns.items() if f == "external_id"), None)
        first: dict[str, int] = {}
        if column is not None:
            for n, cells in rows:
                value = cells[column] if column < len(cells) else None
                if value:
                    first.setdefault(value.strip(), n)
        return first

    # ---- one chunk -------------------------------------------------------------------------
    def _chunk(self, session: Session, job: UploadJob, match: HeaderMatch, rows, first_row: dict[str, int]) -> ChunkResult:
        result = ChunkResult()
        columns = {f: (match.headers[i] or f"column {i + 1}") for i, f in match.columns.items()}
        valid: list[Row] = []
        for number, cells in rows:
            result.counts["rows"] += 1
            values, cell_problems = convert_row(KIND_OF[job.kind], match, number, cells,
                                                dayfirst=job.options.get("dayfirst", True))
            if cell_problems:
                result.counts["invalid"] += 1
                result.problems += [problem(job.id, p.row, p.column, p.field, "error", "unreadable_cell", p.problem, p.value)
                                    for p in cell_problems]
                continue
            external_id = values.get("external_id")
            if external_id and first_row.get(str(external_id).strip(), number) != number:
                result.counts["duplicate"] += 1
                result.problems.append(problem(
                    job.id, number, columns.get("external_id"), "external_id", "error", "duplicate_external_id",
                    f"The same external_id is on row {first_row[str(external_id).strip()]}; only that row is stored.",
                    external_id))
                continue
            try:
                body = self._body(job, values)
            except ValidationError as exc:
                result.counts["invalid"] += 1
                for e in exc.errors(include_url=False):
                    name = str(e["loc"][0]) if e["loc"] else None
                    value = values.get(name) if name else None
                    result.problems.append(problem(job.id, number, columns.get(name) if name else None, name, "error",
                                                   "invalid_value", e["msg"].removeprefix("Value error, "), value))
                continue
            valid.append(Row(number, body))
        if valid:
            with session.no_autoflush:
                if job.kind == "vacancies":
                    self._vacancies(session, job, valid, columns, result)
                else:
                    self._courses(session, job, valid, result)
        return result

    def _body(self, job: UploadJob, values: dict[str, Any]) -> VacancyBody | CourseBody:
        if job.kind == "courses":
            return CourseBody.model_validate(values)
        values = dict(values)
        values.pop("pay", None)
        if job.job_fair_id:
            values["job_fair_id"] = job.job_fair_id
        if values.get("required_certificates"):
            values["required_certificates"] = [{"name": str(c)} for c in values["required_certificates"]]
        return VacancyBody.model_validate(values)

    def _vacancies(self, session: Session, job: UploadJob, rows: list[Row], columns: dict[str, str],
                   result: ChunkResult) -> None:
        org, mode = job.organisation_id, job.options.get("screening_mode", "flag")
        for row in rows:
            document = vacancies.document_of(row.body)
            row.digest = vacancies.content_hash({**document, "job_fair_id": str(job.job_fair_id) if job.job_fair_id else None})
            row.external_id = row.body.external_id
        existing = self._existing(session, Vacancy, org, rows)
        session.commit()  # end the read; nothing is written until the chunk's commit
        to_code: list[tuple[Vacancy, bool]] = []
        for row, key in self._distinct(job, rows, result):
            found = existing.get(key)
            saved = vacancies.save(session, org, row.body, screening_mode=mode, upload_id=job.id, existing=found,
                                   lookup=False)
            for f in saved.findings:
                severity = "rejected" if saved.outcome == "rejected" else "warning"
                result.problems.append(problem(
                    job.id, row.number, columns.get(f["field"], f["field"]), f["field"], severity,
                    "discriminatory_requirement", f"{f['reason']} Words found: \"{f['words']}\".", f["words"]))
            if saved.outcome == "rejected":
                result.counts["rejected"] += 1
                continue
            result.counts[saved.outcome] += 1
            if saved.findings:
                result.counts["flagged"] += 1
            if saved.outcome != "unchanged":
                to_code.append((saved.vacancy, found is not None))
        codings = vacancies.compute_coding(self.runtime, [v for v, _ in to_code])
        if codings is None:
            result.counts["coding_pending"] += len(to_code)
            return
        for (vacancy, had), coding in zip(to_code, codings):
            vacancies.apply_coding(session, vacancy, coding, had_skills=had)
            if vacancy.needs_review:
                result.counts["needs_review"] += 1

    def _courses(self, session: Session, job: UploadJob, rows: list[Row], result: ChunkResult) -> None:
        org = job.organisation_id
        for row in rows:
            row.digest = vacancies.content_hash(courses.document_of(row.body))
            row.external_id = row.body.external_id
        existing = self._existing(session, Course, org, rows)
        session.commit()
        to_code: list[tuple[Course, bool]] = []
        for row, key in self._distinct(job, rows, result):
            found = existing.get(key)
            saved = courses.save(session, org, row.body, upload_id=job.id, existing=found, lookup=False)
            result.counts[saved.outcome] += 1
            if saved.outcome != "unchanged":
                to_code.append((saved.course, found is not None))
        found_skills = courses.compute_skills(self.runtime, [c for c, _ in to_code])
        if found_skills is None:
            result.counts["coding_pending"] += len(to_code)
            return
        for (course, had), skills in zip(to_code, found_skills):
            courses.apply_skills(session, course, skills, had_skills=had)

    @staticmethod
    def _distinct(job: UploadJob, rows: list[Row], result: ChunkResult):
        """The rows with their identity (external id, else content hash); a row that repeats an
        earlier one of the chunk is reported instead."""
        seen: dict[str, int] = {}
        for row in rows:
            key = row.external_id or row.digest
            if key in seen:
                result.counts["duplicate"] += 1
                result.problems.append(problem(job.id, row.number, None, None, "error", "duplicate_row",
                                               f"This row repeats row {seen[key]}; it was stored once."))
                continue
            seen[key] = row.number
            yield row, key

    @staticmethod
    def _existing(session: Session, model, organisation_id: uuid.UUID, rows: list[Row]) -> dict[str, Any]:
        """The stored records these rows update: by external id, else by content hash."""
        ids = sorted({r.external_id for r in rows if r.external_id})
        digests = sorted({r.digest for r in rows if not r.external_id})
        found: dict[str, Any] = {}
        if ids:
            for record in session.exec(select(model).where(model.organisation_id == organisation_id,
                                                           model.external_id.in_(ids))):
                found[record.external_id] = record
        if digests:
            for record in session.exec(select(model).where(model.organisation_id == organisation_id,
                                                           model.external_id.is_(None), model.content_hash.in_(digests))):
                found[record.content_hash] = record
        return found
