"""API keys, roles and tenant scoping (SQLite and PostgreSQL)."""
from app.auth.models import Role

PROBLEM = "application/problem+json"


def test_missing_key_is_401_problem(api):
    response = api.get("/v1/occupations/7112")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("ApiKey")


def test_wrong_key_does_not_reveal_which_keys_exist(api, tenant_a):
    real = tenant_a.keys[Role.counsellor]
    prefix = real.split("_")[1]
    same_prefix_wrong_secret = f"rm_{prefix}_{'x' * 43}"
    unknown_prefix = f"rm_{'Z' * 12}_{'x' * 43}"
    bodies = []
    for key in (same_prefix_wrong_secret, unknown_prefix, "garbage", ""):
        response = api.get("/v1/occupations/7112", headers={"X-API-Key": key})
        assert response.status_code == 401
        body = response.json()
        body.pop("instance", None)
        bodies.append(body)
    assert all(b == bodies[0] for b in bodies)


def test_valid_key_and_whoami(api, tenant_a):
    response = api.get("/v1/me", headers=tenant_a.headers(Role.portal))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"]["slug"] == "tenant-a"
    assert body["key"]["role"] == "portal"
    assert "key_hash" not in body["key"]


def test_wrong_role_is_403(api, tenant_a):
    response = api.get("/v1/api-keys", headers=tenant_a.headers(Role.counsellor))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_admin_issues_lists_and_revokes_keys(api, tenant_a):
    admin = tenant_a.headers(Role.admin)
    created = api.post("/v1/api-keys", json={"name": "portal-2", "role": "portal"}, headers=admin)
    assert created.status_code == 201
    new_key, new_id = created.json()["key"], created.json()["id"]
    assert api.get("/v1/me", headers={"X-API-Key": new_key}).status_code == 200

    listed = api.get("/v1/api-keys", headers=admin).json()
    assert listed["count"] == len(Role) + 1
    assert all("key" not in item for item in listed["data"])

    assert api.delete(f"/v1/api-keys/{new_id}", headers=admin).json()["revoked_at"] is not None
    assert api.get("/v1/me", headers={"X-API-Key": new_key}).status_code == 401
    assert api.get("/v1/api-keys", headers=admin).json()["count"] == len(Role)
    assert api.get("/v1/api-keys?include_revoked=true", headers=admin).json()["count"] == len(Role) + 1


def test_key_creation_rejects_unknown_role_and_fields(api, tenant_a):
    admin = tenant_a.headers(Role.admin)
    bad_role = api.post("/v1/api-keys", json={"name": "x", "role": "superuser"}, headers=admin)
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["field"] == "role"
    extra = api.post("/v1/api-keys", json={"name": "x", "role": "portal", "org": "b"}, headers=admin)
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "org"


def test_other_tenants_records_answer_404(api, tenant_a, tenant_b):
    admin_a = tenant_a.headers(Role.admin)
    victim = tenant_b.key_ids[Role.portal]
    for method in ("get", "delete"):
        response = getattr(api, method)(f"/v1/api-keys/{victim}", headers=admin_a)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    # ... and tenant B's key still works: nothing was revoked across tenants
    assert api.get("/v1/me", headers=tenant_b.headers(Role.portal)).status_code == 200
    own = api.get(f"/v1/api-keys/{tenant_a.key_ids[Role.portal]}", headers=admin_a)
    assert own.status_code == 200


def test_keys_are_stored_hashed(api, tenant_a, db_session):
    from sqlmodel import select

    from app.auth.models import ApiKey

    stored = db_session.exec(select(ApiKey)).all()
    secrets = set(tenant_a.keys.values())
    for row in stored:
        assert row.key_hash not in secrets
        assert all(row.key_hash not in key and key not in row.key_hash for key in secrets)
        assert len(row.key_hash) == 64
