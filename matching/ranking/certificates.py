"""Certificates and what a requirement asks: the framework (NVQ, TESDA NC, NSQF, SKM, …) and the
level, read from the words when not given ("TESDA NC II Shielded Metal Arc Welding" → NC, 2)."""
from __future__ import annotations

import re

_CERTIFICATE = re.compile(
    r"\b(?P<framework>NVQ|NC|NSQF|SKM|NTC|NSDA|NSTB|KKNI|BNSP|AQF|TESDA|NTVQF|BNQF)\b\W*"
    r"(?:level|tahap|tingkat|lvl|grade)?\W*(?P<level>[IVX]{1,4}|\d{1,2})\b", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_ALIASES = {"TESDA": "NC", "NATIONAL CERTIFICATE": "NC", "NTVQF": "BNQF", "NSDA": "BNQF"}


def read_certificate(text: str) -> tuple[str, str] | None:
    """(framework, level as written) found in a certificate's name, or None."""
    m = _CERTIFICATE.search(text)
    if m is None:
        return None
    framework = m["framework"].upper()
    return _ALIASES.get(framework, framework), m["level"].upper()


def framework_key(framework: str | None) -> str | None:
    """"NVQ (Sri Lanka)" → "NVQ"; "TESDA NC" → "NC"."""
    if not framework:
        return None
    words = re.findall(r"[A-Za-z]+", framework.upper())
    if not words:
        return None
    if "NC" in words:
        return "NC"
    return _ALIASES.get(words[0], words[0])


def level_number(level: str | None) -> int | None:
    """"II" → 2, "3" → 3, "NC II" → 2, "Level 4" → 4."""
    if not level:
        return None
    for token in reversed(re.findall(r"[IVX]{1,4}|\d{1,2}", level.upper())):
        if token.isdigit():
            return int(token)
        if token in _ROMAN:
            return _ROMAN[token]
    return None
