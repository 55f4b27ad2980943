"""Finding the header row of an uploaded table and mapping its columns to canonical fields.

Headers are matched after normalisation (NFKC, casefold, punctuation/underscores/asterisks
removed, spaces collapsed): the canonical field name itself ("exact"), a synonym from
``header_synonyms.json`` in English, Malay, Indonesian or Tagalog ("synonym"), then a fuzzy match
("fuzzy": rapidfuzz token_sort_ratio ≥ 90, or one typo/transposition in a header of ≥ 8 letters,
for headers of ≥ 5 characters). An explicit mapping from the uploader wins ("mapping").
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from app.uploads.spreadsheet import FileRejected

KINDS = ("vacancy", "course")
HEADER_SEARCH_ROWS = 20
FUZZY_MIN_SCORE = 90
FUZZY_MIN_LENGTH = 5
_TIER = {"mapping": 4, "exact": 3, "synonym": 2, "fuzzy": 1}

# field -> (type, required, what is accepted). Types are read by cells.py; the text goes into the
# template's Help sheet. Order is the template's column order.
VACANCY_FIELDS: dict[str, tuple[str, bool, str]] = {
    "external_id": ("text", False, "Your own id for the vacancy; re-uploading the same id updates it. E.g. KL-2026-014"),
    "title": ("text", True, "The job title as the employer writes it. E.g. Tukang Kimpal / Welder"),
    "description": ("text", False, "Duties and conditions; line breaks are kept"),
    "employer": ("text", False, "Company name. E.g. Syarikat Binaan Maju Sdn Bhd"),
    "sector_isic": ("isic", False, "ISIC Rev.4 section letter A–U or 2–4 digit code, or a section name. E.g. F or Construction"),
    "isco08": ("isco", False, "ISCO-08 unit group, 4 digits. E.g. 7212"),
    "required_skills": ("list_comma", False, "Separate with ; or , or new lines. E.g. MIG welding; blueprint reading"),
    "required_experience_months": ("experience", False, "Months, or text such as '2 years', '2 tahun', '6 bulan', '5 - 8 years', 'Fresh graduate'"),
    "required_certificates": ("list", False, "Separate with ; or new lines. E.g. CIDB Green Card; NIOSH"),
    "min_education_isced": ("education", False, "ISCED 0–8 or words: SPM, SMA/SMK, high school, diploma, D3, S1, bachelor, master"),
    "languages": ("languages", False, "ISO 639 codes or names, separated by ; or ,. E.g. ms; en or Bahasa Melayu, English"),
    "country": ("country", False, "ISO 3166 two-letter code or name. E.g. MY or Malaysia"),
    "region": ("text", False, "State/province. E.g. Selangor"),
    "city": ("text", False, "City or town. E.g. Shah Alam"),
    "latitude": ("latitude", False, "Decimal degrees, -90 to 90. E.g. 3.0738"),
    "longitude": ("longitude", False, "Decimal degrees, -180 to 180. E.g. 101.5183"),
    "positions": ("positive_int", False, "Number of openings, a whole number ≥ 1. E.g. 5"),
    "pay_min": ("money", False, "Lowest pay, a number. E.g. 1800 or RM1,800"),
    "pay_max": ("money", False, "Highest pay, a number. E.g. 2400"),
    "pay_currency": ("currency", False, "ISO 4217 code or symbol. E.g. MYR, RM, Rp, ₱"),
    "pay_period": ("pay_period", False, "hour, day, week, month or year (also: monthly, sebulan, kada buwan…)"),
    "pay": ("pay", False, "Free text, read into pay_min/pay_max/pay_currency/pay_period when those are empty. E.g. RM 1,800 - 2,400 per month"),
    "employment_type": ("employment_type", False, "full_time, part_time, contract, temporary, seasonal, apprenticeship, internship (also: Penuh masa, Kontrak, Paruh waktu, Magang…)"),
    "posted_on": ("date", False, "Date: 2026-03-14, 14/03/2026, 14 Mac 2026, 14 Maret 2026, 14 Marso 2026"),
    "expires_on": ("date", False, "Closing date, same formats as posted_on"),
    "contact": ("text", False, "Who to contact / how to apply"),
    "status": ("vacancy_status", False, "open, closed or filled (also: aktif, buka, tutup…)"),
}
VACANCY_INPUT_ONLY = {
    "required_experience_years": ("experience_years", False, "Years of experience (converted to months)"),
}
COURSE_FIELDS: dict[str, tuple[str, bool, str]] = {
    "external_id": ("text", False, "Your own id for the course; re-uploading the same id updates it"),
    "title": ("text", True, "Course title. E.g. Shielded Metal Arc Welding NC II"),
    "description": ("text", False, "What the course covers"),
    "provider": ("text", False, "Training provider"),
    "provider_accreditation": ("text", False, "Who accredits the provider, and the number"),
    "kind": ("course_kind", False, "upskilling, bridging, rpl_assessment, assessment_preparation, entrepreneurship, financial_literacy, language, soft_skills, apprenticeship (also: RPL, PPT, keusahawanan, kewirausahaan…)"),
    "target_isco": ("isco_list", False, "ISCO-08 4-digit codes separated by ; or ,. E.g. 7212; 7214"),
    "skills_taught": ("list_comma", False, "Separate with ; or , or new lines"),
    "framework": ("short_text", False, "Qualification framework, up to 20 characters. E.g. NC, SKM, KKNI"),
    "framework_level": ("short_text", False, "Level within the framework, up to 10 characters. E.g. II"),
    "hours": ("hours", False, "Total hours: a number, or '120 hours' / '120 jam' / '120 oras'"),
    "schedule": ("schedule", False, "weekday, evening, weekend, flexible; several separated by ; (also: Sabtu-Minggu, malam, gabi…)"),
    "mode": ("mode", False, "in_person, online or blended (also: tatap muka, bersemuka, dalam talian, daring, luring…)"),
    "country": ("country", False, "ISO 3166 two-letter code or name. E.g. PH"),
    "region": ("text", False, "State/province/region"),
    "city": ("text", False, "City or town"),
    "latitude": ("latitude", False, "Decimal degrees"),
    "longitude": ("longitude", False, "Decimal degrees"),
    "cost": ("cost", False, "A number; free/percuma/gratis/libre = 0. E.g. 0 or 1500"),
    "cost_currency": ("currency", False, "ISO 4217 code or symbol. E.g. PHP"),
    "start_dates": ("date_list", False, "Dates separated by ; E.g. 2026-04-06; 2026-06-01"),
    "entry_requirements": ("text", False, "Who can join"),
    "seats": ("int", False, "Number of places, a whole number"),
    "childcare": ("bool", False, "yes/no (also ya/tidak, oo/hindi, true/false, 1/0)"),
    "contact": ("text", False, "Who to contact / how to enrol"),
    "status": ("course_status", False, "open or closed"),
}


def fields_of(kind: str, *, input_only: bool = True) -> dict[str, tuple[str, bool, str]]:
    """Canonical fields of a kind: (type, required, help). ``input_only`` adds columns that are
    converted into another field (required_experience_years)."""
    if kind == "vacancy":
        return {**VACANCY_FIELDS, **(VACANCY_INPUT_ONLY if input_only else {})}
    if kind == "course":
        return dict(COURSE_FIELDS)
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


@dataclass
class HeaderMatch:
    header_row: int  # physical row number of the header
    columns: dict[int, str]  # column index (0-based) -> canonical field
    headers: list[str | None]  # the header texts as written
    ignored: list[str]  # headers not mapped
    missing_required: list[str]  # required fields with no column
    how: dict[str, str]  # field -> "exact" | "synonym" | "fuzzy" | "mapping"
    notes: list[str] = field(default_factory=list)  # e.g. why a header was ignored on a clash

    def header_of(self, field_name: str) -> str | None:
        for col, f in self.columns.items():
            if f == field_name:
                return self.headers[col]
        return None


_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PARENS = re.compile(r"[\(\[\{].*?[\)\]\}]")


def normalise_header(text: str | None) -> str:
    """NFKC, casefold, punctuation/underscores/asterisks to spaces, spaces collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _synonym_file() -> dict:
    return json.loads((Path(__file__).with_name("header_synonyms.json")).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _index(kind: str) -> tuple[dict[str, str | None], dict[str, str]]:
    """(normalised synonym -> field or None for deliberately ignored; normalised field name -> field)."""
    fields = fields_of(kind)
    data = _synonym_file()
    index: dict[str, str | None] = {}
    for name, synonyms in data[kind].items():
        if name not in fields:
            raise RuntimeError(f"header_synonyms.json names unknown {kind} field {name!r}")
        for s in synonyms:
            index[normalise_header(s)] = name
    for s in data.get("_ignore", {}).get(kind, []):
        index.setdefault(normalise_header(s), None)
    exact = {normalise_header(name): name for name in fields}
    return index, exact


def _recognise(kind: str, header: str | None) -> tuple[str | None, str | None, float]:
    """(field or None, how, score) for one header text. A deliberately ignored header gives
    (None, "ignored", 100)."""
    norm = normalise_header(header)
    if not norm:
        return None, None, 0
    index, exact = _index(kind)
    variants = [norm]
    bare = normalise_header(_PARENS.sub(" ", unicodedata.normalize("NFKC", header or "")))
    if bare and bare != norm:
        variants.append(bare)  # "Gaji (RM)" -> "gaji"
    for v in variants:
        if v in exact:
            return exact[v], "exact", 100
        if v in index:
            f = index[v]
            return (f, "synonym", 100) if f else (None, "ignored", 100)
    if len(norm) < FUZZY_MIN_LENGTH:
        return None, None, 0
    choices = list(exact) + list(index)
    best = process.extractOne(norm, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_MIN_SCORE)
    if best is None and len(norm) >= 8:
        near = [c for c in choices if abs(len(c) - len(norm)) <= 1 and OSA.distance(norm, c) <= 1]
        if near:
            best = (near[0], 89.0, None)
    if best is None:
        return None, None, 0
    target = best[0]
    f = exact.get(target) or index.get(target)
    return (f, "fuzzy", float(best[1])) if f else (None, "ignored", float(best[1]))


def match_headers(kind: str, table_rows: Sequence[tuple[int, Sequence[str | None]]],
                  mapping: dict[str, str | None] | None = None) -> HeaderMatch:
    """Find the header row among the first 20 non-blank rows and map its columns to fields.

    ``mapping`` ({header text as written -> field}) wins over recognition; a value of None or ""
    means "ignore this column". An unknown field, a header not in the header row, or two headers
    mapped to one field raise ``ValueError``. No plausible header row raises ``FileRejected``.
    """
    fields = fields_of(kind)
    mapping = dict(mapping or {})
    for header, target in mapping.items():
        if target not in (None, "") and target not in fields:
            raise ValueError(f"The mapping sends column {header!r} to {target!r}, which is not a {kind} field; "
                             f"fields are: {', '.join(fields)}")
    targets = [t for t in mapping.values() if t]
    if len(targets) != len(set(targets)):
        dup = next(t for t in targets if targets.count(t) > 1)
        raise ValueError(f"The mapping sends more than one column to {dup!r}")
    rows = [(n, list(cells)) for n, cells in table_rows if any(c not in (None, "") for c in cells)]
    if not rows:
        raise FileRejected("empty", "The file has no data: every row is blank.")
    mapping_keys = {_key(h) for h in mapping}
    best: tuple[int, int] | None = None  # (score, index)
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        recognised = {_recognise(kind, c)[0] for c in cells if c and _key(c) not in mapping_keys} - {None}
        mapped = sum(1 for c in cells if c and _key(c) in mapping_keys)
        score = len(recognised) + mapped
        if (mapped or score >= 2) and (best is None or score > best[0]):
            best = (score, i)
    if best is None:
        raise FileRejected("no_header", "No header row was found in the first 20 rows: a header row needs at least "
                           "two recognised column names such as 'Job Title' and 'Company'. Download the template, "
                           "or give a column mapping.")
    header_row, headers = rows[best[1]]
    return _map_columns(kind, header_row, headers, mapping, fields)


def _key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().casefold()


def _map_columns(kind: str, header_row: int, headers: list[str | None], mapping: dict[str, str | None],
                 fields: dict[str, tuple[str, bool, str]]) -> HeaderMatch:
    by_key: dict[str, list[int]] = {}
    for col, h in enumerate(headers):
        if h:
            by_key.setdefault(_key(h), []).append(col)
    claims: dict[str, tuple[int, float, int]] = {}  # field -> (tier, score, col)
    decided: dict[int, str | None] = {}
    notes: list[str] = []
    for header, target in mapping.items():
        cols = by_key.get(_key(header))
        if not cols:
            raise ValueError(f"The mapping names the column {header!r}, which is not in the header row "
                             f"(row {header_row}: {', '.join(repr(h) for h in headers if h)})")
        for col in cols:
            decided[col] = target or None
        if target:
            claims[target] = (_TIER["mapping"], 100, cols[0])
            for col in cols[1:]:
                decided[col] = None
                notes.append(f"Column {headers[col]!r} repeats a mapped header and was ignored")
    for col, h in enumerate(headers):
        if col in decided or not h:
            continue
        f, how, score = _recognise(kind, h)
        if f is None:
            decided[col] = None
            continue
        rank = (_TIER[how], score, -col)
        if f in claims:
            tier, old_score, old_col = claims[f]
            if (tier, old_score, -old_col) >= rank:
                decided[col] = None
                notes.append(f"Column {h!r} also looks like {f!r}, which column {headers[old_col]!r} gives; ignored")
                continue
            decided[old_col] = None
            notes.append(f"Column {headers[old_col]!r} also looks like {f!r}, which column {h!r} gives "
                         "more clearly; ignored")
        claims[f] = rank[0], score, col
        decided[col] = f
    how_names = {v: k for k, v in _TIER.items()}
    columns = {col: f for col, f in sorted(decided.items()) if f}
    how = {f: how_names[claims[f][0]] for f in columns.values()}
    ignored = [headers[col] for col, f in sorted(decided.items()) if not f and headers[col]]
    required = [f for f, (_, req, _) in fields.items() if req]
    missing = [f for f in required if f not in how]
    return HeaderMatch(header_row=header_row, columns=columns, headers=list(headers), ignored=ignored,
                       missing_required=missing, how=how, notes=notes)


def recognised_fields(kind: str, headers: Iterable[str | None]) -> dict[str, str]:
    """Header -> field for the headers that would be recognised (handy for previews)."""
    out = {}
    for h in headers:
        f, _, _ = _recognise(kind, h)
        if f:
            out[h] = f
    return out
