"""Demo data for the embedded default: a demo organisation with one fresh key per role.

Each run of ``returnmatch serve --demo`` revokes the previous demo keys and prints new ones (keys
are stored hashed, so old ones cannot be shown again). Refused outside development (settings).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from app.auth.keys import create_organisation, issue_key, revoke_key
from app.auth.models import ApiKey, Organisation, Role
from app.jobfairs.models import JobFair
from app.passports import service
from app.passports.models import Passport
from app.passports.schemas import PassportCreate
from app.uploads.models import UploadJob

HERE = Path(__file__).resolve().parent
DEMO_PASSPORTS = HERE / "demo_passports.json"
DEMO_UPLOADS = (("vacancies", HERE / "demo_vacancies.csv"), ("courses", HERE / "demo_courses.csv"))
DEMO_FAIR = {"code": "colombo-2026-11", "name": "Colombo Returnee Job Fair", "starts_on": date(2026, 11, 28),
             "ends_on": date(2026, 11, 28), "country": "LK", "region": "Western", "city": "Colombo"}

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Migrant Resource Centre (Colombo)"
OTHER_SLUG = "demo-other"
OTHER_NAME = "Another PES office (to try tenant scoping)"


def _organisation(session: Session, slug: str, name: str, country: str) -> Organisation:
    found = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    return found or create_organisation(session, name, slug, country)


def seed_demo(session: Session, pepper: str) -> dict[str, str]:
    """Create the demo organisations if needed; return fresh demo keys by label."""
    demo = _organisation(session, DEMO_SLUG, DEMO_NAME, "LK")
    other = _organisation(session, OTHER_SLUG, OTHER_NAME, "PH")
    for record in session.exec(
        select(ApiKey).where(ApiKey.name.like("demo-%"), ApiKey.revoked_at.is_(None))
    ).all():
        revoke_key(session, record)
    keys = {role.value: issue_key(session, demo, role, f"demo-{role.value}", pepper).key for role in Role}
    keys["admin (other organisation)"] = issue_key(session, other, Role.admin, "demo-admin", pepper).key
    counsellor = session.exec(select(ApiKey).where(ApiKey.organisation_id == demo.id, ApiKey.name == "demo-counsellor",
                                                   ApiKey.revoked_at.is_(None))).first()
    seed_demo_passports(session, demo, counsellor)
    organiser = session.exec(select(ApiKey).where(ApiKey.organisation_id == demo.id, ApiKey.name == "demo-fair_organiser",
                                                  ApiKey.revoked_at.is_(None))).first()
    seed_demo_catalogue(session, demo, organiser)
    return keys


def seed_demo_catalogue(session: Session, organisation: Organisation, key: ApiKey) -> int:
    """A job fair, and the demo spreadsheets (a messy job-fair sheet of vacancies, a course
    list) queued as uploads once: the service's worker reads, screens, codes and stores them
    like any upload, and ``GET /v1/uploads`` shows their reports."""
    fair = session.exec(select(JobFair).where(JobFair.organisation_id == organisation.id,
                                              JobFair.code == DEMO_FAIR["code"])).first()
    if fair is None:
        fair = JobFair(organisation_id=organisation.id, **DEMO_FAIR)
        session.add(fair)
        session.flush()
    queued = 0
    for kind, path in DEMO_UPLOADS:
        if session.exec(select(UploadJob.id).where(UploadJob.organisation_id == organisation.id,
                                                   UploadJob.filename == path.name)).first():
            continue
        data = path.read_bytes()
        session.add(UploadJob(organisation_id=organisation.id, kind=kind, job_fair_id=fair.id if kind == "vacancies" else None,
                              filename=path.name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                              created_by=str(key.id), options={"dayfirst": True, "screening_mode": organisation.screening_mode}))
        queued += 1
    session.commit()
    return queued


def seed_demo_passports(session: Session, organisation: Organisation, key: ApiKey) -> int:
    """The demo returnees (made up, realistic) if not there yet; coded once the coder is ready."""
    added = 0
    for raw in json.loads(DEMO_PASSPORTS.read_text(encoding="utf-8")):
        body = PassportCreate.model_validate(raw)
        if session.exec(select(Passport.id).where(Passport.organisation_id == organisation.id,
                                                  Passport.external_ref == body.external_ref)).first():
            continue
        passport = Passport(organisation_id=organisation.id, external_ref=body.external_ref, document={}, sex="undisclosed")
        service.apply(passport, service.to_document(body, None, key), body)
        session.add(passport)
        added += 1
    session.commit()
    return added
