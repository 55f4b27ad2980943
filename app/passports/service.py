"""Passport operations that are not HTTP: stamping consent, merge patches, coding on save,
the occupations a passport supports, the organisation's own aliases, and erasure."""
from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.auth.models import ApiKey
from app.errors import Problem
from app.passports.models import OccupationOverride, Passport, PassportOccupation, PassportSkill
from app.passports.schemas import Experience, PassportBody
from app.runtime import Runtime
from app.timeutil import utcnow
from matching.coding.coder import CodingItem
from matching.ranking.embedding import blend_with_occupation
from matching.skills.extraction import TextField
from matching.text import normalise

CODED_PER_EXPERIENCE = 3
BEFORE_MIGRATION = "before_migration"
PREFERENCE = "preference:"  # experience_id prefix of coded preferred occupations
_ISCO_UNIT = re.compile(r"^\d{4}$")
_DOCUMENTS = {"employer_certificate", "employer_testimonial", "contract", "payslip", "reference_letter",
              "overseas_worker_information_sheet"}
_STAMPS = ("recorded_by", "recorded_at")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, ``null`` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def body_of(document: dict[str, Any]) -> dict[str, Any]:
    """The stored document as a client would write it (consent without the server's stamps)."""
    body = dict(document)
    body["consent"] = {p: {k: v for k, v in c.items() if k not in _STAMPS} for p, c in document.get("consent", {}).items()}
    return body


def to_document(body: PassportBody, previous: dict[str, Any] | None, key: ApiKey) -> dict[str, Any]:
    """The document to store: experience ids filled in, consent stamped with who recorded it
    and when (kept from before when the consent itself did not change)."""
    taken = {e.id for e in body.experiences if e.id}
    counter = 1
    for experience in body.experiences:
        if experience.id is None:
            while f"e{counter}" in taken:
                counter += 1
            experience.id = f"e{counter}"
            taken.add(experience.id)
    document = body.model_dump(mode="json", by_alias=True, exclude={"priority_support", "external_ref"}, exclude_none=True)
    old = (previous or {}).get("consent", {})
    now = utcnow().isoformat()
    for purpose, consent in document.get("consent", {}).items():
        before = old.get(purpose)
        if before and {k: v for k, v in before.items() if k not in _STAMPS} == consent:
            consent.update({k: before[k] for k in _STAMPS})
        else:
            consent.update(recorded_by=f"{key.id} ({key.name})", recorded_at=now)
    return document


def apply(passport: Passport, document: dict[str, Any], body: PassportBody) -> None:
    passport.document = document
    passport.sex = body.person.sex.value
    passport.birth_year = body.person.birth_year
    passport.country = body.person.country
    passport.region = body.person.region
    passport.updated_at = utcnow()


def consented(passport: Passport, purpose: str) -> bool:
    return bool(passport.document.get("consent", {}).get(purpose, {}).get("granted"))


# ---- coding on save ----------------------------------------------------------------------------
def tenant_aliases(session: Session, organisation_id: uuid.UUID) -> dict[str, str]:
    """The organisation's counsellor corrections as aliases: normalised text → unit group (latest wins)."""
    rows = session.exec(
        select(OccupationOverride.text, OccupationOverride.isco)
        .where(OccupationOverride.organisation_id == organisation_id).order_by(OccupationOverride.created_at)
    )
    aliases = {normalise(text): isco for text, isco in rows}
    aliases.pop("", None)
    return aliases


def _experience_text(experience: dict[str, Any]) -> str | None:
    parts = [experience.get("tasks"), experience.get("description")]
    return ". ".join(p for p in parts if p) or None


def code_passport(session: Session, passport: Passport, runtime: Runtime) -> None:
    """Code every experience (and the job held before migrating) to ISCO-08, top 3 with
    confidence, and extract and normalise skills; replaces the passport's derived rows. When
    the coder is not loaded yet the passport stays ``pending`` and is coded on next read."""
    coder, extractor = runtime.coder, runtime.skills
    if coder is None or extractor is None:
        passport.coding_status = "pending"
        return
    doc = passport.document
    experiences = doc.get("experiences", [])
    items, ids, groups = [], [], []
    for e in experiences:
        groups.append(e.get("major_group"))
        items.append(CodingItem(e["title"], _experience_text(e), e.get("lang"), e.get("country")))
        ids.append(e["id"])
    before = doc.get("before_migration") or {}
    if before.get("occupation") and not before.get("isco"):
        items.append(CodingItem(before["occupation"]))
        ids.append(BEFORE_MIGRATION)
        groups.append(before.get("major_group"))
    wanted = [w for w in doc.get("preferences", {}).get("occupations", []) if not _ISCO_UNIT.match(w)]
    coded = coder.code(items + [CodingItem(w) for w in wanted], k=CODED_PER_EXPERIENCE * 2,
                       extra_names=tenant_aliases(session, passport.organisation_id)) if items or wanted else []
    results = coded[:len(items)]
    months = [Experience.model_validate(e).duration_months() for e in experiences]
    months.append((before.get("months") or 0) if len(ids) > len(experiences) else 0)
    passport.embedding = _mean_vector(_with_occupation(runtime, results), months)
    session.exec(delete(PassportOccupation).where(PassportOccupation.passport_id == passport.id))
    session.exec(delete(PassportSkill).where(PassportSkill.passport_id == passport.id))
    for experience_id, group, result in zip(ids, groups, results):
        candidates = result.candidates
        if group:  # the major group is known: its unit groups come first
            candidates = sorted(candidates, key=lambda c: not c.code.startswith(group))
        for rank, c in enumerate(candidates[:CODED_PER_EXPERIENCE], start=1):
            session.add(PassportOccupation(
                passport_id=passport.id, organisation_id=passport.organisation_id, experience_id=experience_id,
                rank=rank, isco=c.code, probability=c.probability, matched_label=c.matched_label[:300],
                signal=c.signal, needs_review=result.needs_review,
            ))
    for n, (words, result) in enumerate(zip(wanted, coded[len(items):]), start=1):
        if result.candidates:  # what the returnee wants to do, coded like an experience (rank 1 only)
            c = result.candidates[0]
            session.add(PassportOccupation(
                passport_id=passport.id, organisation_id=passport.organisation_id, experience_id=f"{PREFERENCE}{n}",
                rank=1, isco=c.code, probability=c.probability, matched_label=c.matched_label[:300], signal=c.signal,
                needs_review=result.needs_review))
    fields = []
    for e in experiences:
        for name in ("title", "tasks", "description"):
            if e.get(name):
                fields.append(TextField(e["id"], name, e[name]))
    for skill in extractor.extract(fields):
        session.add(PassportSkill(
            passport_id=passport.id, organisation_id=passport.organisation_id, esco_uri=skill.uri, label=skill.label,
            source="extracted", experience_id=skill.experience_id, field=skill.field, words=skill.words[:300],
            method=skill.method, confidence=skill.confidence,
        ))
    declared = doc.get("skills", [])
    found = extractor.normalise_labels([s["label"] for s in declared if not s.get("esco_uri")])
    found_iter = iter(found)
    for s in declared:
        match = (s["esco_uri"], 1.0, "given") if s.get("esco_uri") else next(found_iter)
        if match is None:
            continue
        uri, confidence, method = match
        session.add(PassportSkill(
            passport_id=passport.id, organisation_id=passport.organisation_id, esco_uri=uri,
            label=runtime.require_taxonomies().esco_skills[uri].preferred_label, source=s.get("source", "declared"),
            field="declared", words=s["label"][:300], method=method, confidence=confidence,
        ))
    passport.coding_status = "coded"
    passport.coding_model = runtime.encoder.model_id if runtime.encoder else None
    passport.coded_at = utcnow()


def _with_occupation(runtime: Runtime, results) -> list:
    """Each experience's embedding, blended with its coded unit group's title when the coder is
    confident (``matching.ranking.embedding``)."""
    units = runtime.unit_title_vectors()
    return [blend_with_occupation(r.vector, units, r.candidates[0].code if r.candidates else None,
                                  r.candidates[0].probability if r.candidates else 0.0) for r in results]


def _mean_vector(vectors: list, months: list[int]) -> bytes | None:
    """The passport's embedding: experiences weighted by months worked (at least one each)."""
    present = [(v, max(1, m)) for v, m in zip(vectors, months) if v is not None]
    if not present:
        return None
    mean = sum(v * m for v, m in present) / sum(m for _, m in present)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype("<f4").tobytes() if norm > 0 else None


def require_coded(session: Session, passport: Passport, runtime: Runtime) -> None:
    """Code a passport saved while the coder was loading; 503 while it still is."""
    if passport.coding_status != "pending":
        return
    if runtime.coder is None:
        raise Problem(503, "not_ready", "The occupation coder is still loading; retry in a few seconds.",
                      headers={"Retry-After": "10"})
    code_passport(session, passport, runtime)
    session.add(passport)
    session.commit()


# ---- what a passport supports ------------------------------------------------------------------
def evidence_strength(evidence: list[dict[str, Any]]) -> str:
    """verified (a verified document), documented (a document, not yet verified),
    self_declared (a self-declaration or photos/video only), none."""
    if any(e["kind"] in _DOCUMENTS and e.get("verified") for e in evidence):
        return "verified"
    if any(e["kind"] in _DOCUMENTS for e in evidence):
        return "documented"
    return "self_declared" if evidence else "none"


_STRENGTH = {"none": 0, "self_declared": 1, "documented": 2, "verified": 3}


def is_abroad(experience: dict[str, Any], home: str | None) -> bool | None:
    if experience.get("abroad") is not None:
        return experience["abroad"]
    if experience.get("country") and home:
        return experience["country"] != home
    return None


def supported_occupations(passport: Passport, rows: list[PassportOccupation], overrides: list[OccupationOverride],
                          tx) -> list[dict[str, Any]]:
    """The unit groups the passport supports: per group, months abroad and at home, the
    experiences behind it, the strongest evidence and the ISCO skill level. Each experience
    counts for its override if a counsellor made one, else for the coder's first choice."""
    doc = passport.document
    home = doc.get("person", {}).get("country")
    by_experience: dict[str, list[PassportOccupation]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.rank):
        by_experience[row.experience_id].append(row)
    latest_override = {o.experience_id: o for o in sorted(overrides, key=lambda o: o.created_at)}
    groups: dict[str, dict[str, Any]] = {}

    def group(code: str) -> dict[str, Any]:
        if code not in groups:
            unit = tx.isco[code]
            groups[code] = {"isco": code, "title": unit.title, "skill_levels": list(unit.skill_levels),
                            "months_abroad": 0, "months_home": 0, "months_unknown_place": 0, "months_total": 0,
                            "experiences": [], "evidence_strength": "none", "confidence": 0.0,
                            "sources": [], "needs_review": False}
        return groups[code]

    for e in doc.get("experiences", []):
        months = Experience.model_validate(e).duration_months()
        override = latest_override.get(e["id"])
        coded = by_experience.get(e["id"], [])
        if override:
            code, confidence, source, review = override.isco, 1.0, "override", False
        elif coded:
            code, confidence, source, review = coded[0].isco, coded[0].probability, "coded", coded[0].needs_review
        else:
            continue
        g = group(code)
        where = is_abroad(e, home)
        g["months_abroad" if where else "months_home" if where is False else "months_unknown_place"] += months
        g["months_total"] += months
        g["experiences"].append(e["id"])
        strength = evidence_strength(e.get("evidence", []))
        if _STRENGTH[strength] > _STRENGTH[g["evidence_strength"]]:
            g["evidence_strength"] = strength
        g["confidence"] = max(g["confidence"], confidence)
        g["needs_review"] = g["needs_review"] or review
        if source not in g["sources"]:
            g["sources"].append(source)
    before = doc.get("before_migration") or {}
    code = before.get("isco") or (by_experience[BEFORE_MIGRATION][0].isco if by_experience.get(BEFORE_MIGRATION) else None)
    if code:
        g = group(code)
        g["months_home"] += before.get("months") or 0
        g["months_total"] += before.get("months") or 0
        g["experiences"].append(BEFORE_MIGRATION)
        g["confidence"] = max(g["confidence"], 1.0 if before.get("isco") else by_experience[BEFORE_MIGRATION][0].probability)
        g["sources"].append(BEFORE_MIGRATION)
    return sorted(groups.values(), key=lambda g: (-g["months_total"], -g["confidence"], g["isco"]))


def supported_groups(session: Session, passport: Passport, tx) -> list[dict[str, Any]]:
    """``supported_occupations`` with the passport's coded rows and overrides read here."""
    rows = list(session.exec(select(PassportOccupation).where(PassportOccupation.passport_id == passport.id)))
    overrides = list(session.exec(select(OccupationOverride).where(OccupationOverride.passport_id == passport.id)))
    return supported_occupations(passport, rows, overrides, tx)


# ---- erasure -----------------------------------------------------------------------------------
def erase(session: Session, passport: Passport) -> dict[str, int]:
    """Delete the person everywhere: derived rows, overrides (their words), the passport. Returns
    the row counts for the tombstone (numbers only)."""
    counts = {}
    for model in (PassportSkill, PassportOccupation, OccupationOverride):
        counts[model.__tablename__] = session.exec(
            select(func.count()).select_from(model).where(model.passport_id == passport.id)
        ).one()
        session.exec(delete(model).where(model.passport_id == passport.id))
    session.delete(passport)
    return counts


def compact(session: Session) -> None:
    """After an erasure on SQLite, fold the write-ahead log into the database file so that
    erased pages (zeroed by ``secure_delete``) are the only copy left on disk."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        session.commit()


def code_pending(engine, runtime: Runtime, wait_s: float = 2.0, stop=None) -> int:
    """Wait for the runtime, then code every passport saved while the coder was loading."""
    import time

    from sqlmodel import Session as _Session

    while runtime.state in ("starting", "loading") and not (stop and stop.is_set()):
        time.sleep(wait_s)
    if runtime.coder is None:
        return 0
    done = 0
    with _Session(engine, expire_on_commit=False) as session:
        ids = session.exec(select(Passport.id).where(Passport.coding_status == "pending")).all()
        for passport_id in ids:
            passport = session.get(Passport, passport_id)
            if passport is None or passport.coding_status != "pending":
                continue
            code_passport(session, passport, runtime)
            session.add(passport)
            session.commit()
            done += 1
    return done
