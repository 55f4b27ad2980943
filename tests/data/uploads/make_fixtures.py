"""Writes the upload fixture files in this folder (run once; the files are kept in the repo).

All rows are made up for the tests. Run: .venv/bin/python tests/data/uploads/make_fixtures.py
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def vacancies_my_messy() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kekosongan"
    ws["A1"] = "JOB FAIR KUALA LUMPUR 2026 — SENARAI KEKOSONGAN"
    ws.merge_cells("A1:I1")
    # row 2 blank
    ws.append([])
    ws.append(["Bil", "Jawatan*", "Nama Syarikat", "Lokasi", "Gaji (RM)", "Tarikh Tutup", "Pengalaman",
               "Kelayakan", "Jenis Pekerjaan"])  # row 3
    rows = [  # rows 4-6: employer merged C4:C6
        [1, "Tukang Kimpal", "Syarikat Binaan Maju Sdn Bhd", "Shah Alam", "1,800 - 2,400",
         datetime(2026, 4, 30), "2 tahun", "SPM", "Sepenuh masa"],
        [2, "Operator Kren", None, "Shah Alam", 2500, datetime(2026, 5, 15), "3 years", "SPM", "Kontrak"],
        [3, "Pembantu Am", None, "Klang", "1,700", datetime(2026, 3, 31), "Fresh Graduate", "PT3", "Penuh masa"],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("C4:C6")
    ws.append([])  # row 7 blank
    ws.append([4, "Juruwang", "Kedai Runcit Sinar Enterprise", "Johor Bahru", "1,600", datetime(2026, 4, 10),
               "6 bulan", "SPM", "Separuh masa"])  # row 8
    ws.append([5, "Pemandu Lori", "Logistik Pantas Sdn Bhd", "Johor Bahru", "2,200 - 2,800", "31/02/2026",
               "5 - 8 years", "SPM", "Sepenuh masa"])  # row 9: bad date cell
    ws.append([6, "Pengawal Keselamatan", "Kawalan Aman Sdn Bhd", None, "Not Disclosed", datetime(2026, 6, 1),
               "minimal 1 tahun", "PMR", "Kontrak"])  # row 10
    ws.merge_cells("D8:D10")  # vertically merged location "Johor Bahru"
    for row in ws.iter_rows(min_row=4, max_row=10, min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy"
    wb.create_sheet("Nota").append(["Disediakan oleh JTK"])
    wb.save(HERE / "vacancies_my_messy.xlsx")


ID_ROWS = [
    ("Dicari Tukang Las", "PT Baja Sentosa Abadi", "Cikarang", "Rp4.500.000 - Rp5.500.000 per bulan", "2 tahun",
     "SMK", "Las SMAW, Las MIG, membaca gambar teknik", "Kontrak", "14 Maret 2026", "14 April 2026",
     "Tugas:\n• Pengelasan rangka baja\n• Perawatan mesin las\nSertifikat BNSP diutamakan"),
    ("Admin Gudang", "CV Maju Jaya Logistik", "Surabaya", "Rp3.800.000", "1 tahun", "SMA/SMK",
     "Microsoft Excel, stock opname", "Penuh waktu", "15 Maret 2026", "30 April 2026",
     "• Input data barang masuk/keluar\n• Stock opname bulanan"),
    ("Operator Produksi", "PT Sinar Garmen Indonesia", "Semarang", "Rp2.900.000 – Rp3.200.000", "Fresh Graduate",
     "SMA", "Teliti; kerja shift", "Kontrak", "16/03/2026", "16/04/2026", "Bersedia kerja shift.\nUsia tidak dibatasi."),
    ("Sopir Pribadi", "Keluarga Wijaya", "Jakarta Selatan", "Rp4.000.000/bulan", "minimal 3 tahun", "SMP",
     "SIM A, hafal jalan Jakarta", "Penuh waktu", "17 Maret 2026", "17 Mei 2026", "• Antar jemput keluarga\n• Merawat mobil"),
    ("Juru Masak", "Rumah Makan Padang Sederhana", "Bandung", "Rp3.500.000 - Rp4.000.000", "2 tahun", "SMA",
     "Masakan Padang, kebersihan dapur", "Penuh waktu", "18 Maret 2026", "18 April 2026", "Memasak menu harian."),
    ("Teknisi AC", "PT Dingin Sejuk Mandiri", "Bekasi", "Rp4.200.000", "1 tahun", "SMK", "Instalasi AC, freon",
     "Kontrak", "19 Maret 2026", "19 April 2026", "• Instalasi & servis AC split\n• Laporan kerja harian"),
    ("Kasir Minimarket", "PT Retail Nusantara", "Yogyakarta", "Rp2.300.000", "Fresh Graduate", "SMA/SMK",
     "Pelayanan pelanggan", "Paruh waktu", "20 Maret 2026", "20 April 2026", "Shift pagi/sore."),
    ("Tukang Bangunan", "CV Karya Bangun", "Denpasar", "Rp150.000 per hari", "3 tahun", "SD",
     "Pasang bata, plester, cor", "Harian lepas", "21 Maret 2026", "21 April 2026", "Proyek villa 6 bulan."),
    ("Staf Administrasi", "Koperasi Sejahtera Bersama", "Malang", "Rp3.000.000 - Rp3.500.000", "1 tahun", "D3",
     "Microsoft Office; surat-menyurat", "Penuh waktu", "22 Maret 2026", "22 April 2026", "Mengelola arsip koperasi."),
    ("Perawat Lansia", "Yayasan Kasih Ibu", "Medan", "Rp3.600.000", "2 tahun", "D3",
     "Perawatan lansia, P3K", "Kontrak", "23 Maret 2026", "23 April 2026", "• Merawat lansia di panti\n• Shift malam bergilir"),
    ("Mekanik Motor", "Bengkel Jaya Motor", "Makassar", "Rp3.200.000", "2 tahun", "SMK", "Servis motor injeksi",
     "Penuh waktu", "24 Maret 2026", "24 April 2026", "Bengkel resmi."),
    ("Petugas Kebersihan", "PT Bersih Prima", "Tangerang", "Rp3.100.000", "Fresh Graduate", "SMP", "Kebersihan gedung",
     "Kontrak", "25 Maret 2026", "25 April 2026", "Penempatan gedung perkantoran."),
    ("Barista", "Kopi Kenangan Senja", "Yogyakarta", "Rp2.500.000 - Rp2.800.000", "6 bulan", "SMA",
     "Espresso, latte art", "Paruh waktu", "26 Maret 2026", "26 April 2026", "Kafe di Jalan Kaliurang."),
    ("Operator Forklift", "PT Gudang Raya", "Cikarang", "Rp4.800.000", "2 tahun", "SMA",
     "SIO forklift", "Kontrak", "27 Maret 2026", "27 April 2026", "Wajib memiliki SIO forklift."),
    ("Magang Teknik Listrik", "PT Listrik Terang", "Batam", "Rp2.000.000", "Fresh Graduate", "SMK",
     "Instalasi listrik dasar", "Magang", "2 Agustus 2026", "2 September 2026", "Program magang 6 bulan."),
]


def _csv_field(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(rows: list[list[str]], delimiter: str = ",", eol: str = "\r\n") -> str:
    return "".join(delimiter.join(_csv_field(c, delimiter) for c in r) + eol for r in rows)


def vacancies_id_bom() -> None:
    header = ["Posisi", "Nama Perusahaan", "Lokasi", "Gaji", "Pengalaman", "Pendidikan", "Keterampilan",
              "Jenis Pekerjaan", "Tanggal Posting", "Batas Lamaran", "Deskripsi Pekerjaan"]
    rows = [["LOWONGAN KERJA BURSA KERJA DISNAKER 2026"], header]
    for i, r in enumerate(ID_ROWS):
        rows.append(list(r))
        if i == 4:
            rows.append([])  # a blank line in the middle
    (HERE / "vacancies_id_bom.csv").write_bytes(_csv(rows).encode("utf-8-sig"))


def vacancies_tl_utf16() -> None:
    rows = [
        ["Posisyon", "Kumpanya", "Lokasyon", "Sahod", "Karanasan", "Edukasyon", "Uri ng Trabaho",
         "Petsa ng Pag-post", "Huling Araw ng Aplikasyon"],
        ["Welder (SMAW NC II)", "Bohol Steel Works Inc.", "Tagbilaran", "₱18,000/month", "2 taon", "High School",
         "Kontraktwal", "14 Marso 2026", "ika-30 ng Abril 2026"],
        ["Kasambahay", "Pamilya Reyes", "Quezon City", "PHP 600 per day", "Walang karanasan", "Elementary",
         "Full time", "1 Setyembre 2026", "Disyembre 5, 2026"],
        ["Mekaniko", "Cebu Auto Repair", "Cebu City", "₱15,000 - ₱20,000 kada buwan", "1 taon", "Vocational",
         "Full time", "15 Agosto 2026", "15 Oktubre 2026"],
    ]
    (HERE / "vacancies_tl_utf16.csv").write_bytes(_csv(rows, delimiter="\t").encode("utf-16"))  # LE + BOM


def vacancies_cp1252() -> None:
    rows = [
        ["Job Title", "Company Name", "Location", "Salary", "Job Type", "Job Description"],
        ["Café Supervisor", "Kopi & Co Sdn Bhd", "Kuala Lumpur", "RM 2,500 – 3,000", "Full time",
         "Supervise the café’s morning shift"],
        ["Commis Chef", "Hotel Seri Pantai", "Penang", "RM 1,900", "Contract", "Prépare mise en place – breakfast"],
    ]
    (HERE / "vacancies_cp1252.csv").write_bytes(_csv(rows).encode("cp1252"))


def courses_en_semicolon() -> None:
    rows = [
        ["Course Title", "Training Provider", "Type", "Duration (hours)", "Mode", "Schedule", "Fee", "Currency",
         "Start Dates", "Seats", "Childcare", "Target ISCO", "Skills taught"],
        ["Shielded Metal Arc Welding NC II", "Bohol TTC", "Upskilling", "268", "Face to face", "Weekdays",
         "Free", "PHP", "6 April 2026; 1 June 2026", "25", "No", "7212", "SMAW, welding symbols, safety"],
        ["Pentauliahan Pencapaian Terdahulu (PPT) Kimpalan", "Pusat Latihan Teknologi Tinggi", "PPT", "40 jam",
         "Bersemuka", "Hujung minggu", "RM 1.200,00", "MYR", "14/03/2026", "15", "Ya", "7212", "Kimpalan"],
        ["Literasi Keuangan untuk Purna PMI", "BP2MI", "literasi keuangan", "16", "Daring", "Malam; Sabtu-Minggu",
         "Gratis", "IDR", "2026-05-02", "100", "tidak", "", "Mengelola remitansi, menabung"],
        ["Basic Korean for EPS-TOPIK", "Seoul Language Center", "Language", "120 hours", "Blended",
         "Evening", "₱ 4,500", "", "March 14, 2026, April 20, 2026", "30", "Yes", "", "Hangul; listening"],
    ]
    (HERE / "courses_en_semicolon.csv").write_bytes(_csv(rows, delimiter=";").encode("utf-8"))


def undecodable() -> None:
    # 0x81 and 0x90 are invalid UTF-8 start bytes and undefined in cp1252; no NULs, so not UTF-16.
    (HERE / "undecodable.csv").write_bytes(b"Job Title,Company\r\nTukang Las \x81\x90 Senior,PT Maju\r\n"
                                           b"Admin \x8d\x9d,CV Jaya\r\n")


def macro_xlsm() -> None:
    wb = Workbook()
    wb.active.append(["Job Title", "Company"])
    wb.active.append(["Welder", "ACME"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(info.filename, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (HERE / "macro.xlsm").write_bytes(out.getvalue())


def old_xls() -> None:
    (HERE / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
                                   + b"\x00" * 482)


if __name__ == "__main__":
    vacancies_my_messy()
    vacancies_id_bom()
    vacancies_tl_utf16()
    vacancies_cp1252()
    courses_en_semicolon()
    undecodable()
    macro_xlsm()
    old_xls()
    for p in sorted(HERE.iterdir()):
        print(f"{p.name:32} {p.stat().st_size:>7} bytes")
