"""The skills an ISCO-08 unit group asks for, from ESCO: what a vacancy in the group needs when
its employer listed none, and what years of work in the group show.

A unit group holds one or more ESCO occupations, each with essential and optional skills. The
group's **essential** skills are those essential to at least half of its ESCO occupations (at
least the ``MIN_ESSENTIAL`` most common, at most ``MAX_ESSENTIAL``); its **optional** skills are
the other skills essential to some of them and the skills optional to at least half. Ties go
to the more occupation-specific skill, then to the label, so the lists are stable.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from taxonomies import Taxonomies

MIN_ESSENTIAL = 6
MAX_ESSENTIAL = 15
MAX_OPTIONAL = 20
_SPECIFICITY = {"occupation-specific": 0, "sector-specific": 1, "cross-sector": 2, "transversal": 3, None: 4}


@dataclass(frozen=True, slots=True)
class GroupSkills:
    isco: str
    essential: tuple[str, ...]  # ESCO skill URIs, most shared first
    optional: tuple[str, ...]


class OccupationSkills:
    def __init__(self, tx: Taxonomies):
        self.tx = tx
        self._of = lru_cache(maxsize=None)(self._compute)

    def of(self, isco: str) -> GroupSkills:
        return self._of(isco)

    def label(self, uri: str) -> str:
        return self.tx.esco_skills[uri].preferred_label

    def _order(self, counts: Counter) -> list[str]:
        skills = self.tx.esco_skills
        return sorted(counts, key=lambda uri: (-counts[uri], _SPECIFICITY.get(skills[uri].reuse_level, 4),
                                               skills[uri].preferred_label))

    def _compute(self, isco: str) -> GroupSkills:
        occupations = self.tx.esco_by_isco(isco)
        if not occupations:
            return GroupSkills(isco, (), ())
        essential, optional = Counter(), Counter()
        for occupation in occupations:
            essential.update({s.uri for s in self.tx.occupation_skills(occupation.uri, "essential")})
            optional.update({s.uri for s in self.tx.occupation_skills(occupation.uri, "optional")})
        half = math.ceil(len(occupations) / 2)
        ordered = self._order(essential)
        core = [uri for uri in ordered if essential[uri] >= half]
        if len(core) < MIN_ESSENTIAL:
            core = ordered[:MIN_ESSENTIAL]
        core = core[:MAX_ESSENTIAL]
        taken = set(core)
        rest = [uri for uri in ordered if uri not in taken]
        rest += [uri for uri in self._order(optional) if optional[uri] >= half and uri not in taken]
        return GroupSkills(isco, tuple(core), tuple(dict.fromkeys(rest))[:MAX_OPTIONAL])
