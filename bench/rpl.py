"""RPL pre-screen latency: every (scheme, level) cell of the shipped rules, assessed many times
with varied evidence; p50 and p95 per assessment (target p95 ≤ 5 ms).

    .venv/bin/python -m bench.rpl [--rounds 200]
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from matching.rpl import RplEvidence, WorkPeriod, assess
from taxonomies.rpl import load_schemes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    schemes = load_schemes()
    today = date(2026, 11, 30)
    cases = []
    for months in (0, 17, 18, 47, 48, 60, 72, 120):
        for age in (None, 16, 30, 50):
            cases.append(RplEvidence(months=months, periods=[WorkPeriod(date(2018, 1, 1), date(2024, 6, 1))], age=age,
                                     relevant_training=months % 2 == 0, evidence=frozenset({"employer_certificate"})))
    times = []
    for _ in range(args.rounds):
        for scheme in schemes.values():
            for rule in scheme.levels:
                for evidence in cases[:4]:
                    started = time.perf_counter()
                    assess(scheme, rule.level, evidence, today)
                    times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{len(schemes)} schemes, {sum(len(s.levels) for s in schemes.values())} (scheme, level) cells, "
          f"{len(times):,} assessments: p50 {statistics.median(times):.3f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.3f} ms, "
          f"max {times[-1]:.3f} ms")


if __name__ == "__main__":
    main()
