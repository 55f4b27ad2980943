"""Every error is problem+json."""
PROBLEM = "application/problem+json"


def test_unknown_route_is_problem(api):
    response = api.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["status"] == 404


def test_method_not_allowed_is_problem(api):
    response = api.put("/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM)


def test_unhandled_exception_is_problem_without_details(api, monkeypatch):
    from app.runtime import Runtime

    def boom(self):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Runtime, "describe", boom)
    from fastapi.testclient import TestClient

    with TestClient(api.app, raise_server_exceptions=False) as client:
        response = client.get("/ready")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "secret internals" not in response.text
