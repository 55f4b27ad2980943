"""The upload worker: claims queued jobs (and jobs whose worker stopped reporting), runs them,
and codes catalogue records saved while the model was loading.

Claiming is one conditional UPDATE (after ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), so
any number of workers, in API processes or started with ``returnmatch worker``, can share the
queue; a job whose heartbeat is older than the lease is claimed again and resumes from its
checkpoint.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.courses import service as courses
from app.courses.models import Course
from app.runtime import Runtime
from app.settings import Settings
from app.timeutil import utcnow
from app.uploads.models import UploadJob
from app.uploads.processing import JobRunner
from app.vacancies import service as vacancies
from app.vacancies.models import Vacancy

log = logging.getLogger("returnmatch.uploads")
PENDING_BATCH = 100


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _claimable(lease_s: float):
    stale = utcnow() - timedelta(seconds=lease_s)
    return or_(UploadJob.status == "queued", and_(UploadJob.status == "running", UploadJob.heartbeat_at < stale))


def claim(engine: Engine, worker_id: str, settings: Settings) -> uuid.UUID | None:
    """Take the oldest claimable job, or None. Jobs claimed too often are failed instead."""
    with Session(engine) as session:
        while True:
            query = (select(UploadJob.id, UploadJob.attempts).where(_claimable(settings.upload_lease_seconds))
                     .order_by(UploadJob.created_at).limit(1).with_for_update(skip_locked=True))
            row = session.exec(query).first()
            if row is None:
                session.rollback()
                return None
            job_id, attempts = row
            if attempts >= settings.upload_max_attempts:
                session.exec(update(UploadJob).where(UploadJob.id == job_id).values(
                    status="failed", finished_at=utcnow(), data=None,
                    error={"code": "worker_died", "detail": f"The upload stopped {attempts} times while being "
                           "processed; the rows stored so far are kept. Upload the file again, or split it."}))
                session.commit()
                continue
            now = utcnow()
            taken = session.exec(update(UploadJob).where(UploadJob.id == job_id, _claimable(settings.upload_lease_seconds))
                                 .values(status="running", claimed_by=worker_id, heartbeat_at=now,
                                         attempts=UploadJob.attempts + 1))
            if taken.rowcount == 1:
                session.exec(update(UploadJob).where(UploadJob.id == job_id, UploadJob.started_at.is_(None))
                             .values(started_at=now))
                session.commit()
                return job_id
            session.rollback()


def code_pending(engine: Engine, runtime: Runtime, limit: int = PENDING_BATCH) -> int:
    """Code vacancies and courses stored while the model was loading; returns how many."""
    if runtime.coder is None or runtime.skills is None:
        return 0
    done = 0
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(select(Vacancy).where(Vacancy.coding_status == "pending").limit(limit)).all()
        session.commit()
        codings = vacancies.compute_coding(runtime, rows) or []
        for vacancy, coding in zip(rows, codings):
            vacancies.apply_coding(session, vacancy, coding)
        done += len(codings)
        found = session.exec(select(Course).where(Course.coding_status == "pending").limit(limit)).all()
        session.commit()
        skills = courses.compute_skills(runtime, found) or []
        for course, s in zip(found, skills):
            courses.apply_skills(session, course, s)
        done += len(skills)
        session.commit()
    return done


class UploadWorker:
    """A loop in a thread (inside the API) or in the foreground (``returnmatch worker``)."""

    def __init__(self, engine: Engine, runtime: Runtime, settings: Settings, poll_s: float = 2.0):
        self.engine, self.runtime, self.settings, self.poll_s = engine, runtime, settings, poll_s
        self.worker_id = worker_name()
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="upload-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _model_settling(self) -> bool:
        return self.settings.load_model and self.runtime.state in ("starting", "loading")

    def step(self) -> bool:
        """One round: run a job, else code a batch of pending records. True if it did anything."""
        if self.stop_event.is_set() or self._model_settling():  # wait, so that uploads are coded (and counted) as they are stored
            return False
        job_id = claim(self.engine, self.worker_id, self.settings)
        if job_id is not None:
            status = JobRunner(self.engine, self.runtime, self.settings, self.worker_id,
                               should_stop=self.stop_event.is_set).run(job_id)
            log.info("upload %s: %s", job_id, status)
            return True
        return code_pending(self.engine, self.runtime) > 0

    def loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                busy = self.step()
            except Exception:  # logged; the job's lease runs out and another round retries it
                if self.stop_event.is_set():  # the service is shutting down under it: not an error
                    log.info("upload worker stopped during a round; the job's lease runs out and it is resumed")
                    break
                log.exception("upload worker round failed")
                busy = False
            if not busy:
                self._wake.wait(self.poll_s)
                self._wake.clear()
