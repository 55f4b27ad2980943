"""Vacancies, courses and job fairs through the API, on SQLite and PostgreSQL: validation,
CRUD with ETags, tenant scoping, expiry, screening (flag or reject), coding, formula-safe export."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.main import create_app
from tests.conftest import Tenant, make_settings

WELDER = {
    "external_id": "KL-2026-014",
    "title": "Welder (MIG/TIG)",
    "description": "Weld steel structures on site. Read welding drawings. Apply safety procedures.",
    "employer": "Syarikat Binaan Maju Sdn Bhd",
    "sector_isic": "F",
    "required_skills": ["MIG welding", "read engineering drawings"],
    "required_experience_months": 24,
    "required_certificates": [{"name": "CIDB Green Card"}],
    "min_education_isced": 2,
    "languages": ["ms", "en"],
    "country": "MY", "region": "Selangor", "city": "Shah Alam",
    "positions": 5, "pay_min": 2200, "pay_max": 3000, "pay_currency": "MYR", "pay_period": "month",
    "employment_type": "full_time", "posted_on": "2026-11-01", "expires_on": "2027-01-31",
    "contact": "hr@binaanmaju.example",
}
COURSE = {
    "external_id": "TESDA-SMAW-2",
    "title": "Shielded Metal Arc Welding NC II",
    "description": "Competency-based welding course: prepare weld materials, weld carbon steel plates.",
    "provider": "Regional Training Center Cebu", "provider_accreditation": "TESDA WTR 2023-0412",
    "kind": "upskilling", "target_isco": ["7212"], "skills_taught": ["welding", "arc welding"],
    "framework": "NC", "framework_level": "II", "hours": 268, "schedule": ["weekday", "weekend"],
    "mode": "in_person", "country": "PH", "city": "Cebu City", "cost": 0, "start_dates": ["2027-01-10"],
    "entry_requirements": "At least 18 years old; can read and write", "seats": 25, "childcare": True,
}


@pytest.fixture
def coded_api(database_url, full_runtime):
    app = create_app(make_settings(database_url), runtime=full_runtime)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def org(coded_api):
    with Session(coded_api.app.state.engine, expire_on_commit=False) as session:
        return Tenant(session, "fair-my"), Tenant(session, "fair-ph")


def test_vacancy_is_coded_with_skills_and_read_back(coded_api, org):
    a, b = org
    r = coded_api.post("/v1/vacancies", json=WELDER, headers=a.headers(Role.fair_organiser))
    assert r.status_code == 201, r.text
    v = r.json()
    assert r.headers["ETag"] == '"v1"' and r.headers["Location"] == f"/v1/vacancies/{v['id']}"
    assert v["isco"] == "7212" and v["isco_source"] == "coded" and v["coding_status"] == "coded"
    assert v["candidates"][0]["isco"] == "7212" and 0 < v["isco_probability"] <= 1
    given = [s for s in v["skills"] if s["source"] == "given"]
    assert given and all(s["esco_uri"].startswith("http://data.europa.eu/esco/skill/") for s in given)
    assert v["screening"] == [] and v["active"] is True
    assert v["required_certificates"] == [{"name": "CIDB Green Card", "framework": None, "level": None}]
    r = coded_api.post("/v1/vacancies", json={"title": "Welder", "required_certificates": [{"name": "TESDA NC II SMAW"}]},
                       headers=a.headers(Role.fair_organiser))
    assert r.json()["required_certificates"] == [{"name": "TESDA NC II SMAW", "framework": "NC", "level": "II"}]
    # a counsellor reads it; another tenant cannot see it
    assert coded_api.get(f"/v1/vacancies/{v['id']}", headers=a.headers(Role.counsellor)).json()["title"] == WELDER["title"]
    assert coded_api.get(f"/v1/vacancies/{v['id']}", headers=b.headers(Role.admin)).status_code == 404
    assert coded_api.get("/v1/vacancies", headers=b.headers(Role.admin)).json()["count"] == 0


def test_given_isco_wins_and_invalid_vacancies_name_the_field(coded_api, org):
    a, _ = org
    h = a.headers(Role.portal)
    r = coded_api.post("/v1/vacancies", json={"title": "Kerani", "isco08": "4110"}, headers=h)
    assert r.status_code == 201 and r.json()["isco"] == "4110" and r.json()["isco_source"] == "given"
    cases = [
        ({"title": ""}, "title"),
        ({"title": "x", "isco08": "9999"}, "isco08"),
        ({"title": "x", "country": "XX"}, "country"),
        ({"title": "x", "pay_currency": "RMX", "pay_min": 1}, "pay_currency"),
        ({"title": "x", "languages": ["zz1"]}, "languages.0"),
        ({"title": "x", "min_education_isced": 9}, "min_education_isced"),
        ({"title": "x", "salary": 10}, "salary"),
        ({"title": "x", "job_fair_id": "7d3b8f5c-1a2b-4c5d-8e9f-000000000000"}, "job_fair_id"),
    ]
    for body, field in cases:
        r = coded_api.post("/v1/vacancies", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in {e["field"] for e in r.json()["errors"]}, (body, r.json())
    r = coded_api.post("/v1/vacancies", json={"title": "x", "pay_min": 3000, "pay_max": 2000, "pay_currency": "MYR"}, headers=h)
    assert r.status_code == 422 and "pay_max is below pay_min" in r.text
    assert coded_api.get("/v1/vacancies", headers=h).json()["count"] == 1  # nothing else was written


def test_duplicate_external_id_patch_etag_and_delete(coded_api, org):
    a, _ = org
    h = a.headers(Role.fair_organiser)
    v = coded_api.post("/v1/vacancies", json=WELDER, headers=h).json()
    dup = coded_api.post("/v1/vacancies", json=WELDER, headers=h)
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "external_id"
    r = coded_api.patch(f"/v1/vacancies/{v['id']}", json={"title": "Pipe welder", "status": "filled"},
                        headers={**h, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"v2"'
    assert r.json()["title"] == "Pipe welder" and r.json()["active"] is False
    stale = coded_api.patch(f"/v1/vacancies/{v['id']}", json={"positions": 2}, headers={**h, "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert coded_api.patch(f"/v1/vacancies/{v['id']}", json={"pay_period": "fortnight"}, headers=h).status_code == 422
    assert coded_api.delete(f"/v1/vacancies/{v['id']}", headers=a.headers(Role.counsellor)).status_code == 403
    assert coded_api.delete(f"/v1/vacancies/{v['id']}", headers=h).status_code == 204
    assert coded_api.get(f"/v1/vacancies/{v['id']}", headers=h).status_code == 404


def test_expiry_and_filters(coded_api, org):
    a, _ = org
    h = a.headers(Role.fair_organiser)
    past = (date.today() - timedelta(days=1)).isoformat()
    coded_api.post("/v1/vacancies", json={"title": "Cook", "expires_on": past, "country": "MY"}, headers=h)
    coded_api.post("/v1/vacancies", json={"title": "Welder", "country": "MY"}, headers=h)
    coded_api.post("/v1/vacancies", json={"title": "Driver", "country": "PH"}, headers=h)
    active = coded_api.get("/v1/vacancies?active=true", headers=h).json()
    assert sorted(v["title"] for v in active["data"]) == ["Driver", "Welder"]
    expired = coded_api.get("/v1/vacancies?active=false", headers=h).json()
    assert [v["title"] for v in expired["data"]] == ["Cook"] and expired["data"][0]["active"] is False
    assert coded_api.get("/v1/vacancies?country=ph", headers=h).json()["count"] == 1


def test_screening_flags_or_rejects_by_tenant_setting(coded_api, org):
    a, _ = org
    h = a.headers(Role.fair_organiser)
    biased = {"title": "Cashier", "description": "Wanita sahaja, umur maksimal 35 tahun, berpenampilan menarik."}
    r = coded_api.post("/v1/vacancies", json=biased, headers=h)
    assert r.status_code == 201
    found = {f["category"] for f in r.json()["screening"]}
    assert {"sex", "age", "appearance"} <= found
    assert all(f["words"] and f["reason"] for f in r.json()["screening"])
    assert coded_api.get("/v1/vacancies?flagged=true", headers=h).json()["count"] == 1
    legit = coded_api.post("/v1/vacancies", json={"title": "Driver", "description": "Must hold a valid driving licence "
                                                  "and speak English. TESDA NC II preferred."}, headers=h)
    assert legit.json()["screening"] == []
    # the admin switches the organisation to reject
    assert coded_api.patch("/v1/organisation", json={"screening_mode": "reject"}, headers=h).status_code == 403
    s = coded_api.patch("/v1/organisation", json={"screening_mode": "reject"}, headers=a.headers(Role.admin))
    assert s.status_code == 200 and s.json()["screening_mode"] == "reject"
    r = coded_api.post("/v1/vacancies", json=biased, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "discriminatory_requirement"
    assert {f["category"] for f in r.json()["findings"]} == found
    assert coded_api.get("/v1/vacancies", headers=h).json()["count"] == 2  # the rejected one was not stored


def test_csv_export_neutralises_formulas(coded_api, org):
    a, _ = org
    h = a.headers(Role.fair_organiser)
    coded_api.post("/v1/vacancies", json={"title": "=HYPERLINK(\"http://x\",\"click\")", "employer": "+cmd|' /C calc'!A0",
                                          "description": "@SUM(1+1)"}, headers=h)
    r = coded_api.get("/v1/vacancies/export.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0]["title"].startswith("'=") and rows[0]["employer"].startswith("'+")
    assert rows[0]["description"].startswith("'@")


def test_courses_crud_with_skills(coded_api, org):
    a, b = org
    h = a.headers(Role.portal)
    r = coded_api.post("/v1/courses", json=COURSE, headers=h)
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["coding_status"] == "coded" and any(s["source"] == "given" for s in c["skills"])
    assert c["schedule"] == ["weekday", "weekend"] and c["childcare"] is True
    assert coded_api.get("/v1/courses?isco=7212", headers=h).json()["count"] == 1
    assert coded_api.get("/v1/courses?isco=7112", headers=h).json()["count"] == 0
    assert coded_api.get("/v1/courses?kind=upskilling", headers=b.headers(Role.portal)).json()["count"] == 0
    bad = coded_api.post("/v1/courses", json={**COURSE, "external_id": "x", "kind": "cooking"}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    bad = coded_api.post("/v1/courses", json={**COURSE, "external_id": "y", "cost": 1500}, headers=h)
    assert bad.status_code == 422 and "cost_currency" in bad.text
    assert coded_api.post("/v1/courses", json=COURSE, headers=h).status_code == 409
    p = coded_api.patch(f"/v1/courses/{c['id']}", json={"seats": 0}, headers={**h, "If-Match": '"v1"'})
    assert p.status_code == 200 and p.json()["seats"] == 0 and p.headers["ETag"] == '"v2"'
    assert coded_api.delete(f"/v1/courses/{c['id']}", headers=h).status_code == 204


def test_job_fairs_hold_vacancies(coded_api, org):
    a, b = org
    h = a.headers(Role.fair_organiser)
    fair = coded_api.post("/v1/job-fairs", json={"code": "kl-2026-11", "name": "Job Fair Kuala Lumpur",
                                                 "starts_on": "2026-11-28", "ends_on": "2026-11-29", "country": "MY"},
                          headers=h).json()
    assert coded_api.post("/v1/job-fairs", json={"code": "kl-2026-11", "name": "again"}, headers=h).status_code == 409
    bad = coded_api.post("/v1/job-fairs", json={"code": "x", "name": "y", "starts_on": "2026-11-28",
                                                "ends_on": "2026-11-01"}, headers=h)
    assert bad.status_code == 422
    r = coded_api.post("/v1/vacancies", json={"title": "Welder", "job_fair_id": fair["id"]}, headers=h)
    assert r.status_code == 201
    # another tenant cannot attach to this fair
    other = coded_api.post("/v1/vacancies", json={"title": "Welder", "job_fair_id": fair["id"]},
                           headers=b.headers(Role.fair_organiser))
    assert other.status_code == 422 and other.json()["code"] == "unknown_job_fair"
    assert coded_api.get(f"/v1/job-fairs/{fair['id']}", headers=h).json()["vacancies"] == 1
    assert coded_api.get(f"/v1/vacancies?job_fair_id={fair['id']}", headers=h).json()["count"] == 1
    assert coded_api.delete(f"/v1/job-fairs/{fair['id']}", headers=h).status_code == 409
    coded_api.delete(f"/v1/vacancies/{r.json()['id']}", headers=h)
    assert coded_api.delete(f"/v1/job-fairs/{fair['id']}", headers=h).status_code == 204


def test_repeated_vacancies_are_coded_once(full_runtime, monkeypatch):
    """A job-fair file repeats titles: each distinct (title, description, country, skills) is
    coded once, and a later batch reuses the runtime's cache."""
    from app.runtime import BoundedCache
    from app.vacancies import service
    from app.vacancies.models import Vacancy

    monkeypatch.setattr(full_runtime, "coding_cache", BoundedCache(100))
    coded: list[str] = []
    real = full_runtime.coder.code

    def counting(items, *args, **kwargs):
        coded.extend(i.text for i in items)
        return real(items, *args, **kwargs)

    monkeypatch.setattr(full_runtime.coder, "code", counting)

    def row(title, country="MY"):
        return Vacancy(organisation_id=uuid.uuid4(), content_hash="x", document={}, title=title, country=country)

    first = service.compute_coding(full_runtime, [row("Helper"), row("Driver"), row("Helper"), row("Helper", "PH")])
    assert coded == ["Helper", "Driver", "Helper"]  # the Philippine helper is another key
    assert first[0] is first[2] and first[0].isco == first[3].isco
    coded.clear()
    again = service.compute_coding(full_runtime, [row("Driver"), row("Welder")])
    assert coded == ["Welder"] and again[0] is first[1]
    small = BoundedCache(2)
    for n in range(3):
        small.put(n, str(n))
    assert small.get(0) is None and small.get(2) == "2" and len(small) == 2
