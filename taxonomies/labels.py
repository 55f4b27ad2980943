"""The texts that name each concept: the label sets that are searched and embedded.

One ``Label`` per (text, kind, target). ``target`` is the ISCO-08 code a label points to (for
occupation labels) or the ESCO skill URI (for skill labels); ``ref`` identifies the source row
(an ISCO code, an ILO index id, an ESCO URI) so that a match can say where it came from.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from taxonomies.aliases import Alias
from taxonomies.loader import Taxonomies


class LabelKind(StrEnum):
    isco_title = "isco_title"
    isco_included = "isco_included"
    isco_definition = "isco_definition"
    isco_task = "isco_task"
    ilo_index = "ilo_index"
    ilo_index_natural = "ilo_index_natural"
    esco_preferred = "esco_preferred"
    esco_alt = "esco_alt"
    esco_hidden = "esco_hidden"
    alias = "alias"
    skill_preferred = "skill_preferred"


# Kinds that are names of an occupation (searched lexically); the others describe it.
NAME_KINDS = frozenset(
    {
        LabelKind.isco_title, LabelKind.isco_included, LabelKind.ilo_index, LabelKind.ilo_index_natural,
        LabelKind.esco_preferred, LabelKind.esco_alt, LabelKind.esco_hidden, LabelKind.alias,
    }
)


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    kind: LabelKind
    target: str
    ref: str


def occupation_labels(tx: Taxonomies, exclude_ilo_ids: Iterable[int] = ()) -> list[Label]:
    """Every label of the ISCO-08 groups, the ILO index and ESCO occupations, in a stable order.

    Titles are given for groups of every level (their target is the group's own code); all other
    labels point to a 4-digit unit group. ``exclude_ilo_ids`` drops ILO index rows (held-out
    evaluation titles must appear in no index).
    """
    excluded = set(exclude_ilo_ids)
    labels: list[Label] = []
    for code in sorted(tx.isco):
        group = tx.isco[code]
        labels.append(Label(group.title, LabelKind.isco_title, code, code))
        if group.level != 4:
            continue
        labels.extend(Label(t, LabelKind.isco_included, code, code) for t in group.included)
        if group.definition:
            labels.append(Label(group.definition, LabelKind.isco_definition, code, code))
        labels.extend(Label(t, LabelKind.isco_task, code, code) for t in group.tasks)
    for row in tx.ilo_index:
        if row.id in excluded:
            continue
        labels.append(Label(row.title, LabelKind.ilo_index, row.isco08, f"ilo:{row.id}"))
        if row.natural != row.title:
            labels.append(Label(row.natural, LabelKind.ilo_index_natural, row.isco08, f"ilo:{row.id}"))
    for uri in sorted(tx.esco_occupations):
        occ = tx.esco_occupations[uri]
        labels.append(Label(occ.preferred_label, LabelKind.esco_preferred, occ.isco_group, uri))
        labels.extend(Label(t, LabelKind.esco_alt, occ.isco_group, uri) for t in occ.alt_labels)
        labels.extend(Label(t, LabelKind.esco_hidden, occ.isco_group, uri) for t in occ.hidden_labels)
    return labels


def alias_labels(aliases: Iterable[Alias]) -> list[Label]:
    """The multilingual aliases as labels (``ref`` = ``alias:<language>``)."""
    return [Label(a.text, LabelKind.alias, a.isco08, f"alias:{a.lang}") for a in aliases]


def skill_labels(tx: Taxonomies) -> list[Label]:
    """The preferred label of every ESCO skill, in a stable order."""
    return [Label(tx.esco_skills[uri].preferred_label, LabelKind.skill_preferred, uri, uri)
            for uri in sorted(tx.esco_skills)]


def ilo_heldout_ids(tx: Taxonomies, share: float = 0.2) -> frozenset[int]:
    """A fixed ``share`` of ILO index rows kept out of every index and training set, to measure
    how the coder does on titles it has never seen. Chosen by a hash of the title, so the split
    never changes with the order of the file or between machines."""
    cut = int(share * 2**32)
    return frozenset(
        row.id for row in tx.ilo_index
        if int.from_bytes(hashlib.sha256(row.title.encode("utf-8")).digest()[:4], "big") < cut
    )
