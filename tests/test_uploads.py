"""Spreadsheet uploads end to end, on SQLite and PostgreSQL, with real messy files: the job is
accepted at once, a worker stores valid rows (coded and screened) and reports the rest by row and
column; re-uploading is idempotent; bad files are refused; a worker killed mid-job is resumed by
another without losing or duplicating a row."""
from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.auth.models import Role
from app.main import create_app
from app.uploads.models import UploadJob
from app.uploads.worker import UploadWorker
from tests.conftest import CACHE_DIR, TEST_PEPPER, Tenant, make_settings

FILES = Path(__file__).parent / "data" / "uploads"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def coded_api(database_url, full_runtime):
    app = create_app(make_settings(database_url, upload_max_bytes=2 * 1024 * 1024, upload_max_rows=5000),
                     runtime=full_runtime)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def fair(coded_api):
    with Session(coded_api.app.state.engine, expire_on_commit=False) as session:
        return Tenant(session, "jobfair-org"), Tenant(session, "other-org")


def upload(client, tenant, content: bytes, filename: str, kind: str = "vacancies", **form) -> dict:
    r = client.post("/v1/uploads", files={"file": (filename, content)}, data={"kind": kind, **form},
                    headers=tenant.headers(Role.fair_organiser))
    assert r.status_code == 202, r.text
    assert r.headers["Location"] == f"/v1/uploads/{r.json()['id']}"
    return r.json()


def wait(client, tenant, upload_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/uploads/{upload_id}?problems_limit=1000", headers=tenant.headers(Role.fair_organiser)).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"upload {upload_id} still {job['status']} after {timeout}s")


def vacancies(client, tenant, **params) -> list[dict]:
    r = client.get("/v1/vacancies", params={"limit": 500, **params}, headers=tenant.headers(Role.fair_organiser))
    return r.json()["data"]


def count(client, table: str) -> int:
    with client.app.state.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_indonesian_postings_csv_with_bom_crlf(coded_api, fair):
    org, other = fair
    data = (FILES / "vacancies_id_bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    job = wait(coded_api, org, upload(coded_api, org, data, "lowongan.csv")["id"])
    assert job["status"] == "done", job
    c = job["counts"]
    assert c["rows"] == c["created"] + c["invalid"] + c["duplicate"] + c["rejected"] > 0
    assert job["columns"]["encoding"] == "utf-8-sig" and job["progress"]["percent"] == 100.0
    stored = vacancies(coded_api, org)
    assert len(stored) == c["created"]
    assert all(v["isco"] for v in stored)  # every vacancy coded
    assert c["needs_review"] == sum(v["needs_review"] for v in stored)
    for p in job["problems"]:  # each problem names its row and (when a cell) its column
        assert p["row"] >= 2 and p["problem"]
    # the other tenant sees neither the upload nor the vacancies
    assert coded_api.get(f"/v1/uploads/{job['id']}", headers=other.headers(Role.fair_organiser)).status_code == 404
    assert vacancies(coded_api, other) == []
    # the same file again: nothing new, nothing lost
    again = wait(coded_api, org, upload(coded_api, org, data, "lowongan.csv")["id"])
    assert again["counts"]["created"] == 0 and again["counts"]["unchanged"] == c["created"]
    assert len(vacancies(coded_api, org)) == c["created"]
    assert count(coded_api, "upload_job") == 2 and all(
        j.data is None for j in Session(coded_api.app.state.engine).exec(__import__("sqlmodel").select(UploadJob)))


def test_malay_xlsx_with_title_row_merged_cells_blank_row_and_a_bad_date(coded_api, fair):
    org, _ = fair
    job = wait(coded_api, org, upload(coded_api, org, (FILES / "vacancies_my_messy.xlsx").read_bytes(), "jobfair.xlsx")["id"])
    assert job["status"] == "done", job
    assert job["columns"]["header_row"] > 1  # the title row above the header was skipped
    bad = [p for p in job["problems"] if p["field"] == "expires_on"]
    assert len(bad) == 1 and bad[0]["column"] and bad[0]["value"] and bad[0]["severity"] == "error"
    assert job["counts"]["invalid"] >= 1 and job["counts"]["created"] >= 3
    stored = vacancies(coded_api, org)
    employers = [v["employer"] for v in stored]
    assert all(employers), "merged employer cells reach every row they span"
    assert len(set(employers)) < len(employers)


@pytest.mark.parametrize("name", ["vacancies_tl_utf16.csv", "vacancies_cp1252.csv"])
def test_other_encodings(coded_api, fair, name):
    org, _ = fair
    job = wait(coded_api, org, upload(coded_api, org, (FILES / name).read_bytes(), name)["id"])
    assert job["status"] == "done" and job["counts"]["created"] >= 1, job
    titles = " ".join(v["title"] for v in vacancies(coded_api, org))
    assert "\ufffd" not in titles and "Ã" not in titles  # no mojibake


def test_courses_upload_semicolon_csv(coded_api, fair):
    org, _ = fair
    job = wait(coded_api, org, upload(coded_api, org, (FILES / "courses_en_semicolon.csv").read_bytes(), "courses.csv",
                                      kind="courses")["id"])
    assert job["status"] == "done" and job["counts"]["created"] >= 1, job
    courses = coded_api.get("/v1/courses", headers=org.headers(Role.fair_organiser)).json()
    assert courses["count"] == job["counts"]["created"]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_screening_in_uploads_flags_or_rejects(coded_api, fair):
    org, _ = fair
    rows = [["Job ID", "Job Title", "Job Description"],
            ["A1", "Cashier", "Wanita sahaja. Umur maksimal 30 tahun."],
            ["A2", "Driver", "Must have a valid driving licence and speak English."],
            ["A3", "Waitress", "Female only, age below 25, good looking."]]
    job = wait(coded_api, org, upload(coded_api, org, _csv(rows), "fair.csv")["id"])
    assert job["counts"]["created"] == 3 and job["counts"]["flagged"] == 2
    warnings = [p for p in job["problems"] if p["code"] == "discriminatory_requirement"]
    assert {p["row"] for p in warnings} == {2, 4} and all(p["severity"] == "warning" for p in warnings)
    assert {p["column"] for p in warnings} == {"Job Description"}
    assert any(p["value"].lower() == "wanita sahaja" for p in warnings)
    # the organisation rejects from now on: flagged rows are not stored, and are reported
    admin = org.headers(Role.admin)
    assert coded_api.patch("/v1/organisation", json={"screening_mode": "reject"}, headers=admin).status_code == 200
    rows = [r if r[0] == "Job ID" else [r[0].replace("A", "B"), *r[1:]] for r in rows]
    job = wait(coded_api, org, upload(coded_api, org, _csv(rows), "fair2.csv")["id"])
    assert job["counts"]["created"] == 1 and job["counts"]["rejected"] == 2
    assert {p["row"] for p in job["problems"] if p["severity"] == "rejected"} == {2, 4}
    assert not any(v["external_id"] in ("B1", "B3") for v in vacancies(coded_api, org))


def test_mapping_dates_and_report_csv_is_formula_safe(coded_api, fair):
    org, _ = fair
    rows = [["Kerja Kosong Ref", "Nama Kerja Kosong", "Tamat"],
            ["R1", "Tukang Kimpal", "31/01/2027"],
            ["R2", "Pemandu Lori", "=cmd|' /C calc'!A0"],
            ["R3", "", "2027-02-01"]]
    mapping = '{"Kerja Kosong Ref": "external_id", "Nama Kerja Kosong": "title", "Tamat": "expires_on"}'
    job = wait(coded_api, org, upload(coded_api, org, _csv(rows), "m.csv", mapping=mapping)["id"])
    assert job["counts"]["created"] == 1 and job["counts"]["invalid"] == 2, job
    stored = vacancies(coded_api, org)
    assert [(v["external_id"], v["expires_on"]) for v in stored] == [("R1", "2027-01-31")]
    problems = {(p["row"], p["column"]) for p in job["problems"]}
    assert (3, "Tamat") in problems and (4, "Nama Kerja Kosong") in problems
    report = coded_api.get(job["report_csv"], headers=org.headers(Role.fair_organiser))
    lines = list(csv.DictReader(io.StringIO(report.text.lstrip("\ufeff"))))
    assert any(line["value"].startswith("'=cmd") for line in lines)
    # a mapping that names an unknown field is refused at once
    r = coded_api.post("/v1/uploads", files={"file": ("m.csv", _csv(rows))},
                       data={"kind": "vacancies", "mapping": '{"Tamat": "closing"}'}, headers=org.headers(Role.fair_organiser))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "mapping" and "closing" in r.text


def test_templates_round_trip(coded_api, fair):
    org, _ = fair
    for kind in ("vacancies", "courses"):
        for fmt in ("csv", "xlsx"):
            t = coded_api.get(f"/v1/uploads/templates/{kind}.{fmt}")
            assert t.status_code == 200 and t.content
            job = wait(coded_api, org, upload(coded_api, org, t.content, f"template.{fmt}", kind=kind)["id"])
            assert job["status"] == "done" and job["problems"] == [], job
            assert job["counts"]["created"] + job["counts"]["unchanged"] == 1


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", " " * (300 * 1024 * 1024))
    return buf.getvalue()


def test_bad_files_are_refused_with_a_clear_problem(coded_api, fair):
    org, _ = fair
    h = org.headers(Role.fair_organiser)
    cases = [
        ((FILES / "macro.xlsm").read_bytes(), "macro.xlsm", 422, "macro_enabled"),
        ((FILES / "old.xls").read_bytes(), "old.xls", 415, "unsupported_type"),
        ((FILES / "undecodable.csv").read_bytes(), "bad.csv", 422, "undecodable"),
        (_bomb(), "bomb.xlsx", 422, "zip_bomb"),
        (b"", "empty.csv", 422, "empty"),
        (b"x" * (2 * 1024 * 1024 + 1), "big.csv", 413, "too_large"),
    ]
    for content, name, status, code in cases:
        r = coded_api.post("/v1/uploads", files={"file": (name, content)}, data={"kind": "vacancies"}, headers=h)
        assert (r.status_code, r.json()["code"]) == (status, code), (name, r.text)
        assert r.headers["content-type"].startswith("application/problem+json") and r.json()["detail"]
    assert count(coded_api, "upload_job") == 0
    # too many rows: found while reading, so the job fails with the reason and stores nothing
    rows = [["title"]] + [[f"Helper {n}"] for n in range(5001)]
    job = wait(coded_api, org, upload(coded_api, org, _csv(rows), "many.csv")["id"])
    assert job["status"] == "failed" and job["error"]["code"] == "too_many_rows" and "5,000" in job["error"]["detail"]
    assert count(coded_api, "vacancy") == 0
    # a file without a title column
    job = wait(coded_api, org, upload(coded_api, org, _csv([["Syarikat", "Gaji"], ["ABC", "RM 1,800"]]), "x.csv")["id"])
    assert job["status"] == "failed" and job["error"]["code"] in ("missing_column", "no_header"), job
    # kind and role are checked
    assert coded_api.post("/v1/uploads", files={"file": ("a.csv", b"title\nx\n")}, data={"kind": "jobs"},
                          headers=h).status_code == 422
    assert coded_api.post("/v1/uploads", files={"file": ("a.csv", b"title\nx\n")}, data={"kind": "vacancies"},
                          headers=org.headers(Role.counsellor)).status_code == 403


# ---- a worker killed mid-job ------------------------------------------------------------------
def test_a_killed_worker_is_resumed_without_losing_or_duplicating_rows(database_url, taxonomy_runtime, tmp_path):
    settings = make_settings(database_url, upload_worker=False, load_model=False, upload_chunk_rows=50,
                             upload_lease_seconds=0.5)
    app = create_app(settings, runtime=taxonomy_runtime)
    total, bad_every = 6000, 97
    rows = [["external_id", "title", "positions"]]
    for n in range(total):
        rows.append([f"V{n:05d}", f"Construction helper {n}", "abc" if n % bad_every == 0 else "2"])
    invalid = len(range(0, total, bad_every))
    with TestClient(app) as client:
        with Session(app.state.engine, expire_on_commit=False) as session:
            org = Tenant(session, "kill-test")
        job_id = upload(client, org, _csv(rows), "big.csv")["id"]
        env = {**os.environ, "RETURNMATCH_DATABASE_URL": database_url, "RETURNMATCH_ENVIRONMENT": "test",
               "RETURNMATCH_API_KEY_PEPPER": TEST_PEPPER, "RETURNMATCH_CACHE_DIR": str(CACHE_DIR),
               "RETURNMATCH_LOAD_MODEL": "false", "RETURNMATCH_UPLOAD_CHUNK_ROWS": "50",
               "RETURNMATCH_AUTO_MIGRATE": "false"}
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--poll", "0.1"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            done = 0
            while time.monotonic() < deadline and done < 300:
                with app.state.engine.connect() as conn:
                    done = conn.execute(text("SELECT rows_done FROM upload_job")).scalar_one()
                time.sleep(0.02)
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
        finally:
            if worker.poll() is None:
                worker.kill()
        with Session(app.state.engine, expire_on_commit=False) as session:
            job = session.get(UploadJob, __import__("uuid").UUID(job_id))
            assert job.status == "running" and 0 < job.rows_done < total, (job.status, job.rows_done, worker.stderr.read())
            # what was committed is exactly the finished chunks: no half-written chunk
            assert count(client, "vacancy") == job.counts["created"]
            assert job.counts["rows"] == job.rows_done
        time.sleep(1.6)  # the dead worker's lease runs out (timestamps are kept to the second)
        resumed = UploadWorker(app.state.engine, taxonomy_runtime, settings)
        assert resumed.step() is True
        final = wait(client, org, job_id)
    assert final["status"] == "done" and final["attempts"] == 2
    c = final["counts"]
    assert c["rows"] == total and c["invalid"] == invalid and c["created"] == total - invalid
    assert c["coding_pending"] == total - invalid  # no model in this test: coded later by the worker
    with TestClient(app) as client:
        assert count(client, "vacancy") == total - invalid
        assert count(client, "upload_problem") == invalid  # each bad row reported once
        with app.state.engine.connect() as conn:
            assert conn.execute(text("SELECT count(DISTINCT external_id) FROM vacancy")).scalar_one() == total - invalid


def test_demo_spreadsheets_are_queued_once_and_processed(database_url, full_runtime):
    from app.demo import seed_demo

    settings = make_settings(database_url, upload_worker=False)
    app = create_app(settings, runtime=full_runtime)
    with Session(app.state.engine) as session:
        seed_demo(session, TEST_PEPPER)
        keys = seed_demo(session, TEST_PEPPER)  # the demo uploads are not queued twice
    assert count_engine(app, "SELECT count(*) FROM upload_job WHERE status = 'queued'") == 2
    worker = UploadWorker(app.state.engine, full_runtime, settings)
    while worker.step():
        pass
    with TestClient(app) as client:
        h = {"X-API-Key": keys["fair_organiser"]}
        jobs = {j["kind"]: j for j in client.get("/v1/uploads", headers=h).json()["data"]}
        vac, courses = jobs["vacancies"], jobs["courses"]
        assert vac["status"] == courses["status"] == "done"
        assert vac["counts"]["rows"] == 24 and vac["counts"]["invalid"] == 1 and vac["counts"]["flagged"] == 1
        assert vac["counts"]["created"] == 23 and courses["counts"]["created"] == 12
        report = client.get(f"/v1/uploads/{vac['id']}", headers=h).json()["problems"]
        assert {p["code"] for p in report} == {"unreadable_cell", "discriminatory_requirement"}
        listed = client.get("/v1/vacancies?limit=100", headers=h).json()
        assert listed["count"] == 23 and all(v["isco"] for v in listed["data"])
        fair = client.get("/v1/job-fairs", headers=h).json()["data"][0]
        assert fair["vacancies"] == 23
        # the demo returnees are matched against the demo fair, with reasons
        c = {"X-API-Key": keys["counsellor"]}
        passports = {p["external_ref"]: p["id"] for p in client.get("/v1/passports", headers=c).json()["data"]}
        mason = client.get(f"/v1/passports/{passports['DEMO-002']}/matches/vacancies?limit=5", headers=c).json()
        assert mason["count"] == 23 and mason["data"][0]["isco"][:2] == "71" and mason["data"][0]["explanation"]
        courses = client.get(f"/v1/passports/{passports['DEMO-002']}/matches/courses", headers=c).json()
        assert courses["data"] and courses["data"][0]["explanation"]
        visible = client.get(f"/v1/vacancies/{mason['data'][0]['vacancy_id']}/candidates", headers=h).json()
        assert passports["DEMO-002"] in {p["passport_id"] for p in visible["data"]}
        assert passports["DEMO-003"] not in {p["passport_id"] for p in visible["data"]}  # not visible to employers
        rpl = client.get(f"/v1/passports/{passports['DEMO-002']}/rpl", headers=c).json()
        mason = next(g for g in rpl["data"] if g["isco"] == "7112")
        assert rpl["schemes"] == ["lk-nvq-rpl"] and mason["months"] == 72
        assert next(a for a in mason["assessments"] if a["level"] == "4")["decision"] == "eligible"


def count_engine(app, sql: str) -> int:
    with app.state.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_a_stopping_worker_hands_its_job_back_at_the_checkpoint(database_url, taxonomy_runtime):
    from app.uploads.processing import JobRunner
    from app.uploads.worker import claim

    settings = make_settings(database_url, upload_worker=False, load_model=False, upload_chunk_rows=50)
    app = create_app(settings, runtime=taxonomy_runtime)
    with TestClient(app) as client:
        with Session(app.state.engine, expire_on_commit=False) as session:
            org = Tenant(session, "stop-test")
        rows = [["external_id", "title"]] + [[f"S{n}", f"Cook {n}"] for n in range(120)]
        job_id = upload(client, org, _csv(rows), "cooks.csv")["id"]
        claimed = claim(app.state.engine, "w1", settings)
        answers = iter([False, True])
        assert JobRunner(app.state.engine, taxonomy_runtime, settings, "w1", lambda: next(answers)).run(claimed) == "released"
        job = wait_status(client, org, job_id, "queued")
        assert job["progress"]["rows_done"] == 50 and count(client, "vacancy") == 50
        assert UploadWorker(app.state.engine, taxonomy_runtime, settings).step() is True
        job = wait(client, org, job_id)
        assert job["status"] == "done" and job["counts"]["created"] == 120 and count(client, "vacancy") == 120


def wait_status(client, tenant, upload_id: str, status: str) -> dict:
    job = client.get(f"/v1/uploads/{upload_id}", headers=tenant.headers(Role.fair_organiser)).json()
    assert job["status"] == status, job
    return job
