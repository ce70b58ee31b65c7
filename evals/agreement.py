"""A support judge independent of the answer path: e5 similarity plus number, year, name and
negation agreement, combined by a logistic model fitted on evals/calibration.jsonl.

The answer path drops every sentence that assistant.answer.support.check rejects, so grading the
answers with that same check gives ~1.0 by construction. This judge shares no code or rule with
it (it does not import assistant.answer): its features are computed here, and its weights are
fitted on the labelled calibration pairs (`python -m evals.calibrate --fit-agreement`, written to
evals/agreement.toml with the grouped cross-validated accuracy and AUC). It does use the same e5
embedding model as the retriever, through the embedder passed in.

Features of a claim against its passages (all passages together):
  cos_sentence   max e5 cosine between the claim and any sentence of the passages
  cos_passage    max e5 cosine between the claim and any whole passage
  overlap        share of the claim's content words (5-letter prefixes) found in the passages
  numbers_missing, years_missing, names_missing: share of the claim's numbers (not years),
                 years (1900-2099) and names (acronyms, capitalised words after the first) absent
  negation_mismatch  1 when the claim and its closest passage sentence differ in negation
Non-goals: claim splitting, entailment beyond these features, choosing the assistant's verifier.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.errors import ConfigError

WEIGHTS = Path(__file__).with_name("agreement.toml")
FEATURES = ("cos_sentence", "cos_passage", "overlap", "numbers_missing", "years_missing", "names_missing",
            "negation_mismatch")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(19|20)\d\d$")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
_NEG = {"niet", "geen", "nooit", "not", "no", "never", "none", "zonder", "without", "nor", "noch"}
_SENT = re.compile(r"(?<=[.!?;:])\s+|\n+")
_STOP = {"deze", "dat", "die", "dit", "het", "een", "zijn", "wordt", "worden", "heeft", "hebben", "voor",
         "naar", "over", "door", "ook", "maar", "bij", "met", "van", "the", "and", "that", "this", "with",
         "from", "are", "for", "have", "has", "will", "zal", "zullen", "kunnen", "kan", "moet", "moeten"}

Vectors = Callable[[Sequence[str]], list]  # texts -> unit vectors


def numbers(text: str) -> set[str]:
    """'2.700' -> '2700', '25,0' -> '25', '1,5' -> '1.5' (written apart from the answer path's)."""
    out = set()
    for tok in _NUM.findall(text):
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", tok):
            tok = re.sub(r"[.,]", "", tok)
        tok = tok.replace(",", ".")
        if "." in tok:
            tok = tok.rstrip("0").rstrip(".")
        out.add(tok)
    return out


def names(text: str) -> set[str]:
    """Acronyms anywhere, capitalised words not first in their sentence, lower-cased."""
    out = set()
    for sent in _SENT.split(text):
        for i, w in enumerate(_WORD.findall(sent)):
            if sum(c.isupper() for c in w) >= 2 or (i > 0 and w[0].isupper()):
                out.add(w.lower())
    return out


def _stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP}


def _missing(wanted: set[str], found: set[str]) -> float:
    return sum(w not in found for w in wanted) / len(wanted) if wanted else 0.0


def _has_negation(text: str) -> bool:
    return any(w.lower() in _NEG for w in _WORD.findall(text))


def features(claim: str, passages: Sequence[str], query_vec: Callable[[str], list],
             doc_vecs: Vectors) -> dict[str, float]:
    """The feature values above for one claim against its passages."""
    text = "\n".join(passages)
    sents = [s for p in passages for s in _SENT.split(p) if s.strip()] or [text]
    q = query_vec(claim)
    sent_cos = [_dot(q, v) for v in doc_vecs(sents)]
    best = max(range(len(sents)), key=lambda i: sent_cos[i])
    nums = numbers(claim)
    found = numbers(text)
    years = {n for n in nums if _YEAR.match(n)}
    text_words = {w.lower() for w in _WORD.findall(text)}
    return {
        "cos_sentence": sent_cos[best],
        "cos_passage": max(_dot(q, v) for v in doc_vecs(list(passages))),
        "overlap": 1.0 - _missing(_stems(claim), _stems(text)),
        "numbers_missing": _missing(nums - years, found),
        "years_missing": _missing(years, found),
        "names_missing": _missing(names(claim), text_words | names(text)),
        "negation_mismatch": float(_has_negation(claim) != _has_negation(sents[best])),
    }


def _dot(a, b) -> float:
    return float(sum(x * y for x, y in zip(a, b)))


def load_weights(path: Path = WEIGHTS) -> dict:
    """{"mean", "scale", "coef", "intercept", "threshold"} as written by the fit."""
    if not path.is_file():
        raise ConfigError(f"agreement judge weights {str(path)!r} not found. Fix: python -m evals.calibrate "
                          f"--fit-agreement")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        raise ConfigError(f"{path}: features {data.get('features')} differ from {FEATURES}. Fix: refit with "
                          f"python -m evals.calibrate --fit-agreement")
    return data


def probability(x: dict[str, float], w: dict) -> float:
    z = w["intercept"] + sum(c * (x[f] - m) / s for f, c, m, s in zip(FEATURES, w["coef"], w["mean"], w["scale"]))
    return 1.0 / (1.0 + math.exp(-z))


class AgreementJudge:
    """score = the fitted probability that the passages support the claim; supports = score >=
    the fitted threshold. `embedder`: embed_query / embed_documents (e5); vectors are cached."""

    name = "agreement"

    def __init__(self, embedder, weights: dict | None = None):
        self.embedder = embedder
        self.weights = weights if weights is not None else load_weights()
        self.threshold = float(self.weights.get("threshold", 0.5))
        self._q: dict[str, list] = {}
        self._d: dict[str, list] = {}

    def query_vec(self, text: str) -> list:
        if text not in self._q:
            self._q[text] = list(self.embedder.embed_query(text))
        return self._q[text]

    def doc_vecs(self, texts: Sequence[str]) -> list:
        new = [t for t in dict.fromkeys(texts) if t not in self._d]
        if new:
            self._d.update(zip(new, (list(v) for v in self.embedder.embed_documents(new))))
        return [self._d[t] for t in texts]

    def features(self, claim: str, passages: Sequence[str]) -> dict[str, float]:
        return features(claim, passages, self.query_vec, self.doc_vecs)

    def score(self, claim: str, passages: list[str]) -> float:
        if not passages:
            return 0.0
        return probability(self.features(claim, passages), self.weights)

    def supports(self, claim: str, passages: list[str]) -> bool:
        return self.score(claim, passages) >= self.threshold
