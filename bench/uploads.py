"""Upload figures: a spreadsheet of vacancies uploaded end to end (POST → job done: reading,
header matching, validation, screening, ISCO-08 coding, skill extraction, storage), against
encoding the same texts alone, measured in the same run.

    .venv/bin/python -m bench.uploads [--n 10000] [--short 100000]

Rows are built from the real postings in ``../shared/data/vacancies/`` (JobStreet Indonesia with
descriptions, Naukri India with skills and education): a JobStreet-style CSV with the board's
own headers, each row a distinct posting id (texts repeat when --n exceeds the postings with
descriptions). ``--short``: rows with a title, employer and city only. Two baselines: encoding
every row's texts, and encoding each distinct text once (what the upload's coding cache does
for repeated rows); the cache starts cold for each file. SQLite in a temporary
directory, model loaded as in production, one worker in-process. Peak memory is the process's
maximum resident set size (model and taxonomies included).
"""
from __future__ import annotations

import argparse
import csv
import io
import resource
import time

from fastapi.testclient import TestClient

from app.auth.models import Role
from app.runtime import BoundedCache
from app.settings import PROJECT_ROOT
from app.uploads.worker import UploadWorker
from bench.service import temporary_service

SHARED = PROJECT_ROOT.parent / "shared" / "data" / "vacancies"
HEADER = ["Job ID", "Job Title", "Company Name", "Location", "Salary", "Posted Date", "Job Type", "Job Description"]


def postings() -> tuple[list[list[str]], list[list[str]]]:
    """(rows with a description, all rows) in the JobStreet header order."""
    described, every = [], []
    with (SHARED / "id_jobstreet_2024_raw.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            row = [r["Job Title"], r["Company Name"], r["Location"], r["Salary"], r["Posted Date"], r["Job Type"],
                   r["Job Description"]]
            every.append(row)
            if r["Job Description"].strip():
                described.append(row)
    with (SHARED / "in_naukri_postings_skills_raw.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            # the board's export shifts two columns: "Role" holds the employment type, "Employment_type" the role
            text = (f"{r['Employment_type'].strip()}. Skills: {r['Skills']}. Experience: {r['Experience']}. "
                    f"{r['Education'].strip()}")
            row = [r["Title"], r["Company"], r["Location"], "", "", r["Role"].strip(), text]
            every.append(row)
            described.append(row)
    return described, every


def build(n: int, pool: list[list[str]], short: bool) -> tuple[bytes, list[str]]:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER if not short else ["Job ID", "Job Title", "Company Name", "Location"])
    texts = []
    for i in range(n):
        title, company, location, salary, posted, jobtype, description = pool[i % len(pool)]
        if short:
            w.writerow([f"S{i:06d}", title, company, location])
            texts.append(title)
        else:
            w.writerow([f"J{i:06d}", title, company, location, salary, posted, jobtype, description])
            texts += [title, description[:2000]]
    return out.getvalue().encode("utf-8"), texts


def run(client: TestClient, worker: UploadWorker, key: str, data: bytes) -> tuple[float, dict]:
    start = time.perf_counter()
    r = client.post("/v1/uploads", files={"file": ("bench.csv", data)}, data={"kind": "vacancies"},
                    headers={"X-API-Key": key})
    assert r.status_code == 202, r.text
    worker.step()
    elapsed = time.perf_counter() - start
    job = client.get(f"/v1/uploads/{r.json()['id']}?problems_limit=0", headers={"X-API-Key": key}).json()
    assert job["status"] == "done", job
    return elapsed, job


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--short", type=int, default=100_000)
    args = parser.parse_args()
    described, every = postings()
    with temporary_service(Role.fair_organiser, "MY", upload_worker=False, upload_chunk_rows=500) as service:
        client, runtime, key = service.client, service.runtime, service.key
        worker = UploadWorker(service.app.state.engine, runtime, service.settings)
        for label, n, pool, short in (("with descriptions", args.n, described, False),
                                      ("short rows", args.short, every, True)):
            if not n:
                continue
            data, texts = build(n, pool, short)
            t0 = time.perf_counter()
            runtime.encoder.encode(texts)
            encode_s = time.perf_counter() - t0
            distinct = list(dict.fromkeys(texts))
            t0 = time.perf_counter()
            runtime.encoder.encode(distinct)
            distinct_s = time.perf_counter() - t0
            runtime.coding_cache = BoundedCache(runtime.coding_cache.size)  # start cold
            elapsed, job = run(client, worker, key, data)
            c = job["counts"]
            print(f"{n:,} vacancies, {label} ({len(data) / 1e6:.1f} MB CSV, {len(distinct):,} distinct texts):")
            print(f"  upload end to end {elapsed:.1f} s = {n / elapsed:,.0f} rows/s; encoding the same "
                  f"{len(texts):,} texts alone {encode_s:.1f} s, ratio {elapsed / encode_s:.2f}x; encoding each "
                  f"distinct text once {distinct_s:.1f} s, ratio {elapsed / distinct_s:.2f}x")
            print(f"  created {c['created']:,}, invalid {c['invalid']:,}, flagged {c['flagged']:,}, "
                  f"needs_review {c['needs_review']:,}")
            print(f"  peak memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2:.2f} GB")


if __name__ == "__main__":
    main()
