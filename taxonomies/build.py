"""Build ``taxonomies/data`` from the source data: ``python -m taxonomies.build [--shared DIR]``.

DIR (default: ``../shared`` next to the repository) holds ``data/isco08`` (ILO),
``data/esco-v1.1.1`` (European Commission) and ``seeds/002_b954fc8ec7818926.txt`` (the ILO
return-migration questionnaire, used to check the hand-written classification tables below
against the lines they cite). Output is deterministic gzip-compressed JSON (sorted keys, no
timestamp), so a rebuild from the same sources is byte-identical; MANIFEST.json records the
sha256 of every output and source file.

Text is cleaned the same way everywhere: UTF-8 read as Latin-1 repaired ("studentsâ\\x80\\x99"
-> "students’"), zero-width spaces and soft hyphens removed, runs of whitespace (tabs,
no-break spaces) made one space, lines stripped.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
from pathlib import Path

from taxonomies.classifications import normalise_label
from taxonomies.esco import RELATIONS
from taxonomies.ilo_index import natural_order
from taxonomies.loader import DATA_DIR, FILES, MANIFEST, TaxonomyError, load_taxonomies

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ISCO_CSV = "data/isco08/isco08_structure_definitions_en.csv"
ILO_INDEX_CSV = "data/isco08/isco08_index_of_occupational_titles_en.csv"
ESCO_OCCUPATIONS_CSV = "data/esco-v1.1.1/occupations_en.csv"
ESCO_SKILLS_CSV = "data/esco-v1.1.1/skills_en.csv"
ESCO_RELATIONS_CSV = "data/esco-v1.1.1/occupationSkillRelations.csv"
QUESTIONNAIRE = "seeds/002_b954fc8ec7818926.txt"
SOURCE_ROWS = {
    ISCO_CSV: 619,
    ILO_INDEX_CSV: 7010,
    ESCO_OCCUPATIONS_CSV: 3007,
    ESCO_SKILLS_CSV: 13896,
    ESCO_RELATIONS_CSV: 123855,
}

# Errors in the ILO files, corrected (each must match exactly once; recorded in NOTICE).
ISCO_CELL_FIXES = {
    ("2522", "title_en"): ("Systems Aministrators", "Systems Administrators"),
    # Stray Spanish text (slang for "money") in the ILO's own workbook.
    ("031", "excluded_occupations"): ("parné\ndinero, posibles, cuartos, guita, mosca, pasta", ""),
}
# Characters the ILO file lost (U+FFFD), restored.
ILO_INDEX_TITLE_FIXES = {
    "Attach\ufffd, legal": "Attaché, legal",
    "Manager, caf\ufffd": "Manager, café",
    "Manager, cr\ufffdche": "Manager, crèche",
    "Moulder, papier mach\ufffd": "Moulder, papier maché",
    "Technician, anaesthesia\ufffd": "Technician, anaesthesia",
}

# ISCED 2011 levels: (level, UNESCO name, questionnaire item A7 code, its label, line).
ISCED = [
    (0, "Early childhood education", 1, "Early childhood education", 1453),
    (1, "Primary education", 2, "Primary education", 1454),
    (2, "Lower secondary education", 3, "Lower secondary education", 1455),
    (3, "Upper secondary education", 4, "Upper secondary education", 1456),
    (4, "Post-secondary non-tertiary education", 5, "Post-secondary non-tertiary education", 1457),
    (5, "Short-cycle tertiary education", 6, "Short-cycle tertiary education", 1458),
    (6, "Bachelor's or equivalent level", 7, "Higher education (Bachelor's degree)", 1459),
    (7, "Master's or equivalent level", 8, "Higher education (Master's degree)", 1460),
    (8, "Doctoral or equivalent level", 9, "Doctoral or equivalent level", 1461),
]

# ISIC Rev.4 sections: (letter, UN title, questionnaire code, line in item B4's table;
# items A9 and C3 print the same codes).
ISIC = [
    ("A", "Agriculture, forestry and fishing", 1, 1549),
    ("B", "Mining and quarrying", 2, 1550),
    ("C", "Manufacturing", 3, 1551),
    ("D", "Electricity, gas, steam and air conditioning supply", 4, 1552),
    ("E", "Water supply; sewerage, waste management and remediation activities", 5, 1553),
    ("F", "Construction", 6, 1554),
    ("G", "Wholesale and retail trade; repair of motor vehicles and motorcycles", 7, 1555),
    ("H", "Transportation and storage", 8, 1556),
    ("I", "Accommodation and food service activities", 9, 1557),
    ("J", "Information and communication", 10, 1558),
    ("K", "Financial and insurance activities", 11, 1559),
    ("L", "Real estate activities", 12, 1560),
    ("M", "Professional, scientific and technical activities", 13, 1561),
    ("N", "Administrative and support service activities", 14, 1562),
    ("O", "Public administration and defence; compulsory social security", 15, 1563),
    ("P", "Education", 16, 1564),
    ("Q", "Human health and social work activities", 17, 1565),
    ("R", "Arts, entertainment and recreation", 18, 1567),
    ("S", "Other service activities", 19, 1568),
    (
        "T",
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use",
        20,
        1569,
    ),
    ("U", "Activities of extraterritorial organizations and bodies", 21, 1570),
]
ISIC_NEVER_WORKED = (97, 1571)

# ISCO-88 major groups (ILO 1988) -> ISCO-08 major-group code.
ISCO88_MAJOR_GROUPS = [
    ("Legislators, senior officials and managers", "1"),
    ("Professionals", "2"),
    ("Technicians and associate professionals", "3"),
    ("Clerks", "4"),
    ("Service workers and shop and market sales workers", "5"),
    ("Skilled agricultural and fishery workers", "6"),
    ("Craft and related trades workers", "7"),
    ("Plant and machine operators and assemblers", "8"),
    ("Elementary occupations", "9"),
    ("Armed forces", "0"),
]

# The occupation column of items A9 (lines 1481-1490), B4 (1549-1558) and C3 (1657-1667):
# the ISCO-88 titles, in the order above, with the codes each table prints.
QUESTIONNAIRE_OCCUPATIONS = {
    "A9": ([None] * 10, [1481, 1482, 1483, 1484, 1485, 1486, 1487, 1488, 1489, 1490]),
    "B4": ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1549, 1550, 1551, 1552, 1553, 1554, 1555, 1556, 1557, 1558]),
    "C3": ([1, 2, 3, 4, 5, 7, 8, 9, 10, 11], [1657, 1659, 1660, 1661, 1662, 1663, 1664, 1665, 1666, 1667]),
}
QUESTIONNAIRE_LABELS = {"Legislators, senior officials and managers": "Legislators, senior officials, and managers"}

_MOJIBAKE = re.compile("[\xc2-\xf4][\x80-\xbf]+")
_INVISIBLE = {0x200B: None, 0x00AD: None, 0xFEFF: None}
_LETTERED = re.compile(r"^\s*\(\s*[a-z]{1,2}\s*\)\s*")
_EXCLUDED = re.compile(r"(.*?)\s*[-–]?\s*(\d+)")
_TRAILING = re.compile(r"(?:\s+and|[\s;.,])+$")


def _repair(match: re.Match) -> str:
    try:
        return match.group().encode("latin-1").decode("utf-8")
    except UnicodeError:
        return match.group()


def clean(text: str, keep_lines: bool = False) -> str:
    lines = [" ".join(line.split()) for line in _MOJIBAKE.sub(_repair, text).translate(_INVISIBLE).split("\n")]
    return "\n".join(lines).strip() if keep_lines else " ".join(" ".join(lines).split())


def _labels(cell: str) -> list[str]:
    return list(dict.fromkeys(label for label in map(clean, cell.split("\n")) if label))


def _tidy_item(item: str) -> str:
    """Without a leading "and" and trailing ";" / "." / "," / "and" ("etc." keeps its dot)."""
    item = _TRAILING.sub("", re.sub(r"^and\s+", "", clean(item)))
    return item + "." if item.endswith(" etc") else item


def parse_tasks(text: str) -> list[str]:
    """Unit groups: "Tasks include -\\n(a) ...;\\n(b) ..." -> one item per letter. Other
    levels: "Tasks performed ... include: x; y; z. Supervision ..." -> x, y, z, Supervision ..."""
    if any(_LETTERED.match(line) for line in text.split("\n")):
        items: list[str] = []
        for line in text.split("\n"):
            if _LETTERED.match(line):
                items.append(_LETTERED.sub("", line))
            elif items:
                items[-1] += " " + line
    else:
        body = re.sub(r"^.*?\binclude\s*[:\-–]?", "", text, count=1, flags=re.S)
        items = body.split(";")
        items[-1:] = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", items[-1])
    return [tidy for tidy in map(_tidy_item, items) if tidy]


def _listed_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[1:] if lines[0].rstrip().endswith(":") else lines


def parse_included(text: str, level: int) -> list[str]:
    """Example titles for unit groups; the child-group lines as printed for other levels."""
    lines = _listed_lines(text)
    if level == 4:
        lines = [re.sub(r"^\s*[-–]\s*", "", line) for line in lines]
    return [title for title in map(clean, lines) if title]


def parse_excluded(text: str, unit_groups: set[str]) -> list[list[str | None]]:
    """"- Nurse (professional) - 2221" -> ["Nurse (professional)", "2221"]; the code is kept
    only when it is an ISCO-08 unit group."""
    excluded: list[list[str | None]] = []
    for line in map(clean, _listed_lines(text)):
        line = re.sub(r"^[-–]\s*", "", line)
        match = _EXCLUDED.fullmatch(line)
        title, code = (match.group(1), match.group(2)) if match else (line, None)
        title = title.rstrip(" ;.")
        if title:
            excluded.append([title, code if code in unit_groups else None])
    return excluded


def _read_csv(shared: Path, name: str) -> list[dict[str, str]]:
    with open(shared / name, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    if len(rows) != SOURCE_ROWS[name]:
        raise TaxonomyError(f"{name}: {len(rows)} rows, expected {SOURCE_ROWS[name]}")
    return rows


def _apply_fixes(values: dict, fixes: dict) -> None:
    for key, (wrong, right) in fixes.items():
        if values.get(key) != wrong:
            raise TaxonomyError(f"expected {wrong!r} at {key}, found {values.get(key)!r}")
        values[key] = right


def build_isco(rows: list[dict[str, str]]) -> list[dict]:
    cells = {(row["isco08_code"], column): value for row in rows for column, value in row.items()}
    _apply_fixes(cells, ISCO_CELL_FIXES)
    unit_groups = {row["isco08_code"] for row in rows if row["level"] == "4"}
    groups = []
    for row in rows:
        code, level = row["isco08_code"], int(row["level"])
        groups.append(
            {
                "code": code,
                "level": level,
                "title": clean(cells[code, "title_en"]),
                "definition": clean(row["definition"], keep_lines=True),
                "tasks": parse_tasks(row["tasks_include"]),
                "included": parse_included(row["included_occupations"], level),
                "excluded": parse_excluded(cells[code, "excluded_occupations"], unit_groups),
                "notes": clean(row["notes"], keep_lines=True),
            }
        )
    return groups


def build_ilo_index(rows: list[dict[str, str]]) -> list[dict]:
    titles = [row["title"] for row in rows]
    if sorted(title for title in titles if title in ILO_INDEX_TITLE_FIXES) != sorted(ILO_INDEX_TITLE_FIXES):
        raise TaxonomyError(f"the ILO index no longer has exactly the titles {sorted(ILO_INDEX_TITLE_FIXES)}")
    titles = [clean(ILO_INDEX_TITLE_FIXES.get(title, title)) for title in titles]
    return [
        {"title": title, "natural": natural_order(title), "isco08": row["isco08"], "isco88": row["isco88"] or None}
        for title, row in zip(titles, rows)
    ]


def build_esco(shared: Path) -> tuple[list[dict], list[dict], dict]:
    occupations = [
        {
            "uri": row["conceptUri"],
            "code": row["code"],
            "isco_group": row["iscoGroup"],
            "preferred_label": clean(row["preferredLabel"]),
            "alt_labels": _labels(row["altLabels"]),
            "hidden_labels": _labels(row["hiddenLabels"]),
            "description": clean(row["description"], keep_lines=True),
        }
        for row in sorted(_read_csv(shared, ESCO_OCCUPATIONS_CSV), key=lambda row: row["conceptUri"])
    ]
    skills = [
        {
            "uri": row["conceptUri"],
            "preferred_label": clean(row["preferredLabel"]),
            "alt_labels": _labels(row["altLabels"]),
            "hidden_labels": _labels(row["hiddenLabels"]),
            "skill_type": row["skillType"] or None,
            "reuse_level": row["reuseLevel"] or None,
            "description": clean(row["description"], keep_lines=True),
        }
        for row in sorted(_read_csv(shared, ESCO_SKILLS_CSV), key=lambda row: row["conceptUri"])
    ]
    skill_index = {skill["uri"]: i for i, skill in enumerate(skills)}
    linked: dict[str, dict[str, list[int]]] = {}
    for row in _read_csv(shared, ESCO_RELATIONS_CSV):
        relations = linked.setdefault(row["occupationUri"], {relation: [] for relation in RELATIONS})
        relations[row["relationType"]].append(skill_index[row["skillUri"]])
    uris = sorted(linked)
    relations = {"occupations": uris}
    relations.update({relation: [sorted(linked[uri][relation]) for uri in uris] for relation in RELATIONS})
    return occupations, skills, relations


def build_classifications(shared: Path, isco_groups: list[dict]) -> dict:
    lines = (shared / QUESTIONNAIRE).read_text(encoding="utf-8").split("\n")

    def cells(line: int) -> list[str]:
        return [cell.strip() for cell in lines[line - 1].split("\t")] + ["", "", "", ""]

    def check(line: int, found: list[str], expected: list[str]) -> None:
        if found != expected:
            raise TaxonomyError(f"{QUESTIONNAIRE}:{line} reads {found}, expected {expected}")

    for _, _, code, label, line in ISCED:
        check(line, cells(line)[:2], [label, str(code)])
    for _, title, code, line in ISIC:  # the questionnaire adds serial commas to some titles
        check(line, [normalise_label(cells(line)[0]), cells(line)[1]], [normalise_label(title), str(code)])
    code, line = ISIC_NEVER_WORKED
    check(line, cells(line)[:2], ["Never worked before migrating", str(code)])
    questionnaire = []
    for item, (codes, item_lines) in QUESTIONNAIRE_OCCUPATIONS.items():
        for (title, isco08), code, line in zip(ISCO88_MAJOR_GROUPS, codes, item_lines, strict=True):
            label = QUESTIONNAIRE_LABELS.get(title, title)
            check(line, cells(line)[2:4], [label, "" if code is None else str(code)])
            questionnaire.append({"item": item, "line": line, "label": label, "code": code, "isco08": isco08})
    majors = [group for group in isco_groups if group["level"] == 1]
    return {
        "isced": [
            {"level": level, "name": name, "questionnaire_code": code, "questionnaire_label": label}
            for level, name, code, label, _ in ISCED
        ],
        "isic": [{"letter": letter, "title": title, "questionnaire_code": code} for letter, title, code, _ in ISIC],
        "isic_never_worked_code": ISIC_NEVER_WORKED[0],
        "isco_major_labels": [
            *({"label": title, "scheme": "ISCO-88", "isco08": code} for title, code in ISCO88_MAJOR_GROUPS),
            *({"label": group["title"], "scheme": "ISCO-08", "isco08": group["code"]} for group in majors),
        ],
        "questionnaire_occupations": questionnaire,
    }


def write_json_gz(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(data_dir: Path, sources: dict[str, str]) -> None:
    """Record the sha256 of every data file (and of the sources they were built from)."""
    files = {name: {"bytes": (data_dir / name).stat().st_size, "sha256": _sha256(data_dir / name)} for name in FILES}
    manifest = {"files": files, "sources": sources}
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m taxonomies.build", description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding data/ and seeds/")
    shared = parser.parse_args(argv).shared.resolve()

    isco = build_isco(_read_csv(shared, ISCO_CSV))
    occupations, skills, relations = build_esco(shared)
    outputs = {
        "isco08.json.gz": {"groups": isco},
        "ilo_index.json.gz": {"titles": build_ilo_index(_read_csv(shared, ILO_INDEX_CSV))},
        "esco_occupations.json.gz": {"occupations": occupations},
        "esco_skills.json.gz": {"skills": skills},
        "esco_relations.json.gz": relations,
        "classifications.json.gz": build_classifications(shared, isco),
    }
    damaged = [name for name, data in outputs.items() if "\ufffd" in json.dumps(data, ensure_ascii=False)]
    if damaged:
        raise TaxonomyError(f"lost characters (U+FFFD) in {damaged}: add them to the fixes")
    DATA_DIR.mkdir(exist_ok=True)
    for name in FILES:
        write_json_gz(DATA_DIR / name, outputs[name])
    sources = [ISCO_CSV, ILO_INDEX_CSV, ESCO_OCCUPATIONS_CSV, ESCO_SKILLS_CSV, ESCO_RELATIONS_CSV, QUESTIONNAIRE]
    write_manifest(DATA_DIR, {name: _sha256(shared / name) for name in sources})

    taxonomies = load_taxonomies(DATA_DIR)
    unlisted = sorted(set(relations["occupations"]) - set(taxonomies.esco_occupations))
    counts = {relation: sum(map(len, relations[relation])) for relation in RELATIONS}
    size = sum((DATA_DIR / name).stat().st_size for name in (*FILES, MANIFEST))
    print(f"wrote {DATA_DIR} ({size / 1e6:.2f} MB), version {taxonomies.version}")
    print(f"ESCO relations: {counts}; occupations related to skills but not in {ESCO_OCCUPATIONS_CSV}: {unlisted}")


if __name__ == "__main__":
    main()
