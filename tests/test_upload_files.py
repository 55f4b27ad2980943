"""The upload file layer: reading CSV/XLSX safely, finding headers, converting cells, templates."""
from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.uploads.cells import _Bad as CellError
from app.uploads.cells import (
    convert_row,
    parse_date,
    parse_education,
    parse_experience,
    parse_pay,
)
from app.uploads.columns import match_headers, normalise_header
from app.uploads.spreadsheet import FileRejected, cell_text, read_table, sniff_delimiter
from app.uploads.templates import template_csv, template_xlsx

DATA = Path(__file__).parent / "data" / "uploads"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def rows_after_header(kind, table, **kw):
    match = match_headers(kind, table.rows, **kw)
    out = []
    for number, cells in table.rows:
        if number > match.header_row:
            values, problems = convert_row(kind, match, number, cells)
            out.append((number, values, problems))
    return match, out


def xlsx_bytes(rows, merges=(), title="Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------- encodings

def test_utf8_bom_crlf_csv_with_title_row_quoted_newlines_and_blank_line():
    table = read_table(fixture("vacancies_id_bom.csv"), "vacancies_id_bom.csv")
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8-sig", ",")
    numbers = [n for n, _ in table.rows]
    # row 1 title, row 2 header, rows 3.. data; the blank record after the 5th posting is row 8
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
    assert table.rows[0][1][0] == "LOWONGAN KERJA BURSA KERJA DISNAKER 2026"
    assert table.rows[1][1][0] == "Posisi"  # BOM stripped
    match, rows = rows_after_header("vacancy", table)
    assert match.header_row == 2
    first = rows[0][1]
    assert first["title"] == "Dicari Tukang Las"
    assert first["description"].startswith("Tugas:\n• Pengelasan rangka baja\n• Perawatan mesin las")
    assert (first["pay_min"], first["pay_max"], first["pay_currency"], first["pay_period"]) == \
        (4_500_000, 5_500_000, "IDR", "month")
    assert first["posted_on"] == date(2026, 3, 14) and first["expires_on"] == date(2026, 4, 14)
    assert first["required_skills"] == ["Las SMAW", "Las MIG", "membaca gambar teknik"]
    assert first["min_education_isced"] == 3 and first["required_experience_months"] == 24
    assert len(rows) == 15 and all(not p for _, _, p in rows)
    by_title = {v["title"]: (n, v) for n, v, _ in rows}
    assert by_title["Teknisi AC"][0] == 9  # after the blank row 8
    assert by_title["Magang Teknik Listrik"][1]["employment_type"] == "internship"
    assert by_title["Magang Teknik Listrik"][1]["posted_on"] == date(2026, 8, 2)
    assert by_title["Tukang Bangunan"][1]["pay_period"] == "day"
    assert by_title["Kasir Minimarket"][1]["employment_type"] == "part_time"
    assert by_title["Kasir Minimarket"][1]["city"] == "Yogyakarta"


def test_utf16_tab_separated_tagalog():
    data = fixture("vacancies_tl_utf16.csv")
    assert data[:2] == b"\xff\xfe"
    table = read_table(data, "vacancies_tl_utf16.csv")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    match, rows = rows_after_header("vacancy", table)
    assert match.header_row == 1 and not match.ignored
    assert set(match.columns.values()) >= {"title", "employer", "city", "pay", "required_experience_months",
                                           "min_education_isced", "employment_type", "posted_on", "expires_on"}
    welder = rows[0][1]
    assert (welder["pay_min"], welder["pay_currency"], welder["pay_period"]) == (18000, "PHP", "month")
    assert welder["employment_type"] == "contract" and welder["required_experience_months"] == 24
    assert welder["posted_on"] == date(2026, 3, 14) and welder["expires_on"] == date(2026, 4, 30)
    maid = rows[1][1]
    assert maid["posted_on"] == date(2026, 9, 1) and maid["expires_on"] == date(2026, 12, 5)
    assert maid["required_experience_months"] == 0 and maid["pay_period"] == "day"
    assert rows[2][1]["pay_min"] == 15000 and rows[2][1]["pay_max"] == 20000


def test_utf16_without_bom_and_big_endian():
    text = "Job Title\tCompany\r\nWelder\tACME Sdn Bhd\r\n"
    for enc, label in (("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")):
        table = read_table(text.encode(enc), "x.txt")
        assert table.encoding == label
        assert table.rows == [(1, ["Job Title", "Company"]), (2, ["Welder", "ACME Sdn Bhd"])]


def test_cp1252_fallback():
    table = read_table(fixture("vacancies_cp1252.csv"), "vacancies_cp1252.csv")
    assert table.encoding == "cp1252"
    _, rows = rows_after_header("vacancy", table)
    cafe = rows[0][1]
    assert cafe["title"] == "Café Supervisor"
    assert cafe["description"] == "Supervise the café’s morning shift"
    assert cafe["pay"] == "RM 2,500 – 3,000" and (cafe["pay_min"], cafe["pay_max"]) == (2500, 3000)


def test_plain_utf8_is_not_cp1252():
    table = read_table("Job Title,Company\nJuruwang,Kedai Émas\n".encode())
    assert table.encoding == "utf-8" and table.rows[1][1][1] == "Kedai Émas"


# ------------------------------------------------------------------------------ delimiters

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(delimiter):
    rows = [["Job Title", "Company", "Salary"], ["Welder", "PT Maju", "Rp 4.500.000"],
            ["Driver", "CV Jaya, Tbk", "RM 1,800"], ["Cook", "Hotel Seri", "₱18,000/month"]]
    lines = []
    for r in rows:
        lines.append(delimiter.join(f'"{c}"' if ("," in c or ";" in c) else c for c in r))
    table = read_table(("\r\n".join(lines) + "\r\n").encode("utf-8"), "x.csv")
    assert table.delimiter == delimiter
    assert [cells for _, cells in table.rows] == rows


def test_semicolon_courses_and_excel_sep_hint():
    table = read_table(fixture("courses_en_semicolon.csv"), "courses.csv")
    assert table.delimiter == ";"
    match, rows = rows_after_header("course", table)
    assert match.missing_required == []
    smaw, ppt, literacy, korean = (v for _, v, _ in rows)
    assert smaw["cost"] == 0 and smaw["mode"] == "in_person" and smaw["schedule"] == ["weekday"]
    assert smaw["start_dates"] == [date(2026, 4, 6), date(2026, 6, 1)] and smaw["childcare"] is False
    assert ppt["kind"] == "rpl_assessment" and ppt["hours"] == 40 and ppt["cost"] == 1200
    assert ppt["schedule"] == ["weekend"] and ppt["childcare"] is True and ppt["mode"] == "in_person"
    assert literacy["kind"] == "financial_literacy" and literacy["mode"] == "online"
    assert literacy["schedule"] == ["evening", "weekend"]
    assert korean["start_dates"] == [date(2026, 3, 14), date(2026, 4, 20)]
    assert korean["cost_currency"] == "PHP" and korean["cost"] == 4500 and korean["mode"] == "blended"
    assert all(not p for _, _, p in rows)
    # Excel's "sep=;" first line is a hint, not a row
    hinted = read_table(b"sep=;\r\nJob Title;Company\r\nWelder;ACME\r\n")
    assert hinted.delimiter == ";" and hinted.rows[0] == (1, ["Job Title", "Company"])


def test_sniffer_fallback_on_counts():
    assert sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert sniff_delimiter("JOB FAIR 2026\nJob Title|Company\nWelder|ACME\nCook|Hotel\n") == "|"


def test_csv_quirks_cr_only_stray_quotes_and_multiline_records():
    data = b'Job Title,Company,Description\r"Pipe fitter 12"" pipes",ACME,"line one\rline two"\r' \
           b'Welder 6" pipe,  Bina Sdn Bhd  ,  \r\r,,\rCook,Hotel,ok\r'
    table = read_table(data)
    assert [n for n, _ in table.rows] == [1, 2, 3, 6]
    assert table.rows[1][1] == ['Pipe fitter 12" pipes', "ACME", "line one\nline two"]
    assert table.rows[2][1] == ['Welder 6" pipe', "Bina Sdn Bhd", None]


# ------------------------------------------------------------------------------------ XLSX

def test_messy_malaysian_workbook():
    table = read_table(fixture("vacancies_my_messy.xlsx"), "vacancies_my_messy.xlsx")
    assert table.format == "xlsx" and table.sheet == "Kekosongan"
    assert [n for n, _ in table.rows] == [1, 3, 4, 5, 6, 8, 9, 10]  # rows 2 and 7 are blank
    title_row = table.rows[0][1]
    assert title_row[0] == title_row[8] == "JOB FAIR KUALA LUMPUR 2026 — SENARAI KEKOSONGAN"  # merged A1:I1
    match, rows = rows_after_header("vacancy", table)
    assert match.header_row == 3
    assert match.columns == {1: "title", 2: "employer", 3: "city", 4: "pay", 5: "expires_on",
                             6: "required_experience_months", 7: "min_education_isced", 8: "employment_type"}
    assert match.ignored == ["Bil"]
    by_row = {n: (v, p) for n, v, p in rows}
    assert [by_row[n][0]["employer"] for n in (4, 5, 6)] == ["Syarikat Binaan Maju Sdn Bhd"] * 3  # merged C4:C6
    assert [by_row[n][0]["city"] for n in (8, 9, 10)] == ["Johor Bahru"] * 3  # merged D8:D10
    assert by_row[4][0]["expires_on"] == date(2026, 4, 30)  # a real Excel date
    assert (by_row[4][0]["pay_min"], by_row[4][0]["pay_max"], by_row[4][0]["pay_currency"]) == (1800, 2400, "MYR")
    assert by_row[5][0]["pay_min"] == 2500 and by_row[5][0]["pay_currency"] == "MYR"  # number cell, RM from header
    assert by_row[4][0]["employment_type"] == "full_time" and by_row[8][0]["employment_type"] == "part_time"
    assert by_row[6][0]["required_experience_months"] == 0 and by_row[8][0]["required_experience_months"] == 6
    assert by_row[9][0]["required_experience_months"] == 60 and by_row[10][0]["min_education_isced"] == 2
    assert "pay_min" not in by_row[10][0] and by_row[10][1] == []  # "Not Disclosed": no pay, no problem
    (problem,) = by_row[9][1]
    assert (problem.row, problem.column, problem.field, problem.value) == (9, "Tarikh Tutup", "expires_on",
                                                                          "31/02/2026")
    assert problem.problem.startswith("not a date")
    assert "expires_on" not in by_row[9][0]
    assert all(not by_row[n][1] for n in by_row if n != 9)


def test_xlsx_cell_values_and_sheet_choice():
    wb = Workbook()
    hidden = wb.active
    hidden.title = "Hidden"
    hidden.append(["Job Title", "Company"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("Empty")
    ws = wb.create_sheet("Data")
    ws.append(["Job Title", "Positions", "Pay", "Posted", "At", "Flag", "Formula"])
    ws.append(["Welder", 5, 1800.5, datetime(2026, 3, 14), datetime(2026, 3, 14, 9, 30), True, None])
    ws.append(["Cook", 3.0, 0.1, date(2026, 1, 2), None, False, None])
    ws["G2"] = "=B2*2"
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "x.xlsx")
    assert table.sheet == "Data"
    assert table.rows[1] == (2, ["Welder", "5", "1800.5", "2026-03-14", "2026-03-14T09:30:00", "TRUE"])  # no cached value
    assert table.rows[2] == (3, ["Cook", "3", "0.1", "2026-01-02", None, "FALSE"])
    assert read_table(buf.getvalue(), sheet="Hidden").sheet == "Hidden"
    with pytest.raises(ValueError, match="no sheet named 'Nope'"):
        read_table(buf.getvalue(), sheet="Nope")
    assert cell_text(45365.0) == "45365" and cell_text(1e-7) == "1e-07" and cell_text("  ") is None


def test_formula_cached_value_is_read_not_evaluated():
    raw = xlsx_bytes([["Job Title", "Positions"], ["Welder", "=1+1"]])
    # write a cached value into the sheet XML, as Excel does when it saves
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>7</v>").replace(
                    b"<f>1+1</f><v />", b"<f>1+1</f><v>7</v>")
                assert b"<v>7</v>" in data
            dst.writestr(info, data)
    table = read_table(out.getvalue(), "x.xlsx")
    assert table.rows[1][1] == ["Welder", "7"]  # the cached value, not 2


# ------------------------------------------------------------------------------- headers

JOBSTREET = "Job Title,Company Name,Location,Salary,Job Classification,Job Sub Classification,Facility," \
            "Posted Date,Job Type,Job Description,More Detail,Job ID,Job Sub Category"
NAUKRI = "Title,Company,Experience,Salary,Location,Posted,Applications,Role,Employment_type,Education,Skills"


def test_real_job_board_headers():
    m = match_headers("vacancy", [(1, JOBSTREET.split(","))])
    assert {m.headers[c]: f for c, f in m.columns.items()} == {
        "Job Title": "title", "Company Name": "employer", "Location": "city", "Salary": "pay",
        "Posted Date": "posted_on", "Job Type": "employment_type", "Job Description": "description",
        "Job ID": "external_id"}
    assert m.ignored == ["Job Classification", "Job Sub Classification", "Facility", "More Detail",
                         "Job Sub Category"]
    assert m.missing_required == []
    m = match_headers("vacancy", [(1, NAUKRI.split(","))])
    assert {m.headers[c]: f for c, f in m.columns.items()} == {
        "Title": "title", "Company": "employer", "Experience": "required_experience_months", "Salary": "pay",
        "Location": "city", "Posted": "posted_on", "Employment_type": "employment_type",
        "Education": "min_education_isced", "Skills": "required_skills"}
    assert m.ignored == ["Applications", "Role"]
    assert m.how["employment_type"] == "exact" and m.how["title"] == "exact" and m.how["employer"] == "synonym"
    values, problems = convert_row("vacancy", m, 2, ["Data Analyst", "Infosys", "5-8 Yrs", "3-5 LPA", "Bengaluru",
                                                     "30+ days ago", "120", "Analyst", "Full Time, Permanent",
                                                     "Any Graduate", "Python, SQL, Excel"])
    assert values["city"] == "Bengaluru" and values["required_experience_months"] == 60
    assert (values["pay_min"], values["pay_max"], values["pay_currency"], values["pay_period"]) == \
        (300_000, 500_000, "INR", "year")
    assert values["employment_type"] == "full_time" and values["min_education_isced"] == 6
    assert values["required_skills"] == ["Python", "SQL", "Excel"]
    (p,) = problems
    assert (p.row, p.column, p.field, p.value) == (2, "Posted", "posted_on", "30+ days ago")
    assert p.problem.startswith("relative date")


def test_header_row_below_title_rows_and_normalisation():
    rows = [(1, ["JOB FAIR KUALA LUMPUR 2026 — SENARAI KEKOSONGAN"]), (2, ["Tarikh: 14 Mac 2026", None]),
            (4, ["  JAWATAN* ", "Nama_Syarikat", "Gaji (RM)"]), (5, ["Welder", "ACME", "1800"])]
    m = match_headers("vacancy", rows)
    assert m.header_row == 4 and m.columns == {0: "title", 1: "employer", 2: "pay"}
    assert normalise_header("  Job Title* ") == "job title" and normalise_header("Ｊｏｂ＿ＩＤ") == "job id"


def test_fuzzy_headers_and_clash():
    m = match_headers("vacancy", [(1, ["Job Titel", "Compnay Name", "Salery Range", "Job Title"])])
    assert m.columns[3] == "title" and m.how["title"] == "synonym"  # the exact synonym beats the typo
    assert m.columns[1] == "employer" and m.how["employer"] == "fuzzy"
    assert m.columns[2] == "pay" and m.how["pay"] == "fuzzy"
    assert "Job Titel" in m.ignored and any("Job Titel" in n for n in m.notes)
    m = match_headers("vacancy", [(1, ["Job Titel", "Compnay Name"])])
    assert m.columns == {0: "title", 1: "employer"} and m.how == {"title": "fuzzy", "employer": "fuzzy"}
    m = match_headers("vacancy", [(1, ["Title", "Company", "Citi", "Job Titel Extra Long Nonsense"])])
    assert m.columns == {0: "title", 1: "employer"}  # "Citi" is too short to be fuzzy-matched
    assert m.ignored == ["Citi", "Job Titel Extra Long Nonsense"]


def test_mapping_wins_and_bad_mappings_raise():
    rows = [(1, ["Nama", "Majikan", "Catatan"]), (2, ["Welder", "ACME", "x"])]
    with pytest.raises(FileRejected) as exc:
        match_headers("vacancy", [(1, ["Nama", "Catatan"])])
    assert exc.value.code == "no_header"
    m = match_headers("vacancy", rows, mapping={"Nama": "title", "Catatan": "description"})
    assert m.columns == {0: "title", 1: "employer", 2: "description"}
    assert m.how == {"title": "mapping", "employer": "synonym", "description": "mapping"}
    m = match_headers("vacancy", [(1, ["Job Title", "Position", "Company"])], mapping={"Position": "title"})
    assert m.columns == {1: "title", 2: "employer"} and m.ignored == ["Job Title"]
    m = match_headers("vacancy", [(1, ["Job Title", "Company", "Notes"])], mapping={"Company": None})
    assert m.columns == {0: "title"} and "Company" in m.ignored
    with pytest.raises(ValueError, match="not a vacancy field"):
        match_headers("vacancy", rows, mapping={"Nama": "job_name"})
    with pytest.raises(ValueError, match="not in the header row"):
        match_headers("vacancy", rows, mapping={"Nama": "title", "Gaji": "pay"})
    with pytest.raises(ValueError, match="more than one column"):
        match_headers("vacancy", rows, mapping={"Nama": "title", "Catatan": "title"})


def test_missing_required_title_and_experience_years_column():
    m = match_headers("vacancy", [(1, ["Company", "Salary", "Years of experience"])])
    assert m.missing_required == ["title"]
    values, problems = convert_row("vacancy", m, 2, ["ACME", "RM 2,000", "3"])
    assert values["required_experience_months"] == 36 and not problems


# ----------------------------------------------------------------------------- refusals

def refused(data: bytes, filename: str | None = None, **kw) -> FileRejected:
    with pytest.raises(FileRejected) as exc:
        read_table(data, filename, **kw)
    return exc.value


def test_too_large_and_too_many_rows():
    data = fixture("vacancies_id_bom.csv")
    exc = refused(data, "x.csv", max_bytes=1000)
    assert (exc.code, exc.status) == ("too_large", 413) and "limit is 0" in exc.message
    big = refused(b"x" * (61 * 1024 * 1024 + 200 * 1024), "x.csv")
    assert big.message.startswith("The file is 61.2 MB; the limit is 50 MB.")
    exc = refused(data, "x.csv", max_rows=10)
    assert (exc.code, exc.status) == ("too_many_rows", 413) and "10" in exc.message
    assert len(read_table(data, max_rows=16).rows) == 17  # title + header + 15 postings: 16 after the first
    xlsx = fixture("vacancies_my_messy.xlsx")
    assert refused(xlsx, "x.xlsx", max_rows=5).code == "too_many_rows"
    assert len(read_table(xlsx, max_rows=7).rows) == 8


def test_undecodable_macro_unsupported_empty():
    exc = refused(fixture("undecodable.csv"), "undecodable.csv")
    assert (exc.code, exc.status) == ("undecodable", 422) and "CSV UTF-8" in exc.message
    assert refused(b"Job Title,Company\nWelder\x00\x00\x00,ACME\x81\n").code == "undecodable"
    exc = refused(fixture("macro.xlsm"), "macro.xlsm")
    assert (exc.code, exc.status) == ("macro_enabled", 422)
    assert refused(fixture("macro.xlsm"), "renamed.xlsx").code == "macro_enabled"  # by content
    assert refused(xlsx_bytes([["a", "b"]]), "book.xlsm").code == "macro_enabled"  # by extension
    exc = refused(fixture("old.xls"), "old.xls")
    assert (exc.code, exc.status) == ("unsupported_type", 415) and "save it as .xlsx or .csv" in exc.message
    assert refused(b"%PDF-1.7\n...", "jobs.pdf").code == "unsupported_type"
    assert refused(b"Job Title,Company\n", "jobs.xlsb").code == "unsupported_type"
    assert refused(b"Job Title,Company\n", "jobs.xlsx").code == "encrypted_or_corrupt"
    assert refused(b"PK\x03\x04garbage", "jobs.xlsx").code == "encrypted_or_corrupt"
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    assert refused(encrypted, "secret.xlsx").code == "encrypted_or_corrupt"
    for empty in (b"", b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\r\n,,\r\n"):
        assert refused(empty, "x.csv").code == "empty"
    with pytest.raises(FileRejected) as exc:
        match_headers("vacancy", read_table(b"hello world\nfoo bar\n").rows)
    assert exc.value.code == "no_header" and exc.value.status == 422


def _bomb(size: int) -> bytes:
    """A real XLSX whose sheet XML is padded with `size` bytes of whitespace, streamed (never in memory)."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Job Title", "Company"], ["Welder", "ACME"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as f:
                    head, tail = data.split(b"<sheetData>", 1)
                    f.write(head)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(size // len(chunk)):
                        f.write(chunk)
                    f.write(b"<sheetData>" + tail)
            else:
                dst.writestr(info.filename, data)
    return out.getvalue()


def test_zip_bomb_refused_without_memory_blow_up():
    bomb = _bomb(200 * 1024 * 1024)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        exc = refused(bomb, "bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (exc.code, exc.status) == ("zip_bomb", 422)
    assert peak < 30 * 1024 * 1024


def test_zip_bomb_with_understated_sizes_is_caught_by_capped_inflate():
    bomb = bytearray(_bomb(20 * 1024 * 1024))  # under the ratio rule's 10 MB floor once the sizes lie
    name = b"xl/worksheets/sheet1.xml"
    patched = 0
    for sig, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = bomb.find(sig)
        while pos != -1:
            name_at = 46 if sig == b"PK\x01\x02" else 30
            if bomb[pos + name_at:pos + name_at + len(name)] == name \
                    and bomb[pos + size_at:pos + size_at + 4] != b"\xff\xff\xff\xff":  # zip64 entries left alone
                bomb[pos + size_at:pos + size_at + 4] = struct.pack("<I", 5000)
                patched += 1
            pos = bomb.find(sig, pos + 4)
    # zip64 extra fields also carry the size; rebuild instead if the writer used them
    info = zipfile.ZipFile(io.BytesIO(bytes(bomb))).getinfo(name.decode())
    if info.file_size != 5000:
        pytest.skip("the zip writer stored zip64 sizes; covered by the ratio test")
    assert patched >= 1
    exc = refused(bytes(bomb), "liar.xlsx")
    assert exc.code == "zip_bomb" and "declared size" in exc.message


def test_too_many_members():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(10_001):
            z.writestr(f"x/{i}", b"")
    assert refused(out.getvalue(), "many.xlsx").code == "zip_bomb"


# ----------------------------------------------------------------------------------- cells

@pytest.mark.parametrize("text,expected", [
    ("2024-03-14", date(2024, 3, 14)), ("14/03/2024", date(2024, 3, 14)), ("14-03-2024", date(2024, 3, 14)),
    ("14.03.2024", date(2024, 3, 14)), ("03/14/2024", date(2024, 3, 14)), ("04/03/2024", date(2024, 3, 4)),
    ("14-Mar-2024", date(2024, 3, 14)), ("14 March 2024", date(2024, 3, 14)), ("March 14, 2024", date(2024, 3, 14)),
    ("14 Maret 2024", date(2024, 3, 14)), ("14 Mac 2024", date(2024, 3, 14)), ("3 Ogos 2024", date(2024, 8, 3)),
    ("17 Agustus 2024", date(2024, 8, 17)), ("25 Disyembre 2024", date(2024, 12, 25)),
    ("5 Setyembre 2024", date(2024, 9, 5)), ("ika-14 ng Marso 2024", date(2024, 3, 14)),
    ("Kamis, 14 Maret 2024", date(2024, 3, 14)), ("45365", date(2024, 3, 14)), ("14/3/24", date(2024, 3, 14)),
    ("2024-03-14T10:30:00", date(2024, 3, 14)),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_date_order_and_bad_dates():
    assert parse_date("04/03/2024", dayfirst=False) == date(2024, 4, 3)
    assert parse_date("14/03/2024", dayfirst=False) == date(2024, 3, 14)  # unambiguous
    for bad, words in (("31/02/2026", "no day 31"), ("10 days ago", "relative date"),
                       ("30+ days ago", "relative date"), ("esok", "not a date"), ("99999", "not a date"),
                       ("14 Foo 2024", "not a date")):
        with pytest.raises(CellError, match=words):
            parse_date(bad)


@pytest.mark.parametrize("text,expected", [
    ("Rp1,800,000 – Rp2,000,000 per month", {"pay_min": 1_800_000, "pay_max": 2_000_000, "pay_currency": "IDR",
                                             "pay_period": "month"}),
    ("RM 1,500 - 2,000", {"pay_min": 1500, "pay_max": 2000, "pay_currency": "MYR"}),
    ("₱18,000/month", {"pay_min": 18000, "pay_max": 18000, "pay_currency": "PHP", "pay_period": "month"}),
    ("PHP 600 per day", {"pay_min": 600, "pay_max": 600, "pay_currency": "PHP", "pay_period": "day"}),
    ("SAR 1500", {"pay_min": 1500, "pay_max": 1500, "pay_currency": "SAR"}),
    ("Not Disclosed", {}),
    ("3-5 LPA", {"pay_min": 300_000, "pay_max": 500_000, "pay_currency": "INR", "pay_period": "year"}),
    ("Rp 1.800.000 - Rp 2.500.000 /bln", {"pay_min": 1_800_000, "pay_max": 2_500_000, "pay_currency": "IDR",
                                          "pay_period": "month"}),
    ("Rp 4-5 juta", {"pay_min": 4_000_000, "pay_max": 5_000_000, "pay_currency": "IDR"}),
    ("RM1,500.50 sebulan", {"pay_min": 1500.5, "pay_max": 1500.5, "pay_currency": "MYR", "pay_period": "month"}),
    ("Up to RM 3,000", {"pay_max": 3000, "pay_currency": "MYR"}),
    ("RM1,500 + allowance RM200", {"pay_min": 1500, "pay_max": 1500, "pay_currency": "MYR"}),
])
def test_pay(text, expected):
    assert parse_pay(text) == expected


def test_pay_columns_win_and_problems():
    m = match_headers("vacancy", [(1, ["Job Title", "Salary", "Currency", "Pay Period", "Minimum Salary"])])
    values, problems = convert_row("vacancy", m, 7, ["Welder", "RM 1,500 - 2,000 per month", "SGD", "", ""])
    assert values["pay_currency"] == "SGD" and values["pay_min"] == 1500 and values["pay_period"] == "month"
    values, problems = convert_row("vacancy", m, 7, ["Welder", "RM 1,500 - 2,000", "", "", "1.200"])
    assert values["pay_min"] == 1200 and values["pay_max"] == 2000  # "1.200" in a money column is 1200
    values, problems = convert_row("vacancy", m, 8, ["Welder", "1500 - 2000", "", "", ""])
    assert "pay_min" not in values and problems[0].problem.startswith("no currency")
    values, problems = convert_row("vacancy", m, 9, ["Welder", "Gaji menarik", "", "", ""])
    assert values == {"title": "Welder", "pay": "Gaji menarik"} and not problems
    values, problems = convert_row("vacancy", m, 9, ["Welder", "ask HR", "", "fortnightly", "abc"])
    assert {p.field for p in problems} == {"pay", "pay_period", "pay_min"}
    assert all(p.row == 9 for p in problems)


@pytest.mark.parametrize("text,months", [
    ("5 - 8 years", 60), ("2 tahun", 24), ("6 months", 6), ("minimal 1 tahun", 12), ("Fresh Graduate", 0),
    ("1 year 6 months", 18), ("2+ years", 24), ("0-1 Yrs", 0), ("3 taon", 36), ("6 bulan", 6),
    ("Tiada pengalaman", 0), ("1.5 years", 18),
])
def test_experience(text, months):
    assert parse_experience(text) == months


@pytest.mark.parametrize("text,level", [
    ("SMA/SMK", 3), ("SPM", 3), ("D3", 5), ("Diploma", 5), ("S1", 6), ("Bachelor", 6), ("Sarjana", 6), ("S2", 7),
    ("Master", 7), ("SD", 1), ("SMP", 2), ("PT3", 2), ("Junior High", 2), ("High School", 3),
    ("College graduate", 6), ("Minimal SMA/SMK sederajat", 3), ("Bachelor's degree in Engineering", 6), ("5", 5),
    ("NC II", None), ("Certificate", None),
])
def test_education(text, level):
    assert parse_education(text) == level


def test_education_and_experience_problems():
    with pytest.raises(CellError):
        parse_education("ability to read")
    with pytest.raises(CellError):
        parse_experience("lots")
    m = match_headers("vacancy", [(1, ["Job Title", "Education", "Experience (months)"])])
    values, problems = convert_row("vacancy", m, 3, ["Welder", "NC II", "18"])
    assert values == {"title": "Welder", "required_experience_months": 18} and not problems


def test_vacancy_enums_lists_and_numbers():
    headers = ["Job Title", "Job Type", "Status", "Languages", "Country", "No. of vacancies", "Sector", "ISCO",
               "Certificates", "Latitude", "Longitude"]
    m = match_headers("vacancy", [(1, headers)])
    values, problems = convert_row("vacancy", m, 2, [
        "Welder", "Penuh masa", "aktif", "Bahasa Melayu, English", "Malaysia", "5 orang", "Construction", "7212",
        "CIDB Green Card; NIOSH\nTESDA NC II", "3,139", "101.6869"])
    assert not problems
    assert values["employment_type"] == "full_time" and values["status"] == "open"
    assert values["languages"] == ["ms", "en"] and values["country"] == "MY" and values["positions"] == 5
    assert values["sector_isic"] == "F" and values["isco08"] == "7212"
    assert values["required_certificates"] == ["CIDB Green Card", "NIOSH", "TESDA NC II"]
    assert values["latitude"] == 3.139 and values["longitude"] == 101.6869
    for jt, expected in (("Kontrak", "contract"), ("Paruh waktu", "part_time"), ("Full Time, Permanent", "full_time"),
                         ("Magang", "internship"), ("Full time", "full_time"), ("seasonal", "seasonal")):
        v, p = convert_row("vacancy", m, 2, ["W", jt])
        assert v["employment_type"] == expected and not p
    v, p = convert_row("vacancy", m, 4, ["W", "whenever", "maybe", "Qwertyish", "Atlantis", "0", "Z", "72", "",
                                         "95", "#REF!"])
    assert [x.field for x in p] == ["employment_type", "status", "languages", "country", "positions",
                                    "sector_isic", "isco08", "latitude", "longitude"]
    assert p[-1].problem.startswith("Excel error value")
    assert v == {"title": "W"}


def test_course_fields():
    headers = ["Course", "Kind", "Hours", "Schedule", "Mode", "Cost", "Childcare", "Target ISCO", "Start date"]
    m = match_headers("course", [(1, headers)])
    ok = [("Recognition of Prior Learning", "rpl_assessment"), ("PPT", "rpl_assessment"), ("RPL", "rpl_assessment"),
          ("keusahawanan", "entrepreneurship"), ("Kewirausahaan", "entrepreneurship"),
          ("literasi kewangan", "financial_literacy"), ("Literasi Keuangan", "financial_literacy")]
    for text, kind in ok:
        v, p = convert_row("course", m, 2, ["X", text])
        assert v["kind"] == kind and not p
    for text, mode in (("tatap muka", "in_person"), ("Bersemuka", "in_person"), ("dalam talian", "online"),
                       ("Daring", "online"), ("luring", "in_person"), ("hybrid", "blended")):
        assert convert_row("course", m, 2, ["X", None, None, None, text])[0]["mode"] == mode
    for text, sched in (("Sabtu-Minggu", ["weekend"]), ("hujung minggu", ["weekend"]), ("weekends", ["weekend"]),
                        ("malam", ["evening"]), ("gabi", ["evening"]), ("weekend; evening", ["evening", "weekend"])):
        assert convert_row("course", m, 2, ["X", None, None, text])[0]["schedule"] == sched
    for text, hours in (("120 hours", 120), ("120 jam", 120), ("40 oras", 40), ("36.5", 36.5)):
        assert convert_row("course", m, 2, ["X", None, text])[0]["hours"] == hours
    v, p = convert_row("course", m, 5, ["X", None, "15 days", None, None, "libre", "oo", "7212, 7214; 721", "3 minggu"])
    assert v["cost"] == 0 and v["childcare"] is True and v["target_isco"] == ["7212", "7214"]
    assert [(x.field, x.value) for x in p] == [("hours", "15 days"), ("target_isco", "721"),
                                               ("start_dates", "3 minggu")]
    for text, b in (("ya", True), ("tidak", False), ("hindi", False), ("TRUE", True), ("0", False)):
        assert convert_row("course", m, 2, ["X", None, None, None, None, None, text])[0]["childcare"] is b
    for text, cost in (("percuma", 0), ("gratis", 0), ("PHP 1,500", 1500), ("Rp 1.500.000", 1_500_000)):
        assert convert_row("course", m, 2, ["X", None, None, None, None, text])[0]["cost"] == cost


# ------------------------------------------------------------------------------- templates

@pytest.mark.parametrize("kind", ["vacancy", "course"])
def test_templates_round_trip(kind):
    csv_bytes = template_csv(kind)
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" in csv_bytes
    xlsx = template_xlsx(kind)
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames[1] == "Help" and wb.worksheets[0]["A1"].font.bold
    help_rows = list(wb["Help"].iter_rows(values_only=True))
    assert help_rows[0] == ("Field", "Required", "Type", "Accepted values / examples")
    assert ("title", "yes") == help_rows[2][:2]
    for data, fmt in ((csv_bytes, "csv"), (xlsx, "xlsx")):
        table = read_table(data, f"template.{fmt}")
        assert table.format == fmt and len(table.rows) == 2
        match = match_headers(kind, table.rows)
        assert set(match.how.values()) == {"exact"} and not match.ignored and not match.missing_required
        values, problems = convert_row(kind, match, 2, table.rows[1][1])
        assert problems == []
        assert values["title"]
        if kind == "vacancy":
            assert values["expires_on"] == date(2026, 4, 30) and values["pay_min"] == 1800
            assert values["required_skills"] == ["MIG welding", "SMAW", "blueprint reading"]
            assert values["latitude"] == 3.0738 and values["languages"] == ["ms", "en"]
        else:
            assert values["start_dates"] == [date(2026, 4, 6), date(2026, 6, 1)] and values["cost"] == 0
            assert values["schedule"] == ["weekday", "evening"] and values["target_isco"] == ["7212"]


def test_precheck_refuses_without_parsing_rows():
    from app.uploads.spreadsheet import precheck

    assert precheck(fixture("vacancies_id_bom.csv"), "a.csv") == "csv"
    assert precheck(fixture("vacancies_my_messy.xlsx"), "a.xlsx") == "xlsx"
    for name, code in (("macro.xlsm", "macro_enabled"), ("old.xls", "unsupported_type"),
                       ("undecodable.csv", "undecodable")):
        with pytest.raises(FileRejected) as exc:
            precheck(fixture(name), name)
        assert exc.value.code == code
    with pytest.raises(FileRejected) as exc:
        precheck(_bomb(200 * 1024 * 1024), "bomb.xlsx")
    assert exc.value.code == "zip_bomb"


def test_rupees_take_the_currency_of_the_rows_country():
    rows = [(1, ["Job Title", "Salary", "Country"]), (2, ["Mason", "Rs. 3,500 per day", "Sri Lanka"]),
            (3, ["Mason", "Rs. 3,500 per day", None]), (4, ["Developer", "Rs 30,000", "India"]),
            (5, ["Developer", "₹ 30,000", None])]
    match = match_headers("vacancy", rows)
    out = [convert_row("vacancy", match, n, cells) for n, cells in rows[1:]]
    assert out[0][0]["pay_currency"] == "LKR" and out[0][0]["pay_min"] == 3500 and not out[0][1]
    assert "pay_currency" not in out[1][0] and out[1][1][0].field == "pay"  # ambiguous without a country: reported
    assert out[2][0]["pay_currency"] == "INR" and out[3][0]["pay_currency"] == "INR"
