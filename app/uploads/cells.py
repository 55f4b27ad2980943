"""Reading the text of one row's cells into typed values for the canonical fields.

Every conversion either gives a value or a :class:`CellProblem` naming the physical row, the
column header as written, the field and what was expected; a cell that cannot be read is left
out of the row's values (never guessed). Words are data-driven: ``cell_vocab.json``.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import pycountry

from app.uploads.columns import HeaderMatch, fields_of

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (20_000, 80_000)  # Excel serials accepted as dates: 1954-10-03 .. 2119-01-10
MAX_EXPERIENCE_MONTHS = 600
_EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                 "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
_TEXT_LIMITS = {"external_id": 100, "title": 300, "description": 20_000, "employer": 300, "provider": 300,
                "provider_accreditation": 300, "region": 200, "city": 200, "contact": 300,
                "entry_requirements": 2000, "framework": 20, "framework_level": 10}
_LIST_LIMITS = {"required_skills": 60, "required_certificates": 20, "languages": 10, "target_isco": 20,
                "skills_taught": 60, "start_dates": 50}
_ITEM_LIMIT = 200
DATE_EXAMPLE = "expected e.g. 2026-03-14 or 14/03/2026"


@dataclass
class CellProblem:
    row: int
    column: str | None
    field: str
    problem: str
    value: str | None


class _Bad(ValueError):
    """A cell that cannot be read; the message is the problem text."""


# ------------------------------------------------------------------------------ vocabulary

def norm(text: str) -> str:
    """NFKC, casefold, punctuation (but not + or digits) to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s+]|_", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def vocab() -> dict:
    return json.loads(Path(__file__).with_name("cell_vocab.json").read_text(encoding="utf-8"))


@cache
def _lookup(section: str) -> dict[str, str]:
    """Normalised word -> canonical token for an enum-like section ({token: [words]})."""
    out = {}
    for token, words in vocab()[section].items():
        out[norm(token)] = token
        for w in words:
            out.setdefault(norm(w), token)
    return out


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    return {norm(w): int(m) for m, words in vocab()["months"].items() for w in words}


@cache
def _phrase_regex(words: tuple[str, ...]) -> re.Pattern:
    alts = sorted({norm(w) for w in words if norm(w)}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")


@cache
def _section_regex(section: str) -> re.Pattern:
    return _phrase_regex(tuple(vocab()[section]))


@cache
def _lookup_regex(section: str) -> re.Pattern:
    return _phrase_regex(tuple(_lookup(section)))


def _enum(section: str, value: str, accepted: str) -> str:
    table = _lookup(section)
    n = norm(value)
    if n in table:
        return table[n]
    for part in re.split(r"[,;/|()\[\]]+", value):
        p = norm(part)
        if p in table:
            return table[p]
    m = _lookup_regex(section).search(n)
    if m:
        return table[m.group(0)]
    raise _Bad(f"not recognised: expected one of {accepted}")


# --------------------------------------------------------------------------------- numbers

_GROUPED = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?!\d)"
_PLAIN = r"\d+(?:[.,]\d+)?"
_NUMBER = re.compile(rf"(?:{_GROUPED}|{_PLAIN})")


def number_value(token: str, *, money: bool) -> float:
    """A number as written with thousands/decimal separators: 1,500 / 1.500.000 / 1.800.000,50 /
    1,500.50 / 1 500 / 1,5. A single dot before exactly 3 digits is a thousands dot for money
    (Rp 1.500) and a decimal point otherwise (3.139)."""
    t = token.replace("\u00a0", " ").replace("\u202f", " ").replace(" ", "")
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        thou = "." if dec == "," else ","
        t = t.replace(thou, "").replace(dec, ".")
    elif "," in t:
        parts = t.split(",")
        if len(parts) > 2 or len(parts[1]) == 3:
            t = t.replace(",", "")
        else:
            t = t.replace(",", ".")
    elif "." in t:
        parts = t.split(".")
        if len(parts) > 2 or (money and len(parts[1]) == 3):
            t = t.replace(".", "")
    return float(t)


def _num(value: str, *, money: bool = False) -> float:
    v = value.strip()
    sign = 1
    if v[:1] in "-−":
        sign, v = -1, v[1:].strip()
    m = re.fullmatch(rf"[+]?\s*({_GROUPED}|{_PLAIN})", v)
    if not m:
        m = re.fullmatch(r"[+]?(\d+(?:\.\d+)?[eE][+-]?\d+)", v)  # 1.5E+06 from Excel
        if m:
            return sign * float(m.group(1))
        raise _Bad("not a number")
    return sign * number_value(m.group(1), money=money)


def _int(value: str, minimum: int = 0, words: tuple[str, ...] = ()) -> int:
    v = value.strip()
    if words:
        v = re.sub(r"(?i)\s*(?:" + "|".join(words) + r")\.?\s*$", "", v)
    try:
        n = _num(v)
    except _Bad:
        raise _Bad("not a whole number") from None
    if n != int(n):
        raise _Bad("not a whole number")
    if n < minimum:
        raise _Bad(f"must be at least {minimum}")
    if n > 100_000:
        raise _Bad("too large (at most 100000)")
    return int(n)


def _clean_number(n: float) -> int | float:
    return int(n) if float(n).is_integer() else round(n, 6)


# -------------------------------------------------------------------------------- currency

@lru_cache(maxsize=1)
def _iso_currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=1)
def _currency_words() -> dict[str, str]:
    return {w.casefold(): code for code, words in vocab()["currencies"].items() for w in words}


def _currency(value: str) -> str:
    v = value.strip()
    code = _currency_words().get(v.casefold()) or _currency_words().get(norm(v))
    if code:
        return code
    if re.fullmatch(r"[A-Za-z]{3}", v) and v.upper() in _iso_currencies():
        return v.upper()
    if v == "$":
        return "USD"
    raise _Bad("not a currency: expected an ISO 4217 code such as MYR, IDR, PHP, SAR")


_SYMBOLS = re.compile(r"(?:nt|hk|us|sg|s|b)?\$|[₱₹฿₫€£¥₩৳]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _currency_word_regex() -> re.Pattern:
    words = sorted((w for w in _currency_words() if w[0].isalpha()), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z])", re.IGNORECASE)


def find_currency(text: str) -> str | None:
    """The currency named in free text: a symbol, a word (RM, Rp, peso) or an upper-case ISO code."""
    m = _SYMBOLS.search(text)
    if m:
        return _currency(m.group(0))
    m = _currency_word_regex().search(text.casefold())
    if m:
        return _currency_words()[m.group(0)]
    for code in re.findall(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", text):
        if code in _iso_currencies():
            return code
    return None


def header_currency(header: str | None) -> str | None:
    """A currency written in the header, as in "Gaji (RM)" or "Salary (PHP)"."""
    if not header:
        return None
    for inner in re.findall(r"[\(\[]([^\)\]]{1,12})[\)\]]", header):
        try:
            return _currency(inner)
        except _Bad:
            try:
                found = find_currency(inner)
            except _Bad:
                found = None
            if found:
                return found
    return None


# ------------------------------------------------------------------------------------- pay

_MULT_WORDS = sorted(vocab()["number_multipliers"], key=len, reverse=True)
_AMOUNT = re.compile(rf"({_GROUPED}|{_PLAIN})(?:\s*({'|'.join(re.escape(w) for w in _MULT_WORDS)})(?![a-z]))?",
                     re.IGNORECASE)


@lru_cache(maxsize=1)
def _range_separators() -> frozenset[str]:
    return frozenset(s.casefold() for s in vocab()["range_separators"])


@cache
def _types(kind: str) -> dict[str, tuple[str, bool, str]]:
    return fields_of(kind)


def parse_pay(text: str, currency_hint: str | None = None) -> dict[str, object]:
    """Free pay text into pay_min/pay_max/pay_currency/pay_period. Empty dict for "Not disclosed"."""
    n = norm(text)
    if not re.search(r"\d", text):
        if n in _lookup_set("not_disclosed") or _section_regex("not_disclosed").search(n):
            return {}
        raise _Bad("no amount found: expected e.g. 'RM 1,500 - 2,000 per month' or 'Not disclosed'")
    t = unicodedata.normalize("NFKC", text)
    amounts = []
    for m in _AMOUNT.finditer(t):
        mult = (m.group(2) or "").casefold()
        value = number_value(m.group(1), money=not mult or mult in ("k", "rb", "ribu"))
        amounts.append([value, vocab()["number_multipliers"].get(mult, 1), m.start(), m.end(), mult])
    if not amounts:
        raise _Bad("no amount found")
    first = amounts[0]
    rng = None
    if len(amounts) >= 2:
        between = t[first[3]:amounts[1][2]].casefold()
        between = _SYMBOLS.sub(" ", between)
        between = _currency_word_regex().sub(" ", between)
        between = re.sub(r"[\s.:]+", " ", between).strip()
        if between in _range_separators():
            rng = amounts[1]
    if rng is not None and first[1] == 1 and rng[1] != 1:
        first[1] = rng[1]  # "3-5 LPA", "Rp 4-5 juta", "18-20k"
    lo = first[0] * first[1]
    hi = rng[0] * rng[1] if rng is not None else None
    out: dict[str, object] = {}
    words = norm(t)
    if hi is None:
        prefix = norm(t[:first[2]])
        if _section_regex("pay_max_words").search(prefix):
            out["pay_max"] = _clean_number(lo)
        elif _section_regex("pay_min_words").search(prefix):
            out["pay_min"] = _clean_number(lo)
        else:
            out["pay_min"] = out["pay_max"] = _clean_number(lo)
    else:
        lo, hi = min(lo, hi), max(lo, hi)
        out["pay_min"], out["pay_max"] = _clean_number(lo), _clean_number(hi)
    currency = find_currency(t) or currency_hint
    if currency:
        out["pay_currency"] = currency
    if re.search(r"(?<![a-z])lpa(?![a-z])", words):
        out["pay_period"] = "year"
    else:
        period = _period_in(words)
        if period:
            out["pay_period"] = period
    return out


@cache
def _lookup_set(section: str) -> frozenset[str]:
    return frozenset(norm(w) for w in vocab()[section])


def _period_in(words: str) -> str | None:
    best = None
    for period in vocab()["pay_periods"]:
        m = _period_regex(period).search(words)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), period)
    return best[1] if best else None


@cache
def _period_words(period: str) -> frozenset[str]:
    return frozenset(norm(p) for p in vocab()["pay_periods"][period])


@cache
def _period_regex(period: str) -> re.Pattern:
    return _phrase_regex(tuple(vocab()["pay_periods"][period]))


def _pay_period(value: str) -> str:
    n = norm(value)
    for period in vocab()["pay_periods"]:
        if n == period or n in _period_words(period):
            return period
    found = _period_in(n)
    if found:
        return found
    raise _Bad("not a pay period: expected hour, day, week, month or year")


# ----------------------------------------------------------------------------------- dates

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?)?$", re.IGNORECASE)


def parse_date(value: str, *, dayfirst: bool = True) -> date:
    v = unicodedata.normalize("NFKC", value).strip()
    m = _ISO.match(v)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)), v)
    m = _DMY.match(v)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if dayfirst:
            day, month = (a, b) if not (b > 12 and a <= 12) else (b, a)
        else:
            month, day = (a, b) if not (a > 12 and b <= 12) else (b, a)
        return _mk(y, month, day, v)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", v):
        serial = int(float(v))
        if SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + timedelta(days=serial)
        raise _Bad(f"not a date: {v} is outside the Excel date serials accepted; {DATE_EXAMPLE}")
    n = norm(v)
    if _section_regex("relative_date_words").search(n):
        raise _Bad(f"relative date: it has no anchor date, so it cannot be stored; enter the actual date, {DATE_EXAMPLE}")
    return _textual_date(n, v)


@lru_cache(maxsize=1)
def _date_filler() -> frozenset[str]:
    return frozenset(vocab()["date_filler_words"]) | {norm(w) for w in vocab()["weekdays"]}


def _textual_date(n: str, original: str) -> date:
    """14 March 2024, 14-Mar-2024, March 14, 2024, 14 Maret 2024, ika-14 ng Marso 2024, Kamis 14 Mac 2024."""
    filler = _date_filler()
    tokens = []
    for tok in n.split():
        tok = re.sub(r"^(\d{1,2})(?:st|nd|rd|th|hb)$", r"\1", tok)
        if tok in filler:
            continue
        tokens.append(tok)
    months = _months()
    month_idx = [i for i, t in enumerate(tokens) if t in months]
    nums = [t for t in tokens if t.isdigit()]
    others = [t for t in tokens if not t.isdigit() and t not in months]
    if len(month_idx) != 1 or len(nums) != 2 or others:
        raise _Bad(f"not a date: {DATE_EXAMPLE}")
    month = months[tokens[month_idx[0]]]
    a, b = nums
    if len(a) == 4:
        year, day = int(a), int(b)
    elif len(b) in (2, 4):
        day, year = int(a), _year(b)
    else:
        raise _Bad(f"not a date: {DATE_EXAMPLE}")
    return _mk(year, month, day, original)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _mk(y: int, m: int, d: int, original: str) -> date:
    try:
        out = date(y, m, d)
    except ValueError:
        raise _Bad(f"not a date: there is no day {d:02d} in month {m:02d} of {y}; {DATE_EXAMPLE}") from None
    if not 1900 <= out.year <= 2200:
        raise _Bad(f"not a date: year {out.year} is out of range; {DATE_EXAMPLE}")
    return out


# ----------------------------------------------------------------------- experience, education

_EXP_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|—|~|to|hingga|sampai|hanggang|ke)\s*(\d+(?:[.,]\d+)?))?\s*\+?\s*([a-z]+)?")


@lru_cache(maxsize=1)
def _exp_units() -> dict[str, int]:
    return {norm(w): int(k) for k, words in vocab()["experience_units"].items() for w in words}


def parse_experience(value: str, default_unit: int = 12) -> int:
    """Months of experience from "5 - 8 years" (the minimum, 60), "2 tahun", "6 months",
    "minimal 1 tahun", "1 year 6 months", "Fresh Graduate" (0). A bare number is in
    ``default_unit`` months (12 unless the header says months)."""
    n = norm(value).replace("–", "-")
    n_dash = unicodedata.normalize("NFKC", value).casefold().replace("–", "-").replace("—", "-")
    if n in _lookup_set("experience_none") or (
            not re.search(r"[1-9]", n) and _section_regex("experience_none").search(n)):
        return 0
    units = _exp_units()
    total = 0.0
    found = False
    for m in _EXP_RANGE.finditer(n_dash):
        low = float(m.group(1).replace(",", "."))
        unit_word = m.group(3)
        unit = units.get(unit_word) if unit_word else None
        if unit_word and unit is None:
            if unit_word in ("na",) or unit_word.startswith(("year", "tahun", "taon")):
                unit = 12
            elif unit_word.startswith(("month", "bulan", "buwan")):
                unit = 1
            elif unit_word in ("day", "days", "hari", "week", "weeks", "minggu", "hours", "jam"):
                raise _Bad("experience must be in months or years")
        total += low * (unit or default_unit)
        found = True
    if not found:
        if _section_regex("experience_none").search(n):
            return 0
        raise _Bad("not an experience length: expected e.g. '2 years', '6 bulan', '5 - 8 years' or 'Fresh graduate'")
    months = round(total)
    if months > MAX_EXPERIENCE_MONTHS:
        raise _Bad(f"experience of {months} months is more than {MAX_EXPERIENCE_MONTHS} (50 years)")
    return months


@lru_cache(maxsize=1)
def _education_table() -> dict[str, int | None]:
    return {norm(k): v for k, v in vocab()["education"].items()}


def parse_education(value: str) -> int | None:
    """ISCED 2011 level 0-8 from a digit or words (SPM, SMA/SMK, D3, S1, bachelor, high school…).
    None (no problem) for words that are recognised but are not an education level (NC II)."""
    n = norm(value)
    if re.fullmatch(r"(?:isced\s*)?[0-8]", n):
        return int(n[-1])
    table = _education_table()
    if n in table:
        return table[n]
    found = [mm.group(0) for mm in _phrase_regex(tuple(table)).finditer(n)]  # lru-cached pattern
    if found:
        # the longest recognised phrase anywhere, e.g. "Minimal SMA/SMK sederajat" -> 3
        best = max(found, key=len)
        return table[best]
    raise _Bad("not an education level: expected ISCED 0-8 or e.g. SPM, SMA/SMK, high school, diploma, D3, S1, bachelor")


# ------------------------------------------------------------------------------ lists etc.

_LIST_SPLIT = re.compile(r"[;|\n•·▪●◦]+")
_LIST_SPLIT_COMMA = re.compile(r"[;|\n•·▪●◦,]+")


def split_list(value: str, *, commas: bool = False) -> list[str]:
    out, seen = [], set()
    for part in (_LIST_SPLIT_COMMA if commas else _LIST_SPLIT).split(value):
        part = re.sub(r"^\s*(?:[-*–]|\d{1,2}[.)])\s+", "", part).strip().strip("-*").strip()
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            out.append(part)
    return out


@lru_cache(maxsize=1)
def _language_codes() -> tuple[frozenset[str], dict[str, str]]:
    codes, names = set(), {}
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        codes.add(lang.alpha_3)
        if hasattr(lang, "alpha_2"):
            codes.add(lang.alpha_2)
        names[lang.name.casefold()] = code
    return frozenset(codes), names


def _language(item: str) -> str:
    base = re.sub(r"\(.*?\)", " ", item)
    base = re.split(r"\s+[-–:]\s+", base)[0]
    n = norm(base)
    for suffix in (" fluent", " basic", " conversational", " native", " intermediate", " advanced", " lancar", " asas"):
        if n.endswith(suffix):
            n = n[: -len(suffix)].strip()
    table = _lookup("languages")
    if n in table:
        return table[n]
    codes, names = _language_codes()
    if n in codes and len(n) in (2, 3):
        return n
    if n in names:
        return names[n]
    raise _Bad(f"not a language: {item!r}; use ISO 639 codes (ms, id, tl, en) or names")


def _country(value: str) -> str:
    n = norm(value)
    table = _lookup("countries")
    if n in table:
        return table[n]
    v = value.strip()
    try:
        if len(v) == 2:
            return pycountry.countries.get(alpha_2=v.upper()).alpha_2
        if len(v) == 3:
            return pycountry.countries.get(alpha_3=v.upper()).alpha_2
        return pycountry.countries.lookup(v).alpha_2
    except (LookupError, AttributeError):
        raise _Bad("not a country: expected an ISO 3166 code (MY, ID, PH) or a country name") from None


def _isic(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip()
    m = re.match(r"^(?:section\s+|seksyen\s+|seksi\s+)?([A-Ua-u])(?:\s*[-–:.)]|\s*$)", v, re.IGNORECASE)
    if m and (len(v) == 1 or not v[:2].isalpha() or v.lower().startswith(("section", "seksyen", "seksi"))):
        return m.group(1).upper()
    m = re.match(r"^(\d{2,4})(?!\d)", v)
    if m:
        return m.group(1)
    try:
        return _enum("isic_sections", v, "an ISIC Rev.4 section letter A–U, a 2–4 digit code or a sector name")
    except _Bad:
        raise _Bad("not an ISIC Rev.4 sector: expected a section letter A–U (e.g. F), a 2–4 digit code, "
                   "or a sector name such as Construction") from None


def _isco(value: str) -> str:
    m = re.match(r"^\s*(\d{4})(?:\.0+)?(?!\d)", value)
    if not m:
        raise _Bad("not an ISCO-08 unit group: expected 4 digits, e.g. 7212")
    return m.group(1)


def _hours(value: str) -> float:
    v = unicodedata.normalize("NFKC", value).strip().casefold()
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|jam|oras|na oras)?\.?", v)
    if not m:
        raise _Bad("hours: expected a number of hours, e.g. 120 or '120 hours' / '120 jam' / '120 oras' "
                   "(days, weeks and months are not converted)")
    hours = number_value(m.group(1), money=False)
    if not 0 < hours <= 10_000:
        raise _Bad("hours must be more than 0 and at most 10000")
    return _clean_number(hours)


def _schedule(value: str) -> list[str]:
    table = _lookup("schedule")
    n = norm(value)
    if n in table:
        return [table[n]]
    out = []
    for part in re.split(r"[,;/|&+\n]+|\s+(?:and|dan|at|or|atau|o)\s+", unicodedata.normalize("NFKC", value)):
        p = norm(part)
        if not p:
            continue
        if p not in table:
            raise _Bad(f"not a schedule: {part.strip()!r}; expected weekday, evening, weekend or flexible")
        if table[p] not in out:
            out.append(table[p])
    order = list(vocab()["schedule"])
    return sorted(out, key=order.index)


@lru_cache(maxsize=1)
def _bool_words() -> dict[str, bool]:
    return {norm(w) or w: result == "true" for result, words in vocab()["booleans"].items() for w in words}


def _bool(value: str) -> bool:
    n = norm(value) or value.strip()
    if n in _bool_words():
        return _bool_words()[n]
    raise _Bad("not yes/no: expected yes/no, ya/tidak, oo/hindi, true/false or 1/0")


def _cost(value: str) -> tuple[float, str | None]:
    n = norm(value)
    if n in _lookup_set("free") or (not re.search(r"\d", n) and _section_regex("free").search(n)):
        return 0, None
    currency = find_currency(value)
    rest = _SYMBOLS.sub(" ", unicodedata.normalize("NFKC", value))
    rest = _currency_word_regex().sub(" ", rest).strip()
    rest = re.sub(r"(?i)\s*(?:per\s+(?:person|pax|orang|tao|participant|peserta)|/\s*(?:pax|orang|tao))$", "", rest)
    try:
        amount = _num(rest, money=True)
    except _Bad:
        raise _Bad("not a cost: expected a number such as 1500 or 'PHP 1,500', or 'free'") from None
    return _clean_number(amount), currency


# ------------------------------------------------------------------------------- the row

_AMBIGUOUS_RUPEE = re.compile(r"\brs\b\.?|\brupees?\b", re.IGNORECASE)
_INDIAN_RUPEE = re.compile(r"₹|\binr\b|\blpa\b|\blakhs?\b", re.IGNORECASE)
_RUPEE_BY_COUNTRY = {"IN": "INR", "LK": "LKR", "PK": "PKR", "NP": "NPR", "MU": "MUR", "SC": "SCR"}


def convert_row(kind: str, match: HeaderMatch, row_number: int, cells: list[str | None], *,
                dayfirst: bool = True) -> tuple[dict[str, object], list[CellProblem]]:
    """Typed values for the row's non-empty mapped cells, and the cells that could not be read."""
    types = _types(kind)
    values: dict[str, object] = {}
    problems: list[CellProblem] = []
    derived: dict[str, object] = {}  # from pay text / currency in an amount; own columns win
    pay_text: tuple[str, str | None, int] | None = None

    for col, field in match.columns.items():
        raw = cells[col] if col < len(cells) else None
        if raw is None or not str(raw).strip():
            continue
        raw = str(raw).strip()
        header = match.headers[col] if col < len(match.headers) else None
        if raw in _EXCEL_ERRORS:
            problems.append(CellProblem(row_number, header, field, f"Excel error value {raw}: fix the formula "
                                        "or type the value", raw))
            continue
        kind_of = types[field][0]
        try:
            if field == "pay":
                values["pay"] = raw
                pay_text = (raw, header, col)
                continue
            value = _convert(kind_of, field, raw, header, dayfirst, derived)
        except _Skip:
            continue
        except _Bad as exc:
            problems.append(CellProblem(row_number, header, field, str(exc), raw))
            continue
        except (ValueError, OverflowError, LookupError):
            problems.append(CellProblem(row_number, header, field, "could not be read", raw))
            continue
        if isinstance(value, tuple) and value and value[0] == "__items__":  # list with per-item problems
            _, items, bad = value
            for item, message in bad:
                problems.append(CellProblem(row_number, header, field, message, item))
            if not items:
                continue
            value = items
        if field == "required_experience_years":
            field = "required_experience_months"
            if field in values:
                continue
        values[field] = value

    if pay_text is not None:
        raw, header, col = pay_text
        try:
            parsed = parse_pay(raw, header_currency(header))
        except _Bad as exc:
            problems.append(CellProblem(row_number, header, "pay", str(exc), raw))
        else:
            if parsed.get("pay_currency") == "INR" and _AMBIGUOUS_RUPEE.search(raw) and not _INDIAN_RUPEE.search(raw):
                # "Rs." is written in India, Sri Lanka, Pakistan and Nepal: the row's country decides
                parsed.pop("pay_currency")
                if rupee := _RUPEE_BY_COUNTRY.get(str(values.get("country") or "")):
                    parsed["pay_currency"] = rupee
            if ("pay_min" in parsed or "pay_max" in parsed) and not (
                    parsed.get("pay_currency") or values.get("pay_currency") or derived.get("pay_currency")):
                problems.append(CellProblem(row_number, header, "pay", "no currency: write it in the cell "
                                            "(e.g. 'RM 1,500') or fill the pay_currency column", raw))
                parsed = {k: v for k, v in parsed.items() if k not in ("pay_min", "pay_max")}
            for k, v in parsed.items():
                derived.setdefault(k, v)
    for k, v in derived.items():
        values.setdefault(k, v)
    if "pay_min" in values and "pay_max" in values and values["pay_max"] < values["pay_min"]:
        problems.append(CellProblem(row_number, match.header_of("pay_max") or match.header_of("pay"), "pay_max",
                                    "pay_max is below pay_min", str(values["pay_max"])))
    return values, problems


def _items(parts: list[str], convert) -> object:
    ok, bad = [], []
    for p in parts:
        try:
            v = convert(p)
        except _Bad as exc:
            bad.append((p, str(exc)))
            continue
        if v not in ok:
            ok.append(v)
    return ("__items__", ok, bad) if bad else ok


def _convert(kind_of: str, field: str, raw: str, header: str | None, dayfirst: bool,
             derived: dict[str, object]) -> object:
    if kind_of in ("text", "short_text"):
        text = raw if field == "description" else re.sub(r"[ \t]+", " ", raw)
        limit = _TEXT_LIMITS.get(field)
        if limit and len(text) > limit:
            raise _Bad(f"too long: {len(text)} characters, at most {limit}")
        return text
    if kind_of in ("list", "list_comma"):
        items = split_list(raw, commas=kind_of == "list_comma")
        return _limit_list(field, [i[:_ITEM_LIMIT] for i in items])
    if kind_of == "languages":
        return _limit_list(field, _items(split_list(re.sub(r"\s+(?:and|dan|at|&)\s+", ",", raw), commas=True),
                                         _language))
    if kind_of == "isco_list":
        parts = [p for p in re.split(r"[;,|/\s]+", raw) if p]
        return _limit_list(field, _items(parts, _isco))
    if kind_of == "date_list":
        parts = []
        for p in split_list(raw):
            pieces = [x.strip() for x in p.split(",") if x.strip()]
            i = 0
            while i < len(pieces):  # "March 14, 2026, April 20, 2026": re-join "March 14" + "2026"
                if i + 1 < len(pieces) and not _parses(pieces[i], dayfirst) \
                        and _parses(f"{pieces[i]}, {pieces[i + 1]}", dayfirst):
                    parts.append(f"{pieces[i]}, {pieces[i + 1]}")
                    i += 2
                else:
                    parts.append(pieces[i])
                    i += 1
        return _limit_list(field, _items(parts, lambda p: parse_date(p, dayfirst=dayfirst)))
    if kind_of == "date":
        return parse_date(raw, dayfirst=dayfirst)
    if kind_of == "isic":
        return _isic(raw)
    if kind_of == "isco":
        return _isco(raw)
    if kind_of == "experience":
        hint = norm(header or "")
        unit = 1 if re.search(r"month|bulan|buwan", hint) else 12
        return parse_experience(raw, default_unit=unit)
    if kind_of == "experience_years":
        return parse_experience(raw, default_unit=12)
    if kind_of == "education":
        value = parse_education(raw)
        if value is None:
            raise _Skip
        return value
    if kind_of == "country":
        return _country(raw)
    if kind_of in ("latitude", "longitude"):
        text = raw.replace("°", "").strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # coordinates have no thousands: "3,139" is 3.139
        v = _num(text, money=False)
        limit = 90 if kind_of == "latitude" else 180
        if not -limit <= v <= limit:
            raise _Bad(f"{kind_of} must be between -{limit} and {limit}")
        return v
    if kind_of == "positive_int":
        return _int(raw, 1, ("orang", "pax", "positions?", "vacanc(?:y|ies)", "kekosongan", "jawatan", "tao",
                             "slots?", "openings?", "persons?", "people", "pekerja"))
    if kind_of == "int":
        return _int(raw, 0, ("orang", "pax", "seats?", "places?", "slots?", "tempat", "peserta", "tao",
                             "participants?"))
    if kind_of == "money":
        currency = find_currency(raw)
        stripped = _SYMBOLS.sub(" ", raw)
        stripped = _currency_word_regex().sub(" ", stripped)
        amount = _num(stripped, money=True)
        if amount < 0:
            raise _Bad("must not be negative")
        currency = currency or header_currency(header)
        if currency:
            derived.setdefault("pay_currency", currency)
        return _clean_number(amount)
    if kind_of == "currency":
        return _currency(raw)
    if kind_of == "pay_period":
        return _pay_period(raw)
    if kind_of == "employment_type":
        return _enum("employment_type", raw, "full_time, part_time, contract, temporary, seasonal, "
                     "apprenticeship, internship")
    if kind_of == "vacancy_status":
        return _enum("vacancy_status", raw, "open, closed, filled")
    if kind_of == "course_status":
        return _enum("course_status", raw, "open, closed")
    if kind_of == "course_kind":
        return _enum("course_kind", raw, ", ".join(vocab()["course_kind"]))
    if kind_of == "mode":
        return _enum("mode", raw, "in_person, online, blended")
    if kind_of == "schedule":
        return _schedule(raw)
    if kind_of == "hours":
        return _hours(raw)
    if kind_of == "cost":
        amount, currency = _cost(raw)
        currency = currency or header_currency(header)
        if currency:
            derived.setdefault("cost_currency", currency)
        return amount
    if kind_of == "bool":
        return _bool(raw)
    raise RuntimeError(f"no converter for {kind_of}")


def _parses(text: str, dayfirst: bool) -> bool:
    try:
        parse_date(text, dayfirst=dayfirst)
    except _Bad:
        return False
    return True


def _limit_list(field: str, value: object) -> object:
    items = value[1] if isinstance(value, tuple) else value
    limit = _LIST_LIMITS.get(field)
    if limit and len(items) > limit:
        raise _Bad(f"too many items: {len(items)}, at most {limit}")
    return value


class _Skip(Exception):
    """A recognised value that stores nothing (e.g. education 'NC II')."""
