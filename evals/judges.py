"""Support judges compared on the calibration set: "is this claim backed by these passages?".

Every judge has a `name`, a `threshold`, `score(claim, passages) -> float` (higher = more likely
supported; used for AUC) and `supports(claim, passages) -> bool`:
  - AgreementJudge (evals/agreement.py, the eval's default): e5 similarity + number/year/name/negation
    agreement, fitted on the calibration set; shares no code with the answer path's verifier.
  - LexicalJudge: assistant.answer.support.check (the verifier compose.verify drops sentences with,
    so grading answers with it measures the verifier's own agreement, ~1.0 by construction) (numbers, names, negation, word overlap; optionally
    e5 similarity for cross-lingual claims). Microseconds, no model.
  - QwenJudge: P(yes) of the local Qwen GGUF (assistant.models.engine.judge_yes_prob), max over passages.
  - RagasJudge: ragas' Faithfulness metric (claim split into statements, NLI per statement) with
    the OpenAI-compatible endpoint of settings.llm_backend == "openai" (tested against the local
    Qwen GGUF served by `python -m llama_cpp.server`, tests/evals/test_judges.py). ragas (the
    `dev` extra) is imported only when this judge is built. It also gives the eval's faithfulness
    metric directly (`faithfulness(claims, passages)`), so that metric is not written twice.
build_judge(name, settings) gives one by name. Non-goals: deciding which judge the assistant
uses (the calibration results inform that), caching scores, batching model calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from ingest.errors import ConfigError, ModelError
from ingest.settings import Settings

JUDGES = ("agreement", "lexical", "lexical-e5", "qwen", "ragas")
DEFAULT_JUDGE = "agreement"
# Chosen on evals/calibration.jsonl with llm.JUDGE_PROMPT as of 2026-11-23: 2-fold cross-validation picked
# 0.33 and 0.36 (accuracy 0.930 at 0.35 vs 0.892 at 0.5, where the model rejects many true paraphrases).
# Re-measure (python -m evals.calibrate --judge qwen) whenever the prompt or the model changes.
QWEN_THRESHOLD = 0.35


@runtime_checkable
class Judge(Protocol):
    name: str
    threshold: float

    def score(self, claim: str, passages: list[str]) -> float: ...

    def supports(self, claim: str, passages: list[str]) -> bool: ...


class LexicalJudge:
    """assistant.answer.support.check as a judge: score = Verdict.score, supports = Verdict.supported."""

    threshold = 0.5  # check() gives supported claims >= 0.5 and unsupported ones < 0.5

    def __init__(self, similarity: Callable[[str, str], float] | None = None):
        self.similarity = similarity
        self.name = "lexical-e5" if similarity is not None else "lexical"

    def verdict(self, claim: str, passages: Sequence[str]):
        from assistant.answer.support import check

        return check(claim, list(passages), similarity=self.similarity)

    def score(self, claim: str, passages: list[str]) -> float:
        return self.verdict(claim, passages).score

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.verdict(claim, passages).supported


class QwenJudge:
    """The local model's P(yes) that the claim is supported, maximised over the passages.

    `yes_prob(claim, passage) -> float` replaces the model (tests pass a fake)."""

    name = "qwen"

    def __init__(self, settings: Settings, threshold: float = QWEN_THRESHOLD,
                 yes_prob: Callable[[str, str], float] | None = None):
        if not 0.0 <= threshold <= 1.0:
            raise ConfigError(f"qwen judge threshold {threshold!r} must be between 0 and 1")
        self.settings = settings
        self.threshold = threshold
        if yes_prob is None:
            from assistant.models.engine import judge_yes_prob

            def yes_prob(claim: str, passage: str) -> float:
                return judge_yes_prob(settings, claim, passage)
        self._yes_prob = yes_prob

    def score(self, claim: str, passages: list[str]) -> float:
        return max((self._yes_prob(claim, p) for p in passages), default=0.0)

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.score(claim, passages) >= self.threshold


def _import_ragas():
    """(AsyncOpenAI, llm_factory, Faithfulness). ragas 0.4.3 imports ChatVertexAI from
    langchain_community.chat_models.vertexai, which no langchain-community for langchain-core 1.x
    ships (ragas issues #2741, #2745), only to list it among models with n-completions; an empty
    stand-in class for that one missing module lets ragas import and changes nothing else."""
    import importlib.util
    import os
    import sys
    import types

    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # ragas sends usage analytics unless told not to
    missing = "langchain_community.chat_models.vertexai"
    try:
        if missing not in sys.modules and importlib.util.find_spec(missing) is None:
            stub = types.ModuleType(missing)
            stub.ChatVertexAI = type("ChatVertexAI", (), {})
            sys.modules[missing] = stub
    except ImportError:
        pass  # no langchain_community at all: the ragas import below says what is missing
    try:
        from openai import AsyncOpenAI
        from ragas.llms import llm_factory
        from ragas.metrics.collections import Faithfulness
    except ImportError as e:
        raise ConfigError(f"the ragas judge needs ragas>=0.4 ({e}). Fix: .venv/bin/pip install -e '.[dev]'") from e
    return AsyncOpenAI, llm_factory, Faithfulness


class RagasJudge:
    """ragas Faithfulness over the OpenAI-compatible endpoint in settings (MBO_LLM_BACKEND=openai,
    MBO_LLM_BASE_URL, MBO_LLM_MODEL = the served model's name, MBO_LLM_TIMEOUT_S per request).

    score = the share of the claim's statements that ragas finds supported (0 when ragas finds no
    statement or there is no passage); supports = score >= threshold (1.0: every statement).
    The claim is ragas' "response"; it also needs a question, so a neutral one is passed.
    `metric` replaces ragas' Faithfulness (tests pass a fake)."""

    name = "ragas"
    QUESTION = "Wat zeggen de documenten hierover?"

    def __init__(self, settings: Settings, threshold: float = 1.0, metric=None):
        if not 0.0 <= threshold <= 1.0:
            raise ConfigError(f"ragas judge threshold {threshold!r} must be between 0 and 1")
        self.threshold = threshold  # faithfulness is the share of supported statements: 1.0 = all
        self._loop = None
        self.endpoint = settings.llm_base_url or "the OpenAI API"
        if metric is not None:
            self.metric = metric
            return
        if settings.llm_backend != "openai":
            raise ConfigError(f"the ragas judge needs MBO_LLM_BACKEND=openai (an OpenAI-compatible endpoint), "
                              f"not {settings.llm_backend!r}. Fix: set MBO_LLM_BACKEND=openai and "
                              f"MBO_LLM_BASE_URL=http://host:port/v1 (or MBO_LLM_API_KEY), or use --judge lexical|qwen")
        key = settings.llm_api_key.get_secret_value()
        if not key and not settings.llm_base_url:
            raise ConfigError("the ragas judge has no endpoint: MBO_LLM_BASE_URL and MBO_LLM_API_KEY are empty. "
                              "Fix: set MBO_LLM_BASE_URL=http://host:port/v1 (e.g. python -m llama_cpp.server) "
                              "or MBO_LLM_API_KEY")
        AsyncOpenAI, llm_factory, Faithfulness = _import_ragas()  # noqa: N806
        client = AsyncOpenAI(base_url=settings.llm_base_url or None, api_key=key or "not-needed",
                             timeout=settings.llm_timeout_s)
        llm = llm_factory(settings.llm_model, client=client, temperature=settings.llm_temperature)
        self.metric = Faithfulness(llm=llm)

    def _run(self, coro):
        """Runs on one event loop for the judge's life (the async HTTP client stays bound to it)."""
        import asyncio

        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coro)

    def faithfulness(self, claims: Sequence[str], passages: Sequence[str], question: str | None = None) -> float | None:
        """ragas Faithfulness of the text `claims` against `passages`; None when there is nothing to
        judge (no claims, no passages, or ragas finds no statement)."""
        response = " ".join(c.strip() for c in claims if c.strip())
        if not response or not passages:
            return None
        try:
            result = self._run(self.metric.ascore(user_input=question or self.QUESTION, response=response,
                                                  retrieved_contexts=list(passages)))
        except Exception as e:  # connection, timeout, or output ragas could not parse
            raise ModelError(f"the ragas judge failed on {response[:80]!r}: {type(e).__name__}: {e}. Fix: check "
                             f"that {self.endpoint} answers (MBO_LLM_BASE_URL, "
                             f"MBO_LLM_MODEL), that its context fits the passages plus ragas' 1024 output "
                             f"tokens (llama_cpp.server --n_ctx 8192 for 10 passages), and raise "
                             f"MBO_LLM_TIMEOUT_S for a slow local model") from e
        value = float(result.value)
        return None if math.isnan(value) else value

    def score(self, claim: str, passages: list[str]) -> float:
        value = self.faithfulness([claim], passages)
        return 0.0 if value is None else value

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.score(claim, passages) >= self.threshold


def build_judge(name: str, settings: Settings, embedder=None) -> Judge:
    """A judge by name: agreement (e5 from `embedder` or settings), lexical, lexical-e5 (the e5
    similarity from `embedder` or settings), qwen, ragas."""
    if name == "agreement":
        from assistant.factory import build_embedder
        from evals.agreement import AgreementJudge

        return AgreementJudge(embedder or build_embedder(settings))
    if name == "lexical":
        return LexicalJudge()
    if name == "lexical-e5":
        from assistant.factory import build_embedder, build_similarity

        return LexicalJudge(similarity=build_similarity(embedder or build_embedder(settings)))
    if name == "qwen":
        return QwenJudge(settings)
    if name == "ragas":
        return RagasJudge(settings)
    raise ConfigError(f"unknown judge {name!r}. Fix: use one of {', '.join(JUDGES)}")
