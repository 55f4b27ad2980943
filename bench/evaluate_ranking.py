"""Vacancy-ranking quality on the judged set, against two baselines in the same run.

    .venv/bin/python -m bench.evaluate_ranking [--json var/eval/ranking.json]

The judged set (``tests/data/ranking/judged_set.json``: made-up passports and a realistic
catalogue, each passport's candidates graded 0–3 by hand) is loaded through the API into a
temporary SQLite database, so vacancies and passports are coded exactly as in production. For
each passport: nDCG@10 of the ranker (``GET /v1/passports/{id}/matches/vacancies``, defaults),
of an **embedding-only** baseline (the same passport and vacancy embeddings, cosine order) and of
an **ISCO-only** baseline (occupation fit through the ISCO hierarchy, ties in the judged set's vacancy order, so the baseline is the same on every run).
Means overall and by the passport's sex (which the ranker never sees).
"""
from __future__ import annotations

import argparse
import json
import statistics
import uuid
from collections import defaultdict
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.matches.service import engine as matching_engine
from app.matches.service import ready_profile
from app.passports.models import Passport
from app.settings import PROJECT_ROOT
from bench.service import temporary_service
from matching.ranking.components import occupation_fit
from matching.ranking.evaluation import ndcg_at_k

JUDGED = PROJECT_ROOT / "tests" / "data" / "ranking" / "judged_set.json"
K = 10


def load(client: TestClient, key: str, judged: dict) -> tuple[dict[str, str], dict[str, uuid.UUID]]:
    """Post the catalogue and the passports; returns external id → vacancy id, and passport ref → id."""
    headers = {"X-API-Key": key}
    vacancies = {}
    for v in judged["vacancies"]:
        r = client.post("/v1/vacancies", json=v, headers=headers)
        assert r.status_code == 201, r.text
        vacancies[v["external_id"]] = r.json()["id"]
    for c in judged.get("courses", []):
        r = client.post("/v1/courses", json=c, headers=headers)
        assert r.status_code == 201, r.text
    passports = {}
    for entry in judged["passports"]:
        r = client.post("/v1/passports", json=entry["passport"], headers=headers)
        assert r.status_code == 201, r.text
        passports[entry["passport"]["external_ref"]] = uuid.UUID(r.json()["id"])
    return vacancies, passports


def evaluate(client: TestClient, key: str, judged: dict) -> dict:
    vacancies, passports = load(client, key, judged)
    by_id = {v: ext for ext, v in vacancies.items()}
    app = client.app
    runtime = app.state.runtime

    class _Request:  # the engine dependency reads app.state only
        def __init__(self, app):
            self.app = app

    eng = matching_engine(_Request(app))
    scores: dict[str, list[float]] = defaultdict(list)
    by_sex: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_passport = []
    with Session(app.state.engine, expire_on_commit=False) as session:
        organisation_id = session.get(Passport, passports[next(iter(passports))]).organisation_id
        catalogue = eng.cache.get(session, organisation_id, runtime)
        index = catalogue.vacancies
        listed = {ext: n for n, ext in enumerate(v["external_id"] for v in judged["vacancies"])}
        order = np.array([listed[by_id[t.id]] for t in index.targets])
        for entry in judged["passports"]:
            ref = entry["passport"]["external_ref"]
            grades = entry["grades"]
            r = client.get(f"/v1/passports/{passports[ref]}/matches/vacancies?limit={K}", headers={"X-API-Key": key})
            assert r.status_code == 200, r.text
            ranked = [by_id[m["vacancy_id"]] for m in r.json()["data"]]
            profile, _ = ready_profile(session, session.get(Passport, passports[ref]), runtime, eng)
            cosine = index.similarity(profile)
            embedding = [by_id[index.targets[i].id] for i in np.argsort(-cosine, kind="stable")[:K]]
            fit = index.by_unit(lambda code: occupation_fit(profile, code).score)
            isco = [by_id[index.targets[i].id] for i in np.lexsort((order, -fit))[:K]]
            row = {"passport": ref, "ranker": ndcg_at_k(ranked, grades, K),
                   "embedding_only": ndcg_at_k(embedding, grades, K), "isco_only": ndcg_at_k(isco, grades, K)}
            per_passport.append(row)
            sex = entry["passport"].get("person", {}).get("sex", "undisclosed")
            for name in ("ranker", "embedding_only", "isco_only"):
                scores[name].append(row[name])
                by_sex[sex][name].append(row[name])
    return {
        "passports": len(per_passport), "vacancies": len(vacancies), "k": K,
        "ndcg": {name: round(statistics.fmean(values), 4) for name, values in scores.items()},
        "by_sex": {sex: {"passports": len(v["ranker"]), **{n: round(statistics.fmean(x), 4) for n, x in v.items()}}
                   for sex, v in sorted(by_sex.items())},
        "per_passport": per_passport,
    }


def run(judged_path: Path = JUDGED) -> dict:
    judged = json.loads(judged_path.read_text(encoding="utf-8"))
    with temporary_service(Role.admin, "LK", upload_worker=False) as service:
        return evaluate(service.client, service.key, judged)


def main() -> None:
    import logging

    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run()
    n = result["ndcg"]
    print(f"judged set: {result['passports']} passports, {result['vacancies']} vacancies; mean nDCG@{result['k']}")
    print(f"  ranker {n['ranker']:.3f}   embedding-only {n['embedding_only']:.3f}   ISCO-only {n['isco_only']:.3f}")
    for sex, row in result["by_sex"].items():
        print(f"  {sex:<11} ({row['passports']:>2}): ranker {row['ranker']:.3f}   embedding-only "
              f"{row['embedding_only']:.3f}   ISCO-only {row['isco_only']:.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
