"""Downloadable upload templates: the canonical header row and one realistic example row."""
from __future__ import annotations

import csv
import io
from datetime import date

from app.uploads.columns import fields_of

EXAMPLES: dict[str, dict[str, object]] = {
    "vacancy": {
        "external_id": "KL-2026-014",
        "title": "Tukang Kimpal (Welder)",
        "description": "Kimpalan struktur keluli di tapak projek.\nMIG dan SMAW. Kerja lebih masa dibayar.",
        "employer": "Syarikat Binaan Maju Sdn Bhd",
        "sector_isic": "F",
        "isco08": "7212",
        "required_skills": "MIG welding; SMAW; blueprint reading",
        "required_experience_months": 24,
        "required_certificates": "CIDB Green Card; NIOSH Safety Passport",
        "min_education_isced": 3,
        "languages": "ms; en",
        "country": "MY",
        "region": "Selangor",
        "city": "Shah Alam",
        "latitude": 3.0738,
        "longitude": 101.5183,
        "positions": 5,
        "pay_min": 1800,
        "pay_max": 2400,
        "pay_currency": "MYR",
        "pay_period": "month",
        "pay": "RM 1,800 - 2,400 per month",
        "employment_type": "full_time",
        "posted_on": date(2026, 3, 2),
        "expires_on": date(2026, 4, 30),
        "contact": "hr@binaanmaju.example.my, 03-5510 2233",
        "status": "open",
    },
    "course": {
        "external_id": "SMAW-NCII-2026-02",
        "title": "Shielded Metal Arc Welding (SMAW) NC II",
        "description": "Competency-based training: welding carbon steel plates and pipes, safety, "
                       "national assessment at the end.",
        "provider": "Bohol Technical Training Center",
        "provider_accreditation": "TESDA-registered, WTR 2023-0412",
        "kind": "upskilling",
        "target_isco": "7212",
        "skills_taught": "SMAW; reading welding symbols; workplace safety",
        "framework": "NC",
        "framework_level": "II",
        "hours": 268,
        "schedule": "weekday; evening",
        "mode": "in_person",
        "country": "PH",
        "region": "Central Visayas",
        "city": "Tagbilaran",
        "latitude": 9.6496,
        "longitude": 123.8547,
        "cost": 0,
        "cost_currency": "PHP",
        "start_dates": "2026-04-06; 2026-06-01",
        "entry_requirements": "At least 18 years old; junior high school completer",
        "seats": 25,
        "childcare": "no",
        "contact": "enrol@bttc.example.ph, 0917 555 0142",
        "status": "open",
    },
}
SHEET_TITLES = {"vacancy": "Vacancies", "course": "Courses"}


def _fields(kind: str) -> dict[str, tuple[str, bool, str]]:
    return fields_of(kind, input_only=False)


def _as_text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def template_csv(kind: str) -> bytes:
    """UTF-8 with BOM (so Excel opens it right), CRLF: the header row and one example row."""
    fields = _fields(kind)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(fields))
    writer.writerow([_as_text(EXAMPLES[kind].get(f, "")) for f in fields])
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    """A workbook: the data sheet (bold header, example row) and a "Help" sheet describing each field."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fields = _fields(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(list(fields))
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    ws.append([EXAMPLES[kind].get(f) for f in fields])
    for col, f in enumerate(fields, start=1):
        cell = ws.cell(row=2, column=col)
        if isinstance(cell.value, date):
            cell.number_format = "yyyy-mm-dd"
        cell.alignment = Alignment(wrap_text=f == "description", vertical="top")
        ws.column_dimensions[cell.column_letter].width = max(12, min(40, len(f) + 4))
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet("Help")
    help_ws.append(["Field", "Required", "Type", "Accepted values / examples"])
    for cell in help_ws[1]:
        cell.font = bold
        cell.fill = fill
    for f, (type_, required, text) in fields.items():
        help_ws.append([f, "yes" if required else "no", type_, text])
    help_ws.append([])
    help_ws.append(["Notes", "", "", ("Fill one row per record below the header; leave cells empty when unknown. "
                                      "Headers in English, Malay, Indonesian or Tagalog are also recognised. "
                                      "Dates: 2026-03-14 or 14/03/2026 (day first). Lists: separate with ;")])
    for letter, width in zip("ABCD", (28, 10, 16, 100)):
        help_ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
