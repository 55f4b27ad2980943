"""Coder speed against encoding alone, measured in the same run.

    .venv/bin/python -m bench.coder_speed

Figures: one text at a time (p50, p95, warm), 1,000 titles in one call, and the ratio of the
whole coder to encoding the same texts with the same model (the baseline). The 1,000 titles are
ILO index titles held out of the indexes and, when ../shared is beside the project, also the
first 1,000 MyFutureJobs job-board titles.
"""
from __future__ import annotations

import csv
import statistics
import time

from app.runtime import Runtime
from app.settings import PROJECT_ROOT, Settings
from bench.evaluate_coder import DEV
from matching.coding.coder import CodingItem
from matching.coding.preprocess import clean
from taxonomies.labels import ilo_heldout_ids


def _titles(runtime: Runtime, n: int) -> list[str]:
    tx = runtime.taxonomies
    titles = [tx.ilo_index[i].title for i in sorted(ilo_heldout_ids(tx))]
    with (PROJECT_ROOT / "tests" / "data" / "returnee_titles_multilingual.csv").open(encoding="utf-8") as fh:
        titles += [row["text"] for row in csv.DictReader(fh)]
    return (titles * (n // len(titles) + 1))[:n]


def _timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> None:
    runtime = Runtime(Settings())
    runtime.load()
    coder, encoder = runtime.coder, runtime.encoder
    singles = _titles(runtime, 300)
    for text in singles[:20]:  # warm up
        coder.code([CodingItem(text)])
    one_coder = [_timed(coder.code, [CodingItem(t)]) for t in singles[20:]]
    one_encode = [_timed(encoder.encode, [clean(t).primary]) for t in singles[20:]]
    p = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1] * 1000  # noqa: E731
    print(f"one text, warm (n={len(one_coder)}): coder p50 {p(one_coder, 50):.1f} ms, p95 {p(one_coder, 95):.1f} ms; "
          f"encoding alone p50 {p(one_encode, 50):.1f} ms; ratio {p(one_coder, 50) / p(one_encode, 50):.2f}×")

    batches = {"ILO index titles (held out)": _titles(runtime, 1000)}
    if DEV.is_file():  # real job-board titles, when ../shared is beside the project
        with DEV.open(encoding="utf-8") as fh:
            batches["MyFutureJobs titles"] = [row["vacancyTitle"] for row in csv.DictReader(fh)][:1000]
    for name, batch in batches.items():
        items = [CodingItem(t) for t in batch]
        primaries = [clean(t).primary for t in batch]
        encode_s = min(_timed(encoder.encode, primaries) for _ in range(2))
        coder_s = min(_timed(coder.code, items) for _ in range(2))
        print(f"1,000 {name} in one call: coder {coder_s:.2f} s ({1000 / coder_s:.0f} titles/s); "
              f"encoding alone {encode_s:.2f} s; ratio {coder_s / encode_s:.2f}×")


if __name__ == "__main__":
    main()
