"""/health answers at once; /ready only once taxonomies, model and label embeddings are loaded."""
from fastapi.testclient import TestClient

from app.main import create_app
from app.runtime import Runtime
from tests.conftest import make_settings


def test_health_and_ready_lifecycle(tmp_path, full_runtime):
    settings = make_settings(f"sqlite:///{tmp_path / 'r.db'}", auto_migrate=True)
    runtime = Runtime(settings)  # not started: nothing loaded yet
    app = create_app(settings, runtime=runtime)
    client = TestClient(app)  # no lifespan: the runtime stays unloaded
    assert client.get("/health").json() == {"status": "ok"}
    not_ready = client.get("/ready")
    assert not_ready.status_code == 503
    assert not_ready.headers["content-type"].startswith("application/problem+json")
    assert not_ready.json()["code"] == "not_ready"

    with TestClient(app) as live:  # lifespan: migrate and load (embeddings come from the cache)
        assert runtime.wait(timeout=600)
        body = live.get("/ready").json()
    assert body["state"] == "ready"
    assert body["model"] == {"id": full_runtime.encoder.model_id, "dimension": 384}
    assert body["taxonomy_version"] == full_runtime.taxonomies.version
    assert body["label_indexes"]["occupations"]["labels"] > 40000


def test_ready_reports_load_failure(tmp_path):
    settings = make_settings(f"sqlite:///{tmp_path / 'r.db'}", model_path=tmp_path / "no-model")
    runtime = Runtime(settings)
    runtime.load()
    app = create_app(settings, runtime=runtime)
    response = TestClient(app).get("/ready")
    assert response.status_code == 503
    assert response.json()["code"] == "load_failed"
    assert "no-model" in response.json()["detail"]
