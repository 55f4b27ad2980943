"""The ILO index of occupational titles for ISCO-08 (English), one entry per title.

The ILO prints titles inverted, head noun first: "Driver, truck: heavy". ``natural_order``
turns them into the word order people use ("heavy truck driver") by this rule:

1. A parenthesised part at the end of the title is set aside and appended last.
2. The head noun is the text before the first "," or ":". After a ",", the text up to the
   first ":" is the qualifier and the rest the specifier; after a ":" there is only a
   specifier.
3. The result is specifier, qualifier, head noun, parenthesised part; the head noun's first
   letter is lower-cased when anything precedes it (unless the head is an acronym). Runs of
   whitespace become one space.

    "Driver, truck: heavy"           -> "heavy truck driver"
    "Academic, university: lecturer" -> "lecturer university academic"
    "Soldier: captain"               -> "captain soldier"
    "Worker, farm: skilled (oyster)" -> "skilled farm worker (oyster)"
    "Maker, sail, tent and awning"   -> "sail, tent and awning maker"
    "Abbot"                          -> "Abbot"
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IloTitle:
    """``id`` is the row index in the ILO file; ``title`` as the ILO prints it."""

    id: int
    title: str
    natural: str
    isco08: str
    isco88: str | None


def _split_trailing_parenthesis(text: str) -> tuple[str, str]:
    """("Worker, farm: skilled", "(oyster)") for "Worker, farm: skilled (oyster)"."""
    if not text.endswith(")"):
        return text, ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i], text[i:]
    return text, ""


def natural_order(title: str) -> str:
    """The ILO's inverted title in natural word order (rule in the module docstring)."""
    body, parenthesis = _split_trailing_parenthesis(" ".join(title.split()))
    head, qualifier, specifier = body, "", ""
    separator = re.search(r"[,:]", body)
    if separator:
        head, rest = body[: separator.start()], body[separator.end() :]
        if separator.group() == ",":
            qualifier, _, specifier = rest.partition(":")
        else:
            specifier = rest
    head = head.strip()
    words = [part.strip() for part in (specifier, qualifier) if part.strip()]
    if words and not head[1:2].isupper():
        head = head[:1].lower() + head[1:]
    return " ".join([*words, head, parenthesis]).strip()
