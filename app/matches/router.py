"""Matching: vacancies and courses for a returnee, skill gaps, candidates for a vacancy, and the
equity report. Plain ``def`` endpoints: ranking is CPU work and runs in the thread pool."""
from __future__ import annotations

import uuid
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlmodel import select

from app.audit.log import Purpose, record
from app.deps import AnyKey, PassportKey, PurposeDep, RuntimeDep, SessionDep
from app.errors import Problem
from app.fields import Country, Currency, IscoUnit
from app.matches import service
from app.matches.catalogue import target_of
from app.matches.schemas import (
    CandidateOccupation, CandidateOut, Candidates, CandidateSkill, CourseMatches, EquityReport, EquityRow, Gaps,
    GapSkill, GapTarget, VacancyMatches,
)
from app.passports.models import Passport, PassportOccupation
from app.passports.schemas import Pathway
from app.passports.service import BEFORE_MIGRATION, consented
from app.rpl.service import rpl_ready_groups
from app.tenancy import get_owned
from app.timeutil import utcnow
from app.vacancies.models import Vacancy
from app.vacancies.schemas import EmploymentType
from matching.ranking.catalogue import VacancyFilters
from matching.ranking.courses import rank_courses
from matching.ranking.explain import explain_vacancy
from matching.ranking.gaps import gap_weights, occupation_needs, skill_gap, vacancy_needs

router = APIRouter(tags=["matching"])
EngineDep = Annotated[service.Engine, Depends(service.engine)]
PassportId = Annotated[uuid.UUID, Path(description="The passport id")]
Offset = Annotated[int, Query(ge=0, le=10_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
CARE_UNIT_GROUPS = ("9111", "5322", "5311", "5321", "9112")
SMALL_CELL = 5


def _passport(session, key, passport_id) -> Passport:
    return get_owned(session, Passport, passport_id, key.organisation_id)


@router.get("/v1/passports/{passport_id}/matches/vacancies", response_model=VacancyMatches,
            summary="Open vacancies for a returnee, ranked and explained")
def match_vacancies(
    passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep, eng: EngineDep,
    purpose: PurposeDep, offset: Offset = 0, limit: Limit = 20,
    country: Country | None = None, region: Annotated[str | None, Query(max_length=200)] = None,
    city: Annotated[str | None, Query(max_length=200)] = None, employment_type: EmploymentType | None = None,
    job_fair_id: uuid.UUID | None = None,
    min_pay: Annotated[float | None, Query(ge=0, description="Monthly equivalent, in `currency`")] = None,
    currency: Currency | None = None,
    pathway: Annotated[Pathway | None, Query(description="re_migration: vacancies abroad only; "
                                             "wage_employment: at home only")] = None,
    isco: Annotated[str | None, Query(pattern=r"^\d{1,4}$", description="Only this ISCO-08 group (any level)")] = None,
    diversify: Annotated[bool | None, Query(description="Default: on, unless `isco` is given")] = None,
) -> VacancyMatches:
    if min_pay is not None and currency is None:
        raise Problem(422, "validation_error", "min_pay needs a currency.",
                      errors=[{"loc": ["query", "currency"], "field": "currency", "msg": "required with min_pay",
                               "type": "missing"}])
    passport = _passport(session, key, passport_id)
    profile, groups = service.ready_profile(session, passport, runtime, eng)
    cat = eng.cache.get(session, key.organisation_id, runtime)
    filters = VacancyFilters(country, region, city, employment_type.value if employment_type else None,
                             str(job_fair_id) if job_fair_id else None, min_pay, currency,
                             pathway.value if pathway else None, isco)
    today = utcnow().date()
    ranked = eng.ranker.rank(profile, cat.vacancies, filters, today, offset=offset, limit=limit, courses=cat.courses,
                             diversify=diversify)
    data = [service.vacancy_out(offset + n, m) for n, m in enumerate(ranked.matches, start=1)]
    for out, m in zip(data, ranked.matches):
        service.add_rpl_routes(out, m, passport, groups, today)
    record(session, key, "match_vacancies", "passport", passport.id, purpose)
    session.commit()
    return VacancyMatches(passport_id=passport.id, count=ranked.count, offset=offset, limit=limit,
                          weights=eng.ranker.weights.as_dict(),
                          diversified=diversify if diversify is not None else not isco, data=data)


@router.get("/v1/passports/{passport_id}/matches/courses", response_model=CourseMatches,
            summary="Training courses for a returnee: those that close skill gaps first")
def match_courses(
    passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep, eng: EngineDep,
    purpose: PurposeDep, offset: Offset = 0, limit: Limit = 20,
    kind: Annotated[str | None, Query(max_length=30)] = None, country: Country | None = None,
    free_only: bool = False,
) -> CourseMatches:
    passport = _passport(session, key, passport_id)
    profile, groups = service.ready_profile(session, passport, runtime, eng)
    cat = eng.cache.get(session, key.organisation_id, runtime)
    today = utcnow().date()
    view = service.in_view(profile)
    best = [m for m in eng.ranker.rank(profile, cat.vacancies, VacancyFilters(), today,
                                       limit=service.VACANCIES_IN_VIEW).matches if m.score >= service.VACANCY_IN_VIEW_SCORE]
    weights = gap_weights(profile, eng.skills, view, [m.target for m in best])
    codes = list(dict.fromkeys([code for code, _ in view] + [m.target.isco for m in best if m.target.isco]))
    ready = rpl_ready_groups(passport, groups, today)
    ranked = rank_courses(profile, cat.courses, weights, codes, today, kind=kind, country=country, free_only=free_only,
                          rpl_ready=ready)
    record(session, key, "match_courses", "passport", passport.id, purpose)
    session.commit()
    top_gaps = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    return CourseMatches(
        passport_id=passport.id, count=len(ranked), offset=offset, limit=limit, occupations_in_view=codes,
        gaps=[GapSkill(esco_uri=uri, label=eng.skills.label(uri), weight=round(w, 3)) for uri, w in top_gaps],
        data=[service.course_out(offset + n, m, today) for n, m in enumerate(ranked[offset:offset + limit], start=1)],
    )


@router.get("/v1/passports/{passport_id}/gaps", response_model=Gaps,
            summary="Skills an occupation or a vacancy needs that the passport does not show, and courses for each")
def gaps(
    passport_id: PassportId, key: PassportKey, session: SessionDep, runtime: RuntimeDep, eng: EngineDep,
    purpose: PurposeDep, isco: IscoUnit | None = None, vacancy: uuid.UUID | None = None,
) -> Gaps:
    if (isco is None) == (vacancy is None):
        raise Problem(422, "validation_error", "Give exactly one of isco (a unit group) or vacancy (a vacancy id).",
                      errors=[{"loc": ["query", "isco" if isco is None else "vacancy"], "field": "isco|vacancy",
                               "msg": "exactly one of isco or vacancy", "type": "value_error"}])
    passport = _passport(session, key, passport_id)
    tx = runtime.require_taxonomies()
    if vacancy is not None:
        row = get_owned(session, Vacancy, vacancy, key.organisation_id)
    profile, _ = service.ready_profile(session, passport, runtime, eng)
    cat = eng.cache.get(session, key.organisation_id, runtime)
    if vacancy is not None:
        essential, optional = vacancy_needs(eng.skills, target_of(session, row, runtime))
        gap_target = GapTarget(kind="vacancy", isco=row.isco, title=row.title, vacancy_id=row.id)
    else:
        essential, optional = occupation_needs(eng.skills, isco)
        gap_target = GapTarget(kind="occupation", isco=isco, title=tx.isco[isco].title)
    gap = skill_gap(profile, essential, optional, cat.courses, utcnow().date())
    record(session, key, "skill_gaps", "passport", passport.id, purpose)
    session.commit()
    cov = gap.coverage
    return Gaps(
        passport_id=passport.id, target=gap_target, coverage=cov.score,
        matched_essential=[service.evidence(s) for s in cov.essential_matched],
        matched_optional=[service.evidence(s) for s in cov.optional_matched],
        missing_essential=[service.missing(s, gap.courses) for s in cov.essential_missing],
        missing_optional=[service.missing(s, gap.courses) for s in cov.optional_missing],
    )


@router.get("/v1/vacancies/{vacancy_id}/candidates", response_model=Candidates,
            summary="Returnees who consented to be visible, ranked for a vacancy (tier-1 data only)")
def candidates(
    vacancy_id: Annotated[uuid.UUID, Path(description="The vacancy id")], key: AnyKey, session: SessionDep,
    runtime: RuntimeDep, eng: EngineDep, purpose: PurposeDep, offset: Offset = 0, limit: Limit = 20,
) -> Candidates:
    row = get_owned(session, Vacancy, vacancy_id, key.organisation_id)
    target = target_of(session, row, runtime)  # closed vacancies too: they are not in the cached index
    visible = [p for p in session.exec(select(Passport).where(Passport.organisation_id == key.organisation_id))
               if consented(p, "employer_visibility") and consented(p, "matching")]
    scored = []
    for p in visible:
        profile, _ = service.ready_profile(session, p, runtime, eng)
        scored.append((eng.ranker.score(profile, target), p, profile))
    scored.sort(key=lambda s: (-s[0].score, str(s[1].id)))
    page = scored[offset:offset + limit]
    out = []
    for n, (m, p, profile) in enumerate(page, start=offset + 1):
        reasons = explain_vacancy(target.title, target.isco, target.isco_title, m.occupation, m.coverage, m.experience,
                                  m.qualifications, m.place, target.country, target.region, target.city, {})
        out.append(CandidateOut(
            rank=n, passport_id=p.id, external_ref=p.external_ref, score=m.score, components=m.components,
            occupations=[CandidateOccupation(isco=o.isco, title=o.title, months=o.months)
                         for o in profile.occupations if o.source != "preference"],
            skills_matched=[service.evidence(s) for s in m.coverage.essential_matched + m.coverage.optional_matched],
            skills_missing=[CandidateSkill(esco_uri=s.uri, label=s.label) for s in m.coverage.essential_missing],
            certificates=[c.title for c in profile.certificates], languages=sorted(profile.languages),
            explanation=" ".join(reasons),
        ))
        record(session, key, "match_candidate", "passport", p.id, purpose, {"vacancy_id": str(row.id)})
    session.commit()
    return Candidates(vacancy_id=row.id, count=len(scored), offset=offset, limit=limit, data=out)


@router.get("/v1/reports/equity", response_model=EquityReport,
            summary="By sex: whose top-10 vacancies are all domestic or care work, beside who did that work before migrating")
def equity(key: PassportKey,
           session: SessionDep, runtime: RuntimeDep, eng: EngineDep, purpose: PurposeDep) -> EquityReport:
    cat = eng.cache.get(session, key.organisation_id, runtime)
    today = utcnow().date()
    care = frozenset(CARE_UNIT_GROUPS)
    counts: dict[str, Counter] = {}
    considered = without = 0
    for p in session.exec(select(Passport).where(Passport.organisation_id == key.organisation_id)
                          .order_by(Passport.created_at)):
        if not (consented(p, "matching") and consented(p, "statistics")):
            continue
        profile, _ = service.ready_profile(session, p, runtime, eng)
        considered += 1
        top = eng.ranker.rank(profile, cat.vacancies, VacancyFilters(), today, limit=10).matches
        c = counts.setdefault(p.sex, Counter())
        c["passports"] += 1
        if not top:
            without += 1
        elif all(m.target.isco in care for m in top):
            c["top10_all_care"] += 1
        before = (p.document.get("before_migration") or {}).get("isco") or next(
            (r.isco for r in session.exec(select(PassportOccupation).where(
                PassportOccupation.passport_id == p.id, PassportOccupation.experience_id == BEFORE_MIGRATION,
                PassportOccupation.rank == 1))), None)
        if before in care:
            c["before_migration_care"] += 1
    record(session, key, "report_equity", "report", None, purpose or Purpose.statistics)
    session.commit()
    rows = []
    for sex in ("female", "male", "other", "undisclosed"):
        c = counts.get(sex, Counter())
        n = c["passports"]
        small = 0 < n < SMALL_CELL
        rows.append(EquityRow(
            sex=sex, passports=None if small else n, suppressed=small,
            top10_all_care=None if small else c["top10_all_care"],
            top10_all_care_share=None if small or not n else round(c["top10_all_care"] / n, 3),
            before_migration_care=None if small else c["before_migration_care"],
            before_migration_care_share=None if small or not n else round(c["before_migration_care"] / n, 3),
        ))
    return EquityReport(
        care_unit_groups=list(CARE_UNIT_GROUPS), passports_considered=considered, passports_without_results=without,
        rule=("Passports with matching and statistics consent. top10_all_care: every one of the passport's top 10 "
              "vacancies (fewer if fewer match) is in a care unit group; before_migration_care: the occupation "
              f"held before migrating is. Cells under {SMALL_CELL} passports are suppressed."),
        data=rows,
    )

