"""Matching for the API: the engine's parts (occupation skills, ranker, catalogue cache) held
once per app, a passport turned into a profile, and results turned into response models."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from sqlmodel import Session

from app.errors import Problem
from app.matches.catalogue import CatalogueCache
from app.matches.profiles import build_profile
from app.matches.schemas import (
    CertificatePart, CourseMatchOut, CourseRef, MissingSkill, OccupationPart, Pay, RequirementsPart, RplRoute,
    SkillEvidence, SkillsPart, VacancyMatchOut,
)
from app.passports import service as passports
from app.passports.models import Passport
from app.rpl.service import certificate_routes
from app.runtime import Runtime
from matching.ranking.components import SkillMatch
from matching.ranking.courses import CourseMatch, CourseTarget
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import Profile
from matching.ranking.vacancies import VacancyMatch, VacancyRanker

# Unit groups in view for course matching: the wanted ones, the held ones, the best vacancies'.
HELD_IN_VIEW, VACANCIES_IN_VIEW = 3, 10
VACANCY_IN_VIEW_SCORE = 0.5  # a vacancy's gaps count for courses only if it is a real prospect
WANTED_WEIGHT, HELD_WEIGHT = 1.0, 0.5


@dataclass
class Engine:
    skills: OccupationSkills
    ranker: VacancyRanker
    cache: CatalogueCache


_lock = threading.Lock()


def engine(request: Request) -> Engine:
    runtime: Runtime = request.app.state.runtime
    tx = runtime.require_taxonomies()
    found = getattr(request.app.state, "matching", None)
    if found is None or found.skills.tx is not tx:
        with _lock:
            found = getattr(request.app.state, "matching", None)
            if found is None or found.skills.tx is not tx:
                skills = OccupationSkills(tx)
                found = Engine(skills, VacancyRanker(skills), CatalogueCache())
                request.app.state.matching = found
    return found


def ready_profile(session: Session, passport: Passport, runtime: Runtime, eng: Engine,
                  purpose: str = "matching") -> tuple[Profile, list[dict]]:
    """The passport's profile and the unit groups it supports, coding it first if it waits for
    the coder; 409 without consent."""
    if not passports.consented(passport, purpose):
        raise Problem(409, "no_consent",
                      f"This passport has no {purpose} consent: record the person's consent "
                      f"(consent.{purpose}.granted = true) before matching.",
                      errors=[{"loc": ["body", "consent", purpose], "field": f"consent.{purpose}",
                               "msg": "not granted", "type": "consent"}])
    passports.require_coded(session, passport, runtime)
    groups = passports.supported_groups(session, passport, runtime.require_taxonomies())
    return build_profile(session, passport, runtime, eng.skills, groups), groups


def evidence(s: SkillMatch) -> SkillEvidence:
    return SkillEvidence(esco_uri=s.uri, label=s.label, evidence=s.evidence, source=s.source)


def course_ref(c: CourseTarget) -> CourseRef:
    return CourseRef(id=c.id, title=c.title, provider=c.provider, kind=c.kind, city=c.city, cost=c.cost,
                     cost_currency=c.cost_currency)


def missing(s: SkillMatch, courses: dict[str, list[CourseTarget]]) -> MissingSkill:
    return MissingSkill(esco_uri=s.uri, label=s.label, courses=[course_ref(c) for c in courses.get(s.uri, [])])


def vacancy_out(rank: int, m: VacancyMatch) -> VacancyMatchOut:
    t, o = m.target, m.occupation
    held = o.held
    return VacancyMatchOut(
        rank=rank, vacancy_id=t.id, title=t.title, employer=t.employer, isco=t.isco, isco_title=t.isco_title,
        country=t.country, region=t.region, city=t.city, employment_type=t.employment_type,
        pay=Pay(min=t.pay_min, max=t.pay_max, currency=t.pay_currency, period=t.pay_period), expires_on=t.expires_on,
        score=m.score, components=m.components, cosine=m.cosine,
        occupation=OccupationPart(relation=o.relation, held_isco=held.isco if held else None,
                                  held_title=held.title if held else None, held_words=held.words if held else None,
                                  held_months=held.months if held else None, held_source=held.source if held else None),
        skills=SkillsPart(
            essential_matched=[evidence(s) for s in m.coverage.essential_matched],
            essential_missing=[missing(s, m.courses) for s in m.coverage.essential_missing],
            optional_matched=[evidence(s) for s in m.coverage.optional_matched],
            optional_missing=[missing(s, m.courses) for s in m.coverage.optional_missing],
        ),
        requirements=RequirementsPart(
            required_experience_months=m.experience.required, relevant_months=m.experience.months,
            certificates=[CertificatePart(name=c.name, held=c.held) for c in m.qualifications.certificates],
            education=m.qualifications.education, languages_missing=list(m.qualifications.languages_missing),
        ),
        place=m.place.reason, pathway=m.pathway[1], preference=m.preference[1], explanation=" ".join(m.explanation), reasons=m.explanation,
    )


def course_out(rank: int, m: CourseMatch, today: date) -> CourseMatchOut:
    c = m.course
    upcoming = [d for d in c.start_dates if d >= today]
    return CourseMatchOut(
        rank=rank, course_id=c.id, title=c.title, provider=c.provider, provider_accreditation=c.provider_accreditation,
        kind=c.kind, target_isco=list(c.target_isco), schedule=list(c.schedule), mode=c.mode, country=c.country,
        region=c.region, city=c.city, cost=c.cost, cost_currency=c.cost_currency, childcare=c.childcare,
        next_start=upcoming[0] if upcoming else None, score=m.score, components=m.components,
        closes=[SkillEvidence(esco_uri=s.uri, label=s.label, evidence=None, source=None) for s in m.closes],
        for_occupations=list(m.for_occupations), explanation=m.explanation,
    )


def in_view(profile: Profile) -> list[tuple[str, float]]:
    """The unit groups whose gaps matter: wanted ones in full, the strongest held ones at half."""
    view: dict[str, float] = {code: WANTED_WEIGHT for code in profile.wanted}
    held = sorted((o for o in profile.occupations if o.source != "preference"), key=lambda o: -o.strength)
    for o in held[:HELD_IN_VIEW]:
        view.setdefault(o.isco, HELD_WEIGHT)
    return list(view.items())


def add_rpl_routes(out: VacancyMatchOut, m: VacancyMatch, passport: Passport, groups: list[dict], today: date) -> None:
    """For each certificate the vacancy asks and the passport lacks: the RPL route when the
    pre-screen says eligible or pending evidence, with a sentence for the explanation."""
    needs = {c.name: c for c in m.target.certificates}
    for missing_cert in m.qualifications.certificates_missing:
        need = needs.get(missing_cert.name)
        if need is None:
            continue
        for scheme, a in certificate_routes(passport, groups, m.target.isco, need.framework, need.level, today):
            places = [p.name for p in scheme.where_to_apply]
            out.rpl_routes.append(RplRoute(certificate=need.name, scheme_id=scheme.id, scheme=scheme.name, level=a.level,
                                           decision=a.decision, missing_evidence=a.missing_evidence,
                                           where_to_apply=places))
            pending = f" (bring: {', '.join(a.missing_evidence)})" if a.missing_evidence else ""
            where = f" Apply at {places[0]}." if places else ""
            sentence = (f"Your experience may qualify you for {need.name} through recognition of prior learning: "
                        f"the pre-screen for {scheme.name} level {a.level} says {a.decision.replace('_', ' ')}"
                        f"{pending}.{where}")
            out.reasons.append(sentence)
            out.explanation = " ".join(out.reasons)
            break
