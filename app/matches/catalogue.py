"""The organisation's catalogue as the ranker holds it, cached per worker process.

Each organisation's open vacancies and courses are loaded into a ``VacancyIndex`` and a
``CourseIndex`` once, and reloaded when the organisation's ``catalogue_version`` (raised in the
transaction of every change, ``app/catalogue_version.py``) or the embedding model moves on.
Checking costs one indexed read per query.
"""
from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlmodel import Session, select

from app.auth.models import Organisation
from app.courses.models import Course, CourseSkill
from app.runtime import Runtime
from app.vacancies.models import Vacancy, VacancySkill
from matching.ranking.catalogue import (
    CertificateNeed,
    TargetSkill,
    VacancyIndex,
    VacancyTarget,
)
from matching.ranking.courses import CourseIndex, CourseTarget


@dataclass(frozen=True)
class Catalogue:
    version: int
    model_id: str | None
    vacancies: VacancyIndex
    courses: CourseIndex


def _vector(blob: bytes | None, model: str | None, model_id: str | None, dimension: int) -> np.ndarray | None:
    if blob is None or model != model_id or len(blob) != 4 * dimension:
        return None
    return np.frombuffer(blob, dtype="<f4")


def vacancy_target(row, skills: list[TargetSkill], isco_titles, model_id: str | None, dimension: int) -> VacancyTarget:
    doc = row.document
    return VacancyTarget(
        id=str(row.id), title=row.title, employer=row.employer, isco=row.isco,
        isco_title=isco_titles.get(row.isco) if row.isco else None, isco_probability=row.isco_probability,
        skills=tuple(skills), experience_months=doc.get("required_experience_months"),
        certificates=tuple(CertificateNeed(c["name"], c.get("framework"), c.get("level"))
                           for c in doc.get("required_certificates", [])),
        min_isced=doc.get("min_education_isced"), languages=tuple(doc.get("languages", [])),
        country=row.country, region=row.region, city=row.city, employment_type=row.employment_type,
        pay_min=row.pay_min, pay_max=row.pay_max, pay_currency=row.pay_currency, pay_period=row.pay_period,
        job_fair_id=str(row.job_fair_id) if row.job_fair_id else None, expires_on=row.expires_on,
        vector=_vector(row.embedding, row.coding_model, model_id, dimension),
    )


def target_of(session: Session, row: Vacancy, runtime: Runtime) -> VacancyTarget:
    """One vacancy as the ranker sees it, read from its row (open or not)."""
    tx = runtime.require_taxonomies()
    skills = _skills(session, Vacancy, VacancySkill, VacancySkill.vacancy_id, Vacancy.id == row.id).get(row.id, [])
    return vacancy_target(row, skills, {row.isco: tx.isco[row.isco].title} if row.isco else {},
                          runtime.encoder.model_id if runtime.encoder else None,
                          runtime.encoder.dimension if runtime.encoder else 0)


def course_target(course: Course, skills: list[TargetSkill]) -> CourseTarget:
    doc = course.document
    return CourseTarget(
        id=str(course.id), title=course.title, kind=course.kind, provider=course.provider,
        provider_accreditation=doc.get("provider_accreditation"), target_isco=tuple(course.target_isco),
        skills=tuple(skills), framework=doc.get("framework"), framework_level=doc.get("framework_level"),
        hours=course.hours, schedule=tuple(doc.get("schedule", [])), mode=course.mode, country=course.country,
        region=course.region, city=course.city, cost=course.cost, cost_currency=doc.get("cost_currency"),
        childcare=doc.get("childcare"), start_dates=tuple(date.fromisoformat(d) for d in doc.get("start_dates", [])),
    )


def _skills(session: Session, parent, skill_model, parent_id, where) -> dict[uuid.UUID, list[TargetSkill]]:
    """The skills of every open record, by record id, in the order stored."""
    out: dict[uuid.UUID, list[TargetSkill]] = defaultdict(list)
    for record_id, uri, label, source in session.exec(
            select(parent_id, skill_model.esco_uri, skill_model.label, skill_model.source)
            .join(parent, parent.id == parent_id).where(where).order_by(skill_model.id)):
        out[record_id].append(TargetSkill(uri, label, source))
    return out


def load_catalogue(session: Session, organisation_id: uuid.UUID, runtime: Runtime, version: int) -> Catalogue:
    tx = runtime.require_taxonomies()
    titles = {code: g.title for code, g in tx.isco.items() if g.level == 4}
    model_id = runtime.encoder.model_id if runtime.encoder else None
    dimension = runtime.encoder.dimension if runtime.encoder else 384
    open_vacancy = (Vacancy.organisation_id == organisation_id) & (Vacancy.status == "open")
    vskills = _skills(session, Vacancy, VacancySkill, VacancySkill.vacancy_id, open_vacancy)
    columns = (Vacancy.id, Vacancy.title, Vacancy.employer, Vacancy.isco, Vacancy.isco_probability, Vacancy.document,
               Vacancy.country, Vacancy.region, Vacancy.city, Vacancy.employment_type, Vacancy.pay_min, Vacancy.pay_max,
               Vacancy.pay_currency, Vacancy.pay_period, Vacancy.job_fair_id, Vacancy.expires_on, Vacancy.embedding,
               Vacancy.coding_model)
    vacancies = [vacancy_target(row, vskills.get(row.id, []), titles, model_id, dimension)
                 for row in session.exec(select(*columns).where(open_vacancy).order_by(Vacancy.created_at, Vacancy.id))]
    open_course = (Course.organisation_id == organisation_id) & (Course.status == "open")
    cskills = _skills(session, Course, CourseSkill, CourseSkill.course_id, open_course)
    courses = [course_target(c, cskills.get(c.id, [])) for c in session.exec(select(Course).where(open_course)
                                                                               .order_by(Course.created_at, Course.id))]
    return Catalogue(version, model_id, VacancyIndex(vacancies, dimension), CourseIndex(courses))


class CatalogueCache:
    def __init__(self):
        self._entries: dict[uuid.UUID, Catalogue] = {}
        self._locks: dict[uuid.UUID, threading.Lock] = defaultdict(threading.Lock)

    def get(self, session: Session, organisation_id: uuid.UUID, runtime: Runtime) -> Catalogue:
        version = session.exec(select(Organisation.catalogue_version).where(Organisation.id == organisation_id)).one()
        model_id = runtime.encoder.model_id if runtime.encoder else None
        entry = self._entries.get(organisation_id)
        if entry is not None and entry.version == version and entry.model_id == model_id:
            return entry
        with self._locks[organisation_id]:
            entry = self._entries.get(organisation_id)
            if entry is None or entry.version != version or entry.model_id != model_id:
                entry = load_catalogue(session, organisation_id, runtime, version)
                self._entries[organisation_id] = entry
            return entry
