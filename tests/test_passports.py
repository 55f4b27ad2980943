"""Skills passports through the API, on SQLite and PostgreSQL: schema, validation, CRUD with
ETags, coding on save, overrides as tenant aliases, audit, export and erasure."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import Session

from app.auth.models import Role
from app.main import create_app
from tests.conftest import Tenant, make_settings

MASON = {
    "external_ref": "LK-000123",
    "person": {"sex": "male", "birth_year": 1985, "country": "LK", "region": "Kurunegala",
               "languages": [{"code": "si", "level": "native"}, {"code": "en", "level": "basic"}]},
    "return": {"status": "returned", "returned_on": "2024-05-01", "type": "voluntary", "reasons": [2, 12]},
    "experiences": [
        {"title": "mason", "tasks": "laid bricks and blocks, plastering walls, read construction drawings",
         "country": "QA", "city": "Doha", "start": "2017-01", "end": "2023-01",
         "evidence": [{"kind": "employer_certificate", "verified": True}]},
        {"title": "tukang batu", "country": "MY", "months": 24, "evidence": [{"kind": "self_declaration"}]},
        {"title": "house driver", "tasks": "drove the family car, car maintenance", "country": "LK", "months": 12},
    ],
    "education": [{"isced": 2, "country": "LK"}],
    "certificates": [{"title": "NVQ Level 3 Mason", "framework": "NVQ (Sri Lanka)", "level": "3", "isco": "7112"}],
    "skills": [{"label": "welding"}],
    "self_assessment": {"soft_skills": [{"item": "soft_01", "level": 3, "justification": "fixed site problems"}]},
    "before_migration": {"occupation": "farm worker", "months": 36},
    "preferences": {"pathways": ["wage_employment"], "places": [{"country": "LK", "region": "Kurunegala"}]},
    "consent": {"matching": {"granted": True, "method": "written"}, "statistics": {"granted": True}},
}


@pytest.fixture
def coded_api(database_url, full_runtime):
    app = create_app(make_settings(database_url), runtime=full_runtime)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def tenants(coded_api):
    with Session(coded_api.app.state.engine, expire_on_commit=False) as session:
        return Tenant(session, "pes-lk"), Tenant(session, "pes-ph")


def _count(client, table: str) -> int:
    with client.app.state.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_schema_is_published_and_closed(api):
    schema = api.get("/v1/schemas/passport").json()
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    assert {"person", "return", "experiences", "consent", "self_assessment", "preferences"} <= set(schema["properties"])
    experience = schema["$defs"]["Experience"]["properties"]
    assert {"title", "tasks", "evidence", "start", "end", "months"} <= set(experience)


def test_create_codes_experiences_and_extracts_skills(coded_api, tenants):
    a, _ = tenants
    r = coded_api.post("/v1/passports", json=MASON, headers=a.headers(Role.portal))
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"v1"' and r.headers["Location"] == f"/v1/passports/{r.json()['id']}"
    body = r.json()
    assert body["coding_status"] == "coded" and body["priority_support"] is None  # portal does not see it
    coded = {c["experience_id"]: c["coded"] for c in body["coding"]}
    assert [e["id"] for e in body["passport"]["experiences"]] == ["e1", "e2", "e3"]
    assert coded["e1"][0]["isco"] == "7112" and coded["e2"][0]["isco"] == "7112" and coded["e3"][0]["isco"] == "8322"
    assert all(len(c) == 3 for c in coded.values())
    skills = {(s["experience_id"], s["label"]): s for s in body["skills"]}
    assert ("e1", "lay bricks") in skills and skills[("e1", "lay bricks")]["words"] == "laid bricks"
    assert skills[("e1", "lay bricks")]["field"] == "tasks"
    assert any(s["field"] == "declared" and s["words"] == "welding" for s in body["skills"])
    consent = body["passport"]["consent"]["matching"]
    assert consent["granted"] and consent["recorded_by"].startswith(str(a.key_ids[Role.portal]))

    occupations = coded_api.get(f"/v1/passports/{body['id']}/occupations", headers=a.headers()).json()["data"]
    mason = next(g for g in occupations if g["isco"] == "7112")
    assert mason["months_abroad"] == 72 + 24 and mason["months_home"] == 0
    assert mason["experiences"] == ["e1", "e2"] and mason["evidence_strength"] == "verified"
    assert mason["skill_levels"] == [2]
    driver = next(g for g in occupations if g["isco"] == "8322")
    assert driver["months_home"] == 12 and driver["evidence_strength"] == "none"
    assert any("before_migration" in g["sources"] and g["months_home"] == 36 for g in occupations)


@pytest.mark.parametrize("change, field", [
    ({"experiences": [{"title": "mason", "start": "2099-01"}]}, "experiences.0.start"),
    ({"experiences": [{"title": "mason", "start": "2020-01", "end": "2019-05"}]}, "experiences.0.end"),
    ({"experiences": [{"title": "mason", "months": 61 * 12}]}, "experiences.0.months"),
    ({"experiences": [{"title": "mason", "start": "1940-01", "end": "2020-01"}]}, "experiences.0.end"),
    ({"experiences": [{"title": "   "}]}, "experiences.0.title"),
    ({"person": {"country": "XX"}}, "person.country"),
    ({"person": {"languages": [{"code": "zz", "level": "native"}]}}, "person.languages.0.code"),
    ({"self_assessment": {"soft_skills": [{"item": "soft_01", "level": 5}]}}, "self_assessment.soft_skills.0.level"),
    ({"hiv_status": "positive"}, "hiv_status"),
    ({"person": {"sex": "female", "religion": "x"}}, "person.religion"),
    ({"return": {"returned_on": "2099-01-01"}}, "return.returned_on"),
])
def test_bad_input_names_the_field_and_writes_nothing(api, tenant_a, change, field):
    r = api.post("/v1/passports", json={"external_ref": "bad", **change}, headers=tenant_a.headers())
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert _count(api, "passport") == 0 and _count(api, "audit_event") == 0


def test_external_ref_is_unique_per_tenant_and_records_are_tenant_scoped(api, tenant_a, tenant_b):
    first = api.post("/v1/passports", json={"external_ref": "C-1"}, headers=tenant_a.headers())
    assert first.status_code == 201 and first.json()["coding_status"] == "pending"  # no coder loaded here
    again = api.post("/v1/passports", json={"external_ref": "C-1"}, headers=tenant_a.headers())
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "external_ref"
    assert api.post("/v1/passports", json={"external_ref": "C-1"}, headers=tenant_b.headers()).status_code == 201
    pid = first.json()["id"]
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {}} if method == "patch" else {}
        assert getattr(api, method)(f"/v1/passports/{pid}", headers=tenant_b.headers(), **kwargs).status_code == 404
    assert api.get(f"/v1/passports/{uuid.uuid4()}", headers=tenant_a.headers()).status_code == 404
    assert api.get("/v1/passports", headers=tenant_a.headers(Role.fair_organiser)).status_code == 403


def test_patch_merges_checks_the_etag_and_keeps_consent_stamps(api, tenant_a):
    created = api.post("/v1/passports", json={**MASON, "experiences": []}, headers=tenant_a.headers()).json()
    pid, stamp = created["id"], created["passport"]["consent"]["matching"]["recorded_at"]
    r = api.patch(f"/v1/passports/{pid}", json={"preferences": {"willing_to_relocate": True}, "return": None},
                  headers={**tenant_a.headers(), "If-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"v2"'
    doc = r.json()["passport"]
    assert doc["preferences"]["willing_to_relocate"] and doc["preferences"]["pathways"] == ["wage_employment"]
    assert "return" not in doc and doc["consent"]["matching"]["recorded_at"] == stamp
    stale = api.patch(f"/v1/passports/{pid}", json={"person": {"region": "Colombo"}},
                      headers={**tenant_a.headers(), "If-Match": '"v1"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    bad = api.patch(f"/v1/passports/{pid}", json={"experiences": [{"title": "x", "start": "2030-01"}]},
                    headers=tenant_a.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "experiences.0.start"
    assert api.get(f"/v1/passports/{pid}", headers=tenant_a.headers()).json()["version"] == 2  # nothing half-written
    withdrawn = api.patch(f"/v1/passports/{pid}", json={"consent": {"matching": {"granted": False}}},
                          headers=tenant_a.headers(Role.portal)).json()["passport"]["consent"]["matching"]
    assert withdrawn["granted"] is False and withdrawn["recorded_by"].startswith(str(tenant_a.key_ids[Role.portal]))


def test_priority_support_is_counsellor_only(api, tenant_a):
    body = {"external_ref": "P-1", "priority_support": True}
    assert api.post("/v1/passports", json=body, headers=tenant_a.headers(Role.portal)).status_code == 403
    created = api.post("/v1/passports", json=body, headers=tenant_a.headers(Role.counsellor)).json()
    assert created["priority_support"] is True and "priority_support" not in created["passport"]
    assert api.get(f"/v1/passports/{created['id']}", headers=tenant_a.headers(Role.portal)).json()["priority_support"] is None


def test_list_filters_and_pages(api, tenant_a, tenant_b):
    for n in range(5):
        api.post("/v1/passports", json={"external_ref": f"R-{n}", "person": {"country": "LK" if n % 2 else "PH"}},
                 headers=tenant_a.headers())
    api.post("/v1/passports", json={"external_ref": "other"}, headers=tenant_b.headers())
    page = api.get("/v1/passports?limit=2&offset=0", headers=tenant_a.headers()).json()
    assert page["count"] == 5 and len(page["data"]) == 2
    assert api.get("/v1/passports?country=lk", headers=tenant_a.headers()).json()["count"] == 2
    assert api.get("/v1/passports?external_ref=R-3", headers=tenant_a.headers()).json()["data"][0]["external_ref"] == "R-3"


def test_override_is_kept_exported_and_used_as_a_tenant_alias(coded_api, tenants):
    a, b = tenants
    words = "all-round fixer at the compound"
    created = coded_api.post("/v1/passports", json={"external_ref": "O-1", "experiences": [{"title": words, "months": 30}]},
                             headers=a.headers()).json()
    pid = created["id"]
    assert coded_api.post(f"/v1/passports/{pid}/experiences/e1/override", json={"isco": "7126", "reason": "plumbing"},
                          headers=a.headers(Role.portal)).status_code == 403
    r = coded_api.post(f"/v1/passports/{pid}/experiences/e1/override",
                       json={"isco": "7126", "reason": "he did plumbing and pipe fitting"}, headers=a.headers())
    assert r.status_code == 201 and r.json()["isco"] == "7126"
    assert coded_api.post(f"/v1/passports/{pid}/experiences/e9/override", json={"isco": "7126", "reason": "xyz"},
                          headers=a.headers()).status_code == 404
    assert coded_api.post(f"/v1/passports/{pid}/experiences/e1/override", json={"isco": "9999", "reason": "xyz"},
                          headers=a.headers()).json()["errors"][0]["field"] == "isco"
    groups = coded_api.get(f"/v1/passports/{pid}/occupations", headers=a.headers()).json()["data"]
    assert groups[0]["isco"] == "7126" and groups[0]["sources"] == ["override"] and groups[0]["months_total"] == 30
    labels = coded_api.get("/v1/labels/export", headers=a.headers()).json()["data"]
    assert [(x["text"], x["isco"]) for x in labels] == [(words, "7126")]
    csv_text = coded_api.get("/v1/labels/export?format=csv", headers=a.headers()).text
    assert csv_text.splitlines()[1].startswith(f"{words},,7126")
    # the same words in a new passport of the same organisation are coded to the correction …
    again = coded_api.post("/v1/passports", json={"external_ref": "O-2", "experiences": [{"title": words}]},
                           headers=a.headers()).json()
    top = again["coding"][0]["coded"][0]
    assert top["isco"] == "7126" and top["signal"] == "alias"
    # … but not in another organisation's
    other = coded_api.post("/v1/passports", json={"external_ref": "O-3", "experiences": [{"title": words}]},
                           headers=b.headers()).json()
    assert other["coding"][0]["coded"][0]["signal"] != "alias"
    assert coded_api.get("/v1/labels/export", headers=b.headers()).json()["count"] == 0


def test_audit_log_records_who_what_when_and_why(api, tenant_a):
    pid = api.post("/v1/passports", json={"external_ref": "A-1"}, headers=tenant_a.headers(Role.portal)).json()["id"]
    api.get(f"/v1/passports/{pid}", headers={**tenant_a.headers(), "X-Purpose": "rpl_referral"})
    api.patch(f"/v1/passports/{pid}", json={"person": {"region": "Galle"}}, headers=tenant_a.headers())
    assert api.get(f"/v1/passports/{pid}", headers={**tenant_a.headers(), "X-Purpose": "gossip"}).status_code == 422
    export = api.get(f"/v1/passports/{pid}/export", headers=tenant_a.headers()).json()
    trail = [(e["action"], e["role"], e["purpose"]) for e in export["audit"]]
    assert trail == [("create", "portal", "service_delivery"), ("read", "counsellor", "rpl_referral"),
                     ("update", "counsellor", "counselling"), ("export", "counsellor", "data_subject_request")]
    assert export["passport"]["person"]["region"] == "Galle" and export["external_ref"] == "A-1"


def _marker_everywhere(client, marker: str) -> list[str]:
    """Tables (and, on SQLite, database files) in which the marker still appears."""
    engine = client.app.state.engine
    found = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            if any(marker in str(value) for row in rows for value in row):
                found.append(table)
    if engine.dialect.name == "sqlite":
        db = Path(engine.url.database)
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")):
            if path.exists() and marker.encode() in path.read_bytes():
                found.append(path.name)
    return found


def test_erasure_leaves_the_marker_nowhere_but_keeps_a_tombstone(coded_api, tenants):
    a, _ = tenants
    marker = f"MARKER{uuid.uuid4().hex}"
    body = {**MASON, "external_ref": f"ref-{marker}",
            "person": {**MASON["person"], "region": f"region {marker}"},
            "experiences": [{**MASON["experiences"][0], "title": f"mason {marker}", "employer": f"Co {marker}"}]}
    pid = coded_api.post("/v1/passports", json=body, headers=a.headers()).json()["id"]
    coded_api.post(f"/v1/passports/{pid}/experiences/e1/override", json={"isco": "7112", "reason": f"why {marker}"},
                   headers=a.headers())
    coded_api.get(f"/v1/passports/{pid}/export", headers=a.headers())
    assert _marker_everywhere(coded_api, marker)  # the check can see it before erasure
    assert coded_api.delete(f"/v1/passports/{pid}", headers={**a.headers(), "If-Match": '"v1"'}).status_code == 412
    assert coded_api.delete(f"/v1/passports/{pid}", headers=a.headers()).status_code == 204
    coded_api.app.state.engine.dispose()
    assert _marker_everywhere(coded_api, marker) == []
    assert coded_api.get(f"/v1/passports/{pid}", headers=a.headers()).status_code == 404
    for table in ("passport", "passport_occupation", "passport_skill", "occupation_override"):
        assert _count(coded_api, table) == 0
    with coded_api.app.state.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_event WHERE resource_id = :id ORDER BY id"),
                               {"id": pid}).scalars().all()
    assert actions[-1] == "erase" and "create" in actions


def test_ilo_questionnaire_answers_become_a_coded_passport(coded_api, tenants):
    a, _ = tenants
    answers = {
        "external_ref": "Q-1", "person": {"sex": "female", "birth_year": 1990, "country": "NP"},
        "A7": 3, "A8": [3, 4], "A9": {"words": "primary school teacher", "sector": 16},
        "B3": 5, "B4": {"occupation": 9, "sector": 20, "country": "SA", "words": "housemaid"},
        "B8": [2, 12], "C3": {"occupation": 5, "sector": 9}, "C7": ["a", "b"],
        "consent": {"matching": {"granted": True}},
    }
    r = coded_api.post("/v1/passports/import/ilo-questionnaire", json=answers, headers=a.headers())
    assert r.status_code == 201, r.text
    doc = r.json()["passport"]
    assert doc["education"] == [{"isced": 2, "completed": True}]
    assert [t["phase"] for t in doc["training"]] == ["before", "before"]
    assert doc["return"]["reasons"] == [2, 12] and doc["preferences"]["pathways"] == ["wage_employment", "self_employment"]
    abroad, home = doc["experiences"]
    assert abroad["months"] == 36 and abroad["major_group"] == "9" and abroad["abroad"] is True
    assert home["title"] == "Service workers and shop and market sales workers" and home["major_group"] == "5"
    coded = {c["experience_id"]: c["coded"][0]["isco"] for c in r.json()["coding"]}
    assert coded["e1"] == "9111" and coded["e2"].startswith("5") and coded["before_migration"] == "2341"
    bad = coded_api.post("/v1/passports/import/ilo-questionnaire", json={**answers, "external_ref": "Q-2", "B8": [2, 40]},
                         headers=a.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "B8.1"
    bad = coded_api.post("/v1/passports/import/ilo-questionnaire",
                         json={**answers, "external_ref": "Q-3", "C3": {"occupation": 6}}, headers=a.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "C3.occupation"


def test_self_assessment_items_and_anchors_are_published_and_enforced(api, tenant_a):
    forms = api.get("/v1/schemas/self-assessment").json()
    assert len(forms["soft_skills"]) == 16 and [a["level"] for a in forms["anchors"]["table9"]] == [1, 2, 3, 4]
    assert forms["anchors_defined_by"] == "returnmatch"
    ok = {"soft_skills": [{"item": "soft_16", "level": 4}],
          "sector_experience": [{"item": "construction_plumber", "level": 3, "developed": "abroad"}]}
    assert api.post("/v1/passports", json={"external_ref": "S-1", "self_assessment": ok}, headers=tenant_a.headers()).status_code == 201
    bad = api.post("/v1/passports", json={"external_ref": "S-2", "self_assessment": {"soft_skills": [{"item": "soft_99", "level": 2}]}},
                   headers=tenant_a.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "self_assessment.soft_skills.0.item"


def test_demo_passports_are_valid_and_coded_once_the_coder_is_ready(database_url, full_runtime):
    from app.demo import seed_demo
    from app.passports.service import code_pending
    from tests.conftest import TEST_PEPPER

    app = create_app(make_settings(database_url), runtime=full_runtime)
    engine = app.state.engine
    with Session(engine) as session:
        seed_demo(session, TEST_PEPPER)
        keys = seed_demo(session, TEST_PEPPER)  # passports are not added twice; keys are fresh
    assert _count_engine(engine, "SELECT count(*) FROM passport WHERE coding_status = 'pending'") == 4
    assert code_pending(engine, full_runtime) == 4
    with TestClient(app) as client:
        page = client.get("/v1/passports", headers={"X-API-Key": keys["counsellor"]}).json()
        assert page["count"] == 4 and {p["coding_status"] for p in page["data"]} == {"coded"}
        mason = next(p for p in page["data"] if p["external_ref"] == "DEMO-002")
        groups = client.get(f"/v1/passports/{mason['id']}/occupations", headers={"X-API-Key": keys["counsellor"]}).json()
        assert {g["isco"] for g in groups["data"]} >= {"7112", "7119"}


def _count_engine(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()
