"""Skill extraction: from titles, tasks and descriptions to ESCO skills, with provenance.

Two extractors, each result naming the ESCO skill, the words that showed it, where they were
(which experience, which field), a confidence and the method:
- ``exact`` — a run of two or more words (or a whole phrase) is an ESCO skill's preferred or
  alternative label ("operate forklift", "lay bricks"); confidence 1.0;
- ``dense`` — a phrase of the text (split at commas, semicolons, full stops, line breaks and
  "and") of 2 to 8 words is close in embedding space to an ESCO skill label; confidence is the
  cosine, and only phrases at or above ``min_cosine`` count. Single words and sentence-long
  phrases are left to the exact pass: skill labels are short, and a long phrase's vector is
  the sentence's, not a skill's. Each distinct phrase of a batch is encoded once.
A skill found several times keeps its best evidence per experience.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.text import normalise

MIN_COSINE = 0.62
MAX_PHRASES = 60
DENSE_WORDS = (2, 8)
_SPLIT = re.compile(r"[,;.\n\r•·|/]+|\s+(?:and|&|dan|at|và|และ)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class TextField:
    experience_id: str | None
    field: str  # title, tasks, description, declared
    text: str


@dataclass(frozen=True)
class ExtractedSkill:
    uri: str
    label: str
    experience_id: str | None
    field: str
    words: str
    method: str  # exact, dense
    confidence: float


def phrases(text: str) -> list[str]:
    """The phrases of a text: the pieces between commas, full stops, line breaks and "and"."""
    out = []
    for piece in _SPLIT.split(text):
        piece = " ".join(piece.split())
        if 2 <= len(piece) <= 200 and any(ch.isalpha() for ch in piece):
            out.append(piece)
    return out


class SkillExtractor:
    def __init__(self, skills: Mapping[str, tuple[str, tuple[str, ...]]], matrix: np.ndarray,
                 row_uris: Sequence[str], encoder, min_cosine: float = MIN_COSINE):
        """``skills``: uri → (preferred label, alternative labels); ``matrix``: unit vectors of
        skill labels, row ``i`` belonging to ``row_uris[i]``."""
        self.preferred = {uri: labels[0] for uri, labels in skills.items()}
        self._keys: dict[str, str] = {}
        for uri in sorted(skills):
            preferred, alternatives = skills[uri]
            for label in (preferred, *alternatives):
                key = normalise(label)
                if key:
                    self._keys.setdefault(key, uri)
        self._max_words = max((len(k.split()) for k in self._keys), default=1)
        self.matrix = matrix
        self.row_uris = list(row_uris)
        self.encoder = encoder
        self.min_cosine = min_cosine

    def extract(self, fields: Sequence[TextField]) -> list[ExtractedSkill]:
        found: dict[tuple[str | None, str], ExtractedSkill] = {}

        def keep(skill: ExtractedSkill) -> None:
            key = (skill.experience_id, skill.uri)
            if key not in found or skill.confidence > found[key].confidence:
                found[key] = skill

        pending: list[tuple[TextField, str]] = []
        for item in fields:
            for phrase in phrases(item.text)[:MAX_PHRASES]:
                exact = self._exact(phrase)
                for uri, words in exact:
                    keep(ExtractedSkill(uri, self.preferred[uri], item.experience_id, item.field, words, "exact", 1.0))
                if not exact and DENSE_WORDS[0] <= len(phrase.split()) <= DENSE_WORDS[1]:
                    pending.append((item, phrase))
        if pending and len(self.matrix):
            distinct = {phrase: None for _, phrase in pending}
            row_of = {phrase: n for n, phrase in enumerate(distinct)}
            best, cosines = self._nearest(self.encoder.encode(list(distinct)))
            for item, phrase in pending:
                n = row_of[phrase]
                cosine = float(cosines[n])
                if cosine >= self.min_cosine:
                    uri = self.row_uris[best[n]]
                    keep(ExtractedSkill(uri, self.preferred[uri], item.experience_id, item.field, phrase, "dense",
                                        round(cosine, 4)))
        return sorted(found.values(), key=lambda s: (s.experience_id or "", -s.confidence, s.label))

    def _nearest(self, vectors: np.ndarray, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """The nearest skill label row of each vector and its cosine, in blocks (bounded memory)."""
        best = np.empty(len(vectors), dtype=np.int64)
        cosines = np.empty(len(vectors), dtype=np.float32)
        for lo in range(0, len(vectors), block):
            sims = vectors[lo:lo + block] @ self.matrix.T
            best[lo:lo + block] = np.argmax(sims, axis=1)
            cosines[lo:lo + block] = sims[np.arange(len(sims)), best[lo:lo + block]]
        return best, cosines

    def _exact(self, phrase: str) -> list[tuple[str, str]]:
        """ESCO labels that are the whole phrase or a run of at least two of its words."""
        tokens = normalise(phrase).split()
        hits: list[tuple[str, str]] = []
        covered: set[int] = set()
        for n in range(min(self._max_words, len(tokens)), 0, -1):
            if n < 2 and len(tokens) > 1:
                break
            for start in range(len(tokens) - n + 1):
                if covered & set(range(start, start + n)):
                    continue
                words = " ".join(tokens[start:start + n])
                uri = self._keys.get(words)
                if uri:
                    hits.append((uri, words))
                    covered |= set(range(start, start + n))
        return hits

    def normalise_labels(self, labels: Sequence[str]) -> list[tuple[str, float, str] | None]:
        """Declared skills in someone's words → (ESCO uri, confidence, method) each, or None."""
        out: list[tuple[str, float, str] | None] = [None] * len(labels)
        pending = []
        for n, label in enumerate(labels):
            uri = self._keys.get(normalise(label))
            if uri:
                out[n] = (uri, 1.0, "exact")
            else:
                pending.append(n)
        if pending and len(self.matrix):
            best, cosines = self._nearest(self.encoder.encode([labels[n] for n in pending]))
            for row, n in enumerate(pending):
                if cosines[row] >= self.min_cosine:
                    out[n] = (self.row_uris[best[row]], round(float(cosines[row]), 4), "dense")
        return out
