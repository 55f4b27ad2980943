"""The RPL pre-screen for the API: scheme summaries, assessments as responses, and a passport's
evidence for a unit group (months and dated periods of the experiences coded to it, the
evidence kinds on them, the age from the birth year — an eligibility rule of the schemes, never
a ranking score)."""
from __future__ import annotations

from datetime import date
from typing import Any

from app.passports.schemas import Experience
from app.rpl.schemas import AssessmentOut, PlaceOut, RuleOut, SchemeSummary
from matching.ranking.certificates import framework_key, level_number
from matching.rpl import Assessment, RplEvidence, WorkPeriod, assess
from taxonomies.rpl import Scheme, load_schemes


def summary(scheme: Scheme, today: date) -> SchemeSummary:
    facts = scheme.facts()
    return SchemeSummary(
        id=scheme.id, name=scheme.name, country=scheme.country, framework=scheme.framework.name,
        levels=[r.level for r in scheme.levels], effective_from=scheme.effective_from,
        effective_to=scheme.effective_to,
        in_force=(scheme.effective_from is None or scheme.effective_from <= today)
        and (scheme.effective_to is None or today <= scheme.effective_to),
        known_facts=sum(f.status == "known" for _, f in facts), unknown_facts=sum(f.status == "unknown" for _, f in facts),
    )


def assessment_out(scheme: Scheme, a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        scheme_id=scheme.id, scheme=scheme.name, level=a.level, decision=a.decision, reasons=a.reasons,
        months_required=a.months_required, months_counted=a.months_counted, months_needed=a.months_needed,
        missing_evidence=a.missing_evidence, bring=a.bring,
        rules=[RuleOut(id=r.id, rule=r.rule, value=r.value, status=r.status, grade=r.grade, source=r.source,
                       note=r.note, outcome=r.outcome) for r in a.rules],
        caveats=a.caveats, where_to_apply=[PlaceOut(name=p.name, how=p.how, url=p.url) for p in scheme.where_to_apply],
        outcomes=scheme.outcomes.value if scheme.outcomes.status == "known" else None,
    )


def passport_evidence(document: dict[str, Any], birth_year: int | None, experience_ids: list[str],
                      months: int, today: date) -> RplEvidence:
    """What a passport shows for the unit group its ``experience_ids`` were coded to."""
    chosen = [e for e in document.get("experiences", []) if e["id"] in experience_ids]
    periods = [WorkPeriod(e.start, e.end) for e in map(Experience.model_validate, chosen) if e.start]
    kinds = frozenset(ev["kind"] for e in chosen for ev in e.get("evidence", []))
    done = bool(document.get("self_assessment", {}).get("sector_experience"))
    return RplEvidence(months=months, periods=periods, age=(today.year - birth_year) if birth_year else None,
                       relevant_training=None, evidence=kinds, self_assessment_done=done or None)


def supported_evidence(passport, groups: list[dict[str, Any]], isco: str, today: date) -> RplEvidence:
    """The passport's evidence for one unit group (no months when it does not support it)."""
    group = next((g for g in groups if g["isco"] == isco), None)
    if group is None:
        return RplEvidence(months=0, age=(today.year - passport.birth_year) if passport.birth_year else None)
    return passport_evidence(passport.document, passport.birth_year, group["experiences"], group["months_total"], today)


def certificate_routes(passport, groups: list[dict[str, Any]], isco: str | None, framework: str | None,
                       level: str | None, today: date) -> list[tuple[Scheme, Assessment]]:
    """The RPL routes to a certificate a vacancy asks for: schemes of its framework (the
    passport's country first) whose pre-screen at that level is eligible or pending evidence."""
    key, wanted = framework_key(framework), level_number(level)
    if not key or not isco:
        return []
    evidence = supported_evidence(passport, groups, isco, today)
    found = []
    for scheme in sorted(load_schemes().values(), key=lambda s: (s.country != passport.country, s.id)):
        if framework_key(scheme.framework.name) != key:
            continue
        for rule in scheme.levels:
            if wanted is not None and level_number(rule.level) != wanted:
                continue
            a = assess(scheme, rule.level, evidence, today)
            if a.decision in ("eligible", "eligible_pending_evidence"):
                found.append((scheme, a))
                break
    return found


def rpl_ready_groups(passport, groups: list[dict[str, Any]], today: date) -> set[str]:
    """Unit groups for which some scheme of the passport's country pre-screens eligible or
    pending evidence at some level."""
    ready = set()
    schemes = [s for s in load_schemes().values() if s.country == passport.country]
    for g in groups:
        evidence = passport_evidence(passport.document, passport.birth_year, g["experiences"], g["months_total"], today)
        if any(assess(s, r.level, evidence, today).decision in ("eligible", "eligible_pending_evidence")
               for s in schemes for r in s.levels):
            ready.add(g["isco"])
    return ready
