"""RPL pre-screen: the schemes, a stateless assessment, and every applicable scheme for a
passport. A pre-screen and a referral, never a certification."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from app.audit.log import record
from app.deps import AnyKey, PassportKey, PurposeDep, RuntimeDep, SessionDep
from app.errors import Problem
from app.passports import service as passports
from app.passports.models import Passport
from app.rpl import service
from app.rpl.schemas import AssessIn, AssessmentOut, PassportRpl, PassportRplGroup, SchemeList
from app.tenancy import get_owned
from app.timeutil import utcnow
from matching.rpl import RplEvidence, WorkPeriod, assess
from taxonomies.rpl import Scheme, load_schemes

router = APIRouter(tags=["rpl"])


def _scheme(scheme_id: str, field: str = "scheme_id") -> Scheme:
    schemes = load_schemes()
    if scheme_id not in schemes:
        raise Problem(404 if field == "path" else 422, "unknown_scheme",
                      f"No RPL scheme {scheme_id!r}; known: {', '.join(sorted(schemes))}.",
                      errors=[{"loc": ["body", "scheme_id"] if field != "path" else ["path", "scheme_id"],
                               "field": "scheme_id", "msg": "unknown scheme", "type": "value_error"}])
    return schemes[scheme_id]


@router.get("/v1/rpl/schemes", response_model=SchemeList, summary="The RPL schemes known, with how much of each is known")
def list_schemes(key: AnyKey) -> SchemeList:
    today = utcnow().date()
    data = [service.summary(s, today) for s in load_schemes().values()]
    return SchemeList(count=len(data), data=data)


@router.get("/v1/rpl/schemes/{scheme_id}", summary="One scheme: every rule with its source, grade and dates")
def read_scheme(scheme_id: Annotated[str, Path(max_length=60)], key: AnyKey) -> dict:
    return _scheme(scheme_id, "path").model_dump(mode="json")


@router.post("/v1/rpl/assess", response_model=AssessmentOut, summary="Pre-screen posted evidence against a scheme and level")
def assess_posted(body: AssessIn, key: AnyKey) -> AssessmentOut:
    scheme = _scheme(body.scheme_id)
    if scheme.level(body.level) is None:
        raise Problem(422, "unknown_level", f"{scheme.id} has no level {body.level!r}; levels: "
                      f"{', '.join(r.level for r in scheme.levels)}.",
                      errors=[{"loc": ["body", "level"], "field": "level", "msg": "unknown level", "type": "value_error"}])
    e = body.evidence
    evidence = RplEvidence(e.months, [WorkPeriod(p.start, p.end) for p in e.periods], e.age, e.relevant_training,
                           frozenset(e.evidence), e.self_assessment_done)
    return service.assessment_out(scheme, assess(scheme, body.level, evidence, body.on or utcnow().date()))


@router.get("/v1/passports/{passport_id}/rpl", response_model=PassportRpl,
            summary="Every RPL scheme of the passport's country, for each unit group it supports, level by level")
def passport_rpl(passport_id: Annotated[uuid.UUID, Path(description="The passport id")], key: PassportKey,
                 session: SessionDep, runtime: RuntimeDep, purpose: PurposeDep) -> PassportRpl:
    passport = get_owned(session, Passport, passport_id, key.organisation_id)
    passports.require_coded(session, passport, runtime)
    groups = passports.supported_groups(session, passport, runtime.require_taxonomies())
    today = utcnow().date()
    schemes = [s for s in load_schemes().values() if s.country == passport.country]
    data = []
    for g in groups:
        evidence = service.passport_evidence(passport.document, passport.birth_year, g["experiences"],
                                             g["months_total"], today)
        data.append(PassportRplGroup(isco=g["isco"], title=g["title"], months=g["months_total"], assessments=[
            service.assessment_out(s, assess(s, rule.level, evidence, today)) for s in schemes for rule in s.levels]))
    record(session, key, "rpl_prescreen", "passport", passport.id, purpose)
    session.commit()
    return PassportRpl(passport_id=passport.id, country=passport.country, schemes=[s.id for s in schemes], data=data)
