"""Load and check the taxonomy files shipped in ``taxonomies/data`` (built by
``python -m taxonomies.build``).

Loading checks every file against MANIFEST.json (sha256), then the structure: ISCO-08 has
10/43/130/436 groups by level and every group's parent; every ILO index entry and every
ESCO occupation points at an ISCO-08 unit group. Any failure raises TaxonomyError.

Measured with ``/usr/bin/time -v python -c "from taxonomies import load_taxonomies;
load_taxonomies()"`` (Python 3.11, 2 CPUs): 0.52 s wall clock, 77 MB maximum resident set
size (the interpreter alone: 0.03 s, 11 MB).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from taxonomies.classifications import IscedLevel, IsicSection, QuestionnaireOccupation, normalise_label
from taxonomies.esco import RELATIONS, EscoOccupation, EscoSkill
from taxonomies.ilo_index import IloTitle
from taxonomies.isco import LEVEL_COUNTS, IscoGroup

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST = "MANIFEST.json"
FILES = (
    "isco08.json.gz",
    "ilo_index.json.gz",
    "esco_occupations.json.gz",
    "esco_skills.json.gz",
    "esco_relations.json.gz",
    "classifications.json.gz",
)
VERSION_PREFIX = "isco08-ilo+esco-v1.1.1+"


class TaxonomyError(Exception):
    """The taxonomy data is missing, altered or inconsistent."""


@dataclass(frozen=True, slots=True)
class Taxonomies:
    """Everything loaded, read-only. ``version`` changes whenever any data file changes."""

    version: str
    isco: Mapping[str, IscoGroup] = field(repr=False)
    ilo_index: tuple[IloTitle, ...] = field(repr=False)
    esco_occupations: Mapping[str, EscoOccupation] = field(repr=False)
    esco_skills: Mapping[str, EscoSkill] = field(repr=False)
    isced_levels: tuple[IscedLevel, ...] = field(repr=False)
    isic_sections: tuple[IsicSection, ...] = field(repr=False)
    isic_never_worked_code: int = field(repr=False)
    questionnaire_occupations: tuple[QuestionnaireOccupation, ...] = field(repr=False)
    _children: Mapping[str, tuple[str, ...]] = field(repr=False)
    _esco_by_isco: Mapping[str, tuple[EscoOccupation, ...]] = field(repr=False)
    # occupation uri -> relation -> skills; also holds occupations ESCO relates to skills
    # without listing them in its occupation file.
    _relations: Mapping[str, Mapping[str, tuple[EscoSkill, ...]]] = field(repr=False)
    _major_labels: Mapping[str, str] = field(repr=False)

    def isco_group(self, code: str) -> IscoGroup | None:
        return self.isco.get(code)

    def unit_groups(self) -> list[IscoGroup]:
        return [group for code, group in sorted(self.isco.items()) if group.level == 4]

    def parents(self, code: str) -> list[IscoGroup]:
        """From the major group down to the direct parent; empty for a major group."""
        self._require(code)
        return [self.isco[code[:n]] for n in range(1, len(code))]

    def children(self, code: str) -> list[IscoGroup]:
        self._require(code)
        return [self.isco[child] for child in self._children.get(code, ())]

    def esco_by_isco(self, code: str) -> list[EscoOccupation]:
        """ESCO occupations in an ISCO-08 unit group, by preferred label."""
        return list(self._esco_by_isco.get(code, ()))

    def occupation_skills(self, uri: str, relation: str = "essential") -> list[EscoSkill]:
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, not {relation!r}")
        if uri not in self._relations and uri not in self.esco_occupations:
            raise KeyError(uri)
        return list(self._relations.get(uri, {}).get(relation, ()))

    def isco88_label_to_isco08(self, label: str) -> str | None:
        """ISCO-08 major-group code for an ISCO-88 or ISCO-08 major-group title, or for a
        title printed in the questionnaire; case-, punctuation- and whitespace-insensitive."""
        return self._major_labels.get(normalise_label(label))

    def questionnaire_occupation_to_isco08(self, item: str, code: int) -> str | None:
        """ISCO-08 major-group code for an occupation code of questionnaire item "A9",
        "B4" or "C3" (A9 prints no codes, so it always gives None)."""
        rows = [row for row in self.questionnaire_occupations if row.item == item]
        if not rows:
            raise ValueError(f"unknown questionnaire item {item!r}")
        return next((row.isco08 for row in rows if row.code == code), None)

    def _require(self, code: str) -> None:
        if code not in self.isco:
            raise KeyError(f"no ISCO-08 group {code!r}")


@functools.lru_cache(maxsize=None)
def load_taxonomies(data_dir: Path | None = None) -> Taxonomies:
    """Load the shipped taxonomies (cached per process and per ``data_dir``)."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    manifest_bytes = _read(data_dir / MANIFEST)
    version = VERSION_PREFIX + hashlib.sha256(manifest_bytes).hexdigest()[:12]
    try:
        return _build(version, _verified_files(data_dir, manifest_bytes))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise TaxonomyError(f"{data_dir}: malformed taxonomy data ({error!r})") from error


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise TaxonomyError(f"cannot read {path}: {error.strerror}") from error


def _verified_files(data_dir: Path, manifest_bytes: bytes) -> dict[str, bytes]:
    listed = json.loads(manifest_bytes)["files"]
    if set(listed) != set(FILES):
        raise TaxonomyError(f"{data_dir / MANIFEST} lists {sorted(listed)}, expected {sorted(FILES)}")
    contents = {}
    for name in FILES:
        data = _read(data_dir / name)
        if hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
            raise TaxonomyError(
                f"{data_dir / name} does not match its MANIFEST checksum: the file was changed "
                "or damaged; rebuild with `python -m taxonomies.build`"
            )
        contents[name] = data
    return contents


def _json(contents: dict[str, bytes], name: str):
    try:
        return json.loads(gzip.decompress(contents[name]))
    except (OSError, EOFError, ValueError) as error:
        raise TaxonomyError(f"{name} is not gzip-compressed JSON") from error


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise TaxonomyError(message)


def _build(version: str, contents: dict[str, bytes]) -> Taxonomies:
    isco = _load_isco(_json(contents, "isco08.json.gz"))
    units = {code for code, group in isco.items() if group.level == 4}
    ilo_index = tuple(
        IloTitle(id=i, title=row["title"], natural=row["natural"], isco08=row["isco08"], isco88=row["isco88"])
        for i, row in enumerate(_json(contents, "ilo_index.json.gz")["titles"])
    )
    wrong = sorted({entry.isco08 for entry in ilo_index} - units)
    _check(not wrong, f"ILO index entries point at codes that are not ISCO-08 unit groups: {wrong}")

    occupations = {
        row["uri"]: EscoOccupation(
            **{**row, "alt_labels": tuple(row["alt_labels"]), "hidden_labels": tuple(row["hidden_labels"])}
        )
        for row in _json(contents, "esco_occupations.json.gz")["occupations"]
    }
    wrong = sorted({occupation.isco_group for occupation in occupations.values()} - units)
    _check(not wrong, f"ESCO occupations point at codes that are not ISCO-08 unit groups: {wrong}")
    by_isco = defaultdict(list)
    for occupation in occupations.values():
        by_isco[occupation.isco_group].append(occupation)

    skills = [
        EscoSkill(**{**row, "alt_labels": tuple(row["alt_labels"]), "hidden_labels": tuple(row["hidden_labels"])})
        for row in _json(contents, "esco_skills.json.gz")["skills"]
    ]
    relations_data = _json(contents, "esco_relations.json.gz")
    relations = {
        uri: MappingProxyType(
            {relation: tuple(skills[i] for i in relations_data[relation][n]) for relation in RELATIONS}
        )
        for n, uri in enumerate(relations_data["occupations"])
    }

    classifications = _json(contents, "classifications.json.gz")
    questionnaire = tuple(QuestionnaireOccupation(**row) for row in classifications["questionnaire_occupations"])
    pairs = [(row["label"], row["isco08"]) for row in classifications["isco_major_labels"]]
    pairs += [(row.label, row.isco08) for row in questionnaire]
    major_labels: dict[str, str] = {}
    for label, code in pairs:
        _check(major_labels.setdefault(normalise_label(label), code) == code, f"{label!r} names two major groups")
    wrong = sorted(set(major_labels.values()) - {code for code in isco if len(code) == 1})
    _check(not wrong, f"major-group labels point at codes that are not ISCO-08 major groups: {wrong}")

    return Taxonomies(
        version=version,
        isco=MappingProxyType(isco),
        ilo_index=ilo_index,
        esco_occupations=MappingProxyType(occupations),
        esco_skills=MappingProxyType({skill.uri: skill for skill in skills}),
        isced_levels=tuple(IscedLevel(**row) for row in classifications["isced"]),
        isic_sections=tuple(IsicSection(**row) for row in classifications["isic"]),
        isic_never_worked_code=classifications["isic_never_worked_code"],
        questionnaire_occupations=questionnaire,
        _children=MappingProxyType(_children_of(isco)),
        _esco_by_isco=MappingProxyType(
            {code: tuple(sorted(group, key=lambda o: o.preferred_label.casefold())) for code, group in by_isco.items()}
        ),
        _relations=MappingProxyType(relations),
        _major_labels=MappingProxyType(major_labels),
    )


def _load_isco(data: dict) -> dict[str, IscoGroup]:
    isco = {}
    for row in data["groups"]:
        group = IscoGroup(
            **{
                **row,
                "tasks": tuple(row["tasks"]),
                "included": tuple(row["included"]),
                "excluded": tuple((title, code) for title, code in row["excluded"]),
            }
        )
        _check(group.level == len(group.code), f"ISCO-08 group {group.code} has level {group.level}")
        isco[group.code] = group
    counts = {level: sum(group.level == level for group in isco.values()) for level in LEVEL_COUNTS}
    _check(counts == LEVEL_COUNTS, f"ISCO-08 groups by level are {counts}, expected {LEVEL_COUNTS}")
    orphans = sorted(code for code, group in isco.items() if group.parent_code and group.parent_code not in isco)
    _check(not orphans, f"ISCO-08 groups without a parent: {orphans}")
    return isco


def _children_of(isco: dict[str, IscoGroup]) -> dict[str, tuple[str, ...]]:
    children = defaultdict(list)
    for code, group in sorted(isco.items()):
        if group.parent_code:
            children[group.parent_code].append(code)
    return {code: tuple(kids) for code, kids in children.items()}
