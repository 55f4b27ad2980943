"""ISCO-08 groups (International Standard Classification of Occupations, ILO).

Codes are strings: major "7", sub-major "71", minor "711", unit group "7112";
the armed forces keep their leading zero ("0", "01", "011", "0110").
"""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_COUNTS = {1: 10, 2: 43, 3: 130, 4: 436}

# ISCO-08 skill levels (1 = lowest, 4 = highest), as the ILO definitions state them.
# Major groups set the default; a sub-major entry overrides it where the ILO text gives
# the sub-major group its own level: Major Group 1 is level 4 except Sub-major Group 14
# (level 3); Major Group 0 is level 4 for 01, 2 for 02 and 1 for 03.
_SKILL_LEVELS: dict[str, tuple[int, ...]] = {
    "0": (1, 2, 4),
    "1": (3, 4),
    "2": (4,),
    "3": (3,),
    "4": (2,),
    "5": (2,),
    "6": (2,),
    "7": (2,),
    "8": (2,),
    "9": (1,),
    "01": (4,),
    "02": (2,),
    "03": (1,),
    "11": (4,),
    "12": (4,),
    "13": (4,),
    "14": (3,),
}


@dataclass(frozen=True, slots=True)
class IscoGroup:
    """One ISCO-08 group at any level (1 major, 2 sub-major, 3 minor, 4 unit group).

    ``tasks``: the "Tasks include" items, one sentence each, without the "(a)" letters
    and the trailing ";" / "." / "and" (for levels 1-3 the ILO's single paragraph split
    at ";").
    ``included``: for unit groups, the example occupation titles; for levels 1-3 the ILO
    lists the child groups there ("711 Building Frame and Related Trades Workers"),
    kept as printed: use ``Taxonomies.children`` for the structure.
    ``excluded``: (title, code) pairs of related occupations classified elsewhere; the
    code is the unit group the title belongs to, or None where the ILO gives none.
    """

    code: str
    level: int
    title: str
    definition: str
    tasks: tuple[str, ...]
    included: tuple[str, ...]
    excluded: tuple[tuple[str, str | None], ...]
    notes: str

    @property
    def parent_code(self) -> str | None:
        return self.code[:-1] or None

    @property
    def major(self) -> str:
        return self.code[0]

    @property
    def skill_levels(self) -> tuple[int, ...]:
        return _SKILL_LEVELS.get(self.code[:2]) or _SKILL_LEVELS[self.code[0]]
