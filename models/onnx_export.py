"""Export a sentence-transformers model's transformer to ONNX, once, into the cache.

The ONNX Runtime backend (``encoder.py``) runs the exported graph with the model's own
tokenizer and pooling; its vectors equal the PyTorch ones to within float rounding (the test
checks cosine > 0.9999), so both backends share one model id and one label-embedding cache.
Only models made of a transformer, mean or CLS pooling and an optional normalisation are
exported; anything else (dense heads, other poolings) stays on PyTorch.
"""
from __future__ import annotations

import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from models.registry import ModelSpec

_SUPPORTED_MODULES = {
    "sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
    "sentence_transformers.base.modules.transformer.Transformer",
    "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
    "sentence_transformers.sentence_transformer.modules.normalize.Normalize",
}


@dataclass(frozen=True)
class OnnxPlan:
    pooling: str  # "mean" or "cls"
    max_length: int
    token_type_ids: bool


def onnx_plan(spec: ModelSpec) -> OnnxPlan | None:
    """How to run ``spec`` on ONNX Runtime, or None when its pipeline is not one we can export."""
    modules_file = spec.path / "modules.json"
    if not modules_file.is_file() or not (spec.path / "tokenizer.json").is_file():
        return None
    modules = json.loads(modules_file.read_text())
    if any(m.get("type") not in _SUPPORTED_MODULES for m in modules):
        return None
    pooling_dirs = [m["path"] for m in modules if m.get("type", "").endswith("Pooling")]
    if len(pooling_dirs) != 1:
        return None
    config = json.loads((spec.path / pooling_dirs[0] / "config.json").read_text())
    modes = {k for k, v in config.items() if k.startswith("pooling_mode") and v}
    if modes == {"pooling_mode_mean_tokens"}:
        pooling = "mean"
    elif modes == {"pooling_mode_cls_token"}:
        pooling = "cls"
    else:
        return None
    max_length = 512
    bert_config = spec.path / "sentence_bert_config.json"
    if bert_config.is_file():
        max_length = int(json.loads(bert_config.read_text()).get("max_seq_length", max_length))
    model_config = json.loads((spec.path / "config.json").read_text())
    return OnnxPlan(pooling, max_length, model_config.get("type_vocab_size", 0) > 0)


def onnx_path(spec: ModelSpec, cache_dir: Path) -> Path:
    return Path(cache_dir) / "onnx" / f"{spec.id.replace('/', '_').replace('@', '_')}.onnx"


def export_onnx(spec: ModelSpec, plan: OnnxPlan, cache_dir: Path) -> Path:
    """The ONNX file for ``spec``, exported on first use (about 10 s) and written atomically."""
    target = onnx_path(spec, cache_dir)
    if target.is_file():
        return target
    import torch
    from transformers import AutoModel

    base = AutoModel.from_pretrained(str(spec.path), local_files_only=True).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            return self.model(**kwargs).last_hidden_state

    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if plan.token_type_ids else [])
    dummy = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Hidden(base), dummy, tmp, input_names=names, output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=17, dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
