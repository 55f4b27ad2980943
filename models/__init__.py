"""Machine-learned artefacts: the embedding-model registry, the text encoder and the
on-disk cache of taxonomy label embeddings (keyed by model id and taxonomy version)."""
from models.embedding_cache import EmbeddingCache
from models.encoder import Encoder, load_encoder
from models.registry import ModelSpec, resolve_model

__all__ = ["EmbeddingCache", "Encoder", "ModelSpec", "load_encoder", "resolve_model"]
