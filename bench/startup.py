"""Start-up benchmark: taxonomy load, cold start to /ready with and without cached label
embeddings, and memory at rest.

    .venv/bin/python -m bench.startup            # with the cache (builds it first if absent)
    .venv/bin/python -m bench.startup --no-cache # also a start with an empty cache (minutes)

Each figure is printed beside a baseline measured in the same run: loading the embedding
model alone (for start-up) and encoding the label texts alone (for the cache build).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict; add wall time and peak RSS."""
    started = time.perf_counter()
    out = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 2)
    return result


_RSS = "import resource; rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024"


def taxonomy_load() -> dict:
    return _child(
        "import time,json; t=time.perf_counter(); from taxonomies import load_taxonomies; load_taxonomies(); "
        f"d=time.perf_counter()-t; {_RSS}; print(json.dumps({{'load_s': round(d,3), 'peak_rss_mb': round(rss)}}))"
    )


def model_load() -> dict:
    return _child(
        "import time,json; t=time.perf_counter(); from models import load_encoder; e=load_encoder(); "
        "e.encode(['warm up']); d=time.perf_counter()-t; "
        f"{_RSS}; print(json.dumps({{'load_s': round(d,3), 'peak_rss_mb': round(rss)}}))"
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_until_ready(cache_dir: Path, port: int, timeout: float = 1800) -> dict:
    """Start ``returnmatch serve`` on a fresh SQLite file; time until /ready answers 200."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.db", RETURNMATCH_CACHE_DIR=str(cache_dir))
        started = time.perf_counter()
        proc = subprocess.Popen([PY, "-m", "app.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        health_s = None
        try:
            while time.perf_counter() - started < timeout:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                        health_s = health_s or time.perf_counter() - started
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
                        body = json.loads(r.read())
                        ready_s = time.perf_counter() - started
                        time.sleep(2)
                        return {"health_s": round(health_s, 2), "ready_s": round(ready_s, 2),
                                "rss_at_rest_mb": round(_rss_mb(proc.pid)), "timings": body["timings"]}
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                time.sleep(0.25)
            raise TimeoutError("the service did not become ready")
        finally:
            proc.terminate()
            proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-cache", action="store_true", help="also start once with an empty embedding cache")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from app.settings import Settings

    cache = Settings().cache_dir
    tx = taxonomy_load()
    print(f"taxonomies: load {tx['load_s']} s (wall {tx['wall_s']} s), peak RSS {tx['peak_rss_mb']} MB")
    model = model_load()
    print(f"baseline — embedding model alone: load {model['load_s']} s, peak RSS {model['peak_rss_mb']} MB")
    warm = serve_until_ready(cache, args.port)  # builds the cache if it is absent
    warm = serve_until_ready(cache, args.port)
    print(f"start with cached label embeddings: /health {warm['health_s']} s, /ready {warm['ready_s']} s "
          f"({warm['ready_s'] / model['wall_s']:.2f}× the model-alone process), RSS at rest {warm['rss_at_rest_mb']} MB; "
          f"inside: {warm['timings']}")
    if args.no_cache:
        with tempfile.TemporaryDirectory() as empty:
            cold = serve_until_ready(Path(empty), args.port)
        build = cold["timings"].get("label_embeddings_s", 0)
        print(f"start with an empty cache: /ready {cold['ready_s']} s (label embeddings built in {build} s); "
              f"ratio to cached start {cold['ready_s'] / warm['ready_s']:.1f}×")
    print(f"this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
