"""The ILO return-migration questionnaire and skills self-assessment forms, as data.

Source: ILO (2024), *Manual for Training of Trainers on Labour Market Reintegration of Migrant
Workers and Former Refugees upon Return in their Origin Countries*
(``seeds/002_b954fc8ec7818926.txt``; ``002:L<n>`` is line n): Annex 2, the return-migration
questionnaire (002:L1426-1832), items A7 education (L1451-1463), A8 training before migration
(L1465-1476), A9/B4/C3 occupation and sector before / abroad / after return (L1478-1509,
L1546-1577, L1654-1685), B3 time abroad (L1539-1544), B8 reasons for return (L1600-1625), C7
support sought (L1708-1728), C10 sector sought (L1753-1775); Table 9, soft-skill self-assessment
(L837-858); Table 11, sector-experience self-assessment (L920-959).

``taxonomies/data/ilo_forms.json`` keeps every code exactly as printed, the line it is on, and
returnmatch's mappings: A7 -> ISCED 2011 level, the ISCO-88 titles of A9/B4/C3 -> ISCO-08
major group (C3 skips code 6; A9 prints no occupation codes at all), sector codes -> ISIC Rev.4
section, B3 -> months, C7 options a-d -> pathway, Table 9 -> ESCO transversal skill, Table 11 ->
ISCO-08 unit group, and 1-4 rating anchors, which the manual lacks and returnmatch defines.

Loading only parses the file and rejects duplicate codes or ids; that ISCO-08, ESCO, ISCED and
ISIC codes exist is checked in tests/test_ilo_forms.py. Unknown items or codes raise ValueError.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

PATH = Path(__file__).resolve().parent / "data" / "ilo_forms.json"
PATHWAYS = ("wage_employment", "self_employment", "training", "re_migration", "retirement")
OCCUPATION_ITEMS = ("A9", "B4", "C3")
SECTOR_ITEMS = ("A9", "B4", "C3", "C10")


@dataclass(frozen=True, slots=True)
class Answer:
    """One printed answer code; only the mapping fields that apply to its item are set."""

    code: str
    label: str
    line: str
    note: str | None = None
    short_label: str | None = None  # B8: the controlled value of docs/domain.md
    isced_level: int | None = None  # A7
    isco08_major_group: str | None = None  # occupation columns of A9/B4/C3
    isic_section: str | None = None  # sector columns; None for 97 = never worked
    min_months: int | None = None  # B3, inclusive
    max_months: int | None = None  # B3, exclusive; None = open-ended
    pathway: str | None = None  # C7


@dataclass(frozen=True, slots=True)
class Item:
    item: str
    question: str
    line: str
    codes: Mapping[str, Answer]
    sector_codes: Mapping[str, Answer]
    uncoded_occupations: tuple[Answer, ...]  # A9 lists occupations without codes
    note: str | None


@dataclass(frozen=True, slots=True)
class SoftSkill:
    id: str
    statement: str
    line: str
    esco_label: str | None
    esco_uri: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class SectorStatement:
    """A Table 11 row (or a domestic-worker category, whose ``parent`` is the row)."""

    id: str
    sector: str
    label: str
    statement: str | None
    line: str
    isco08: str | None
    alternatives: tuple[str, ...]
    parent: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Anchor:
    level: int
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class IloForms:
    source: Mapping[str, Any]
    questionnaire: Mapping[str, Item]
    soft_skills: tuple[SoftSkill, ...]
    sector_statements: Mapping[str, SectorStatement]
    where_developed_values: tuple[str, ...]
    anchors: Mapping[str, tuple[Anchor, ...]]  # "table9" / "table11" -> levels 1-4
    anchors_defined_by: str

    def item(self, item: str) -> Item:
        try:
            return self.questionnaire[item]
        except KeyError:
            raise ValueError(f"unknown questionnaire item {item!r}; known: {sorted(self.questionnaire)}") from None

    def answer(self, item: str, code: int | str) -> Answer:
        codes = self.item(item).codes
        try:
            return codes[str(code)]
        except KeyError:
            raise ValueError(f"unknown code {code!r} for item {item}; printed codes: {list(codes)}") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates}")
    return dict(pairs)


_ANSWER_FIELDS = {f.name for f in fields(Answer)} - {"code"}


def _answers(rows: Mapping[str, dict]) -> Mapping[str, Answer]:
    return MappingProxyType({code: _answer(code, row) for code, row in rows.items()})


def _answer(code: str, row: dict) -> Answer:
    return Answer(code=code, **{key: value for key, value in row.items() if key in _ANSWER_FIELDS})


def _unique(ids: list[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what}: ids are not unique")


@functools.lru_cache(maxsize=None)
def load_ilo_forms(path: Path | None = None) -> IloForms:
    """Parse ``ilo_forms.json`` (cached per path). Raises ValueError if it is malformed."""
    path = Path(path) if path is not None else PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
        questionnaire = {
            name: Item(
                item=name,
                question=item["question"],
                line=item["line"],
                codes=_answers(item["codes"]),
                sector_codes=_answers(item.get("sector_codes", {})),
                uncoded_occupations=tuple(_answer("", row) for row in item.get("uncoded_occupations", ())),
                note=item.get("note"),
            )
            for name, item in data["questionnaire"].items()
        }
        forms = data["self_assessment"]
        soft = tuple(
            SoftSkill(
                id=row["id"],
                statement=row["statement"],
                line=row["line"],
                esco_label=(row["esco_skill"] or {}).get("label"),
                esco_uri=(row["esco_skill"] or {}).get("uri"),
                note=row.get("note"),
            )
            for row in forms["table9"]["statements"]
        )
        table11 = forms["table11"]
        sector = [
            SectorStatement(
                id=row["id"],
                sector=row["sector"],
                label=row["label"],
                statement=row["statement"],
                line=row["line"],
                isco08=row["isco08"],
                alternatives=tuple(alt["isco08"] for alt in row.get("alternatives", ())),
                parent=row.get("parent"),
                note=row.get("note"),
            )
            for row in table11["statements"]
        ]
        anchors = {
            table: tuple(
                Anchor(level=int(level), label=a["label"], description=a["description"])
                for level, a in data["anchors"][table].items()
            )
            for table in ("table9", "table11")
        }
        defined_by = data["anchors"]["defined_by"]
    except (OSError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: malformed ILO forms data ({error!r})") from error
    _unique([s.id for s in soft], "table9")
    _unique([s.id for s in sector], "table11")
    if any(tuple(a.level for a in levels) != (1, 2, 3, 4) for levels in anchors.values()):
        raise ValueError(f"{path}: anchors must define levels 1-4")
    bad = [a.pathway for a in questionnaire["C7"].codes.values() if a.pathway not in PATHWAYS]
    if bad:
        raise ValueError(f"{path}: C7 pathways {bad} not in {PATHWAYS}")
    return IloForms(
        source=MappingProxyType(data["source"]),
        questionnaire=MappingProxyType(questionnaire),
        soft_skills=soft,
        sector_statements=MappingProxyType({s.id: s for s in sector}),
        where_developed_values=tuple(table11["where_developed_values"]),
        anchors=MappingProxyType(anchors),
        anchors_defined_by=defined_by,
    )


def reason_label(code: int) -> str:
    """B8 reason for return, as printed ("Laid off by employer")."""
    return load_ilo_forms().answer("B8", code).label


def occupation_major_group(item: str, code: int) -> str:
    """ISCO-08 major-group code ("0".."9") of an occupation code printed in item B4 or C3.

    The codes differ by item (C3 skips 6, so C3 7 = group 6 and armed forces = 11) and A9
    prints no occupation codes: it raises ValueError, as does any code not printed."""
    if item not in OCCUPATION_ITEMS:
        raise ValueError(f"item {item!r} has no occupation column; use one of {OCCUPATION_ITEMS}")
    forms = load_ilo_forms()
    if not forms.item(item).codes:
        raise ValueError(f"item {item} prints no occupation codes (titles only): map the title instead")
    group = forms.answer(item, code).isco08_major_group
    assert group is not None
    return group


def isic_section(item: str, code: int) -> str | None:
    """ISIC Rev.4 section letter of a sector code of A9, B4, C3 or C10; None for 97 (never worked)."""
    if item not in SECTOR_ITEMS:
        raise ValueError(f"item {item!r} has no sector column; use one of {SECTOR_ITEMS}")
    it = load_ilo_forms().item(item)
    codes = it.sector_codes or it.codes  # C10 is a sector item only
    try:
        return codes[str(code)].isic_section
    except KeyError:
        raise ValueError(f"unknown sector code {code!r} for item {item}; printed codes: {list(codes)}") from None


def time_abroad_months(code: int) -> tuple[int, int | None]:
    """B3 bin as (min months inclusive, max months exclusive or None if open-ended)."""
    answer = load_ilo_forms().answer("B3", code)
    if answer.min_months is None:
        raise ValueError(f"B3 code {code} is {answer.label!r}: it has no duration")
    return answer.min_months, answer.max_months


def time_abroad_code(months: int) -> int:
    """The B3 code whose bin holds ``months`` completed months abroad (1 month or more)."""
    for answer in load_ilo_forms().item("B3").codes.values():
        if answer.min_months is not None and answer.min_months <= months and (
            answer.max_months is None or months < answer.max_months
        ):
            return int(answer.code)
    raise ValueError(f"{months!r} months abroad fits no B3 bin (the shortest is 1-3 months)")


def pathway(option: str) -> str:
    """Pathway of a C7 option. The questionnaire prints the options as letters "a".."d"
    (each answered yes = 1 / no = 2); it has no training option."""
    answer = load_ilo_forms().answer("C7", option)
    assert answer.pathway is not None
    return answer.pathway


def isced_level(code: int) -> int:
    """ISCED 2011 level (0-8) of an A7 code (1-9)."""
    level = load_ilo_forms().answer("A7", code).isced_level
    assert level is not None
    return level


def soft_skill_ids() -> tuple[str, ...]:
    """Ids of the 16 Table 9 statements, in printed order ("soft_01".."soft_16")."""
    return tuple(skill.id for skill in load_ilo_forms().soft_skills)


def sector_statement(statement_id: str) -> SectorStatement:
    """A Table 11 statement or domestic-worker category by id ("construction_plumber")."""
    try:
        return load_ilo_forms().sector_statements[statement_id]
    except KeyError:
        raise ValueError(f"unknown Table 11 statement id {statement_id!r}") from None
