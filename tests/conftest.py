"""Shared fixtures.

Storage tests run on SQLite and on a real PostgreSQL: the ``database_url`` fixture is
parametrised over both. PostgreSQL comes from the ``pgserver`` package (PostgreSQL 16, started
by the test session in a temporary directory), or from ``RETURNMATCH_TEST_POSTGRES_URL`` when set.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.keys import create_organisation, issue_key
from app.auth.models import Role
from app.db import migrate
from app.main import create_app
from app.runtime import Runtime
from app.settings import PROJECT_ROOT, Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
TEST_PEPPER = "test-pepper-0123456789abcdef0123456789"
CACHE_DIR = PROJECT_ROOT / "var" / "cache"  # shared by test runs: label embeddings are built once


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    external = os.environ.get("RETURNMATCH_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    import pgserver

    # Not under pytest's basetemp: a concurrent pytest run may prune that while the server runs.
    pgdata = tempfile.mkdtemp(prefix="returnmatch-pg-")
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    try:
        yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()


def _fresh_postgres_database(server_url: str) -> tuple[str, callable]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        migrate(url)
        yield url
        return
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_server_url"))
    migrate(url)
    try:
        yield url
    finally:
        drop()


def make_settings(database_url: str, **overrides) -> Settings:
    values = dict(
        environment="test", database_url=database_url, api_key_pepper=TEST_PEPPER, cache_dir=CACHE_DIR,
        auto_migrate=False,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def taxonomy_runtime() -> Runtime:
    """Taxonomies and search loaded, no model: what most API tests need."""
    runtime = Runtime(make_settings("sqlite://", load_model=False))
    runtime.load()
    assert runtime.state == "ready", runtime.error
    return runtime


@pytest.fixture(scope="session")
def full_runtime() -> Runtime:
    """Taxonomies, model and label embeddings (built into var/cache on the first run, then reused)."""
    runtime = Runtime(make_settings("sqlite://"))
    runtime.load()
    assert runtime.state == "ready", runtime.error
    return runtime


class Tenant:
    """An organisation with one key per role."""

    def __init__(self, session: Session, slug: str):
        self.organisation = create_organisation(session, f"Org {slug}", slug, "LK")
        self.keys: dict[Role, str] = {}
        self.key_ids: dict[Role, uuid.UUID] = {}
        for role in Role:
            issued = issue_key(session, self.organisation, role, f"{role.value}-key", TEST_PEPPER)
            self.keys[role] = issued.key
            self.key_ids[role] = issued.record.id

    def headers(self, role: Role = Role.counsellor) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


@pytest.fixture
def api(database_url, taxonomy_runtime) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url), runtime=taxonomy_runtime)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def db_session(api) -> Iterator[Session]:
    with Session(api.app.state.engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def tenant_factory():
    """Make a tenant in any app's database: ``tenant_factory(app, slug)``."""

    def make(app, slug: str = "tenant-x") -> Tenant:
        with Session(app.state.engine, expire_on_commit=False) as session:
            return Tenant(session, slug)

    return make


@pytest.fixture
def tenant_a(db_session) -> Tenant:
    return Tenant(db_session, "tenant-a")


@pytest.fixture
def tenant_b(db_session) -> Tenant:
    return Tenant(db_session, "tenant-b")
