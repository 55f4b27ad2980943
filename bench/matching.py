"""Vacancy-matching speed: a top-20 query with every score part and explanations, against a
brute-force numpy scan of the same vectors, measured in the same run.

    .venv/bin/python -m bench.matching [--sizes 100000 1000000] [--queries 200] [--courses 5000]

The catalogue is built from the ESCO occupations shipped in ``taxonomies/`` (their labels,
encoded with the configured model, are the vacancy titles; their unit groups the vacancies'
ISCO codes; their essential skills the skills asked), each repeated with its vector jittered
and a place, pay and employment type drawn at random (seeded), so that 100,000 or 1,000,000
vacancies have the variety of a real catalogue. 5,000 courses teach random skills of random
unit groups. Queries are returnees made the same way (one or two occupations held, months,
a home region, a pathway). Engine only (``matching/``): the API adds one indexed read (the
catalogue version) and JSON. Memory: the resident-set growth while the index is built, and
the bytes of its vector matrix.
"""
from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
from datetime import date

import numpy as np

from app.runtime import Runtime
from app.settings import Settings
from matching.ranking.catalogue import TargetSkill, VacancyFilters, VacancyIndex, VacancyTarget
from matching.ranking.courses import CourseIndex, CourseTarget
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import HeldOccupation, Place, Profile, with_implied_skills
from matching.ranking.vacancies import VacancyRanker

COUNTRIES = ["LK", "PH", "ID", "NP", "BD", "IN", "MY", "QA", "SA", "AE"]
REGIONS = ["North", "South", "East", "West", "Central", "Capital"]
TYPES = ["full_time", "part_time", "contract", "temporary", "seasonal"]
TODAY = date(2026, 11, 30)


def rss_gb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024 ** 2
    return 0.0


def base_pool(runtime: Runtime, skills: OccupationSkills):
    tx = runtime.require_taxonomies()
    occupations = sorted(tx.esco_occupations.values(), key=lambda o: o.uri)
    vectors = runtime.encoder.encode([o.preferred_label for o in occupations])
    pool = []
    for o, v in zip(occupations, vectors):
        ess = skills.of(o.isco_group).essential
        pool.append((o.preferred_label, o.isco_group, v,
                     tuple(TargetSkill(u, skills.label(u), "given") for u in ess[:3])))
    return pool


def catalogue(pool, n: int, rng: np.random.Generator) -> list[VacancyTarget]:
    picks = rng.integers(0, len(pool), n)
    noise = rng.normal(scale=0.03, size=(n, pool[0][2].shape[0])).astype(np.float32)
    countries = rng.integers(0, len(COUNTRIES), n)
    regions = rng.integers(0, len(REGIONS), n)
    types = rng.integers(0, len(TYPES), n)
    pays = rng.integers(20, 200, n) * 1000
    months = rng.choice([0, 0, 12, 24, 36, 60], n)
    out = []
    for i in range(n):
        title, isco, vector, given = pool[picks[i]]
        v = vector + noise[i]
        out.append(VacancyTarget(
            id=f"v{i:07d}", title=title, isco=isco, isco_title=isco, skills=given,
            experience_months=int(months[i]) or None, country=COUNTRIES[countries[i]], region=REGIONS[regions[i]],
            employment_type=TYPES[types[i]], pay_min=float(pays[i]), pay_currency="LKR", pay_period="month",
            vector=v / np.linalg.norm(v),
        ))
    return out


def courses(skills: OccupationSkills, units: list[str], n: int, rng: np.random.Generator) -> list[CourseTarget]:
    out = []
    for i in range(n):
        unit = units[rng.integers(0, len(units))]
        ess = skills.of(unit).essential
        taught = tuple(TargetSkill(u, skills.label(u), "given") for u in ess[: int(rng.integers(1, 6))])
        out.append(CourseTarget(f"c{i:05d}", f"Course {i}", "upskilling", provider="Provider", target_isco=(unit,),
                                skills=taught, country=COUNTRIES[i % 7], region=REGIONS[i % len(REGIONS)],
                                cost=float(rng.integers(0, 5)) * 5000, schedule=("weekday", "weekend")[: 1 + i % 2]))
    return out


def profiles(pool, skills: OccupationSkills, n: int, rng: np.random.Generator) -> list[Profile]:
    out = []
    for _ in range(n):
        held = []
        vectors = []
        for _ in range(int(rng.integers(1, 3))):
            title, isco, vector, _ = pool[rng.integers(0, len(pool))]
            months = int(rng.integers(6, 120))
            held.append(HeldOccupation(isco, isco, months, min(1.0, 0.4 + months / 100), "experience", title))
            vectors.append(vector * months)
        v = np.sum(vectors, axis=0)
        home = COUNTRIES[int(rng.integers(0, 7))]
        p = Profile(occupations=tuple(held), skills={}, home=Place(home, REGIONS[int(rng.integers(0, len(REGIONS)))]),
                    pathways=frozenset({("wage_employment", "re_migration")[int(rng.integers(0, 2))]}),
                    vector=(v / np.linalg.norm(v)).astype(np.float32))
        out.append(with_implied_skills(p, skills))
    return out


def timed(fn, queries) -> list[float]:
    out = []
    for q in queries:
        started = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"p50 {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--courses", type=int, default=5_000)
    args = parser.parse_args()
    runtime = Runtime(Settings())
    runtime.load()
    skills = OccupationSkills(runtime.require_taxonomies())
    ranker = VacancyRanker(skills)
    rng = np.random.default_rng(2026)
    pool = base_pool(runtime, skills)
    units = sorted({isco for _, isco, _, _ in pool})
    course_index = CourseIndex(courses(skills, units, args.courses, rng))
    queries = profiles(pool, skills, args.queries, rng)
    print(f"{len(pool):,} ESCO occupations as base vacancies; {args.courses:,} courses; {args.queries} returnees")
    for size in args.sizes:
        gc.collect()
        before = rss_gb()
        index = VacancyIndex(catalogue(pool, size, rng), pool[0][2].shape[0])
        grown = rss_gb() - before
        vectors = index.vectors

        def engine(p: Profile) -> None:
            page = ranker.rank(p, index, VacancyFilters(), TODAY, limit=20, courses=course_index)
            assert len(page.matches) == 20 and page.matches[0].explanation

        def brute(p: Profile) -> np.ndarray:
            scores = vectors @ p.vector
            top = np.argpartition(-scores, 20)[:20]
            return top[np.argsort(-scores[top])]

        for q in queries[:10]:  # warm up
            engine(q)
            brute(q)
        ours, base = timed(engine, queries), timed(brute, queries)
        print(f"{size:,} vacancies: top-20 with explanations {summary(ours)}; brute-force numpy scan of the same "
              f"vectors {summary(base)}; ratio p50 {statistics.median(ours) / statistics.median(base):.2f}x")
        print(f"  index: {grown:.2f} GB resident growth ({vectors.nbytes / 1024 ** 3:.2f} GB of vectors); "
              f"peak resident {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2:.2f} GB")
        index = vectors = None  # free before the next size


if __name__ == "__main__":
    main()
