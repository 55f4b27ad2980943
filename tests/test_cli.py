"""The returnmatch CLI: organisations, keys and demo data."""
import json

import pytest
from sqlmodel import Session

from app.auth.keys import authenticate
from app.cli import main
from app.db import make_engine
from app.demo import seed_demo
from tests.conftest import TEST_PEPPER


@pytest.fixture
def cli_env(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RETURNMATCH_API_KEY_PEPPER", TEST_PEPPER)
    monkeypatch.setenv("RETURNMATCH_ENVIRONMENT", "test")
    return database_url


def _run(capsys, *argv):
    main(list(argv))
    return capsys.readouterr().out


def test_create_org_issue_and_revoke_key(cli_env, capsys):
    org = json.loads(_run(capsys, "org", "create", "--name", "PES Manila", "--slug", "pes-manila", "--country", "ph"))
    assert org["slug"] == "pes-manila"
    issued = json.loads(_run(capsys, "key", "issue", "--org", "pes-manila", "--role", "portal", "--name", "portal"))
    engine = make_engine(cli_env)
    with Session(engine) as session:
        assert authenticate(session, issued["key"], TEST_PEPPER) is not None
    listing = _run(capsys, "key", "list", "--org", "pes-manila")
    assert issued["id"] in listing and "active" in listing
    _run(capsys, "key", "revoke", "--org", "pes-manila", issued["id"])
    with Session(engine) as session:
        assert authenticate(session, issued["key"], TEST_PEPPER) is None
    assert "revoked" in _run(capsys, "key", "list", "--org", "pes-manila")
    engine.dispose()


def test_cli_errors_are_clear(cli_env, capsys):
    _run(capsys, "org", "create", "--name", "A", "--slug", "dup")
    with pytest.raises(SystemExit, match="exists"):
        main(["org", "create", "--name", "B", "--slug", "dup"])
    with pytest.raises(SystemExit, match="no organisation"):
        main(["key", "issue", "--org", "nope", "--role", "portal"])
    with pytest.raises(SystemExit, match="slug"):
        main(["org", "create", "--name", "B", "--slug", "Bad Slug!"])


def test_production_settings_refused_by_cli(monkeypatch):
    monkeypatch.setenv("RETURNMATCH_ENVIRONMENT", "production")
    monkeypatch.delenv("RETURNMATCH_API_KEY_PEPPER", raising=False)
    with pytest.raises(SystemExit, match="API_KEY_PEPPER"):
        main(["migrate"])


def test_demo_seed_issues_fresh_keys_and_revokes_old(database_url):
    engine = make_engine(database_url)
    with Session(engine) as session:
        first = seed_demo(session, TEST_PEPPER)
        second = seed_demo(session, TEST_PEPPER)
        assert set(first) == {"portal", "fair_organiser", "counsellor", "admin", "admin (other organisation)"}
        assert all(authenticate(session, key, TEST_PEPPER) is None for key in first.values())
        live = {label: authenticate(session, key, TEST_PEPPER) for label, key in second.items()}
        assert all(live.values())
        assert live["admin"].organisation_id != live["admin (other organisation)"].organisation_id
    engine.dispose()


def test_migrate_creates_the_sqlite_directory(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'there.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RETURNMATCH_ENVIRONMENT", "test")
    assert "latest migration" in _run(capsys, "migrate")
    assert (tmp_path / "not" / "yet" / "there.db").is_file()
