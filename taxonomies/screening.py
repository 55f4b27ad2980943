"""Rules for screening job vacancies for discriminatory requirements, as data.

Sources: ILO Discrimination (Employment and Occupation) Convention, 1958 (No. 111), Art. 1(1)(a)
(race, colour, sex, religion, political opinion, national extraction, social origin), Art. 1(1)(b)
(further grounds set by a Member) and Art. 1(2) (inherent requirements of a particular job are
not discrimination). Age, marital status, pregnancy and appearance are not listed in C111 Art.
1(1)(a); the rules cover them through national law and, see, the ILO Maternity Protection
Convention, 2000 (No. 183), the Workers with Family Responsibilities Convention, 1981 (No. 156),
the Termination of Employment Convention, 1982 (No. 158) and the Older Workers Recommendation,
1980 (No. 162). Nationality is flagged for review only: it may be lawful for some posts.

``taxonomies/data/screening_c111.json`` holds the rules: each has a stable ``id``, a
``category`` (see ``CATEGORIES``), ``lang`` or ``langs`` (en, ms, id, tl, ar), a Python regex
``pattern`` written in lower case against normalised text (see ``normalise_char``), optional
``unless`` (an exception: a match of it overlapping the finding, within ``window`` characters,
cancels it), optional ``context`` (must occur within ``window`` characters, or the finding is
dropped), and a plain-English ``reason``. ``{NAME}`` in a regex inserts a shared macro.

Loading rejects an unknown category or language, a duplicate id, a missing field, an upper-case
letter, a named group or backreference, an unknown macro and a regex that does not compile:
ValueError naming the rule id. This file is not part of the taxonomy MANIFEST.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from re import _constants as _sre
from re import _parser as _sre_parse
from types import MappingProxyType
from typing import Any

PATH = Path(__file__).resolve().parent / "data" / "screening_c111.json"
CATEGORIES = (
    "sex",
    "age",
    "marital_status",
    "religion",
    "pregnancy",
    "appearance",
    "ethnicity",
    "nationality",
)
LANGS = ("en", "ms", "id", "tl", "ar")
FLAGS = re.MULTILINE
DEFAULT_WINDOW = 40
MIN_KEY = 2  # shorter keys (3 if not at a word start) are useless as a prefilter: the rule always runs
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_FORBIDDEN = re.compile(r"\(\?P[<=]|\\[1-9]|\(\?[aiLmsux]")  # named groups, backreferences, inline flags
_ARABIC_LETTERS = {"\u0629": "\u0647", "\u0649": "\u064a", "\u0671": "\u0627"}  # ة->ه ى->ي ٱ->ا
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


@functools.lru_cache(maxsize=8192)
def normalise_char(char: str) -> str:
    """What one character of vacancy text becomes before matching (possibly "" or 2+ chars):
    NFKD with combining marks dropped (accents, Arabic harakat, hamza on its carrier: أ -> ا),
    ة -> ه, ى -> ي, tatweel and format characters (RLM, ZWJ, soft hyphen) dropped, dashes to "-",
    non-ASCII decimal digits to ASCII, then case-folded. ASCII letters are only lower-cased."""
    if char.isascii():
        return char.lower()
    if char in _DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Cf" or char == "\u0640":  # format characters, Arabic tatweel
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(char))
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            continue
        out.append(_ARABIC_LETTERS.get(part, part))
    return "".join(out).casefold()


def normalise_pattern(pattern: str) -> str:
    """Normalise the non-ASCII characters of a regex the way the text is normalised (ASCII is
    kept, so escapes such as ``\\W`` survive)."""
    if pattern.isascii():
        return pattern
    return "".join(c if c.isascii() else normalise_char(c) for c in pattern)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    langs: tuple[str, ...]
    pattern: str  # as written in the file, macros not expanded
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None
    context: re.Pattern[str] | None
    window: int
    reason: str
    keys: Keys | None  # every match contains one of these strings (None: no usable key)

    @property
    def lang(self) -> str:
        """The first language of the rule (Malay/Indonesian rules give "ms")."""
        return self.langs[0]

    @property
    def arabic_script(self) -> bool:
        return self.langs == ("ar",)


@dataclass(frozen=True, slots=True)
class ScreeningRules:
    version: str
    source: Mapping[str, Any]
    rules: tuple[Rule, ...]
    by_id: Mapping[str, Rule]

    def for_category(self, category: str) -> tuple[Rule, ...]:
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}; known: {CATEGORIES}")
        return tuple(rule for rule in self.rules if rule.category == category)


def _expand(text: str, macros: Mapping[str, str], rule_id: str, field: str) -> str:
    for _ in range(5):  # macros may use macros
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), text)
        if expanded == text:
            break
        text = expanded
    unknown = sorted(set(_MACRO.findall(text)))
    if unknown:
        raise ValueError(f"rule {rule_id!r}: unknown macro(s) {unknown} in {field}")
    return text


def _compile(raw: Any, macros: Mapping[str, str], rule_id: str, field: str) -> re.Pattern[str]:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"rule {rule_id!r}: {field} must be a non-empty string")
    source = _expand(raw, macros, rule_id, field)
    if _FORBIDDEN.search(source):
        raise ValueError(f"rule {rule_id!r}: {field} uses a named group, backreference or inline flag")
    bare = _ESCAPE.sub("", source)
    if any("A" <= c <= "Z" for c in bare):
        raise ValueError(f"rule {rule_id!r}: {field} has upper-case letters; text is case-folded, write it in lower case")
    try:
        return re.compile(normalise_pattern(source), FLAGS)
    except re.error as error:
        raise ValueError(f"rule {rule_id!r}: {field} does not compile: {error}") from error


def _rule(row: Any, macros: Mapping[str, str], index: int) -> Rule:
    if not isinstance(row, dict):
        raise ValueError(f"rule #{index}: not an object")  # noqa: TRY004 - the loader's contract is ValueError
    rule_id = row.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise ValueError(f"rule #{index}: missing id")
    known = {"id", "category", "lang", "langs", "pattern", "unless", "context", "window", "reason"}
    extra = sorted(set(row) - known)
    if extra:
        raise ValueError(f"rule {rule_id!r}: unknown field(s) {extra}")
    category = row.get("category")
    if category not in CATEGORIES:
        raise ValueError(f"rule {rule_id!r}: unknown category {category!r}; known: {CATEGORIES}")
    if ("lang" in row) == ("langs" in row):
        raise ValueError(f"rule {rule_id!r}: give exactly one of lang, langs")
    langs = (row["lang"],) if "lang" in row else row["langs"]
    if not isinstance(langs, (list, tuple)) or not langs or any(lang not in LANGS for lang in langs):
        raise ValueError(f"rule {rule_id!r}: unknown language in {langs!r}; known: {LANGS}")
    if len(set(langs)) != len(langs) or ("ar" in langs and len(langs) > 1):
        raise ValueError(f"rule {rule_id!r}: langs {langs!r} repeat a language or mix Arabic with Latin-script languages")
    reason = row.get("reason")
    if not isinstance(reason, str) or len(reason.strip()) < 10:
        raise ValueError(f"rule {rule_id!r}: missing reason")
    window = row.get("window", DEFAULT_WINDOW)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 500:
        raise ValueError(f"rule {rule_id!r}: window must be an integer 0-500")
    return Rule(
        id=rule_id,
        category=category,
        langs=tuple(langs),
        pattern=row.get("pattern") if isinstance(row.get("pattern"), str) else "",
        regex=_compile(row.get("pattern"), macros, rule_id, "pattern"),
        unless=_compile(row["unless"], macros, rule_id, "unless") if row.get("unless") is not None else None,
        context=_compile(row["context"], macros, rule_id, "context") if row.get("context") is not None else None,
        window=window,
        reason=reason.strip(),
        keys=None,
    )


@functools.cache
def load_screening_rules(path: Path | str | None = None) -> ScreeningRules:
    """Parse and compile ``screening_c111.json`` (cached per path). Raises ValueError if it is
    malformed; the message names the rule."""
    path = Path(path) if path is not None else PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read screening rules ({error!r})") from error
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or not data["rules"]:
        raise ValueError(f"{path}: expected an object with a non-empty 'rules' list")
    for key in ("version", "source"):
        if not data.get(key):
            raise ValueError(f"{path}: missing {key!r}")
    macros = data.get("macros", {})
    if not isinstance(macros, dict) or not all(isinstance(v, str) and _MACRO.fullmatch("{" + k + "}") for k, v in macros.items()):
        raise ValueError(f"{path}: 'macros' must map UPPER_CASE names to regex strings")
    rules = []
    seen: set[str] = set()
    for index, row in enumerate(data["rules"]):
        rule = _rule(row, macros, index)
        if rule.id in seen:
            raise ValueError(f"rule {rule.id!r}: duplicate id")
        seen.add(rule.id)
        keys = required_keys(rule.regex)
        usable = keys is not None and min(map(len, keys.strings)) >= (
            MIN_KEY if keys.word_start or not rule.regex.pattern.isascii() else MIN_KEY + 1
        )
        rules.append(dataclasses.replace(rule, keys=keys if usable else None))
    source = data["source"] if isinstance(data["source"], dict) else {"text": data["source"]}
    return ScreeningRules(
        version=str(data["version"]),
        source=MappingProxyType(dict(source)),
        rules=tuple(rules),
        by_id=MappingProxyType({rule.id: rule for rule in rules}),
    )


# Prefilter keys. A rule's regex is parsed (re's own parser) into literal strings one of which
# every match must contain, e.g. r"\bfemales?\s+only" -> ("female",), and whether each of them
# always starts a word (it follows \b, \s+, a space...). The matcher runs a rule only where one
# of its keys occurs in the normalised text. The analysis is conservative: an element it cannot
# read ends the literal run, so keys are always necessary, never guessed.
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_NON_WORD_CATEGORIES = (_sre.CATEGORY_SPACE, _sre.CATEGORY_NOT_WORD, _sre.CATEGORY_UNI_SPACE, _sre.CATEGORY_UNI_NOT_WORD)
_MAX_KEYS = 2048
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Keys:
    strings: tuple[str, ...]
    word_start: bool  # every occurrence that a match contains starts a word
    whole_word: bool  # ... and ends one


def _product(left: set[str], right: set[str]) -> set[str] | None:
    out = {a + b for a in left for b in right}
    return out if len(out) <= _MAX_KEYS else None


def _non_word(op: Any, av: Any) -> bool:
    """The element consumes at least one character, all of them non-word characters."""
    if op is _sre.LITERAL:
        return not _WORD.match(chr(av))
    if op is _sre.IN:
        return bool(av) and all(
            (o is _sre.LITERAL and not _WORD.match(chr(a))) or (o is _sre.CATEGORY and a in _NON_WORD_CATEGORIES)
            for o, a in av
        )
    if op in _REPEATS:
        return av[0] >= 1 and len(av[2]) == 1 and _non_word(*av[2][0])
    return False


def _chars(op: Any, av: Any) -> set[str] | None:
    """The characters a LITERAL or a small class of literals matches."""
    if op is _sre.LITERAL:
        return {chr(av)}
    if op is _sre.IN and 0 < len(av) <= 6 and all(o is _sre.LITERAL for o, _ in av):
        return {chr(a) for _, a in av}
    return None


def _finite(items: Any, limit: int = 64) -> set[str] | None:
    """Every string a parsed sequence of literals, small classes, groups, alternatives and
    optional parts can match, if they are few; else None."""
    out = {""}
    for op, av in items:
        chars = _chars(op, av)
        if chars is None:
            if op is _sre.SUBPATTERN:
                chars = _finite(av[3], limit)
            elif op is _sre.BRANCH:
                forms = [_finite(branch, limit) for branch in av[1]]
                chars = set().union(*forms) if all(f is not None for f in forms) else None
            elif op in _REPEATS and av[0] == 0 and av[1] == 1:
                chars = _finite(av[2], limit)
                chars = chars | {""} if chars is not None else None
        if chars is None:
            return None
        out = {a + b for a in out for b in chars}
        if len(out) > limit:
            return None
    return out


def _solid(items: Any) -> list[tuple[Any, Any]]:
    items = list(items)
    if len(items) == 1 and items[0][0] is _sre.SUBPATTERN:
        return _solid(items[0][1][3])
    return [(op, av) for op, av in items if op not in _ZERO_WIDTH]


def _starts_non_word(items: Any) -> bool:
    solid = _solid(items)
    return bool(solid) and _non_word(*solid[0])


def _ends_non_word(items: Any) -> bool:
    solid = _solid(items)
    return bool(solid) and _non_word(*solid[-1])


_ENDS = (_sre.AT_BOUNDARY, _sre.AT_UNI_BOUNDARY, _sre.AT_END, _sre.AT_END_LINE, _sre.AT_END_STRING)


def _analyse(items: Any, anchored: bool, end_anchored: bool) -> tuple[list[tuple[set[str], bool, bool]], Any, bool]:
    """Literal strings in a parsed sequence. ``anchored``: the sequence starts at a word start;
    ``end_anchored``: a word ends where it ends. Returns (candidates, lead, complete):
    candidates are (set of strings one of which every match contains, that occurrence starts a
    word, it ends a word); lead is the candidate every match starts with, or None; complete: every
    match is exactly one string of the lead."""
    items = list(items)
    candidates: list[tuple[set[str], bool, bool]] = []
    lead: tuple[set[str], bool, bool] | None = None
    run = {""}
    run_start = anchored
    run_last = -1  # index of the last element in the run
    broken = False  # an element other than literals was met
    boundary = anchored  # a word starts at the next character, if it is a word character

    def boundary_at(i: int) -> bool:
        """A word ends before items[i] (or the sequence end)."""
        for op, av in items[i:]:
            if op is _sre.AT and av in _ENDS:
                return True
            if op in _ZERO_WIDTH:
                continue
            if op in _REPEATS and av[0] == 0 and _starts_non_word(av[2]):
                continue  # optional, and if present it starts with a non-word character
            return _non_word(op, av)
        return end_anchored

    def flush() -> None:
        nonlocal run, lead, broken
        if run != {""}:
            cand = (
                run,
                run_start and all(_WORD.match(x[:1]) for x in run),
                boundary_at(run_last + 1) and all(_WORD.match(x[-1:]) for x in run),
            )
            if "" not in run:  # a run that may be empty is no key
                candidates.append(cand)
            if not broken:
                lead = cand
        run = {""}
        broken = True

    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            if op is _sre.AT and av in (_sre.AT_BOUNDARY, _sre.AT_UNI_BOUNDARY) and run == {""}:
                boundary = True
            continue
        chars = _chars(op, av)
        if chars is None and op in _REPEATS and av[0] == 0 and av[1] == 1:
            # an optional affix ("females?", Arabic clitics) : every form continues the run
            chars = _finite(av[2])
            chars = chars | {""} if chars is not None else None
        if chars is not None:
            new = _product(run, chars)
            if new is not None:
                if run == {""}:
                    run_start = boundary
                run, run_last = new, i
                continue
        if _non_word(op, av):
            flush()
            boundary = True
            continue
        sub_start = boundary and run == {""}
        sub_end = boundary_at(i + 1)
        if op is _sre.SUBPATTERN:
            subs = [_analyse(av[3], sub_start, sub_end)]
        elif op is _sre.ATOMIC_GROUP:
            subs = [_analyse(av, sub_start, sub_end)]
        elif op is _sre.BRANCH:
            subs = [_analyse(branch, sub_start, sub_end) for branch in av[1]]
        elif op in _REPEATS and av[0] >= 1:
            once = av[0] == av[1] == 1
            sub = _analyse(av[2], sub_start, sub_end and once)
            subs = [(sub[0], sub[1], sub[2] and once)]
        else:
            flush()
            # an optional part ending in a non-word character keeps a word start after it
            boundary = boundary and op in _REPEATS and av[0] == 0 and _ends_non_word(av[2])
            continue
        leads = [sub[1] for sub in subs]
        if all(leads):
            new = _product(run, set().union(*(lead_[0] for lead_ in leads)))
            if new is not None and all(sub[2] for sub in subs):
                if run == {""}:
                    run_start = all(lead_[1] for lead_ in leads)
                run, run_last = new, i  # the group is plain literals: the run goes on
                continue
            if new is not None:
                starts = (all(lead_[1] for lead_ in leads) if run == {""} else run_start) and all(
                    _WORD.match(x[:1]) for x in new
                )
                cand = (new, starts, all(lead_[2] for lead_ in leads))
                if "" not in new:
                    candidates.append(cand)
                if not broken:
                    lead = cand
        flush()
        boundary = False
        if all(sub[0] for sub in subs):  # one key set of each branch: their union
            best = [max(sub[0], key=_key_score) for sub in subs]
            candidates.append((set().union(*(b[0] for b in best)), all(b[1] for b in best), all(b[2] for b in best)))
    if not broken:
        if run == {""}:
            return [], None, False
        flush()
        return candidates, lead, True
    flush()
    return candidates, lead, False


# Strings frequent inside ordinary job-ad words ("requirements", "manager", "overtime"): as keys
# that may start anywhere in a word they would wake their rule on almost every text, so another
# key set of the same rule is preferred. This only affects speed, never what is found.
_WEAK_KEYS = frozenset(["men", "man", "age", "has", "over", "min", "max", "the", "and", "for", "con", "ion", "ing", "ent"])


def _key_score(candidate: tuple[set[str], bool, bool]) -> tuple[int, bool, int]:
    keys, word_start, word_end = candidate
    shortest = min(len(key) for key in keys)
    if not word_start and any(key in _WEAK_KEYS for key in keys):
        shortest = 1
    return shortest + (2 if word_start else 0) + (2 if word_start and word_end else 0), word_start, -len(keys)


def required_keys(regex: re.Pattern[str]) -> Keys | None:
    """Literal strings one of which every match of ``regex`` contains, or None if none found."""
    try:
        candidates, _, _ = _analyse(_sre_parse.parse(regex.pattern, regex.flags), False, False)
    except Exception:  # noqa: BLE001 - an unexpected parse tree: no prefilter, the rule always runs
        return None
    if not candidates:
        return None
    keys, word_start, word_end = max(candidates, key=_key_score)
    return Keys(tuple(sorted(keys)), word_start, word_start and word_end)
