"""The chat model of llm mode, as a LangChain chat model: one code path for local and remote.

build_chat_model(settings, server) gives ChatOpenAI for an OpenAI-compatible endpoint: the
supervised local server (MBO_LLM_BACKEND=local, server.ModelServer) or a remote one
(MBO_LLM_BACKEND=openai), or ChatOllama. The client never retries a local request: a dead
model process means an extractive fallback now and a restart in the background, not a wait.

Non-goals: prompts (assistant.models.prompts), starting processes (server.py), judging (engine.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ingest.errors import ConfigError
from ingest.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.models.server import ModelServer


def _need(module: str, name: str, backend: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise ConfigError(f"MBO_LLM_BACKEND={backend} needs {module.replace('_', '-')} ({e}). "
                          f"Fix: pip install -e '.[llm]'") from e


def build_chat_model(settings: Settings, server: ModelServer | None = None) -> BaseChatModel:
    """The chat model settings.llm_backend names; nothing is loaded or connected until the first call.
    For "local", `server` is the supervised process whose endpoint the client talks to."""
    backend = settings.llm_backend
    if backend in ("local", "openai"):
        ChatOpenAI = _need("langchain_openai", "ChatOpenAI", backend)  # noqa: N806
        if backend == "local":
            if server is None:
                raise ConfigError("MBO_LLM_BACKEND=local needs the model server process; build the chat "
                                  "model through assistant.factory (build_assistant), which starts it")
            base_url, key, retries = server.base_url, "local", 0
        else:
            base_url, key, retries = settings.llm_base_url, settings.llm_api_key.get_secret_value(), 1
            if not key and not base_url:
                raise ConfigError("MBO_LLM_BACKEND=openai with no MBO_LLM_BASE_URL and no MBO_LLM_API_KEY. Fix: "
                                  "set MBO_LLM_BASE_URL=http://host:port/v1 (a local server) or MBO_LLM_API_KEY")
        return ChatOpenAI(base_url=base_url or None, api_key=key or "not-needed", model=settings.llm_model,
                          timeout=settings.llm_timeout_s, max_tokens=settings.llm_max_tokens,
                          temperature=settings.llm_temperature, streaming=True, max_retries=retries)
    if backend == "ollama":
        return _need("langchain_ollama", "ChatOllama", backend)(
            model=settings.llm_model, base_url=settings.llm_base_url or None, temperature=settings.llm_temperature,
            num_predict=settings.llm_max_tokens, num_ctx=settings.llm_context,
            client_kwargs={"timeout": settings.llm_timeout_s})
    raise ConfigError(f"MBO_LLM_BACKEND={backend!r}: answer mode 'llm' needs a chat model. Fix: set "
                      f"MBO_LLM_BACKEND=local (the bundled GGUF in its own process), openai (with "
                      f"MBO_LLM_BASE_URL) or ollama, or use MBO_ANSWER_MODE=extractive")
