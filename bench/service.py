"""A throw-away service for benchmarks: a fresh SQLite database, the loaded runtime, one
organisation and an API key of the role the benchmark plays."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.keys import create_organisation, issue_key
from app.auth.models import Role
from app.db import migrate
from app.main import create_app
from app.runtime import Runtime
from app.settings import Settings


@dataclass(frozen=True)
class BenchService:
    client: TestClient
    app: FastAPI
    runtime: Runtime
    settings: Settings
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key}


@contextmanager
def temporary_service(role: Role, country: str, **settings) -> Iterator[BenchService]:
    """``settings``: overrides of ``Settings`` (the database is always a temporary SQLite file)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        config = Settings(database_url=url, auto_migrate=False, **settings)
        migrate(url)
        runtime = Runtime(config)
        runtime.load()
        app = create_app(config, runtime=runtime)
        with Session(app.state.engine) as session:
            org = create_organisation(session, "Bench", "bench", country)
            key = issue_key(session, org, role, "bench", config.api_key_pepper).key
        with TestClient(app) as client:
            yield BenchService(client, app, runtime, config, key)
