"""Find requirements on sex, age, marital status, religion, pregnancy, appearance, ethnicity or
nationality in job-vacancy text (English, Malay/Indonesian, Tagalog, Arabic script).

The rules are data (``taxonomies/data/screening_c111.json``, loaded by
``taxonomies.screening``). Text is normalised character by character (NFKD without combining
marks, Arabic letter variants unified, case-folded; see ``taxonomies.screening.normalise_char``)
while keeping, for every normalised character, the index of the original character it came
from, so every ``Finding`` carries offsets and words of the ORIGINAL text. The rules of one
category and script are combined into one alternation, so a text is scanned about 8 times (16
if it contains Arabic script); a finding is dropped when the rule's ``unless`` exception
overlaps it or its ``context`` is missing, and then the other rules of the category get a
chance at the same position.

Legitimate requirements (a language, a licence, experience years, a legal minimum age, "male or
female") give no finding; that is the job of each rule's pattern and exceptions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from taxonomies.screening import (
    CATEGORIES,
    Rule,
    ScreeningRules,
    load_screening_rules,
    normalise_char,
)

__all__ = ["CATEGORIES", "Finding", "screen", "screen_text", "summary"]

_TRIM = frozenset(" \t\r\n\f\v\u00a0•·▪●○◦➢✓✔*|>-,;:.")
WINDOW = 80  # a rule runs this many characters either side of each occurrence of one of its keys


@dataclass(frozen=True, slots=True)
class Finding:
    category: str  # one of CATEGORIES
    rule_id: str
    lang: str  # language of the rule ("ms" for rules shared by Malay and Indonesian)
    words: str  # the words as they appear in the original text
    reason: str
    field: str | None  # the field it was found in ("title", "description", ...)
    start: int  # offsets into that field's original text: text[start:end] == words
    end: int


# str.translate table: code point -> normalised form (filled as characters are met); the
# characters whose normalised form is not exactly one character shift offsets.
_TABLE: dict[int, str] = {}
_KNOWN: set[str] = set()
_IRREGULAR: set[str] = set()


def _normalise(text: str) -> tuple[str, bool]:
    """Normalised text, and whether its offsets differ from those of ``text``."""
    if text.isascii():
        return text.lower(), False
    chars = set(text)
    for char in chars.difference(_KNOWN):
        norm = normalise_char(char)
        _TABLE[ord(char)] = norm
        if len(norm) != 1:
            _IRREGULAR.add(char)
        _KNOWN.add(char)
    return text.translate(_TABLE), not chars.isdisjoint(_IRREGULAR)


def _offsets(text: str) -> list[int]:
    """For each character of the normalised text, the index of the original character."""
    index: list[int] = []
    for i, char in enumerate(text):
        index.extend([i] * len(_TABLE[ord(char)]))
    return index


def _trie(keys: Iterable[str], whole: frozenset[str] = frozenset()) -> str:
    """A regex matching the longest of ``keys`` that starts at a position; a key in ``whole``
    only where a word ends after it."""
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = "word" if key in whole and node.get("") != "plain" else "plain"

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        end = node.get("")
        if end == "word":
            branches.append("\\b")
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end == "plain" else body

    return emit(root)


@dataclass(frozen=True, slots=True)
class _Prefilter:
    regex: re.Pattern[str]  # the longest key starting at a position
    rules: Mapping[str, tuple[Rule, ...]]  # key -> rules with that key or a key that is a prefix of it


def _prefilter(own: Mapping[str, list[Rule]], word_start: bool) -> _Prefilter | None:
    if not own:
        return None
    rules = {key: tuple({r.id: r for k in own if key.startswith(k) for r in own[k]}.values()) for key in own}
    whole = frozenset(key for key, users in own.items() if all(r.keys is not None and r.keys.whole_word for r in users))
    return _Prefilter(re.compile(("\\b" if word_start else "") + _trie(own, whole)), rules)


@dataclass(frozen=True, slots=True)
class _Compiled:
    rules: ScreeningRules
    prefilters: tuple[_Prefilter, ...]  # keys at a word start (all scripts), elsewhere in a word (ASCII)
    other_script: tuple[_Prefilter, ...]  # keys elsewhere in a word, non-ASCII: only for non-ASCII text
    always: tuple[Rule, ...]  # rules without usable keys
    order: Mapping[str, int]  # rule id -> position in the rule file


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rules: ScreeningRules | None) -> _Compiled:
    rules = rules if rules is not None else load_screening_rules()
    done = _COMPILED.get(id(rules))
    if done is not None and done.rules is rules:
        return done
    start: dict[str, list[Rule]] = {}
    inside_ascii: dict[str, list[Rule]] = {}
    inside_other: dict[str, list[Rule]] = {}
    for rule in rules.rules:
        if rule.keys is None:
            continue
        for key in rule.keys.strings:
            table = start if rule.keys.word_start else inside_ascii if key.isascii() else inside_other
            table.setdefault(key, []).append(rule)
    done = _Compiled(
        rules=rules,
        prefilters=tuple(p for p in (_prefilter(start, True), _prefilter(inside_ascii, False)) if p),
        other_script=tuple(p for p in (_prefilter(inside_other, False),) if p),
        always=tuple(rule for rule in rules.rules if rule.keys is None),
        order={rule.id: i for i, rule in enumerate(rules.rules)},
    )
    _COMPILED[id(rules)] = done
    return done


def _windows(compiled: _Compiled, norm: str, ascii_only: bool) -> list[tuple[Rule, list[tuple[int, int]]]]:
    """The rules to run and, for each, the stretches of ``norm`` to run it on: WINDOW characters
    either side of every occurrence of one of its keys (merged), or the whole text."""
    places: dict[str, list[tuple[int, int]]] = {}
    by_id: dict[str, Rule] = {}
    prefilters = compiled.prefilters if ascii_only else compiled.prefilters + compiled.other_script
    for prefilter in prefilters:
        hits: dict[str, list[tuple[int, int]]] = {}
        search = prefilter.regex.search
        pos = 0
        while (match := search(norm, pos)) is not None:
            hits.setdefault(match.group(), []).append(match.span())
            pos = match.start() + 1  # keys may overlap: search again from the next character
        for key, spans in hits.items():
            for rule in prefilter.rules[key]:
                places.setdefault(rule.id, []).extend(spans)
                by_id[rule.id] = rule
    size = len(norm)
    out = [(rule, [(0, size)]) for rule in compiled.always if not (ascii_only and rule.arabic_script)]
    for rule_id, spans in places.items():
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            lo, hi = max(0, start - WINDOW), min(size, end + WINDOW)
            while hi < size and not norm[hi].isspace():  # never cut a word at the window end
                hi += 1
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        out.append((by_id[rule_id], merged))
    out.sort(key=lambda item: compiled.order[item[0].id])
    return out


def _accepted(rule: Rule, norm: str, start: int, end: int) -> bool:
    if rule.unless is None and rule.context is None:
        return True
    lo, hi = max(0, start - rule.window), min(len(norm), end + rule.window)
    if rule.unless is not None:
        for exception in rule.unless.finditer(norm, lo, hi):
            if exception.start() < end and exception.end() > start:
                return False
    return rule.context is None or rule.context.search(norm, lo, hi) is not None


def _trim(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start] in _TRIM:
        start += 1
    while end > start and norm[end - 1] in _TRIM:
        end -= 1
    return start, end


def _scan(norm: str, work: list[tuple[Rule, list[tuple[int, int]]]]) -> Iterable[tuple[Rule, int, int]]:
    for rule, windows in work:
        for lo, hi in windows:
            for match in rule.regex.finditer(norm, lo, hi):
                start, end = match.span()
                if end > start and _accepted(rule, norm, start, end):
                    start, end = _trim(norm, start, end)
                    if end > start:
                        yield rule, start, end


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Same field and category with overlapping spans: keep the first (earliest, then longest)."""
    findings.sort(key=lambda f: (f.field or "", f.start, -f.end, CATEGORIES.index(f.category)))
    kept: list[Finding] = []
    last_end: dict[tuple[str | None, str], int] = {}
    for finding in findings:
        key = (finding.field, finding.category)
        if finding.start < last_end.get(key, -1):
            continue
        last_end[key] = max(last_end.get(key, -1), finding.end)
        kept.append(finding)
    return kept


def _screen_one(
    text: str, field: str | None, rules: ScreeningRules | None, exhaustive: bool = False
) -> list[Finding]:
    compiled = _compiled(rules)
    norm, shifted = _normalise(text)
    index: list[int] | None = None
    findings = []
    if exhaustive:  # every rule on the whole text, no prefilter (tests compare the two)
        work = [(rule, [(0, len(norm))]) for rule in compiled.rules.rules]
    else:
        work = _windows(compiled, norm, text.isascii())
    for rule, start, end in _scan(norm, work):
        if shifted:
            index = index if index is not None else _offsets(text)
            start, end = index[start], index[end - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):  # marks of the last letter
                end += 1
        findings.append(Finding(
            category=rule.category,
            rule_id=rule.id,
            lang=rule.lang,
            words=text[start:end],
            reason=rule.reason,
            field=field,
            start=start,
            end=end,
        ))
    return findings


def screen_text(text: str, field: str | None = None, *, rules: ScreeningRules | None = None) -> list[Finding]:
    """Findings in one text, ordered by start offset. ``rules`` defaults to the shipped rules."""
    if not text:
        return []
    return _dedupe(_screen_one(text, field, rules))


def screen(fields: Mapping[str, str | None], *, rules: ScreeningRules | None = None) -> list[Finding]:
    """Findings in every field of a vacancy ({"title": ..., "description": ...}; None or empty
    fields are skipped), ordered by field name, then start offset."""
    findings: list[Finding] = []
    for field, text in fields.items():
        if text:
            findings.extend(_screen_one(text, field, rules))
    return _dedupe(findings)


def summary(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """Category -> the distinct words found (first-seen order); categories in CATEGORIES order,
    only those with findings."""
    words: dict[str, list[str]] = {}
    for finding in findings:
        seen = words.setdefault(finding.category, [])
        if finding.words not in seen:
            seen.append(finding.words)
    return {category: words[category] for category in CATEGORIES if category in words}
