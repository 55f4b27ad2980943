"""Evaluate the occupation coder against two baselines computed in the same run.

    .venv/bin/python -m bench.evaluate_coder [--dev ../shared/data/eval/myfuturejobs_titles_dev.csv]
                                             [--limit N] [--json var/eval/coder.json]

Sets: the MyFutureJobs development titles (measure and tune the threshold only; never trained
on, never indexed), the 20% of ILO index titles held out of every index and training set, and
our two multilingual returnee sets (tests/data/returnee_titles_multilingual.csv and, written
later and blind to the alias tables, returnee_titles_multilingual_b.csv), each and both together,
per language, with the language guessed and, for both together, named by the caller.
Baselines: TF-IDF character n-gram nearest label, and MiniLM nearest label, both over the same
taxonomy names the coder indexes (without our aliases).
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.runtime import Runtime
from app.settings import PROJECT_ROOT, Settings
from matching.coding.coder import CodingItem
from matching.coding.evaluation import (
    Prediction, label_consistency, metrics, name_agreement, reliability, threshold_for_precision,
)
from matching.lexicon import Lexicon
from matching.occupation_search import name_entries
from matching.text import normalise
from taxonomies.labels import NAME_KINDS, ilo_heldout_ids

DEV = PROJECT_ROOT.parent / "shared" / "data" / "eval" / "myfuturejobs_titles_dev.csv"
MULTILINGUAL = PROJECT_ROOT / "tests" / "data" / "returnee_titles_multilingual.csv"
# written later, blind to the alias tables and to the first set (tests/data/README.md)
MULTILINGUAL_B = PROJECT_ROOT / "tests" / "data" / "returnee_titles_multilingual_b.csv"
K = 5


class Baselines:
    """Nearest taxonomy name by TF-IDF character n-grams, and by MiniLM cosine."""

    def __init__(self, runtime: Runtime):
        units = {g.code for g in runtime.taxonomies.unit_groups()}
        self.labels = [lab for lab in runtime.labels.occupations if lab.kind in NAME_KINDS and lab.target in units]
        self.lexicon = Lexicon(name_entries(self.labels))
        index = runtime.label_indexes["occupations"]
        keep = [i for i, lab in enumerate(index.labels) if lab.kind in NAME_KINDS and lab.target in units]
        self.rows = index.rows[keep]
        self.codes = np.array([index.labels[i].target for i in keep])
        self.matrix = index.matrix
        self.encoder = runtime.encoder

    @staticmethod
    def _distinct(codes, k=K):
        return list(dict.fromkeys(codes))[:k]

    def tfidf(self, texts):
        out = []
        for neighbours in self.lexicon.nearest([normalise(t) for t in texts], 200):
            codes = [e.code for key_id, _ in neighbours for e in self.lexicon.entries[key_id]]
            out.append(self._distinct(codes))
        return out

    def minilm(self, texts):
        vectors = self.encoder.encode(list(texts))
        out = []
        for lo in range(0, len(vectors), 256):
            sims = vectors[lo:lo + 256] @ self.matrix.T
            per_label = sims[:, self.rows]
            for row in per_label:
                top = np.argpartition(-row, 300)[:300]
                top = top[np.argsort(-row[top])]
                out.append(self._distinct(self.codes[top].tolist()))
        return out


def _coder_predictions(runtime, items, gold):
    results = runtime.coder.code(items, k=K)
    return [Prediction(g, [c.code for c in r.candidates], r.candidates[0].probability if r.candidates else 0.0,
                       r.needs_review, r.candidates[0].signal if r.candidates else None)
            for g, r in zip(gold, results)]


def evaluate_set(name, runtime, baselines, items, gold, langs=None) -> dict:
    started = time.perf_counter()
    coder = _coder_predictions(runtime, items, gold)
    seconds = time.perf_counter() - started
    texts = [i.text for i in items]
    report = {
        "set": name, "n": len(items), "coder_seconds": round(seconds, 1),
        "coder": metrics(coder),
        "baseline_tfidf": metrics([Prediction(g, r) for g, r in zip(gold, baselines.tfidf(texts))]),
        "baseline_minilm": metrics([Prediction(g, r) for g, r in zip(gold, baselines.minilm(texts))]),
        "reliability": reliability(coder),
        "_predictions": coder,
    }
    if langs:
        by_lang = defaultdict(list)
        for lang, prediction in zip(langs, coder):
            by_lang[lang].append(prediction)
        report["per_language"] = {lang: metrics(preds) for lang, preds in sorted(by_lang.items())}
    return report


def dev_labels(baselines: Baselines, items, gold) -> dict:
    """How consistently the development set's labels follow its titles (the job board's
    categories): the ceiling they put on any coder's top-1 and precision. The names are the
    taxonomy names the baselines search."""
    names: dict[str, set[str]] = {}
    for label in baselines.labels:
        names.setdefault(normalise(label.text), set()).add(label.target)
    keys = [normalise(item.text) for item in items]
    return label_consistency(keys, gold) | name_agreement(keys, gold, names)


def load_dev(path: Path, limit: int | None):
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows = rows[:limit] if limit else rows
    return [CodingItem(r["vacancyTitle"]) for r in rows], [r["isco08_unit_from_esco_v111"] for r in rows]


def load_multilingual(path: Path):
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = [CodingItem(r["text"], r["description"] or None) for r in rows]  # language not given: guessed
    return items, [r["isco08"] for r in rows], [r["lang"] for r in rows]


def _line(name, m):
    keys = ["top1_4d", "top5_4d", "top1_2d", "top5_2d", "top1_1d", "top5_1d", "mrr", "ece",
            "precision_at_threshold", "coverage_at_threshold"]
    return f"  {name:16s} " + "  ".join(f"{k}={m[k]:.3f}" for k in keys if k in m)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, help="only the first N development titles")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    runtime = Runtime(Settings())
    runtime.load()
    if runtime.state != "ready":
        raise SystemExit(f"runtime failed: {runtime.error}")
    baselines = Baselines(runtime)
    tx = runtime.taxonomies
    reports = []
    if args.dev.is_file():
        items, gold = load_dev(args.dev, args.limit)
        reports.append(evaluate_set("myfuturejobs_dev", runtime, baselines, items, gold))
        reports[-1]["labels"] = dev_labels(baselines, items, gold)
    else:
        print(f"(no development set at {args.dev}: skipped)")
    heldout = sorted(ilo_heldout_ids(tx))
    reports.append(evaluate_set(
        "ilo_heldout", runtime, baselines, [CodingItem(tx.ilo_index[i].title) for i in heldout],
        [tx.ilo_index[i].isco08 for i in heldout]))
    sets = {"multilingual": load_multilingual(MULTILINGUAL), "multilingual_b": load_multilingual(MULTILINGUAL_B)}
    for name, (items, gold, langs) in sets.items():
        reports.append(evaluate_set(name, runtime, baselines, items, gold, langs))
    both = [sum((list(part[i]) for part in sets.values()), []) for i in range(3)]
    reports.append(evaluate_set("multilingual_both", runtime, baselines, *both))
    # the same texts with their language named by the caller, as a passport's experience can
    named = [replace(item, lang=lang) for item, lang in zip(both[0], both[2])]
    reports.append(evaluate_set("multilingual_both_lang_given", runtime, baselines, named, both[1], both[2]))

    print(f"model {runtime.encoder.model_id}; review threshold {runtime.coder.review_threshold}")
    for report in reports:
        print(f"\n{report['set']} (n={report['n']}, coder {report['coder_seconds']} s)")
        for name in ("coder", "baseline_tfidf", "baseline_minilm"):
            print(_line(name, report[name]))
        for kind, rows in report["reliability"].items():
            print(f"  reliability {kind.replace('_', ' ')}: " + "; ".join(
                f"{r['name']} n={r['n']} said {r['probability']:.2f} right {r['accuracy']:.2f}" for r in rows))
        if "labels" in report:
            lab = report["labels"]
            print(f"  labels: titles that recur (case and punctuation folded) are {lab['recurring_share']:.1%} of the "
                  f"set and carry their title's most frequent label {lab['majority_share']:.1%} of the time; "
                  f"{lab['exact_name_share']:.1%} are exactly one group's taxonomy name, labelled that group "
                  f"{lab['exact_name_agreement']:.1%} of the time")
        if not report["set"].endswith("_lang_given"):
            for target in (0.90, 0.85, 0.80):
                found = threshold_for_precision(report["_predictions"], target)
                if found:
                    print(f"  precision ≥ {target:.2f}: threshold {found[0]:.3f}, coverage {found[1]:.3f}, "
                          f"precision {found[2]:.3f}")
                else:
                    print(f"  precision ≥ {target:.2f}: not reachable at any threshold")
        if "per_language" in report:
            english = report["per_language"].get("en", {}).get("top3_4d", 0.0)
            for lang, m in report["per_language"].items():
                gap = english - m["top3_4d"]
                print(f"  {lang:4s} n={m['n']:3d} top1={m['top1_4d']:.3f} top3={m['top3_4d']:.3f} "
                      f"top5={m['top5_4d']:.3f} top3_2d={m['top3_2d']:.3f}  gap to en (top3) {gap:+.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in reports]
        args.json.write_text(json.dumps({"model": runtime.encoder.model_id, "sets": clean}, indent=1))


if __name__ == "__main__":
    main()
