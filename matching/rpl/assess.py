"""The RPL pre-screen: a returnee's evidence against one scheme and level — a referral, never a
certification.

Decisions, checked in this order (the first that applies wins):

- ``not_eligible`` — the scheme is not in force on the day (expired, like the TESDA 2020 OFW
  rule, or not yet in force); the applicant is younger or older than a known age limit; or the
  relevant work is not recent enough for a known recency rule;
- ``insufficient_data`` — a rule that decides it is unknown (not published), or the evidence
  lacks what the rule needs (age, months, dates of the work);
- ``not_yet`` — fewer months than the level asks, with the months still needed;
- ``eligible_pending_evidence`` — the rules are met but documents the scheme requires are not on
  the passport (listed in ``missing_evidence``);
- ``eligible``.

Every rule applied is listed with its id, value, source and grade; a caveat is added for each
rule that is secondary-grade, unknown, or carries a qualifier ("in general").
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from taxonomies.rpl import Fact, Scheme

# Identity documents are brought on the day; a passport does not hold them, so they are listed
# to bring, not counted as missing evidence.
BRING_ON_THE_DAY = frozenset({"national_id", "birth_certificate", "citizenship_certificate", "photographs",
                              "bank_account"})
DECISIONS = ("eligible", "eligible_pending_evidence", "not_yet", "not_eligible", "insufficient_data")


@dataclass(frozen=True, slots=True)
class WorkPeriod:
    start: date
    end: date | None = None  # still going


@dataclass(frozen=True)
class RplEvidence:
    months: int | None  # months of relevant work (None: not known)
    periods: Sequence[WorkPeriod] = ()  # dated relevant work, for recency
    age: int | None = None
    relevant_training: bool | None = None
    evidence: frozenset[str] = frozenset()  # evidence kinds held
    self_assessment_done: bool | None = None


@dataclass(frozen=True, slots=True)
class AppliedRule:
    id: str
    rule: str
    value: object
    status: str  # known, unknown, not_applicable
    grade: str | None
    source: str | None  # title — url
    note: str | None
    outcome: str  # met, not_met, unknown, info


@dataclass
class Assessment:
    scheme_id: str
    level: str
    decision: str
    reasons: list[str] = field(default_factory=list)
    months_required: int | None = None
    months_counted: int | None = None
    months_needed: int | None = None
    missing_evidence: list[str] = field(default_factory=list)
    bring: list[str] = field(default_factory=list)
    rules: list[AppliedRule] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def recent_months(periods: Sequence[WorkPeriod], window: int, on: date) -> int:
    """Months of the periods that fall in the ``window`` months before ``on``."""
    year, month = divmod(on.year * 12 + on.month - 1 - window, 12)
    since = date(year, month + 1, min(on.day, 28))
    total = 0
    for p in periods:
        start, end = max(p.start, since), min(p.end or on, on)
        if end > start:
            total += months_between(start, end)
    return total


class _Trail:
    def __init__(self, scheme: Scheme, out: Assessment):
        self.scheme, self.out = scheme, out

    def use(self, name: str, fact: Fact, outcome: str) -> None:
        src = self.scheme.sources.get(fact.source) if fact.source else None
        self.out.rules.append(AppliedRule(
            f"{self.scheme.id}:{name}", name, fact.value, fact.status, src.grade if src else None,
            f"{src.title} — {src.url}" if src else None, fact.note, outcome))
        if fact.status == "unknown":
            self.out.caveats.append(f"{name}: not published for this scheme" + (f" ({fact.note})" if fact.note else "")
                                    + "; ask the assessing body.")
        elif src is not None and src.grade == "secondary":
            self.out.caveats.append(f"{name}: from a secondary source ({src.title}); confirm with the assessing body.")
        elif fact.note:
            self.out.caveats.append(f"{name}: {fact.note}")


def _in_force(fact: Fact | None, on: date) -> Fact | None:
    """A fact that is not in force on the day counts as unknown."""
    if fact is None:
        return None
    return fact if fact.in_force(on) else Fact(status="unknown", note="not in force on that day")


def assess(scheme: Scheme, level: str, evidence: RplEvidence, on: date) -> Assessment:
    rule = scheme.level(level)
    if rule is None:
        raise ValueError(f"{scheme.id} has no level {level!r}; levels: {[r.level for r in scheme.levels]}")
    out = Assessment(scheme.id, level, "eligible")
    trail = _Trail(scheme, out)
    blocked: list[str] = []  # not_eligible reasons
    unknown: list[str] = []  # insufficient_data reasons

    # the scheme itself
    if scheme.effective_to and on > scheme.effective_to:
        blocked.append(f"the scheme ended on {scheme.effective_to.isoformat()}")
    if scheme.effective_from and on < scheme.effective_from:
        blocked.append(f"the scheme starts on {scheme.effective_from.isoformat()}")

    # age
    min_age = _in_force(rule.min_age or scheme.min_age, on)
    max_age = _in_force(scheme.max_age, on)
    for name, fact, too in (("min_age", min_age, lambda a, v: a < v), ("max_age", max_age, lambda a, v: a > v)):
        if fact.status != "known":
            trail.use(name, fact, "unknown" if fact.status == "unknown" else "info")
            continue
        if evidence.age is None:
            unknown.append("the person's age is not known")
            trail.use(name, fact, "unknown")
        elif too(evidence.age, fact.value):
            blocked.append(f"{name.replace('_', ' ')} is {fact.value}")
            trail.use(name, fact, "not_met")
        else:
            trail.use(name, fact, "met")

    # experience
    plain = _in_force(rule.experience_months, on)
    reduced = _in_force(rule.experience_months_with_training, on)
    required = reduced if evidence.relevant_training and reduced.status == "known" else plain
    name = "experience_months_with_training" if required is reduced else "experience_months"
    if required.status != "known":
        unknown.append(f"the months of experience level {level} asks are not published")
        trail.use(f"levels[{level}].{name}", required, "unknown")
    else:
        out.months_required = required.value
        out.months_counted = evidence.months
        if evidence.months is None:
            unknown.append("the months of relevant work are not known")
            trail.use(f"levels[{level}].{name}", required, "unknown")
        elif evidence.months < required.value:
            out.months_needed = required.value - evidence.months
            trail.use(f"levels[{level}].{name}", required, "not_met")
        else:
            trail.use(f"levels[{level}].{name}", required, "met")
        if required is plain and evidence.relevant_training is not False and reduced.status == "unknown" and reduced.note:
            out.caveats.append(f"a relevant course may lower the {required.value} months ({reduced.note}).")

    # recency
    window = _in_force(scheme.recency_months, on)
    if window.status == "known":
        least = scheme.recency_min_months.value if scheme.recency_min_months.status == "known" else 1
        if not evidence.periods:
            unknown.append("the dates of the relevant work are not known")
            trail.use("recency_months", window, "unknown")
        else:
            recent = recent_months(evidence.periods, window.value, on)
            if recent < least:
                blocked.append(f"only {recent} months of the work fall in the last {window.value} months "
                               f"({least} needed)")
                trail.use("recency_months", window, "not_met")
            else:
                trail.use("recency_months", window, "met")

    # evidence
    required_docs = _in_force(scheme.required_evidence, on)
    if required_docs.status == "known":
        kinds = list(required_docs.value)
        out.bring = [k for k in kinds if k in BRING_ON_THE_DAY]
        out.missing_evidence = [k for k in kinds if k not in BRING_ON_THE_DAY and k not in evidence.evidence]
        trail.use("required_evidence", required_docs, "not_met" if out.missing_evidence else "met")
    else:
        trail.use("required_evidence", required_docs, "unknown")
    gate = _in_force(scheme.self_assessment_gate, on)
    if gate.status == "known":
        trail.use("self_assessment_gate", gate, "met" if evidence.self_assessment_done else "info")

    if blocked:
        out.decision, out.reasons = "not_eligible", blocked
    elif unknown:
        out.decision, out.reasons = "insufficient_data", unknown
    elif out.months_needed:
        out.decision = "not_yet"
        out.reasons = [f"{out.months_needed} more months of relevant work needed ({out.months_counted} of "
                       f"{out.months_required})"]
    elif out.missing_evidence:
        out.decision = "eligible_pending_evidence"
        out.reasons = [f"the rules are met; still needed: {', '.join(out.missing_evidence)}"]
    else:
        out.reasons = ["the rules that could be checked are met"]
    return out
