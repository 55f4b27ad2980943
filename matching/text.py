"""Text normalisation shared by every lexical matcher."""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation to spaces, whitespace collapsed: "Driver, truck: HEAVY" → "driver truck heavy"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())
