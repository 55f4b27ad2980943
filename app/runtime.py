"""What the service loads before it is ready: taxonomies, the embedding model, label embeddings.

Loading runs in a background thread at start-up so that ``/health`` answers at once; ``/ready``
answers 200 only when everything is loaded. Taxonomies come first (a second or two), so the
occupation look-up and search work while the model and the label embeddings are still loading.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from app.errors import Problem
from app.settings import Settings
from matching.coding.coder import OccupationCoder
from matching.coding.combiner import Combiner
from matching.coding.dense import UnitGroupDense
from matching.label_index import LabelIndex
from matching.lexicon import LexEntry, Lexicon
from matching.skills.extraction import SkillExtractor
from matching.occupation_search import OccupationSearch, name_entries
from models import EmbeddingCache, Encoder, load_encoder
from models.artifacts import COMBINER_PATH
from taxonomies import Taxonomies, load_taxonomies
from taxonomies.aliases import AliasTable, load_aliases
from taxonomies.labels import Label, alias_labels, ilo_heldout_ids, occupation_labels, skill_labels

log = logging.getLogger("returnmatch")
CODING_CACHE_SIZE = 20_000


class BoundedCache:
    """A thread-safe least-recently-used map of at most ``size`` entries (results derived from
    the loaded model and taxonomies, so it lives and dies with the runtime)."""

    def __init__(self, size: int):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class LabelData:
    """The label sets every index is built from: held-out ILO titles are in none of them."""

    occupations: list[Label]
    aliases: AliasTable
    lexicon: Lexicon

    @classmethod
    def load(cls, tx: Taxonomies) -> "LabelData":
        occupations = occupation_labels(tx, exclude_ilo_ids=ilo_heldout_ids(tx))
        aliases = load_aliases(frozenset(g.code for g in tx.unit_groups()))
        entries = name_entries(occupations) + [LexEntry(a.isco08, a.text, "alias", a.lang) for a in aliases.aliases]
        return cls(occupations, aliases, Lexicon(entries))


def encoder_for(settings: Settings) -> Encoder:
    """The encoder the settings name: model directory, backend, batch size and threads."""
    return load_encoder(settings.model_path, settings.encode_batch_size, settings.encoder_threads,
                        settings.encoder_backend, settings.cache_dir)


def build_label_indexes(tx: Taxonomies, data: LabelData, encoder: Encoder, settings: Settings) -> dict[str, LabelIndex]:
    """Occupation, alias and skill label embeddings, from the on-disk cache or built now (and cached)."""
    cache = EmbeddingCache(settings.cache_dir, encoder)
    return {
        "occupations": LabelIndex.build("occupations", data.occupations, cache, tx.version),
        "aliases": LabelIndex.build("aliases", alias_labels(data.aliases.aliases), cache, data.aliases.version),
        "skills": LabelIndex.build("skills", skill_labels(tx), cache, tx.version),
    }


def build_coder(tx: Taxonomies, data: LabelData, encoder: Encoder, indexes: dict[str, LabelIndex],
                settings: Settings, combiner: Combiner | None) -> OccupationCoder:
    units = [g.code for g in tx.unit_groups()]
    dense = UnitGroupDense(units, [indexes["occupations"], indexes["aliases"]])
    return OccupationCoder(tx, data.lexicon, dense, encoder, combiner, settings.coder_review_threshold,
                           reads_any_language=settings.model_multilingual)


def build_skill_extractor(tx: Taxonomies, encoder: Encoder, index: LabelIndex) -> SkillExtractor:
    skills = {uri: (s.preferred_label, s.alt_labels) for uri, s in tx.esco_skills.items()}
    matrix = index.matrix[index.rows]
    return SkillExtractor(skills, matrix, [label.target for label in index.labels], encoder)


@dataclass
class Runtime:
    settings: Settings
    state: str = "starting"  # starting → loading → ready | failed
    error: str | None = None
    taxonomies: Taxonomies | None = None
    search: OccupationSearch | None = None
    labels: LabelData | None = None
    encoder: Encoder | None = None
    coder: OccupationCoder | None = None
    skills: SkillExtractor | None = None
    label_indexes: dict[str, LabelIndex] = field(default_factory=dict)
    coding_cache: BoundedCache = field(default_factory=lambda: BoundedCache(CODING_CACHE_SIZE), repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _unit_vectors: dict | None = field(default=None, repr=False)
    _unit_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self) -> None:
        if self._thread is None and self.state == "starting":
            self._thread = threading.Thread(target=self.load, name="returnmatch-runtime", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state == "ready"

    def load(self) -> None:
        self.state = "loading"
        started = time.perf_counter()
        try:
            tx = load_taxonomies()
            self.labels = LabelData.load(tx)
            self.search = OccupationSearch(tx, self.labels.lexicon)
            self.taxonomies = tx
            self.timings["taxonomies_s"] = round(time.perf_counter() - started, 3)
            if self.settings.load_model:
                mark = time.perf_counter()
                self.encoder = encoder_for(self.settings)
                self.timings["model_s"] = round(time.perf_counter() - mark, 3)
                mark = time.perf_counter()
                self.label_indexes = build_label_indexes(tx, self.labels, self.encoder, self.settings)
                self.timings["label_embeddings_s"] = round(time.perf_counter() - mark, 3)
                combiner = Combiner.load(COMBINER_PATH)
                if combiner.meta.get("model_id") != self.encoder.model_id:
                    log.warning("the coder's combiner was trained with %s, the model now is %s: "
                                "rebuild it with `returnmatch build-coder`", combiner.meta.get("model_id"),
                                self.encoder.model_id)
                self.coder = build_coder(tx, self.labels, self.encoder, self.label_indexes, self.settings, combiner)
                self.skills = build_skill_extractor(tx, self.encoder, self.label_indexes["skills"])
            self.timings["total_s"] = round(time.perf_counter() - started, 3)
            self.state = "ready"
            log.info("runtime ready in %.1fs %s", self.timings["total_s"], self.timings)
        except Exception as exc:  # reported by /ready, never swallowed silently
            log.exception("runtime failed to load")
            self.error = f"{type(exc).__name__}: {exc}"
            self.state = "failed"

    def unit_title_vectors(self) -> dict[str, np.ndarray]:
        """The embedding of every ISCO-08 unit group's title, encoded once per runtime."""
        if self._unit_vectors is None:
            with self._unit_lock:
                if self._unit_vectors is None:
                    units = self.require_taxonomies().unit_groups()
                    vectors = self.encoder.encode([g.title for g in units])
                    self._unit_vectors = {g.code: v for g, v in zip(units, vectors)}
        return self._unit_vectors

    def require_taxonomies(self) -> Taxonomies:
        if self.taxonomies is None:
            raise Problem(503, "not_ready", "The taxonomies are still loading; retry in a few seconds.",
                          headers={"Retry-After": "5"})
        return self.taxonomies

    def require_search(self) -> OccupationSearch:
        self.require_taxonomies()
        assert self.search is not None
        return self.search

    def require_skills(self) -> SkillExtractor:
        if self.skills is None:
            raise Problem(503, "not_ready", "The skill extractor is still loading; retry in a few seconds.",
                          headers={"Retry-After": "10"})
        return self.skills

    def require_coder(self) -> OccupationCoder:
        if self.coder is None:
            raise Problem(503, "not_ready", "The occupation coder is still loading; retry in a few seconds.",
                          headers={"Retry-After": "10"})
        return self.coder

    def describe(self) -> dict:
        return {
            "state": self.state,
            "error": self.error,
            "taxonomy_version": self.taxonomies.version if self.taxonomies else None,
            "alias_version": self.labels.aliases.version if self.labels else None,
            "model": (
                {"id": self.encoder.model_id, "dimension": self.encoder.dimension} if self.encoder else None
            ),
            "label_indexes": {
                name: {"labels": len(ix.labels), "unique_texts": int(ix.matrix.shape[0])}
                for name, ix in self.label_indexes.items()
            },
            "timings": self.timings,
        }
