"""The RPL pre-screen: every (scheme, level) cell of the shipped rule data at its boundaries —
exactly the months asked, one month less, the training reduction, recency, a missing age, a
rule not in force — and the API (schemes, stateless assessment, a passport's pre-screen)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from matching.rpl import RplEvidence, WorkPeriod, assess
from taxonomies.rpl import Fact, Scheme, load_level_mappings, load_schemes

TODAY = date(2026, 11, 30)
SCHEMES = load_schemes()
CELLS = [(s.id, r.level) for s in SCHEMES.values() for r in s.levels]


def _age(scheme: Scheme, level: str) -> int:
    rule = scheme.level(level)
    low = (rule.min_age or scheme.min_age)
    return max(low.value if low.status == "known" else 18, 30) if scheme.max_age.status != "known" else \
        min(max(low.value if low.status == "known" else 18, 30), scheme.max_age.value)


def complete(scheme: Scheme, level: str, months: int, training: bool | None = None) -> RplEvidence:
    """Everything a rule could ask, with ``months`` of work ending this month."""
    start_month = TODAY.year * 12 + TODAY.month - 1 - months
    start = date(start_month // 12, start_month % 12 + 1, 1)
    required = scheme.required_evidence.value if scheme.required_evidence.status == "known" else []
    return RplEvidence(months=months, periods=[WorkPeriod(start, TODAY)], age=_age(scheme, level),
                       relevant_training=training, evidence=frozenset(required), self_assessment_done=True)


def test_every_scheme_loads_with_sources_and_no_invented_values():
    assert {"lk-nvq-rpl", "ph-tesda-regular", "ph-tesda-portfolio", "ph-tesda-ofw-2020", "in-pmkvy-rpl", "bd-nsda-rpl",
            "np-nstb-skill-test", "my-ppt", "vn-skills-certificate", "id-bnsp", "au-tra"} <= set(SCHEMES)
    for scheme in SCHEMES.values():
        for name, fact in scheme.facts():
            if fact.status == "known":
                assert fact.source in scheme.sources, (scheme.id, name)
            else:
                assert fact.value is None, (scheme.id, name)
    nvq = SCHEMES["lk-nvq-rpl"]
    assert nvq.level("3").experience_months.value == 18 and nvq.level("4").experience_months.value == 48
    assert nvq.level("4").experience_months_with_training.status == "unknown"  # "reduces accordingly"
    assert nvq.min_age.status == "unknown"
    assert SCHEMES["ph-tesda-ofw-2020"].effective_to == date(2020, 12, 31)
    mappings = load_level_mappings().mappings
    assert any(m.status == "verified" and m.source_framework.upper().startswith(("NC", "TESDA")) for m in mappings)
    assert all(m.status == "unverified" for m in mappings if "AQRF" in m.target_framework.upper())


@pytest.mark.parametrize("scheme_id, level", CELLS)
def test_each_cell_at_its_boundaries(scheme_id, level):
    scheme = SCHEMES[scheme_id]
    rule = scheme.level(level)
    in_force = scheme.effective_to is None or TODAY <= scheme.effective_to
    on = TODAY if in_force else scheme.effective_to
    months = rule.experience_months
    if not in_force:  # a rule kept as history: refused today, judged on a day it was in force
        a = assess(scheme, level, complete(scheme, level, 600), TODAY)
        assert a.decision == "not_eligible" and "ended" in a.reasons[0]
    if months.status != "known":
        a = assess(scheme, level, complete(scheme, level, 600), on)
        assert a.decision in ("insufficient_data", "not_eligible")
        if a.decision == "insufficient_data":
            assert any("not published" in r for r in a.reasons) or any("not known" in r for r in a.reasons)
            assert any("experience_months" in c for c in a.caveats)
        return
    exact = assess(scheme, level, complete(scheme, level, months.value), on)
    assert exact.decision in ("eligible", "eligible_pending_evidence", "insufficient_data"), (exact.decision, exact.reasons)
    assert exact.months_required == months.value and exact.months_needed is None
    assert all(r.source for r in exact.rules if r.status == "known")
    if months.value > 0:
        short = assess(scheme, level, complete(scheme, level, months.value - 1), on)
        if short.decision != "insufficient_data":
            assert short.decision == "not_yet" and short.months_needed == 1
    reduced = rule.experience_months_with_training
    if reduced.status == "known":
        trained = assess(scheme, level, complete(scheme, level, reduced.value, training=True), on)
        assert trained.months_required == reduced.value and trained.decision != "not_yet"
        untrained = assess(scheme, level, complete(scheme, level, reduced.value, training=False), on)
        assert untrained.decision == "not_yet" and untrained.months_needed == months.value - reduced.value
    # age missing: undecidable only where an age rule is known
    ageless = assess(scheme, level, RplEvidence(**{**complete(scheme, level, months.value).__dict__, "age": None}), on)
    age_known = (rule.min_age or scheme.min_age).status == "known" or scheme.max_age.status == "known"
    assert (ageless.decision == "insufficient_data") == age_known or exact.decision == "insufficient_data"
    if (rule.min_age or scheme.min_age).status == "known":
        young = (rule.min_age or scheme.min_age).value - 1
        too_young = assess(scheme, level, RplEvidence(**{**complete(scheme, level, months.value).__dict__, "age": young}), on)
        assert too_young.decision == "not_eligible"
    # recency: the same months, ended long ago
    if scheme.recency_months.status == "known":
        old = RplEvidence(**{**complete(scheme, level, months.value).__dict__,
                             "periods": [WorkPeriod(date(2000, 1, 1), date(2000 + months.value // 12 + 1, 1, 1))]})
        assert assess(scheme, level, old, on).decision == "not_eligible"
    # a rule not yet in force counts as unknown
    later = Fact[int](value=months.value, source=months.source, effective_from=date(2099, 1, 1))
    future = scheme.model_copy(update={"levels": [r.model_copy(update={"experience_months": later})
                                                  if r.level == level else r for r in scheme.levels]})
    assert assess(future, level, complete(scheme, level, months.value), on).decision in ("insufficient_data", "not_eligible")


def test_sri_lanka_mason_with_six_years_and_a_missing_certificate_of_service():
    nvq = SCHEMES["lk-nvq-rpl"]
    evidence = RplEvidence(months=72, periods=[WorkPeriod(date(2018, 1, 1), date(2024, 1, 1))], age=38,
                           evidence=frozenset({"photo_video"}))
    a = assess(nvq, "4", evidence, TODAY)
    assert a.decision in ("eligible_pending_evidence", "insufficient_data")
    if a.decision == "eligible_pending_evidence":
        assert a.missing_evidence
    three = assess(nvq, "3", RplEvidence(months=17, age=30), TODAY)
    assert three.decision in ("not_yet", "insufficient_data")


def test_schemes_and_stateless_assessment_over_the_api(api, tenant_a):
    h = tenant_a.headers()
    listed = api.get("/v1/rpl/schemes", headers=h).json()
    assert listed["count"] == len(SCHEMES)
    ofw = next(s for s in listed["data"] if s["id"] == "ph-tesda-ofw-2020")
    assert ofw["in_force"] is False
    scheme = api.get("/v1/rpl/schemes/lk-nvq-rpl", headers=h).json()
    assert scheme["sources"] and scheme["levels"]
    assert api.get("/v1/rpl/schemes/xx-none", headers=h).status_code == 404
    body = {"scheme_id": "lk-nvq-rpl", "level": "3", "on": "2026-11-30",
            "evidence": {"months": 17, "age": 30, "evidence": ["employer_certificate"]}}
    r = api.post("/v1/rpl/assess", json=body, headers=h)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["decision"] in ("not_yet", "insufficient_data") and a["disclaimer"].startswith("A pre-screen")
    assert a["where_to_apply"] and all(rule["id"].startswith("lk-nvq-rpl:") for rule in a["rules"])
    r = api.post("/v1/rpl/assess", json={**body, "level": "9"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "level"
    r = api.post("/v1/rpl/assess", json={**body, "scheme_id": "nope"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "scheme_id"
    r = api.post("/v1/rpl/assess", json={**body, "evidence": {"months": -1}}, headers=h)
    assert r.status_code == 422


def test_json_data_files_are_utf8_json():
    from taxonomies.rpl import RPL_DIR

    for path in RPL_DIR.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
