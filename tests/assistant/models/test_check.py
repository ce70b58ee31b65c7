"""The setup's model check: a crash in native code becomes a message, not a dead caller."""

from __future__ import annotations

import pytest

from ingest.errors import ModelError
from assistant.models.check import check_model


@pytest.mark.unit
@pytest.mark.parametrize("signal_name, words", [("SIGSEGV", "native code"), ("SIGILL", "instruction this CPU lacks")])
def test_a_crashing_child_becomes_a_model_error(signal_name, words):
    child = f"import os, signal; os.kill(os.getpid(), signal.{signal_name})"
    with pytest.raises(ModelError, match=signal_name) as e:
        check_model("unused.gguf", child=child)
    assert words in str(e.value) and "built for another CPU" in str(e.value)


@pytest.mark.unit
def test_a_failing_child_reports_its_last_lines():
    with pytest.raises(ModelError, match="ValueError: no such model"):
        check_model("x.gguf", child="raise ValueError('no such model')")


@pytest.mark.unit
def test_a_working_child_gives_its_line():
    assert check_model("m.gguf", child="import sys; print('ok', sys.argv[1])") == "ok m.gguf"


@pytest.mark.slow
@pytest.mark.integration
def test_the_real_model_generates_on_this_cpu():
    from assistant.models.gguf import ensure_gguf
    from ingest.settings import Settings

    s = Settings()
    line = check_model(str(ensure_gguf(s.llm_model, s.cache_dir)))
    assert line.startswith("'") and line.endswith(" s")
