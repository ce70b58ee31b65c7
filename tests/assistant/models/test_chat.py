"""build_chat_model: one OpenAI-compatible path for the local server and remote endpoints."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from assistant.models.chat import build_chat_model
from ingest.settings import Settings


class _Server:
    base_url = "http://127.0.0.1:54321/v1"


@pytest.mark.unit
def test_none_backend_says_how_to_set_it():
    with pytest.raises(ConfigError, match="MBO_LLM_BACKEND=local") as e:
        build_chat_model(Settings(llm_backend="none"))
    assert "'none'" in str(e.value)


@pytest.mark.unit
def test_openai_backend_gets_the_settings():
    s = Settings(llm_backend="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen-x", llm_timeout_s=7,
                 llm_max_tokens=99)
    m = build_chat_model(s)
    assert (m.model_name, m.openai_api_base, m.request_timeout, m.max_tokens, m.temperature, m.streaming) == \
        ("qwen-x", "http://127.0.0.1:9/v1", 7, 99, 0.0, True)
    with pytest.raises(ConfigError, match="MBO_LLM_BASE_URL"):
        build_chat_model(Settings(llm_backend="openai"))


@pytest.mark.unit
def test_local_backend_talks_to_the_supervised_server_without_retries():
    m = build_chat_model(Settings(llm_backend="local", llm_max_tokens=42), _Server())
    assert (m.openai_api_base, m.max_retries, m.max_tokens, m.streaming) == (_Server.base_url, 0, 42, True)
    with pytest.raises(ConfigError, match="model server process"):
        build_chat_model(Settings(llm_backend="local"))


@pytest.mark.unit
def test_ollama_backend_gets_the_settings():
    m = build_chat_model(Settings(llm_backend="ollama", llm_model="qwen2.5:1.5b", llm_max_tokens=77))
    assert (m.model, m.num_predict, m.num_ctx, m.temperature) == ("qwen2.5:1.5b", 77, 4096, 0.0)
