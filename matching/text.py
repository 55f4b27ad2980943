"""Text normalisation shared by every lexical matcher."""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _is_word_char(char: str) -> bool:
    # Letters, combining marks (Indic vowel signs and viramas, Thai and Khmer marks) and digits.
    return unicodedata.category(char)[0] in "LMN"


@lru_cache(maxsize=4096)
def _is_invisible(char: str) -> bool:
    # Format characters (zero-width joiners in Sinhala and Indic clusters, soft hyphens): dropped,
    # so that text typed with or without them compares equal.
    return unicodedata.category(char) == "Cf"


def normalise(text: str) -> str:
    """NFKC, case-folded, zero-width characters dropped, everything but letters, marks and digits
    to spaces, whitespace collapsed: "Driver, truck: HEAVY" → "driver truck heavy";
    "ड्राइभर, कतार" → "ड्राइभर कतार"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(
        "" if _is_invisible(c) else (c if _is_word_char(c) else " ") for c in text
    ).split())
