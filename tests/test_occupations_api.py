"""GET /v1/occupations/{code} and GET /v1/occupations?q=."""
import pytest

from app.auth.models import Role


@pytest.fixture
def client(api, tenant_a):
    api.headers.update(tenant_a.headers(Role.counsellor))
    return api


def test_unit_group_detail(client):
    body = client.get("/v1/occupations/7112").json()
    assert body["title"] == "Bricklayers and Related Workers"
    assert body["level"] == 4
    assert [p["code"] for p in body["parents"]] == ["7", "71", "711"]
    assert body["children"] == []
    assert body["skill_levels"] == [2]
    assert "Bricklayer" in body["included_occupations"]
    assert {"title": "Stonemason", "code": "7113"} in body["excluded_occupations"]
    assert body["tasks"] and not body["tasks"][0].startswith("(a)")
    labels = {o["preferred_label"] for o in body["esco_occupations"]}
    assert "bricklayer" in labels
    bricklayer = next(o for o in body["esco_occupations"] if o["preferred_label"] == "bricklayer")
    assert bricklayer["essential_skills"], "ESCO essential skills are listed"


@pytest.mark.parametrize("code, level, n_parents", [("7", 1, 0), ("71", 2, 1), ("711", 3, 2)])
def test_higher_levels_have_children(client, code, level, n_parents):
    body = client.get(f"/v1/occupations/{code}").json()
    assert body["level"] == level
    assert len(body["parents"]) == n_parents
    assert body["children"] and all(c["code"].startswith(code) for c in body["children"])
    assert all(len(c["code"]) == len(code) + 1 for c in body["children"])
    assert body["esco_occupations"] == []


def test_skill_levels_follow_isco(client):
    assert client.get("/v1/occupations/5322").json()["skill_levels"] == [2]
    assert client.get("/v1/occupations/2221").json()["skill_levels"] == [4]
    assert client.get("/v1/occupations/9111").json()["skill_levels"] == [1]


def test_unknown_code_is_404_problem(client):
    response = client.get("/v1/occupations/9999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "occupation_not_found"


@pytest.mark.parametrize("code", ["abc", "12345", "71a2"])
def test_malformed_code_is_422_naming_the_field(client, code):
    response = client.get(f"/v1/occupations/{code}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"


@pytest.mark.parametrize(
    "query, expected",
    [("mason", "7112"), ("bricklayer", "7112"), ("plumbar", "7126"), ("Driver, bus", "8331"), ("heavy truck driver", "8332"),
     ("housekeeper", "5152"), ("scaffolder", "7119")],
)
def test_search_finds_the_group(client, query, expected):
    body = client.get("/v1/occupations", params={"q": query, "level": 4}).json()
    codes = [hit["code"] for hit in body["data"]]
    assert expected in codes[:5], (query, body["data"][:5])
    assert body["count"] >= len(body["data"])


def test_search_hit_says_what_matched(client):
    hit = client.get("/v1/occupations", params={"q": "Driver, bus"}).json()["data"][0]
    assert hit["code"] == "8331"
    assert hit["score"] == 1.0
    assert hit["matched_source"] == "ilo_index"


def test_search_by_code_prefix_and_level(client):
    body = client.get("/v1/occupations", params={"q": "711", "level": 4}).json()
    assert [h["code"] for h in body["data"]] == ["7111", "7112", "7113", "7114", "7115", "7119"]


def test_search_is_paged(client):
    first = client.get("/v1/occupations", params={"q": "driver", "limit": 3}).json()
    second = client.get("/v1/occupations", params={"q": "driver", "limit": 3, "offset": 3}).json()
    assert len(first["data"]) == 3 and first["count"] > 6
    assert first["count"] == second["count"]
    assert not {h["code"] for h in first["data"]} & {h["code"] for h in second["data"]}


def test_search_without_results_is_empty_not_error(client):
    body = client.get("/v1/occupations", params={"q": "qqqqxxxzzz"}).json()
    assert body == {"data": [], "count": 0}


@pytest.mark.parametrize("params", [{"q": "   "}, {}, {"q": "x" * 201}, {"q": "mason", "limit": 0}])
def test_bad_search_is_422(client, params):
    response = client.get("/v1/occupations", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_every_unit_group_with_esco_occupations_is_served(client, taxonomy_runtime):
    # 2512 has an essential skill without an ESCO skill type: the response must still validate.
    for code in ("2512", "9111", "5322", "0110"):
        response = client.get(f"/v1/occupations/{code}")
        assert response.status_code == 200, (code, response.text[:300])


@pytest.fixture
def coding_client(full_runtime, database_url, tenant_factory):
    from fastapi.testclient import TestClient

    from app.main import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url), runtime=full_runtime)
    with TestClient(app) as client:
        client.headers.update(tenant_factory(app).headers(Role.portal))
        yield client


def test_code_endpoint(coding_client):
    response = coding_client.post("/v1/occupations/code", json={"items": [
        {"text": "tukang batu", "lang": "ms", "country": "my"},
        {"text": "6 yrs house driver in Riyadh", "description": "driving the family, car maintenance"},
    ], "k": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2 and body["model_id"].startswith("sentence-transformers/all-MiniLM-L6-v2@")
    first = body["data"][0]
    assert first["candidates"][0]["code"] == "7112" and len(first["candidates"]) == 3
    assert {"probability", "matched_label", "signal", "skill_levels"} <= set(first["candidates"][0])
    assert body["data"][1]["candidates"][0]["code"] == "8322"


def test_code_endpoint_bad_input(coding_client):
    blank = coding_client.post("/v1/occupations/code", json={"items": [{"text": "mason"}, {"text": "   "}]})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "items.1.text"
    too_many = coding_client.post("/v1/occupations/code", json={"items": [{"text": "mason"}] * 1001})
    assert too_many.status_code == 413 and "/v1/uploads" in too_many.json()["detail"]
    assert coding_client.post("/v1/occupations/code", json={"items": []}).status_code == 422
    lang = coding_client.post("/v1/occupations/code", json={"items": [{"text": "mason", "lang": "xx"}]})
    assert lang.status_code == 422 and lang.json()["errors"][0]["field"] == "items.0.lang"
    extra = coding_client.post("/v1/occupations/code", json={"items": [{"text": "mason", "colour": "red"}]})
    assert extra.status_code == 422


def test_code_endpoint_truncates_long_text(coding_client):
    response = coding_client.post("/v1/occupations/code", json={"items": [{"text": "welder " * 500}]})
    assert response.status_code == 200 and response.json()["data"][0]["truncated"] is True
