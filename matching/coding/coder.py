"""The ISCO-08 occupation coder: from what a worker wrote to ranked unit groups with confidence.

Stages, each recorded as the ``signal`` that found a candidate:
1. exact — a whole variant of the text (as written, the first job named, all jobs named) is a
   known name: an ISCO title or included occupation, an ILO index title (both word orders), an
   ESCO preferred/alternative/hidden label, or a multilingual alias;
2. span — a run of its words is a known name ("kasambahay sa riyadh" → "kasambahay");
3. fuzzy — character n-gram TF-IDF neighbours rescored by edit distance ("plumbar", "scafolder");
4. dense — embedding similarity to every name and to ISCO definitions and tasks, of the title
   and, when given, of the title with its description.
A pairwise logistic-regression combiner trained on taxonomy data only (``training.py``) ranks
the candidates from these signals; each gets its share of the query's candidates, and isotonic
calibration turns each share into a probability.

Abstain rule: ``needs_review`` is set when the top probability is below ``review_threshold``
(tuned on the development set, see the README) or when nothing was found. With it the caller
gets the best 2-digit and 1-digit groups, whose probability is the sum of the shares of the
candidates in each group.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
import re
from dataclasses import dataclass, field, replace

import numpy as np

from matching.coding.combiner import Combiner
from matching.coding.dense import UnitGroupDense
from matching.coding.features import FEATURES
from matching.coding.language import guess_language
from matching.coding.preprocess import MAX_CHARS, Cleaned, clean, content_words, regional_reading
from matching.coding.rank import names_a_rank
from matching.lexicon import LexEntry, Lexicon, name_similarities
from matching.text import normalise
from taxonomies.aliases import scripts_of
from taxonomies.ilo_index import natural_order
from taxonomies.loader import Taxonomies

FUZZY_NEIGHBOURS = 60
TOP_DENSE = 10
TOP_DESC = 5
TOP_FUZZY = 10
_F = {name: i for i, name in enumerate(FEATURES)}
_ALIAS_SOURCES = frozenset({"alias", "tenant_alias"})
_INVERTED = re.compile(r"^(?P<head>[^,:()]{2,40}?)\s*[,:]\s*(?P<rest>[^,]{2,80})$")


@dataclass(frozen=True)
class CodingItem:
    text: str
    description: str | None = None
    lang: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Candidate:
    code: str
    title: str
    score: float  # its share of the query's candidates under the combiner, 0..1 (uncalibrated)
    probability: float  # calibrated
    matched_label: str
    matched_source: str  # isco_title, esco_alt, ilo_index, alias, isco_task, …
    signal: str  # exact, alias, span, fuzzy, dense
    skill_levels: tuple[int, ...]


@dataclass(frozen=True)
class GroupGuess:
    code: str
    title: str
    probability: float


@dataclass(frozen=True)
class CodingResult:
    text: str
    cleaned: str
    lang: str
    truncated: bool
    candidates: list[Candidate]
    needs_review: bool
    review_reason: str | None
    sub_major_group: GroupGuess | None = None  # best 2-digit group when under review
    major_group: GroupGuess | None = None
    other_jobs: tuple[str, ...] = ()
    # the text's embedding (unit length): of the title and description when a description was
    # given, else of the cleaned title; what matching compares passports and vacancies with
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass
class _Prepared:
    """Everything computed for one item before scoring."""

    cleaned: Cleaned
    vector: np.ndarray  # the embedding of cleaned.primary
    lang: str
    codes: list[str]
    features: np.ndarray
    evidence: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code → (signal, label, source)
    context: np.ndarray | None = None  # the embedding of title and description, when there is one


class OccupationCoder:
    def __init__(
        self,
        tx: Taxonomies,
        lexicon: Lexicon,
        dense: UnitGroupDense,
        encoder,
        combiner: Combiner | None,
        review_threshold: float = 0.5,
        reads_any_language: bool = False,
    ):
        self.tx = tx
        self.lexicon = lexicon
        self.dense = dense
        self.encoder = encoder
        self.combiner = combiner
        self.review_threshold = review_threshold
        self.reads_any_language = reads_any_language  # a multilingual embedding model
        self.units = dense.units
        self._unit_pos = {code: i for i, code in enumerate(self.units)}
        # The words of the taxonomies' own (English) names: what the default embedding model reads.
        self._model_words = frozenset(
            word for key, entries in zip(lexicon.keys, lexicon.entries)
            if any(e.source not in _ALIAS_SOURCES for e in entries) for word in key.split() if len(word) > 2
        )

    # ---- feature extraction -------------------------------------------------------------
    def prepare(
        self, items: Sequence[CodingItem], masks: Sequence[frozenset[str]] | None = None,
        mask_rows: Sequence[Sequence[Sequence[int]]] | None = None, extra_names: Mapping[str, str] | None = None,
    ) -> list[_Prepared]:
        """Candidates and their features for each item. ``masks`` (normalised names) and
        ``mask_rows`` hide a training query's own label (leave-one-out). ``extra_names`` maps
        normalised texts to unit groups: an organisation's own aliases (its counsellors'
        corrections), matched exactly like the alias tables."""
        cleaned = [self._uninvert(item.text, clean(item.text)) for item in items]
        primaries = [c.primary for c in cleaned]
        # The text as written (whitespace folded) is a second view for the dense stage: it keeps
        # the word order and punctuation of forms like "Driver, truck: heavy".
        written = [" ".join(regional_reading(item.text[:MAX_CHARS]).split()) for item in items]
        fulls = [i for i, c in enumerate(cleaned) if written[i].casefold() != c.primary]
        vectors = self.encoder.encode(primaries + [written[i] for i in fulls])
        full_vectors = vectors[len(primaries):]
        vectors = vectors[:len(primaries)]
        contexts = [i for i, item in enumerate(items) if item.description and item.description.strip()]
        context_vectors = self.encoder.encode(
            [f"{items[i].text[:300]}. {items[i].description[:1700]}" for i in contexts]
        ) if contexts else None
        # One pass over the label matrices for every view of every item: the matrices, not the
        # queries, are what a product reads from memory.
        stacked = np.vstack([vectors, full_vectors] + ([context_vectors] if contexts else []))
        stacked_masks = None
        if mask_rows is not None:
            stacked_masks = list(mask_rows) + [mask_rows[i] for i in fulls] + [mask_rows[i] for i in contexts]
        all_name, all_density, all_desc = self.dense.scores(stacked, stacked_masks, density_rows=len(primaries))
        n_items = len(primaries)
        name, density, desc = all_name[:n_items], all_density[:n_items], all_desc[:n_items]
        full_name = name.copy()
        if fulls:
            full_name[fulls] = all_name[n_items:n_items + len(fulls)]
        ctx_name = ctx_desc = None
        if contexts:
            ctx_name, ctx_desc = all_name[n_items + len(fulls):], all_desc[n_items + len(fulls):]
        context_row = {i: n for n, i in enumerate(contexts)}
        near = self.lexicon.nearest(primaries + [cleaned[i].full for i in fulls], FUZZY_NEIGHBOURS)
        neighbours = [[(key_id, cos, c.primary) for key_id, cos in near[n]] for n, c in enumerate(cleaned)]
        for j, i in enumerate(fulls):
            neighbours[i] += [(key_id, cos, cleaned[i].full) for key_id, cos in near[len(primaries) + j]]
        out = []
        for n, (item, c) in enumerate(zip(items, cleaned)):
            mask = masks[n] if masks is not None else frozenset()
            ctx = None
            if n in context_row and self._model_reads(item.description):
                r = context_row[n]
                ctx = np.maximum(ctx_name[r], ctx_desc[r])
            dense = (name[n], full_name[n], density[n], desc[n], ctx)
            prepared = self._features(item, c, vectors[n], dense, neighbours[n], mask, extra_names or {})
            prepared.context = context_vectors[context_row[n]] if n in context_row else None
            out.append(prepared)
        return out

    def _model_reads(self, text: str) -> bool:
        """Whether most of ``text``'s words are words of the taxonomies' names: a description the
        English embedding model cannot read ("mengoperasikan mesin jahit") would only add noise
        to the candidates' scores, so it is not scored (its embedding is still the result's).
        With a multilingual model (``reads_any_language``) every description is read."""
        if self.reads_any_language:
            return bool(text.strip())
        words = [w for w in normalise(text).split() if len(w) > 2 and not w.isdigit()]
        return bool(words) and sum(w in self._model_words for w in words) >= 0.5 * len(words)

    def _uninvert(self, text: str, cleaned: Cleaned) -> Cleaned:
        """"Driver, truck: heavy" (the ILO's "Noun, qualifier" form) → "heavy truck driver";
        but "cook, housemaid" (two jobs) and "driver, Qatar" (a place) stay as they are."""
        match = _INVERTED.match(" ".join(text.split()))
        if not match or len(match.group("head").split()) > 3 or any(ch.isdigit() for ch in text):
            return cleaned
        qualifier = content_words(match.group("rest"))
        if not qualifier or self.lexicon.exact(qualifier) or len(qualifier.split()) > 5:
            return cleaned
        return replace(cleaned, primary=normalise(natural_order(text)), others=())

    @staticmethod
    def _read_as(entries: Sequence[LexEntry], lang: str | None) -> Sequence[LexEntry]:
        """The readings of a name for a text in ``lang``: when the caller names the language and
        that language's alias table has the words, its reading alone ("helper" is a domestic
        helper in Tagalog, a construction helper in Nepali; "janitor" a cleaner in Filipino
        usage); otherwise every reading."""
        if lang is None:
            return entries
        own = [e for e in entries if e.source == "alias" and e.lang == lang]
        return own or entries

    def _lexical(self, keys: Sequence[str], mask: frozenset[str], extra_names: Mapping[str, str],
                 lang: str | None = None):
        exact: dict[str, tuple[float, LexEntry]] = {}
        for key in keys:
            if not key or key in mask:
                continue
            if key in extra_names and extra_names[key] in self._unit_pos:
                entry = LexEntry(extra_names[key], key, "tenant_alias", None)
                exact = {entry.code: (1.0, entry)}  # the organisation's own correction wins
                break
            entries = [e for e in self._read_as(self.lexicon.exact(key), lang) if e.code in self._unit_pos]
            codes = {e.code for e in entries}
            for e in entries:
                value = 1.0 / len(codes)
                if e.code not in exact or value > exact[e.code][0]:
                    exact[e.code] = (value, e)
        return exact

    def _features(self, item, c: Cleaned, vector, dense, neighbours, mask, extra_names) -> _Prepared:
        name, full_name, density, desc, ctx = dense
        raw = normalise(item.text[:MAX_CHARS])
        if not c.primary:  # emoji, punctuation or numbers only: nothing to code
            return _Prepared(c, vector, item.lang or "en", [], np.zeros((0, len(FEATURES))))
        keys = list(dict.fromkeys([raw, c.primary, c.full]))
        exact = self._lexical(keys, mask, extra_names, item.lang)
        span: dict[str, tuple[float, LexEntry]] = {}
        for text in (c.primary, c.full):
            for span_text, coverage, entries in self.lexicon.spans(text):
                if span_text in mask:
                    continue
                for e in self._read_as(entries, item.lang):
                    if e.code in self._unit_pos and coverage > span.get(e.code, (0.0, None))[0]:
                        span[e.code] = (coverage, e)
        fuzzy: dict[str, tuple[float, LexEntry]] = {}
        by_query: dict[str, list[tuple[int, float]]] = {}
        for key_id, cosine, query in neighbours:
            if self.lexicon.keys[key_id] not in mask:
                by_query.setdefault(query, []).append((key_id, cosine))
        for query, near in by_query.items():
            similarities = name_similarities(query, [self.lexicon.keys[i] for i, _ in near], [c for _, c in near])
            for (key_id, _), similarity in zip(near, similarities.tolist()):
                for e in self._read_as(self.lexicon.entries[key_id], item.lang):
                    if e.code in self._unit_pos and similarity > fuzzy.get(e.code, (0.0, None))[0]:
                        fuzzy[e.code] = (similarity, e)
        lang = item.lang or guess_language(item.text, [e for _, e in exact.values()] + [e for _, e in span.values()])

        candidates = set(exact) | set(span)
        candidates |= set(sorted(fuzzy, key=lambda k: -fuzzy[k][0])[:TOP_FUZZY])
        dense_order = np.argsort(-name, kind="stable")
        candidates |= {self.units[i] for i in dense_order[:TOP_DENSE]}
        candidates |= {self.units[i] for i in np.argsort(-desc, kind="stable")[:TOP_DESC]}
        candidates |= {self.units[i] for i in np.argsort(-full_name, kind="stable")[:TOP_DESC]}
        codes = sorted(candidates)
        dense_rank = np.empty(len(self.units), dtype=np.int32)
        dense_rank[dense_order] = np.arange(1, len(self.units) + 1)
        fuzzy_sorted = sorted(fuzzy, key=lambda k: -fuzzy[k][0])
        fuzzy_rank = {code: r for r, code in enumerate(fuzzy_sorted, start=1)}
        best_fuzzy = fuzzy[fuzzy_sorted[0]][0] if fuzzy_sorted else 0.0
        best_name, best_desc = float(name.max()), float(desc.max())
        latin = float(scripts_of(c.primary) <= {"Latn"})

        features = np.zeros((len(codes), len(FEATURES)), dtype=np.float64)
        pos = np.fromiter((self._unit_pos[code] for code in codes), dtype=np.intp, count=len(codes))
        features[:, _F["dense_name"]] = name[pos]
        features[:, _F["dense_name_margin"]] = name[pos] - best_name
        features[:, _F["dense_full"]] = full_name[pos]
        features[:, _F["dense_density"]] = density[pos]
        features[:, _F["dense_desc"]] = desc[pos]
        features[:, _F["dense_desc_margin"]] = desc[pos] - best_desc
        if ctx is not None:
            features[:, _F["dense_context"]] = ctx[pos]
        features[:, _F["dense_rank"]] = 1.0 / dense_rank[pos]
        features[:, _F["latin"]] = latin
        if not names_a_rank(raw):  # raw is already normalised; normalising is idempotent
            features[:, _F["manager_unmarked"]] = [code[0] == "1" for code in codes]
        evidence = {}
        for row, code in enumerate(codes):
            f = features[row]
            if code in exact:
                f[_F["exact"]] = exact[code][0]
                f[_F["exact_alias"]] = float(exact[code][1].source in _ALIAS_SOURCES)
            f[_F["span"]] = span.get(code, (0.0, None))[0]
            f[_F["fuzzy"]] = fuzzy.get(code, (0.0, None))[0]
            f[_F["fuzzy_margin"]] = f[_F["fuzzy"]] - best_fuzzy
            f[_F["fuzzy_rank"]] = 1.0 / fuzzy_rank[code] if code in fuzzy_rank else 0.0
            if code in exact:
                entry = exact[code][1]
                signal = "exact" if entry.source not in _ALIAS_SOURCES else entry.source.replace("tenant_alias", "alias")
                evidence[code] = (signal, entry.label, entry.source)
            elif code in span and span[code][0] >= 0.5:
                evidence[code] = ("span", span[code][1].label, span[code][1].source)
            elif code in fuzzy and fuzzy[code][0] >= name[pos[row]]:
                evidence[code] = ("fuzzy", fuzzy[code][1].label, fuzzy[code][1].source)
        return _Prepared(c, vector, lang, codes, features, evidence)

    # ---- scoring --------------------------------------------------------------------------
    def code(self, items: Sequence[CodingItem], k: int = 5,
             extra_names: Mapping[str, str] | None = None) -> list[CodingResult]:
        """Ranked unit groups for each item; ``extra_names``: see ``prepare``."""
        if self.combiner is None:
            raise RuntimeError("the coder has no combiner: run `returnmatch build-coder`")
        prepared = self.prepare(items, extra_names=extra_names)
        results = []
        for n, (item, prep) in enumerate(zip(items, prepared)):
            scores = self.combiner.score(prep.features)
            order = np.argsort(-scores, kind="stable")[:k]
            probabilities = self.combiner.calibrate(scores[order])
            candidates = []
            for rank, idx in enumerate(order):
                code = prep.codes[idx]
                signal, label, source = prep.evidence.get(code, ("dense", None, None))
                if label is None:
                    found = self.dense.best_name(prep.vector, code)
                    label, source = (found[0], found[1]) if found else (self.tx.isco[code].title, "isco_title")
                group = self.tx.isco[code]
                candidates.append(Candidate(
                    code, group.title, round(float(scores[idx]), 4), round(float(probabilities[rank]), 4),
                    label, source, signal, group.skill_levels,
                ))
            top_p = candidates[0].probability if candidates else 0.0
            needs_review = not candidates or top_p < self.review_threshold
            reason = None if not needs_review else ("no_candidate" if not candidates else "low_confidence")
            sub_major = major = None
            if needs_review and candidates:
                sub_major, major = (self._group_guess(prep.codes, scores, digits) for digits in (2, 1))
            results.append(CodingResult(
                item.text, prep.cleaned.primary, prep.lang, prep.cleaned.truncated, candidates, needs_review, reason,
                sub_major, major, prep.cleaned.others, prep.context if prep.context is not None else prep.vector,
            ))
        return results

    def _group_guess(self, codes, scores, digits) -> GroupGuess:
        mass: dict[str, float] = {}
        for code, score in zip(codes, scores):  # scores are shares: they sum to 1
            mass[code[:digits]] = mass.get(code[:digits], 0.0) + float(score)
        best = max(mass, key=mass.get)
        return GroupGuess(best, self.tx.isco[best].title, round(mass[best], 4))
