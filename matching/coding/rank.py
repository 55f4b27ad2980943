"""Whether a text names a manager's rank.

ISCO-08 major group 1 (Managers) is for jobs that plan, direct and coordinate; the ILO index
names them by a rank word — of its 509 titles in the group, 279 are "Manager, …", 49
"Director, …", then chairperson, head, president, commissioner, governor… —, while a bare
field ("Marketing", "Accounts", "HR") or a junior title ("marketing executive") names the
people who do the work. The combiner reads one feature from this: a candidate in major
group 1 for a text that names no rank (``features.py``: ``manager_unmarked``); its weight is
learned from taxonomy data like every other. The words are the ranks of the ILO index's group-1
heads and their everyday forms in the registered languages; a word here only lifts that
feature, it never codes a text.
"""
from __future__ import annotations

from matching.text import normalise

# Words, matched whole after ``normalise``: English, then Malay and Indonesian, Tagalog, and
# Gulf Arabic romanised.
_WORDS = frozenset("""
    manager managers mgr director directors chief head president chairman chairperson chairwoman
    ceo cfo coo cto cio gm commissioner governor principal headmaster headmistress headteacher rector
    dean chancellor legislator councillor mayor senator ambassador minister superintendent owner
    proprietor
    pengurus pengarah manajer direktur kepala ketua
    tagapamahala manedyer direktor
    mudir
""".split())
# Phrases, matched as a run of whole words: Vietnamese, with and without its diacritics.
_PHRASES = ("quản lý", "giám đốc", "trưởng phòng", "quan ly", "giam doc", "truong phong")
# Scripts written without spaces between words, or where a rank is a word of its own: matched
# as substrings of the normalised text.
_SUBSTRINGS = (
    "ผู้จัดการ", "ผู้อำนวยการ",  # Thai
    "អ្នកគ្រប់គ្រង", "នាយក",  # Khmer
    "प्रबंधक", "प्रबन्धक", "मैनेजर", "म्यानेजर", "निदेशक", "निर्देशक", "व्यवस्थापक",  # Hindi, Nepali
    "ম্যানেজার", "ব্যবস্থাপক", "পরিচালক",  # Bengali
    "مینیجر", "منیجر", "مینجر", "ڈائریکٹر", "مدير",  # Urdu, Gulf Arabic
    "කළමනාකරු", "මැනේජර්", "අධ්යක්ෂ",  # Sinhala
    "மேலாளர்", "மேனேஜர்", "இயக்குனர்",  # Tamil
)
_PHRASE_KEYS = tuple(normalise(p) for p in _PHRASES)
_SUBSTRING_KEYS = tuple(normalise(s) for s in _SUBSTRINGS)


def names_a_rank(text: str) -> bool:
    """Whether ``text`` (any form; normalised here) contains a manager's rank word."""
    key = normalise(text)
    if any(word in _WORDS for word in key.split()):
        return True
    padded = f" {key} "
    return any(f" {p} " in padded for p in _PHRASE_KEYS) or any(s in key for s in _SUBSTRING_KEYS)
