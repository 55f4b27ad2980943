"""A passport as the ranker sees it: tier-1 matching data only (``matching/ranking/profile.py``).

Nothing of tier 2 (sex, birth year, return status, type and reasons) is read here; tier 3 is
never stored. Each unit group the passport supports counts by months worked and the coder's
confidence (a counsellor's correction counts in full); what the returnee wants to do counts as
a wish, not as experience; skills carry the words that showed them.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sqlmodel import Session, select

from app.passports import service
from app.passports.models import Passport, PassportOccupation, PassportSkill
from app.runtime import Runtime
from matching.ranking.certificates import read_certificate
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import (
    HeldCertificate, HeldOccupation, Place, Profile, ScheduleNeeds, ShownSkill, with_implied_skills,
)

WANTED_STRENGTH = 1.0  # a wish fits its occupation in full; it adds no months of experience
FULL_MONTHS = 60  # five years' work counts in full


def strength(months: int, confidence: float) -> float:
    """0.4 for a job without months, rising to 1.0 at five years; times 0.6–1.0 by confidence."""
    return round(min(1.0, 0.4 + 0.6 * months / FULL_MONTHS) * (0.6 + 0.4 * confidence), 4)


def _words(document: dict[str, Any], experience_ids: list[str]) -> str:
    titles = {e["id"]: e["title"] for e in document.get("experiences", [])}
    for eid in experience_ids:
        if eid in titles:
            return titles[eid]
        if eid == service.BEFORE_MIGRATION:
            return (document.get("before_migration") or {}).get("occupation") or ""
    return ""


def _skill_evidence(skill: PassportSkill, titles: dict[str, str]) -> str:
    if skill.source in ("declared", "assessed"):
        return f"{skill.source}: “{skill.words}”" if skill.words else skill.source
    where = titles.get(skill.experience_id or "", "")
    field = {"title": "job title", "tasks": "tasks", "description": "description"}.get(skill.field or "", skill.field or "")
    return f"{field} of “{where}”: “{skill.words}”" if where else f"“{skill.words}”"


def build_profile(session: Session, passport: Passport, runtime: Runtime, skills_of: OccupationSkills,
                  groups: list[dict[str, Any]]) -> Profile:
    """``groups``: the unit groups the passport supports (``passports.service.supported_groups``)."""
    tx = runtime.require_taxonomies()
    doc = passport.document
    occupations = []
    for g in groups:
        source = "before_migration" if g["sources"] == [service.BEFORE_MIGRATION] else "experience"
        occupations.append(HeldOccupation(
            g["isco"], g["title"], g["months_total"], strength(g["months_total"], g["confidence"]), source,
            _words(doc, g["experiences"]),
            tuple(sorted({e.get("country") for e in doc.get("experiences", []) if e["id"] in g["experiences"]
                          and e.get("country")})),
        ))
    held = {o.isco for o in occupations}
    wanted: list[str] = []
    words = [w for w in doc.get("preferences", {}).get("occupations", [])]
    coded_wishes = {r.experience_id: r for r in session.exec(select(PassportOccupation).where(
        PassportOccupation.passport_id == passport.id, PassportOccupation.experience_id.startswith(service.PREFERENCE)))}
    n_words = 0
    for w in words:
        if len(w) == 4 and w.isdigit():
            code, text = w, tx.isco[w].title if w in tx.isco else w
        else:
            n_words += 1
            row = coded_wishes.get(f"{service.PREFERENCE}{n_words}")
            if row is None:
                continue
            code, text = row.isco, w
        if code not in tx.isco or code in wanted:
            continue
        wanted.append(code)
        if code not in held:
            occupations.append(HeldOccupation(code, tx.isco[code].title, 0, WANTED_STRENGTH, "preference", text))
    titles = {e["id"]: e["title"] for e in doc.get("experiences", [])}
    shown: dict[str, ShownSkill] = {}
    for s in session.exec(select(PassportSkill).where(PassportSkill.passport_id == passport.id).order_by(PassportSkill.id)):
        if s.esco_uri not in shown or s.confidence > shown[s.esco_uri].confidence:
            shown[s.esco_uri] = ShownSkill(s.esco_uri, s.label, s.source, _skill_evidence(s, titles), s.confidence)
    certificates = []
    for c in doc.get("certificates", []):
        framework, level = c.get("framework"), c.get("level")
        if not framework and (found := read_certificate(c["title"])):
            framework, level = found[0], level or found[1]
        certificates.append(HeldCertificate(c["title"], framework, level, c.get("isco"), bool(c.get("verified"))))
    for q in (doc.get("before_migration") or {}).get("qualifications", []):  # held before leaving, in words
        found = read_certificate(q)
        certificates.append(HeldCertificate(q, found[0] if found else None, found[1] if found else None, None, False))
    completed = [e["isced"] for e in doc.get("education", []) if e.get("completed", True)]
    person = doc.get("person", {})
    prefs = doc.get("preferences", {})
    schedule = prefs.get("schedule", {})
    vector = None
    if passport.embedding is not None and runtime.encoder is not None and passport.coding_model == runtime.encoder.model_id:
        vector = np.frombuffer(passport.embedding, dtype="<f4")
    profile = Profile(
        occupations=tuple(occupations), skills=shown, certificates=tuple(certificates),
        education_isced=max(completed) if completed else None,
        languages=frozenset(lang["code"] for lang in person.get("languages", [])),
        home=Place(person.get("country"), person.get("region"), person.get("district")) if person.get("country") else None,
        places=tuple(Place(p["country"], p.get("region"), p.get("city")) for p in prefs.get("places", [])),
        willing_to_relocate=bool(prefs.get("willing_to_relocate")),
        pathways=frozenset(prefs.get("pathways", [])), wanted=tuple(wanted),
        schedule=ScheduleNeeds(schedule.get("weekday_daytime", True), schedule.get("evenings", True),
                               schedule.get("weekends", True), schedule.get("max_hours_per_week"),
                               bool(schedule.get("care_duties"))),
        vector=vector,
    )
    return with_implied_skills(profile, skills_of)
