"""Support judges compared on the calibration set: "is this claim backed by these passages?".

Every judge has a `name`, a `threshold`, `score(claim, passages) -> float` (higher = more likely
supported; used for AUC) and `supports(claim, passages) -> bool`:
  - LexicalJudge: assistant.support.check (numbers, names, negation, word overlap; optionally
    e5 similarity for cross-lingual claims). Microseconds, no model.
  - QwenJudge: P(yes) of the local Qwen GGUF (assistant.llm.judge_yes_prob), max over passages.
  - RagasJudge: ragas' Faithfulness metric (claim split into statements, NLI per statement) with
    the OpenAI-compatible endpoint of settings.llm_backend == "openai". UNTESTED here (no endpoint
    on the dev machine); ragas is imported only when this judge is built.
build_judge(name, settings) gives one by name. Non-goals: deciding which judge the assistant
uses (the calibration results inform that), caching scores, batching model calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from assistant.errors import ConfigError
from assistant.settings import Settings

JUDGES = ("lexical", "lexical-e5", "qwen", "ragas")
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
    """assistant.support.check as a judge: score = Verdict.score, supports = Verdict.supported."""

    threshold = 0.5  # check() gives supported claims >= 0.5 and unsupported ones < 0.5

    def __init__(self, similarity: Callable[[str, str], float] | None = None):
        self.similarity = similarity
        self.name = "lexical-e5" if similarity is not None else "lexical"

    def verdict(self, claim: str, passages: Sequence[str]):
        from assistant.support import check

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
            from assistant.llm import judge_yes_prob

            def yes_prob(claim: str, passage: str) -> float:
                return judge_yes_prob(settings, claim, passage)
        self._yes_prob = yes_prob

    def score(self, claim: str, passages: list[str]) -> float:
        return max((self._yes_prob(claim, p) for p in passages), default=0.0)

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.score(claim, passages) >= self.threshold


class RagasJudge:
    """ragas Faithfulness over the OpenAI-compatible endpoint in settings (untested, see module doc).

    The claim is the "response"; ragas needs a question too, so a neutral one is passed."""

    name = "ragas"
    QUESTION = "Wat zeggen de documenten hierover?"

    def __init__(self, settings: Settings, threshold: float = 1.0):
        if settings.llm_backend != "openai":
            raise ConfigError(f"the ragas judge needs MBO_LLM_BACKEND=openai (an OpenAI-compatible endpoint), "
                              f"not {settings.llm_backend!r}. Fix: set MBO_LLM_BACKEND=openai and "
                              f"MBO_LLM_BASE_URL=http://host:port/v1 (or MBO_LLM_API_KEY), or use --judge lexical|qwen")
        try:
            from openai import AsyncOpenAI
            from ragas.llms import llm_factory
            from ragas.metrics.collections import Faithfulness
        except ImportError as e:
            raise ConfigError(f"the ragas judge needs ragas>=0.4 ({e}). Fix: .venv/bin/pip install 'ragas>=0.4'") from e
        key = settings.llm_api_key.get_secret_value() or "not-needed"
        client = AsyncOpenAI(base_url=settings.llm_base_url or None, api_key=key, timeout=settings.llm_timeout_s)
        self.metric = Faithfulness(llm=llm_factory(settings.llm_model, client=client))
        self.threshold = threshold  # faithfulness is the share of supported statements: 1.0 = all

    def score(self, claim: str, passages: list[str]) -> float:
        import asyncio

        result = asyncio.run(self.metric.ascore(user_input=self.QUESTION, response=claim,
                                                retrieved_contexts=list(passages)))
        value = float(result.value)
        return 0.0 if math.isnan(value) else value  # NaN: ragas found no statement in the claim

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.score(claim, passages) >= self.threshold


def build_judge(name: str, settings: Settings, embedder=None) -> Judge:
    """A judge by name: lexical, lexical-e5 (the e5 similarity from `embedder` or settings), qwen, ragas."""
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
