"""Vacancy operations that are not HTTP, shared by the API and the upload worker: identity
(external id, else content hash), screening for discriminatory requirements, saving, and coding
(ISCO-08 from title and description; ESCO skills from the list given and from the text)."""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from app.runtime import Runtime
from app.timeutil import utcnow
from app.vacancies.models import Vacancy, VacancySkill
from app.vacancies.schemas import VacancyBody, document_of
from matching.coding.coder import CodingItem
from matching.ranking.embedding import blend_with_occupation
from matching.screening import screen
from matching.skills.listing import RecordSkill, record_skills

CANDIDATES_KEPT = 3


def content_hash(document: dict[str, Any]) -> str:
    """The identity of a record without an external id: its normalised content."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def screening_findings(body: VacancyBody) -> list[dict[str, Any]]:
    """ILO C111 screening of what the employer wrote (title, description, skills, certificates)."""
    fields = {"title": body.title, "description": body.description,
              "required_skills": "; ".join(body.required_skills) or None,
              "required_certificates": "; ".join(c.name for c in body.required_certificates) or None}
    return [{"category": f.category, "rule_id": f.rule_id, "lang": f.lang, "field": f.field, "words": f.words,
             "reason": f.reason} for f in screen(fields)]


@dataclass
class Saved:
    vacancy: Vacancy | None
    outcome: str  # created, updated, unchanged, rejected
    findings: list[dict[str, Any]]


def find_existing(session: Session, organisation_id: uuid.UUID, external_id: str | None, digest: str) -> Vacancy | None:
    where = [Vacancy.organisation_id == organisation_id]
    where.append(Vacancy.external_id == external_id if external_id else
                 (Vacancy.external_id.is_(None)) & (Vacancy.content_hash == digest))
    return session.exec(select(Vacancy).where(*where)).first()


def save(session: Session, organisation_id: uuid.UUID, body: VacancyBody, *, screening_mode: str,
         upload_id: uuid.UUID | None = None, existing: Vacancy | None = None, lookup: bool = True) -> Saved:
    """Create or update (upsert by external id, else by content hash). With ``screening_mode``
    "reject", a vacancy with a finding is not stored. Coding is left to ``code``."""
    document = document_of(body)
    digest = content_hash({**document, "job_fair_id": str(body.job_fair_id) if body.job_fair_id else None})
    findings = screening_findings(body)
    if findings and screening_mode == "reject":
        return Saved(None, "rejected", findings)
    if existing is None and lookup:
        existing = find_existing(session, organisation_id, body.external_id, digest)
    if existing is not None and existing.content_hash == digest:
        return Saved(existing, "unchanged", findings)
    vacancy = existing or Vacancy(organisation_id=organisation_id, content_hash=digest, document={}, title=body.title)
    apply(vacancy, body, document, digest, findings)
    if upload_id is not None:
        vacancy.upload_id = upload_id
    if existing is not None:
        vacancy.version += 1
    session.add(vacancy)
    return Saved(vacancy, "updated" if existing is not None else "created", findings)


def apply(vacancy: Vacancy, body: VacancyBody, document: dict[str, Any], digest: str,
          findings: list[dict[str, Any]]) -> None:
    vacancy.document = document
    vacancy.content_hash = digest
    vacancy.external_id = body.external_id
    vacancy.job_fair_id = body.job_fair_id
    vacancy.title = body.title
    vacancy.description = body.description
    vacancy.employer = body.employer
    vacancy.country, vacancy.region, vacancy.city = body.country, body.region, body.city
    vacancy.employment_type = body.employment_type.value if body.employment_type else None
    vacancy.pay_min, vacancy.pay_max, vacancy.pay_currency = body.pay_min, body.pay_max, body.pay_currency
    vacancy.pay_period = body.pay_period.value if body.pay_period else None
    vacancy.expires_on = body.expires_on
    vacancy.status = body.status.value
    vacancy.screening = findings
    vacancy.flagged = bool(findings)
    vacancy.isco = body.isco08
    vacancy.isco_source = "given" if body.isco08 else None
    vacancy.isco_probability = 1.0 if body.isco08 else None
    vacancy.needs_review = False
    vacancy.coding = None
    vacancy.coding_status = "pending"
    vacancy.updated_at = utcnow()


def is_active(vacancy: Vacancy, today: date | None = None) -> bool:
    today = today or utcnow().date()
    return vacancy.status == "open" and (vacancy.expires_on is None or vacancy.expires_on >= today)


@dataclass
class Coding:
    """What the coder and the skill extractor made of one vacancy (no database in it)."""

    detail: dict[str, Any]
    isco: str | None
    probability: float | None
    needs_review: bool
    skills: list[RecordSkill]
    model_id: str | None
    vector: bytes | None = None  # float32 embedding of title and description


def _coding_key(v: Vacancy) -> tuple:
    return (v.title, v.description, v.country, tuple(v.document.get("required_skills", [])))


def compute_coding(runtime: Runtime, vacancies: Sequence[Vacancy]) -> list[Coding] | None:
    """ISCO-08 top 3 from title + description, and skills (the list given, then the text), for a
    batch; ``None`` while the coder is loading. Vacancies with the same title, description,
    country and skill list share one coding, and codings are kept in the runtime's bounded
    cache (job-fair files repeat "Helper" and "Driver" many times). CPU only: callers run it
    outside a write transaction."""
    coder, extractor = runtime.coder, runtime.skills
    if coder is None or extractor is None:
        return None
    if not vacancies:
        return []
    cache = runtime.coding_cache
    keys = [_coding_key(v) for v in vacancies]
    found = {k: c for k in dict.fromkeys(keys) if (c := cache.get(k)) is not None}
    todo = {k: v for k, v in zip(keys, vacancies) if k not in found}
    for k, coding in zip(todo, _code_batch(runtime, list(todo.values()))):
        found[k] = coding
        cache.put(k, coding)
    return [found[k] for k in keys]


def _code_batch(runtime: Runtime, vacancies: Sequence[Vacancy]) -> list[Coding]:
    if not vacancies:
        return []
    coder, extractor = runtime.coder, runtime.skills
    tx = runtime.require_taxonomies()
    results = coder.code([CodingItem(v.title, v.description, None, v.country) for v in vacancies], k=CANDIDATES_KEPT)
    found = record_skills(extractor, [(v.title, v.description) for v in vacancies],
                          [v.document.get("required_skills", []) for v in vacancies], "required_skills", tx.esco_skills)
    model_id = runtime.encoder.model_id if runtime.encoder else None
    units = runtime.unit_title_vectors()
    out = []
    for result, skills in zip(results, found):
        top = result.candidates[0] if result.candidates else None
        detail = {
            "candidates": [{"isco": c.code, "title": c.title, "probability": c.probability,
                            "matched_label": c.matched_label, "signal": c.signal} for c in result.candidates],
            "review_reason": result.review_reason,
            "sub_major_group": result.sub_major_group.code if result.sub_major_group else None,
            "major_group": result.major_group.code if result.major_group else None,
            "truncated": result.truncated,
        }
        vector = blend_with_occupation(result.vector, units, top.code if top else None, top.probability if top else 0.0)
        vector = vector.astype("<f4").tobytes() if vector is not None else None
        out.append(Coding(detail, top.code if top else None, top.probability if top else None, result.needs_review,
                          skills, model_id, vector))
    return out


def apply_coding(session: Session, vacancy: Vacancy, coding: Coding, *, had_skills: bool = True) -> None:
    """Store a coding on the vacancy (a code the vacancy gave itself wins) and replace its skills."""
    vacancy.coding = coding.detail
    if vacancy.isco_source != "given":
        vacancy.isco = coding.isco
        vacancy.isco_source = "coded" if coding.isco else None
        vacancy.isco_probability = coding.probability
        vacancy.needs_review = coding.needs_review
    vacancy.coding_status = "coded"
    vacancy.coding_model = coding.model_id
    vacancy.embedding = coding.vector
    if had_skills:
        session.exec(delete(VacancySkill).where(VacancySkill.vacancy_id == vacancy.id))
    for skill in coding.skills:
        session.add(VacancySkill(vacancy_id=vacancy.id, esco_uri=skill.uri, label=skill.label, source=skill.source,
                                 field=skill.field, words=skill.words, method=skill.method, confidence=skill.confidence))
    session.add(vacancy)


def code(session: Session, vacancies: Sequence[Vacancy], runtime: Runtime) -> int:
    """Code a batch and store the results; returns how many were coded (0 while loading)."""
    codings = compute_coding(runtime, vacancies)
    for vacancy, coding in zip(vacancies, codings or []):
        apply_coding(session, vacancy, coding)
    return len(codings or [])
