"""Which language a text is in, when the caller does not say: by script, then by which
language's aliases it uses; English when nothing else is known."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from matching.lexicon import LexEntry
from taxonomies.aliases import scripts_of

# A script that only one registered language is written in decides it.
_SCRIPT_LANGUAGE = {"Thai": "th", "Khmr": "km", "Beng": "bn", "Sinh": "si", "Taml": "ta"}
# Scripts shared by several languages: the aliases found decide, else the first listed.
_SCRIPT_DEFAULT = {"Deva": ("hi", "ne"), "Arab": ("ur", "afb")}


def guess_language(text: str, matched: Iterable[LexEntry]) -> str:
    scripts = scripts_of(text) - {"Latn"}
    votes = Counter(e.lang for e in matched if e.source == "alias")
    for script in sorted(scripts):
        if script in _SCRIPT_LANGUAGE:
            return _SCRIPT_LANGUAGE[script]
        if script in _SCRIPT_DEFAULT:
            options = _SCRIPT_DEFAULT[script]
            return max(options, key=lambda lang: (votes[lang], -options.index(lang)))
    if votes:
        return votes.most_common(1)[0][0]
    return "en"
