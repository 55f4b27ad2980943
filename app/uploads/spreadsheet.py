"""Reading an uploaded CSV/TSV or XLSX file into rows of text, safely.

Pure file handling, no database: the upload API calls :func:`read_table` and turns a
:class:`FileRejected` into a 4xx problem. Row numbers are what the user sees in Excel: the
1-based physical row (for CSV, the record number, so a quoted multi-line cell is one row), title
and header rows included. Blank rows are dropped but keep their numbers counted.

Defences, in order: size limit before anything is parsed; format by content (ZIP → XLSX, OLE2 →
old .xls or an encrypted workbook, other binary → refused), cross-checked with the extension;
for XLSX the ZIP directory is inspected (member count, declared sizes, compression ratios) and
every member is inflated through a capped stream to check that the declared sizes are true
before openpyxl opens it; macro-enabled workbooks are refused; rows are counted while reading.
"""
from __future__ import annotations

import csv
import io
import math
import re
import struct
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from xml.etree import ElementTree as ET

MB = 1024 * 1024
MAX_UNCOMPRESSED_TOTAL = 500 * MB  # sum of declared member sizes
MAX_RATIO = 100  # compression ratio allowed for members above RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 * MB
MAX_MEMBERS = 10_000
MAX_XML_PART = 20 * MB  # the small XML parts we read ourselves (workbook, rels, content types)

_STATUS = {"too_large": 413, "too_many_rows": 413, "unsupported_type": 415}
CODES = ("too_large", "too_many_rows", "undecodable", "unsupported_type", "zip_bomb", "macro_enabled",
         "encrypted_or_corrupt", "empty", "no_header")


class FileRejected(Exception):
    """The whole file is refused; ``code`` is machine-readable, ``message`` is for the user."""

    def __init__(self, code: str, message: str):
        if code not in CODES:
            raise ValueError(f"unknown FileRejected code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = _STATUS.get(code, 422)

    def __repr__(self) -> str:
        return f"FileRejected({self.code!r}, {self.message!r})"


@dataclass
class Table:
    format: str  # "csv" | "xlsx"
    encoding: str | None  # CSV only: utf-8, utf-8-sig, utf-16, utf-16-le, utf-16-be, cp1252
    sheet: str | None  # XLSX only: the sheet read
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    delimiter: str | None = None  # CSV only


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_MAGICS = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive", b"{\\rtf": "an RTF document",
}
_SPREADSHEET_EXTS = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".numbers"}
_TEXT_EXTS = {".csv", ".tsv", ".txt", ".tab", ""}
_SAVE_AS = "Open it in Excel (or LibreOffice/Google Sheets) and save it as .xlsx or .csv (CSV UTF-8), then upload that."


def _mb(n: int) -> str:
    return f"{n / MB:.1f}".rstrip("0").rstrip(".")


def read_table(data: bytes, filename: str | None = None, *, max_bytes: int = 50 * MB, max_rows: int = 200_000,
               sheet: str | None = None) -> Table:
    """Read an uploaded CSV/TSV or XLSX file into its non-blank rows of text.

    ``max_rows`` counts non-blank rows after the first one (the first is presumed to be a title or
    the header). ``sheet`` names the XLSX sheet to read; an unknown name raises ``ValueError``.
    """
    kind, ext = _classify(data, filename, max_bytes)
    if kind == "xlsx":
        return _read_xlsx(data, ext, max_rows, sheet)
    return _read_csv(data, max_rows)


def precheck(data: bytes, filename: str | None = None, *, max_bytes: int = 50 * MB) -> str:
    """The cheap whole-file checks, without parsing rows (for answering an upload at once):
    size, type, ZIP bomb, macros, and for text files the encoding. Returns "csv" or "xlsx";
    raises :class:`FileRejected` like :func:`read_table` would."""
    kind, ext = _classify(data, filename, max_bytes)
    if kind == "xlsx":
        _open_xlsx_zip(data, ext).close()
    else:
        text, _ = decode_text(data)
        if not text.strip():
            raise FileRejected("empty", "The file is empty.")
    return kind


def _classify(data: bytes, filename: str | None, max_bytes: int) -> tuple[str, str]:
    """("xlsx" | "csv", extension) by content, cross-checked with the extension; refusals raised."""
    if len(data) > max_bytes:
        raise FileRejected("too_large", f"The file is {_mb(len(data))} MB; the limit is {_mb(max_bytes)} MB. "
                                        "Split it into smaller files.")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRejected("empty", "The file is empty.")
    ext = PurePath(filename).suffix.lower() if filename else ""
    if data.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRejected("encrypted_or_corrupt", "The workbook is password-protected. Remove the password "
                                                       "(File › Info › Protect Workbook) and upload it again.")
        raise FileRejected("unsupported_type", "This is an old Excel 97-2003 (.xls) file, which is not accepted. "
                           + _SAVE_AS)
    if data.startswith(ZIP_MAGICS):
        return "xlsx", ext
    for magic, what in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise FileRejected("unsupported_type", f"The file is {what}, not a spreadsheet. " + _SAVE_AS)
    if ext in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        raise FileRejected("encrypted_or_corrupt", f"The file is named {ext} but is not a valid Excel workbook "
                                                   "(it may be damaged). " + _SAVE_AS)
    if ext in _SPREADSHEET_EXTS:
        raise FileRejected("unsupported_type", f"{ext} files are not accepted. " + _SAVE_AS)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise FileRejected("unsupported_type", "The file is a web page or XML document, not a spreadsheet. " + _SAVE_AS)
    return "csv", ext


def _too_many_rows(max_rows: int) -> FileRejected:
    return FileRejected("too_many_rows", f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}. "
                                         "Split it into smaller files.")


# --------------------------------------------------------------------------------------- CSV

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UNDECODABLE = ("The file's text encoding could not be recognised. In Excel use File › Save As › "
                "“CSV UTF-8 (Comma delimited)” and upload that file.")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, UTF-16 without BOM, strict UTF-8, then plausible cp1252."""
    text, encoding = _decode(data)
    if "\x00" in text:
        raise FileRejected("undecodable", _UNDECODABLE)
    controls = sum(1 for ch in text[:100_000] if ch < " " and ch not in "\t\r\n")
    if controls > max(2, len(text[:100_000]) // 100):
        raise FileRejected("undecodable", "The file does not look like text. " + _UNDECODABLE)
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), "utf-8-sig"
        if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            return data.decode("utf-32"), "utf-32"
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
        guess = _utf16_without_bom(data)
        if guess:
            return data.decode(guess), guess
    except UnicodeDecodeError:
        raise FileRejected("undecodable", _UNDECODABLE) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _CP1252_UNDEFINED.intersection(data):
        raise FileRejected("undecodable", _UNDECODABLE)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise FileRejected("undecodable", _UNDECODABLE) from None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"  # ASCII text: "a\0b\0"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


_DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def sniff_delimiter(sample: str) -> str:
    """The delimiter among , ; tab | : csv.Sniffer when its answer is consistent, else field counts."""
    lines = sample.splitlines()
    if len(sample) >= 65536 and len(lines) > 1:
        sample = "\n".join(lines[:-1])  # drop the probably cut last line
    scores = {d: _consistency(sample, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: scores[d])  # ties: the order above (comma first)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed] >= scores[best] and scores[sniffed] > (0, 0):
        return sniffed
    return best if scores[best] > (0, 0) else ","


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """(records sharing the most common width >1, that width): higher is more likely the delimiter."""
    try:
        widths = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
                  if any(c.strip() for c in r)][:200]
    except csv.Error:
        return (0, 0)
    common = Counter(w for w in widths if w > 1).most_common(1)
    if not common:
        return (0, 0)
    width, count = common[0]
    return (count, width)


def _read_csv(data: bytes, max_rows: int) -> Table:
    text, encoding = decode_text(data)
    if not text.strip():
        raise FileRejected("empty", "The file is empty.")
    first_line, _, rest = text.partition("\n")
    delimiter = None
    m = _SEP_LINE.match(first_line)
    if m and m.group(1) in _DELIMITERS:  # Excel's "sep=;" hint line is not shown as a row in Excel
        delimiter, text = m.group(1), rest
    if delimiter is None:
        delimiter = sniff_delimiter(text[:65536])
    if csv.field_size_limit() < 16 * MB:
        csv.field_size_limit(16 * MB)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)
    rows: list[tuple[int, list[str | None]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [_clean(c) for c in record]
            if any(c is not None for c in cells):
                rows.append((number, cells))
                if len(rows) - 1 > max_rows:
                    raise _too_many_rows(max_rows)
    except csv.Error as exc:  # only NUL bytes / oversized fields get here with strict=False
        raise FileRejected("undecodable", f"The file could not be read as CSV near row {reader.line_num}: {exc}.")
    if not rows:
        raise FileRejected("empty", "The file has no data: every row is blank.")
    return Table(format="csv", encoding=encoding, sheet=None, rows=rows, delimiter=delimiter)


def _clean(value: str) -> str | None:
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1]:
        value = value[1:-1].strip()  # a stray quoted value the reader kept (e.g. after leading spaces)
    return value or None


# -------------------------------------------------------------------------------------- XLSX

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def check_zip(zf: zipfile.ZipFile, raw: bytes) -> None:
    """Refuse ZIP bombs from the directory, then prove the declared sizes with a capped inflate."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise FileRejected("zip_bomb", f"The workbook has {len(infos):,} parts (the limit is {MAX_MEMBERS:,}); "
                                       "it looks like a ZIP bomb, not a spreadsheet.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_TOTAL:
        raise FileRejected("zip_bomb", f"The workbook would unpack to {_mb(total)} MB (the limit is "
                                       f"{_mb(MAX_UNCOMPRESSED_TOTAL)} MB); it looks like a ZIP bomb.")
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRejected("zip_bomb", f"The workbook part {info.filename} is compressed "
                                           f"{info.file_size / max(info.compress_size, 1):,.0f} times; "
                                           "it looks like a ZIP bomb.")
    for info in infos:
        _verify_member_size(raw, info)


def _verify_member_size(raw: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate one member from its raw bytes, never producing more than its declared size + 1 byte,
    so a member whose directory entry under-states its size is caught before any parser reads it."""
    if info.flag_bits & 0x1:
        raise FileRejected("encrypted_or_corrupt", "The workbook is encrypted. Remove the password and upload it again.")
    offset = info.header_offset
    header = raw[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise FileRejected("encrypted_or_corrupt", "The workbook is damaged (bad ZIP entry). " + _SAVE_AS)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_len + extra_len
    compressed = memoryview(raw)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        produced = len(compressed)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        produced, cap, chunk = 0, info.file_size + 1, 1 * MB
        try:
            for pos in range(0, len(compressed), chunk):
                buf = compressed[pos:pos + chunk]
                while buf and produced < cap:
                    out = inflater.decompress(buf, min(chunk, cap - produced))
                    produced += len(out)
                    buf = inflater.unconsumed_tail
                if produced >= cap:
                    break
            if produced < cap:
                produced += len(inflater.flush(cap - produced))
        except zlib.error:
            raise FileRejected("encrypted_or_corrupt", "The workbook is damaged (a part cannot be unpacked). "
                               + _SAVE_AS) from None
    else:
        raise FileRejected("encrypted_or_corrupt", f"The workbook uses an unsupported compression method. {_SAVE_AS}")
    if produced > info.file_size:
        raise FileRejected("zip_bomb", f"The workbook part {info.filename} unpacks to more than its declared size "
                                       f"({info.file_size:,} bytes); it looks like a ZIP bomb.")


def _read_member(zf: zipfile.ZipFile, name: str, cap: int = MAX_XML_PART) -> bytes:
    with zf.open(name) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise FileRejected("zip_bomb", f"The workbook part {name} is larger than {_mb(cap)} MB.")
    return data


def _open_xlsx_zip(data: bytes, ext: str) -> zipfile.ZipFile:
    """Open the ZIP and run the bomb, macro and type checks; the caller closes it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected("encrypted_or_corrupt", "The file looks like a ZIP/Excel file but is damaged. " + _SAVE_AS)
    try:
        names = set(zf.namelist())
        check_zip(zf, data)
        content_types = ""
        if "[Content_Types].xml" in names:
            content_types = _read_member(zf, "[Content_Types].xml").decode("utf-8", "replace")
        if ext in (".xlsm", ".xltm") or any(n.lower().endswith("vbaproject.bin") for n in names) \
                or "macroenabled" in content_types.lower():
            raise FileRejected("macro_enabled", "The workbook contains macros (.xlsm), which are not accepted. "
                                                "Save it as a plain Excel Workbook (.xlsx) or as CSV UTF-8.")
        if "xl/workbook.bin" in names or ext == ".xlsb":
            raise FileRejected("unsupported_type", "Excel binary workbooks (.xlsb) are not accepted. " + _SAVE_AS)
        if "mimetype" in names or ext in (".ods", ".numbers"):
            raise FileRejected("unsupported_type", "OpenDocument/Numbers spreadsheets are not accepted. " + _SAVE_AS)
        if "xl/workbook.xml" not in names:
            raise FileRejected("unsupported_type", "The ZIP file is not an Excel workbook. " + _SAVE_AS)
    except BaseException:
        zf.close()
        raise
    return zf


def _read_xlsx(data: bytes, ext: str, max_rows: int, sheet: str | None) -> Table:
    with _open_xlsx_zip(data, ext) as zf:
        return _load_rows(zf, data, _sheet_parts(zf), max_rows, sheet)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part path inside the zip, from workbook.xml and its rels."""
    try:
        workbook = ET.fromstring(_read_member(zf, "xl/workbook.xml"))
        rels = ET.fromstring(_read_member(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {}
    for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts: list[str] = []
        for piece in target.split("/"):  # resolve "../"
            if piece == "..":
                parts and parts.pop()
            elif piece and piece != ".":
                parts.append(piece)
        targets[rel.get("Id")] = "/".join(parts)
    out = {}
    for s in workbook.iter(f"{{{_NS_MAIN}}}sheet"):
        rid = s.get(f"{{{_NS_REL}}}id")
        if rid in targets:
            out[s.get("name")] = targets[rid]
    return out


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}\d+)(?::([A-Za-z]{1,3}\d+))?\"")


def merged_ranges(zf: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col), 1-based, of the sheet's merged cells, streamed from its XML
    (openpyxl's read-only mode does not expose them)."""
    found: set[tuple[int, int, int, int]] = set()
    tail = b""
    try:
        with zf.open(part) as f:
            while chunk := f.read(1 * MB):
                buf = tail + chunk
                last = 0
                for m in _MERGE.finditer(buf):
                    a = _cell_ref(m.group(1))
                    b = _cell_ref(m.group(2)) if m.group(2) else a
                    found.add((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
                    last = m.end()
                tail = buf[max(last, len(buf) - 300):]
    except KeyError:
        return []
    return sorted(found)


def _cell_ref(ref: bytes) -> tuple[int, int]:
    m = re.match(rb"([A-Za-z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
    return int(m.group(2)), col


def _load_rows(zf: zipfile.ZipFile, data: bytes, sheet_parts: dict[str, str], max_rows: int,
               sheet: str | None) -> Table:
    import openpyxl  # imported here: CSV-only callers do not pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise FileRejected("encrypted_or_corrupt", f"The workbook could not be opened ({type(exc).__name__}). "
                           + _SAVE_AS) from None
    try:
        names = [ws.title for ws in wb.worksheets]
        if sheet is not None:
            if sheet not in names:
                raise ValueError(f"The workbook has no sheet named {sheet!r}; its sheets are: "
                                 + ", ".join(repr(n) for n in names))
            candidates = [sheet]
        else:
            candidates = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
        for name in candidates:
            rows = _sheet_rows(wb[name], max_rows)
            if rows or sheet is not None:
                break
        else:
            raise FileRejected("empty", "The workbook has no visible sheet with data.")
        if not rows:
            raise FileRejected("empty", f"The sheet {sheet!r} is empty.")
    except (FileRejected, ValueError):
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a damaged workbook
        raise FileRejected("encrypted_or_corrupt", f"The workbook could not be read ({type(exc).__name__}). "
                           + _SAVE_AS) from None
    finally:
        wb.close()
    part = sheet_parts.get(name)
    if part:
        _fill_merged(rows, merged_ranges(zf, part))
    return Table(format="xlsx", encoding=None, sheet=name, rows=rows)


def _sheet_rows(ws, max_rows: int) -> list[tuple[int, list[str | None]]]:
    ws.reset_dimensions()  # trust the cells, not the (often wrong) <dimension> element
    rows = []
    for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            rows.append((number, cells))
            if len(rows) - 1 > max_rows:
                raise _too_many_rows(max_rows)
    return rows


def _fill_merged(rows: list[tuple[int, list[str | None]]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the top-left value, in rows that have data of their own
    (a row that is blank apart from being covered by a merge stays dropped)."""
    if not ranges:
        return
    by_number = {n: cells for n, cells in rows}
    for r1, c1, r2, c2 in ranges:
        top = by_number.get(r1)
        value = top[c1 - 1] if top is not None and c1 - 1 < len(top) else None
        if value is None:
            continue
        c2 = min(c2, c1 + 16383)
        for r in range(r1, r2 + 1):
            cells = by_number.get(r)
            if cells is None:
                continue
            if len(cells) < c2:
                cells.extend([None] * (c2 - len(cells)))
            for c in range(c1, c2 + 1):
                if cells[c - 1] is None:
                    cells[c - 1] = value


def cell_text(value: object) -> str | None:
    """An openpyxl value as text: ISO dates, ints without ".0", shortest float repr, TRUE/FALSE."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip() or None
