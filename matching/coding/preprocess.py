"""Cleaning what returnees and recruiters write before it is coded.

"6 yrs house driver in Riyadh, also car maintenance" → primary "house driver", other
"car maintenance". Durations in the languages returnees write ("3 taon", "5 tahun", "४ वर्ष"),
destination places, recruiting noise ("urgent", "hiring", "(fresh graduate)"), emoji and
numbers are removed; text over ``MAX_CHARS`` is truncated (and flagged by the caller).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from matching.text import normalise

MAX_CHARS = 2000

# Time words in the registered languages: dropped when a number stands next to them.
TIME_WORDS = frozenset(
    """
    yrs yr years year y months month mos mo mths mth weeks week days
    taon buwan tahun thn bulan bln năm nam tháng thang ปี เดือน ឆ្នាំ ខែ
    वर्ष बर्ष बरस साल महिना महीना महिने barsa barsha barsa sal saal mahina mahine
    বছর মাস bochor bochhor bachar mash
    سال ماہ مہینے سنة سنوات سنين شهر شهور اشهر
    අවුරුදු අවුරුද්ද මාස awurudu avurudu masa
    ஆண்டு ஆண்டுகள் வருடம் வருடங்கள் மாதம் மாதங்கள் varudam varusham aandu maasam
    """.split()
)
_GLUED_DURATION = re.compile(r"^\d+(?:yrs?|years?|y|mos?|months?|mths?|thn|tahun|taon)$")

# Destination and home places that carry no occupational meaning.
PLACES = frozenset(
    """
    riyadh jeddah jiddah dammam khobar mecca makkah medina madinah saudi ksa arabia dubai sharjah ajman abu dhabi
    uae emirates qatar doha kuwait oman muscat salalah bahrain manama jordan amman lebanon beirut israel
    malaysia kl kuala lumpur penang selangor johor sabah sarawak singapore sg hongkong hong kong hk taiwan taipei
    korea seoul japan tokyo osaka brunei cyprus italy libya iraq maldives mauritius
    philippines manila sri lanka colombo nepal kathmandu bangladesh dhaka india indonesia jakarta vietnam
    hanoi thailand bangkok cambodia myanmar pakistan
    सउदी साउदी कतार दुबई कुवेत ओमान मलेसिया मलेशिया सौदी সৌদি দুবাই কাতার কুয়েত ওমান মালয়েশিয়া সিঙ্গাপুর
    سعودی سعودیہ دبئی قطر کویت عمان ملائیشیا سعودية السعودية دبي الكويت الرياض جدة
    ซาอุ ซาอุดิอาระเบีย ดูไบ กาตาร์ มาเลเซีย ไต้หวัน เกาหลี ญี่ปุ่น สิงคโปร์ ម៉ាឡេស៊ី កូរ៉េ ថៃ ជប៉ុន
    සෞදි සවුදි කටාර් ඩුබායි කුවේට් ඕමාන් சவுதி துபாய் கத்தார் குவைத் ஓமன் மலேசியா சிங்கப்பூர்
    """.split()
)
_PLACE_PREPOSITIONS = {"in", "at", "sa", "di", "ke", "ở", "o", "tai", "tại", "from", "to"}
# Recruiting noise: words that never name an occupation.
NOISE = frozenset(
    """
    urgent urgently hiring vacancy vacancies wanted needed required hire job jobs position post opening
    immediate immediately fresh graduate graduates graduated internship intern interns trainee trainees
    senior snr sr junior jnr jr experienced skilled unskilled semi
    fulltime full parttime part time contract permanent temporary temp
    also and cum plus then with ex former previously previous worked working work as sebagai bilang
    male female only lady ladies men women
    """.split()
)
# Regional usage. In South and South-East Asian job titles "executive" closing a title
# ("marketing executive", "HR executive", "account executive") names an officer-level post,
# while ESCO (European usage) files many such labels under managers; it is read as "officer".
# Not "chief executive", nor where another job word follows ("executive chef", "executive
# secretary"), which keep their taxonomy meaning.
_TITLE_EXECUTIVE = re.compile(
    r"(?<!chief )\b(?:executive|exec|excecutive|executif|eksekutif)s?\b\.?(?=\s*(?:$|[^\w\s]|(?:in|at|for|cum|and|di|to)\b))",
    re.IGNORECASE,
)


def regional_reading(text: str) -> str:
    """``text`` with the region's officer-level "executive" written as "officer"."""
    return _TITLE_EXECUTIVE.sub("officer", text)


_SEPARATORS = re.compile(r"\s*(?:[,;/|+&]|\b(?:also|and then|then|plus|at saka|dan juga|juga|cum)\b|\band\b)\s*",
                         re.IGNORECASE)
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")


@dataclass(frozen=True, slots=True)
class Cleaned:
    original: str
    truncated: bool
    primary: str  # normalised, the first job named
    others: tuple[str, ...]  # normalised, further jobs named
    full: str  # normalised, whole text without durations, places and noise


def _strip_emoji(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Cs", "Co", "Cn"))


def _drop_durations(tokens: list[str]) -> list[str]:
    drop = set()
    for i, token in enumerate(tokens):
        if _GLUED_DURATION.match(token):
            drop.add(i)
        elif token.isdigit():
            drop.add(i)
            for j in (i - 1, i + 1):
                if 0 <= j < len(tokens) and tokens[j] in TIME_WORDS:
                    drop.add(j)
    return [t for i, t in enumerate(tokens) if i not in drop]


def content_words(segment: str) -> str:
    """The words of ``segment`` that can name an occupation: durations, places and noise removed."""
    tokens = _drop_durations(normalise(segment).split())
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        two = " ".join(tokens[i:i + 2])
        if two in PLACES or token in PLACES:
            if kept and kept[-1] in _PLACE_PREPOSITIONS:
                kept.pop()
            i += 2 if two in PLACES else 1
            continue
        if token in NOISE:
            i += 1
            continue
        kept.append(token)
        i += 1
    while kept and kept[-1] in _PLACE_PREPOSITIONS:
        kept.pop()
    return " ".join(kept)


def clean(text: str) -> Cleaned:
    truncated = len(text) > MAX_CHARS
    raw = regional_reading(_strip_emoji(unicodedata.normalize("NFKC", text[:MAX_CHARS])))
    without_brackets = _BRACKETS.sub(" ", raw)
    segments = [content_words(s) for s in _SEPARATORS.split(without_brackets)]
    segments = [s for s in segments if s]
    if not segments:  # everything was noise or in brackets: fall back to the bracket content
        segments = [s for s in (content_words(raw),) if s] or [normalise(raw)]
    full = content_words(raw.replace("(", " ").replace(")", " ")) or segments[0]
    return Cleaned(text, truncated, segments[0], tuple(dict.fromkeys(segments[1:])), full)
