"""Passport figures: create and code one passport with 5 experiences (p50, p95, warm), and
1,000 passports created through the API one call at a time (throughput), on SQLite in a
temporary directory, in-process (FastAPI TestClient), the model loaded as in production.

    .venv/bin/python -m bench.passports [--n 1000]

Baseline in the same run: coding the same experiences alone (no HTTP, no database), so the
ratio shows what storage, skills and the API add.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import time

from app.auth.models import Role
from app.settings import PROJECT_ROOT
from bench.service import temporary_service
from matching.coding.coder import CodingItem

TASKS = ["laid bricks and plastering walls", "cooking and cleaning for the family", "drove the family car",
         "sewing garments", "welding steel frames", None]


def _titles() -> list[str]:
    with (PROJECT_ROOT / "tests" / "data" / "returnee_titles_multilingual.csv").open(encoding="utf-8") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


def _passport(n: int, titles: list[str], experiences: int) -> dict:
    return {"external_ref": f"B-{n}", "person": {"sex": "female" if n % 2 else "male", "country": "LK"},
            "experiences": [{"title": titles[(n * experiences + i) % len(titles)], "tasks": TASKS[i % len(TASKS)],
                             "months": 12 + i} for i in range(experiences)],
            "consent": {"matching": {"granted": True}}}


def main() -> None:
    import logging

    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    titles = _titles()
    with temporary_service(Role.portal, "LK") as service:
        client, runtime, headers = service.client, service.runtime, service.headers
        for n in range(10):  # warm up
            client.post("/v1/passports", json=_passport(10_000 + n, titles, 5), headers=headers)
        one, alone = [], []
        for n in range(100):
            body = _passport(20_000 + n, titles, 5)
            started = time.perf_counter()
            assert client.post("/v1/passports", json=body, headers=headers).status_code == 201
            one.append(time.perf_counter() - started)
            items = [CodingItem(e["title"], e["tasks"]) for e in body["experiences"]]
            started = time.perf_counter()
            runtime.coder.code(items, k=6)
            alone.append(time.perf_counter() - started)
        p = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1] * 1000  # noqa: E731
        print(f"create + code a passport with 5 experiences (n=100): p50 {p(one, 50):.0f} ms, p95 {p(one, 95):.0f} ms; "
              f"coding the 5 texts alone p50 {p(alone, 50):.0f} ms; ratio {p(one, 50) / p(alone, 50):.2f}×")
        started = time.perf_counter()
        for n in range(args.n):
            assert client.post("/v1/passports", json=_passport(n, titles, 2), headers=headers).status_code == 201
        elapsed = time.perf_counter() - started
        print(f"{args.n} passports (2 experiences each) through the API, one call at a time: {elapsed:.1f} s, "
              f"{args.n / elapsed:.1f} passports/s")


if __name__ == "__main__":
    main()
