"""ESCO v1.1.1 occupations and skills (European Commission), English labels.

Labels are whitespace-normalised, de-duplicated and in ESCO's order; an occupation's
``alt_labels`` may repeat its preferred label, as ESCO does.
"""

from __future__ import annotations

from dataclasses import dataclass

RELATIONS = ("essential", "optional")


@dataclass(frozen=True, slots=True)
class EscoOccupation:
    """``code`` is ESCO's notation ("2654.1.7"); ``isco_group`` its ISCO-08 unit group."""

    uri: str
    code: str
    isco_group: str
    preferred_label: str
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class EscoSkill:
    """``skill_type``: "skill/competence" or "knowledge"; ``reuse_level``: "transversal",
    "cross-sector", "sector-specific" or "occupation-specific"; None where ESCO gives none."""

    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    skill_type: str | None
    reuse_level: str | None
    description: str
