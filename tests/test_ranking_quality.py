"""Ranking quality on the hand-judged set (tests/data/ranking/): the ranker's mean nDCG@10 beats
an embedding-only and an ISCO-only baseline computed in the same run, overall and for women and
men separately. The set, the grades and how they were made: tests/data/ranking/README.md."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.main import create_app
from bench.evaluate_ranking import JUDGED, evaluate
from matching.ranking.evaluation import ndcg_at_k
from tests.conftest import Tenant, make_settings


def test_ndcg():
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at_k(["a", "b", "c"], grades) == 1.0
    assert ndcg_at_k(["x", "y"], grades) == 0.0
    assert 0 < ndcg_at_k(["c", "b", "a"], grades) < ndcg_at_k(["b", "a", "c"], grades) < 1.0
    assert ndcg_at_k(["a"], {}) == 0.0


def test_the_judged_set_is_sound():
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))
    vacancy_ids = {v["external_id"] for v in judged["vacancies"]}
    assert len(judged["passports"]) >= 30 and len(vacancy_ids) == len(judged["vacancies"])
    for entry in judged["passports"]:
        assert set(entry["grades"]) <= vacancy_ids and entry["grades"], entry["passport"]["external_ref"]
        assert any(g == 3 for g in entry["grades"].values()) or any(g == 2 for g in entry["grades"].values())


@pytest.mark.slow
def test_the_ranker_beats_both_baselines(tmp_path, full_runtime):
    url = f"sqlite:///{tmp_path / 'judged.db'}"
    from app.db import migrate

    migrate(url)
    app = create_app(make_settings(url, upload_worker=False), runtime=full_runtime)
    with TestClient(app) as client:
        with Session(app.state.engine, expire_on_commit=False) as session:
            tenant = Tenant(session, "judged")
        result = evaluate(client, tenant.keys[Role.admin], json.loads(JUDGED.read_text(encoding="utf-8")))
    n = result["ndcg"]
    assert n["ranker"] > n["embedding_only"] and n["ranker"] > n["isco_only"], n
    for sex in ("female", "male"):
        row = result["by_sex"][sex]
        assert row["ranker"] > max(row["embedding_only"], row["isco_only"]), (sex, row)
