"""Small classifications used by the ILO return-migration questionnaire (ILO 2024
Training-of-Trainers manual on labour-market reintegration, Annex 2):

- ISCED 2011 education levels 0-8, item A7 codes 1-9 (UNESCO Institute for Statistics);
- ISIC Rev.4 sections A-U, items A9/B4/C3 codes 1-21, 97 = never worked (UN Statistics
  Division);
- the occupation column of items A9/B4/C3, which prints ISCO-88 major-group titles
  ("Clerks", "Armed forces") under an "ISCO-08" heading. They map to ISCO-08 major-group
  codes; the tables number them differently (C3 skips 6 and codes armed forces 11, A9
  prints no codes), so codes are kept per item with the questionnaire line they are on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IscedLevel:
    level: int
    name: str
    questionnaire_code: int
    questionnaire_label: str


@dataclass(frozen=True, slots=True)
class IsicSection:
    letter: str
    title: str
    questionnaire_code: int


@dataclass(frozen=True, slots=True)
class QuestionnaireOccupation:
    """One row of an occupation table: ``item`` "A9", "B4" or "C3"; ``code`` as printed
    (None in A9, which prints none); ``isco08`` the ISCO-08 major-group code; ``line`` in
    seeds/002_b954fc8ec7818926.txt."""

    item: str
    line: int
    label: str
    code: int | None
    isco08: str


def normalise_label(label: str) -> str:
    """Case-, punctuation- and whitespace-insensitive key ("&" counts as "and")."""
    return " ".join(re.sub(r"[^\w\s]", " ", label.casefold().replace("&", " and ")).split())
