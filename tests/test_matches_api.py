"""Matching through the API, on SQLite and PostgreSQL: vacancy and course matches with every
score part and an explanation, skill gaps, candidates for a vacancy (consent, tier-1 only),
fairness (protected attributes never change a score), the equity report, and the errors."""
from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import Organisation, Role
from app.main import create_app
from tests.conftest import Tenant, make_settings

VACANCIES = [
    {"external_id": "V-MASON-KUR", "title": "Mason", "description": "Brick and block work for housing projects. "
     "Plastering walls. Must read construction drawings.", "country": "LK", "region": "North Western", "city": "Kurunegala",
     "required_experience_months": 24, "required_skills": ["read construction drawings", "lay bricks"],
     "employment_type": "full_time", "pay_min": 70000, "pay_max": 90000, "pay_currency": "LKR", "pay_period": "month"},
    {"external_id": "V-MASON-DOHA", "title": "Mason (Doha)", "description": "Blockwork and plastering on high-rise sites.",
     "country": "QA", "city": "Doha", "required_certificates": [{"name": "NVQ Level 3 Mason"}],
     "employment_type": "contract", "pay_min": 1800, "pay_currency": "QAR", "pay_period": "month"},
    {"external_id": "V-LAB", "title": "Construction labourer", "description": "Carry materials, mix concrete, clean site.",
     "country": "LK", "region": "Western", "city": "Colombo", "employment_type": "temporary",
     "pay_min": 2500, "pay_currency": "LKR", "pay_period": "day"},
    {"external_id": "V-MAID", "title": "Housemaid", "description": "Cleaning, cooking and laundry for a family.",
     "country": "LK", "region": "Western", "city": "Colombo"},
    {"external_id": "V-CARE", "title": "Caregiver for elderly", "description": "Home care for an elderly woman: bathing, "
     "feeding, giving medicines on time, accompanying to the clinic.", "country": "LK", "region": "North Western",
     "city": "Kurunegala", "isco08": "5322"},
    {"external_id": "V-DEV", "title": "Software developer", "description": "Python and Django web applications.",
     "country": "LK", "region": "Western", "city": "Colombo", "min_education_isced": 6},
]
COURSES = [
    {"external_id": "C-PLANS", "title": "Reading construction drawings for masons", "kind": "upskilling",
     "provider": "VTA Kurunegala", "skills_taught": ["read construction drawings", "interpret 2D plans"],
     "target_isco": ["7112"], "country": "LK", "region": "North Western", "city": "Kurunegala", "cost": 0,
     "schedule": ["weekend"]},
    {"external_id": "C-CARE", "title": "Caregiving NVQ Level 3", "kind": "upskilling", "provider": "NAITA",
     "skills_taught": ["tend to elderly people", "assist with personal hygiene", "apply first response"],
     "target_isco": ["5322"], "country": "LK", "region": "North Western", "cost": 0, "schedule": ["weekday"],
     "childcare": True},
    {"external_id": "C-RPL", "title": "RPL Assessment — Mason NVQ Level 3", "kind": "rpl_assessment",
     "provider": "VTA Kurunegala", "target_isco": ["7112"], "framework": "NVQ", "framework_level": "3",
     "country": "LK", "region": "North Western", "cost": 0, "schedule": ["weekend"]},
    {"external_id": "C-SIYB", "title": "Start and Improve Your Business", "kind": "entrepreneurship",
     "provider": "ILO SIYB trainers", "country": "LK", "region": "North Western", "cost": 0, "schedule": ["evening"]},
]
MASON = {
    "external_ref": "P-MASON",
    "person": {"sex": "male", "birth_year": 1985, "country": "LK", "region": "North Western",
               "languages": [{"code": "si", "level": "native"}]},
    "return": {"status": "returned", "type": "voluntary"},
    "experiences": [{"title": "mason in Qatar", "tasks": "laying blocks, plastering walls", "country": "QA",
                     "start": "2016-01", "end": "2022-01"}],
    "preferences": {"pathways": ["wage_employment"], "places": [{"country": "LK", "region": "North Western"}]},
    "consent": {"matching": {"granted": True}, "employer_visibility": {"granted": True},
                "statistics": {"granted": True}},
}
CARER = {
    "external_ref": "P-CARER",
    "person": {"sex": "female", "birth_year": 1988, "country": "LK", "region": "North Western"},
    "experiences": [{"title": "housemaid in Riyadh", "tasks": "cleaning, cooking, ironing, caring for the grandmother",
                     "country": "SA", "start": "2015-03", "end": "2024-12"}],
    "before_migration": {"occupation": "sewing machine operator", "months": 48},
    "preferences": {"pathways": ["wage_employment", "self_employment"], "occupations": ["caregiver"],
                    "schedule": {"weekends": False, "care_duties": True}},
    "consent": {"matching": {"granted": True}, "statistics": {"granted": True}},
}


@pytest.fixture
def client(database_url, full_runtime):
    app = create_app(make_settings(database_url, upload_worker=False), runtime=full_runtime)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def tenant(client) -> Tenant:
    with Session(client.app.state.engine, expire_on_commit=False) as session:
        return Tenant(session, "mrc-kurunegala")


def _catalogue(client, tenant) -> dict[str, str]:
    ids = {}
    for v in VACANCIES:
        r = client.post("/v1/vacancies", json=v, headers=tenant.headers(Role.fair_organiser))
        assert r.status_code == 201, r.text
        ids[v["external_id"]] = r.json()["id"]
    for c in COURSES:
        r = client.post("/v1/courses", json=c, headers=tenant.headers(Role.fair_organiser))
        assert r.status_code == 201, r.text
        ids[c["external_id"]] = r.json()["id"]
    return ids


def _passport(client, tenant, body) -> str:
    r = client.post("/v1/passports", json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_vacancy_matches_carry_every_part_and_read_aloud(client, tenant):
    ids = _catalogue(client, tenant)
    pid = _passport(client, tenant, MASON)
    r = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 6 and body["diversified"] is True and sum(body["weights"].values()) == pytest.approx(1.0)
    top = body["data"][0]
    assert top["vacancy_id"] == ids["V-MASON-KUR"] and top["rank"] == 1 and top["isco"] == "7112"
    assert set(top["components"]) == {"occupation", "skills", "semantic", "experience", "qualifications", "place", "pathway", "preference"}
    assert top["occupation"]["relation"] == "same unit group" and top["occupation"]["held_words"] == "mason in Qatar"
    assert top["requirements"]["required_experience_months"] == 24 and top["requirements"]["relevant_months"] == 72
    assert top["place"] == "same_city" or top["place"] == "same_region"
    assert top["explanation"].startswith("6 years as mason in Qatar matches “Mason”")
    assert any(s["source"] == "experience" and s["evidence"] == "72 months as mason in Qatar"
               for s in top["skills"]["essential_matched"])
    doha = next(m for m in body["data"] if m["vacancy_id"] == ids["V-MASON-DOHA"])
    assert doha["requirements"]["certificates"] == [{"name": "NVQ Level 3 Mason", "held": None}]
    assert doha["place"] == "abroad" and doha["score"] < top["score"]
    # a qualification held before migrating counts: the NVQ the Doha vacancy asks for
    before = copy.deepcopy(MASON)
    before["external_ref"] = "P-MASON-NVQ"
    before["before_migration"] = {"occupation": "mason", "qualifications": ["NVQ Level 3 Mason (2012)"], "months": 30}
    other = _passport(client, tenant, before)
    with_nvq = client.get(f"/v1/passports/{other}/matches/vacancies?pathway=re_migration", headers=tenant.headers()).json()
    assert with_nvq["data"][0]["requirements"]["certificates"] == [{"name": "NVQ Level 3 Mason", "held": "NVQ Level 3 Mason (2012)"}]
    dev = next(m for m in body["data"] if m["vacancy_id"] == ids["V-DEV"])
    assert dev["rank"] == 6 and dev["occupation"]["relation"] is None
    # filters
    def listed(**params):
        r = client.get(f"/v1/passports/{pid}/matches/vacancies", params=params, headers=tenant.headers())
        assert r.status_code == 200, r.text
        return {m["vacancy_id"] for m in r.json()["data"]}

    assert listed(pathway="re_migration") == {ids["V-MASON-DOHA"]}
    assert listed(employment_type="temporary") == {ids["V-LAB"]}
    assert listed(min_pay=80000, currency="LKR") == {ids["V-MASON-KUR"]}
    assert listed(city="kurunegala") == {ids["V-MASON-KUR"], ids["V-CARE"]}
    assert listed(isco="71") == {ids["V-MASON-KUR"], ids["V-MASON-DOHA"]}
    page = client.get(f"/v1/passports/{pid}/matches/vacancies?offset=1&limit=2", headers=tenant.headers()).json()
    assert [m["vacancy_id"] for m in page["data"]] == [m["vacancy_id"] for m in body["data"][1:3]]
    assert [m["rank"] for m in page["data"]] == [2, 3]


def test_a_missing_skill_names_the_course_that_teaches_it(client, tenant):
    ids = _catalogue(client, tenant)
    pid = _passport(client, tenant, MASON)
    r = client.get(f"/v1/passports/{pid}/gaps", params={"vacancy": ids["V-MASON-KUR"]}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    gap = r.json()
    assert gap["target"] == {"kind": "vacancy", "isco": "7112", "title": "Mason", "vacancy_id": ids["V-MASON-KUR"]}
    drawings = next(s for s in gap["missing_essential"] if s["courses"])
    assert drawings["courses"][0]["id"] == ids["C-PLANS"]
    top = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers()).json()["data"][0]
    assert f"Missing: {drawings['label']} — course “Reading construction drawings for masons” (VTA Kurunegala) teaches it." \
        in top["explanation"]
    occupation = client.get(f"/v1/passports/{pid}/gaps?isco=7112", headers=tenant.headers()).json()
    assert occupation["target"]["kind"] == "occupation" and occupation["matched_essential"]
    assert 0 < occupation["coverage"] <= 1


def test_courses_close_the_gaps_of_the_occupation_wanted(client, tenant):
    ids = _catalogue(client, tenant)
    pid = _passport(client, tenant, CARER)
    r = client.get(f"/v1/passports/{pid}/matches/courses", headers=tenant.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    assert "5322" in body["occupations_in_view"] and body["gaps"]
    ranked = [c["course_id"] for c in body["data"]]
    # the care course closes her gaps; the self-employment pathway raises the business course
    assert set(ranked[:2]) == {ids["C-CARE"], ids["C-SIYB"]} and ids["C-PLANS"] not in ranked[:2]
    care = next(c for c in body["data"] if c["course_id"] == ids["C-CARE"])
    assert care["closes"] and care["for_occupations"] == ["5322"] and "childcare offered" in care["explanation"]
    only = client.get(f"/v1/passports/{pid}/matches/courses?kind=entrepreneurship", headers=tenant.headers()).json()
    assert [c["course_id"] for c in only["data"]] == [ids["C-SIYB"]]
    vacancies = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers()).json()["data"]
    assert vacancies[0]["vacancy_id"] == ids["V-CARE"], [(v["title"], v["score"], v["components"], v["isco"], v["preference"]) for v in vacancies][:2]  # what she wants, near home


def test_protected_attributes_never_change_a_score(client, tenant):
    _catalogue(client, tenant)
    scores = []
    for n, (sex, year, ret) in enumerate([("male", 1985, {"status": "returned", "type": "voluntary"}),
                                          ("female", 1962, {"status": "returned", "type": "forced", "reasons": [3, 7]}),
                                          ("undisclosed", None, None)]):
        body = copy.deepcopy(MASON)
        body["external_ref"] = f"P-FAIR-{n}"
        body["person"]["sex"] = sex
        if year:
            body["person"]["birth_year"] = year
        else:
            body["person"].pop("birth_year")
        if ret:
            body["return"] = ret
        else:
            body.pop("return")
        pid = _passport(client, tenant, body)
        data = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers()).json()["data"]
        scores.append([(m["vacancy_id"], m["score"], m["components"]) for m in data])
    assert scores[0] == scores[1] == scores[2]


def test_candidates_are_consenting_and_tier_one_only(client, tenant):
    ids = _catalogue(client, tenant)
    mason = _passport(client, tenant, MASON)
    _passport(client, tenant, CARER)  # no employer_visibility consent
    r = client.get(f"/v1/vacancies/{ids['V-MASON-KUR']}/candidates", headers=tenant.headers(Role.fair_organiser))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 1 and body["data"][0]["passport_id"] == mason
    candidate = body["data"][0]
    assert candidate["occupations"] == [{"isco": "7112", "title": "Bricklayers and Related Workers", "months": 72}]
    assert "mason in Qatar" in candidate["explanation"]
    flat = r.text
    for word in ("female", "male", "birth_year", "1985", "voluntary", "return"):
        assert word not in flat
    with Session(client.app.state.engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "match_candidate")).all()
        assert [e.resource_id for e in events] == [mason]
    other = Tenant(Session(client.app.state.engine, expire_on_commit=False), "other-pes")
    assert client.get(f"/v1/vacancies/{ids['V-MASON-KUR']}/candidates", headers=other.headers()).status_code == 404


def test_errors_and_an_empty_catalogue(client, tenant):
    pid = _passport(client, tenant, MASON)
    r = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers())
    assert r.status_code == 200 and r.json()["data"] == [] and r.json()["count"] == 0
    assert client.get(f"/v1/passports/{pid}/matches/courses", headers=tenant.headers()).json()["data"] == []
    missing = "00000000-0000-0000-0000-000000000000"
    r = client.get(f"/v1/passports/{missing}/matches/vacancies", headers=tenant.headers())
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    no_consent = copy.deepcopy(MASON)
    no_consent["external_ref"] = "P-NO-CONSENT"
    no_consent["consent"] = {"matching": {"granted": False}}
    other = _passport(client, tenant, no_consent)
    for path in ("matches/vacancies", "matches/courses", "gaps?isco=7112"):
        r = client.get(f"/v1/passports/{other}/{path}", headers=tenant.headers())
        assert r.status_code == 409 and r.json()["code"] == "no_consent" and "matching" in r.json()["detail"]
    r = client.get(f"/v1/passports/{pid}/gaps", headers=tenant.headers())
    assert r.status_code == 422 and "exactly one" in r.json()["detail"]
    r = client.get(f"/v1/passports/{pid}/gaps?isco=7112&vacancy={missing}", headers=tenant.headers())
    assert r.status_code == 422
    assert client.get(f"/v1/passports/{pid}/gaps?vacancy={missing}", headers=tenant.headers()).status_code == 404
    r = client.get(f"/v1/passports/{pid}/matches/vacancies?min_pay=100", headers=tenant.headers())
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "currency"
    assert client.get(f"/v1/passports/{pid}/matches/vacancies?isco=71a", headers=tenant.headers()).status_code == 422
    assert client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers(Role.fair_organiser)).status_code == 403


def test_the_cached_catalogue_follows_every_change(client, tenant):
    pid = _passport(client, tenant, MASON)
    h = tenant.headers(Role.fair_organiser)

    def version():
        with Session(client.app.state.engine) as session:
            return session.get(Organisation, tenant.organisation.id).catalogue_version

    def listed():
        return [m["title"] for m in client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers()).json()["data"]]

    start = version()
    v = client.post("/v1/vacancies", json=VACANCIES[0], headers=h).json()
    assert version() > start and listed() == ["Mason"]
    r = client.patch(f"/v1/vacancies/{v['id']}", json={"title": "Mason (block work)"},
                     headers={**h, "If-Match": '"v1"', "Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text
    assert listed() == ["Mason (block work)"]
    client.patch(f"/v1/vacancies/{v['id']}", json={"status": "filled"},
                 headers={**h, "If-Match": '"v2"', "Content-Type": "application/merge-patch+json"})
    assert listed() == []
    before = version()
    client.post("/v1/courses", json=COURSES[0], headers=h)
    assert version() > before


def test_equity_report_by_sex_with_small_cells_suppressed(client, tenant):
    _catalogue(client, tenant)
    for n in range(5):
        body = copy.deepcopy(CARER)
        body["external_ref"] = f"P-W{n}"
        body["before_migration"] = {"isco": "9111", "months": 24}
        body["preferences"] = {"occupations": ["9111"]}
        _passport(client, tenant, body)
    _passport(client, tenant, MASON)
    r = client.get("/v1/reports/equity", headers=tenant.headers())
    assert r.status_code == 200, r.text
    rows = {row["sex"]: row for row in r.json()["data"]}
    assert r.json()["passports_considered"] == 6
    women = rows["female"]
    assert women["passports"] == 5 and women["before_migration_care"] == 5 and women["before_migration_care_share"] == 1.0
    assert 0 <= women["top10_all_care"] <= 5
    assert rows["male"]["suppressed"] is True and rows["male"]["passports"] is None


def test_a_missing_certificate_shows_the_rpl_route_and_rpl_courses_rise(client, tenant):
    ids = _catalogue(client, tenant)
    pid = _passport(client, tenant, MASON)
    data = client.get(f"/v1/passports/{pid}/matches/vacancies", headers=tenant.headers()).json()["data"]
    doha = next(m for m in data if m["vacancy_id"] == ids["V-MASON-DOHA"])
    route = doha["rpl_routes"][0]
    assert route["certificate"] == "NVQ Level 3 Mason" and route["scheme_id"] == "lk-nvq-rpl" and route["level"] == "3"
    assert route["decision"] == "eligible_pending_evidence" and "employer_certificate" in route["missing_evidence"]
    assert route["where_to_apply"] and "recognition of prior learning" in doha["explanation"]
    kur = next(m for m in data if m["vacancy_id"] == ids["V-MASON-KUR"])
    assert kur["rpl_routes"] == []  # nothing asked
    courses = client.get(f"/v1/passports/{pid}/matches/courses", headers=tenant.headers()).json()["data"]
    assert courses[0]["course_id"] == ids["C-RPL"] and "RPL pre-screen" in courses[0]["explanation"]
    # the passport's own pre-screen: every Sri Lankan scheme level for the unit groups it supports
    r = client.get(f"/v1/passports/{pid}/rpl", headers=tenant.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["country"] == "LK" and body["schemes"] == ["lk-nvq-rpl"]
    mason = next(g for g in body["data"] if g["isco"] == "7112")
    decisions = {a["level"]: a["decision"] for a in mason["assessments"]}
    assert decisions["3"] == decisions["4"] == "eligible_pending_evidence" and decisions["1"] == "insufficient_data"
    four = next(a for a in mason["assessments"] if a["level"] == "4")
    assert four["months_counted"] == 72 and four["months_required"] == 48 and four["bring"]
    assert client.get("/v1/passports/00000000-0000-0000-0000-000000000000/rpl", headers=tenant.headers()).status_code == 404
