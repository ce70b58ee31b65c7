"""The fitted part of extractive selection: two small logistic models and three numbers.

extractive.rank computes one feature vector per answer unit (FEATURES, in this order); the
unit model turns it into P(the unit states a key fact). The answerability model turns an ask's
best unit (ASK_FEATURES) into P(the documents answer the ask). `python -m evals.fit_selection`
fits both on the tuning questions and ships them as `data/selection.json`, with the selection
rule's numbers, each chosen by grouped cross-validation:
  - refuse_below: the answerability under which the ask is refused (set for a stated
    false-answer rate on unanswerable questions);
  - include_from: the probability from which further units join the best one;
  - max_units / per_ask: at most this many units per answer / per ask of a several-ask message.
Non-goals: computing the features (extractive.py), fitting (evals/fit_selection.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from ingest.errors import ConfigError

# Each feature is a number per answer unit; the fitted model weighs them (no hand weights).
FEATURES = (
    "sem",            # cos(e5 question vector, e5 unit vector)
    "sem_gap",        # best sem among the units of this question - sem (0 for the best)
    "lex",            # idf-weighted coverage of the question's terms (extractive.score)
    "lex_gap",        # best lex - lex
    "sem_rank",       # log(1 + the unit's place by sem among this question's units), 0 for the best
    "lex_rank",       # the same by lex
    "type_miss",      # 1 - type fit: a "hoeveel"/"wanneer"/"wie" question and a unit without one
    "year_miss",      # a year the question names is missing from the unit
    "unknown",        # Dutch question words the corpus never uses (a compound of two counts half)
    "unknown_share",  # those words' share of the question's content words
    "asked_unknown",  # the asked-for noun is one of them
    "hit_rank",       # log(1 + retrieval rank of the unit's passage), 0 for the first passage
    "table_row",      # the unit is a table row with its header
    "with_items",     # the unit is a list introduction with its items
    "leans",          # the unit starts with a sentence that leans on the one before it
    "log_chars",      # log(characters of the unit)
    "english",        # the question is English (the units are Dutch: cosines run lower)
)
# Answerability (the second model): is there an answer at all, from the best unit of an ask?
ASK_FEATURES = ("best_logit", "sem", "lex", "type_miss", "year_miss", "unknown", "unknown_share", "asked_unknown",
                "english")


def ask_features(best: tuple[float, ...], best_probability: float) -> tuple[float, ...]:
    """ASK_FEATURES of an ask from its best unit's features and probability."""
    f = dict(zip(FEATURES, best))
    p = min(max(best_probability, 1e-9), 1 - 1e-9)
    return (math.log(p / (1 - p)),) + tuple(f[k] for k in ASK_FEATURES[1:])


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic model: P = sigmoid(intercept + sum(coef * (x - mean) / scale))."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, x: tuple[float, ...]) -> float:
        z = self.intercept + sum(c * (v - m) / s for c, v, m, s in zip(self.coef, x, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Selector:
    """The unit model (FEATURES -> P(key fact)), the answerability model (ASK_FEATURES ->
    P(the ask has an answer)) and the selection rule's numbers."""

    unit: Logistic
    ask: Logistic
    refuse_below: float  # on the answerability probability
    include_from: float  # on the unit probability
    max_units: int
    per_ask: int
    fitted_on: str = ""  # what the fit saw (question files, counts, cross-validated figures)

    def probability(self, x: tuple[float, ...]) -> float:
        return self.unit.probability(x)

    def answerable(self, best: tuple[float, ...], best_probability: float) -> float:
        return self.ask.probability(ask_features(best, best_probability))

    def to_json(self) -> str:
        body = {"features": list(FEATURES), "unit": _model_json(self.unit), "ask_features": list(ASK_FEATURES),
                "ask": _model_json(self.ask), "refuse_below": self.refuse_below, "include_from": self.include_from,
                "max_units": self.max_units, "per_ask": self.per_ask, "fitted_on": self.fitted_on}
        return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


def _model_json(m: Logistic) -> dict:
    return {"mean": list(m.mean), "scale": list(m.scale), "coef": list(m.coef), "intercept": m.intercept}


def _model(body: dict, key: str, names: tuple[str, ...], where: str) -> Logistic:
    part = body[key]
    if not isinstance(part, dict):
        raise ConfigError(f"{where}: {key!r} must be an object with mean, scale, coef and intercept; "
                          f"refit it with `python -m evals.fit_selection`")
    vectors = {k: tuple(float(v) for v in part[k]) for k in ("mean", "scale", "coef")}
    for k, v in vectors.items():
        if len(v) != len(names):
            raise ConfigError(f"{where}: {key}.{k} has {len(v)} numbers, expected {len(names)}; "
                              "refit it with `python -m evals.fit_selection`")
    if any(s <= 0 for s in vectors["scale"]):
        raise ConfigError(f"{where}: {key}.scale holds a value <= 0: {list(vectors['scale'])}; "
                          "refit it with `python -m evals.fit_selection`")
    return Logistic(**vectors, intercept=float(part["intercept"]))


def from_json(text: str, where: str = "selection.json") -> Selector:
    """A Selector from its file; ConfigError naming the file and the field when it does not fit."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where} is not JSON ({exc}); refit it with `python -m evals.fit_selection`") from exc
    if not isinstance(body, dict):
        raise ConfigError(f"{where} holds {type(body).__name__}, not an object; refit it with "
                          "`python -m evals.fit_selection`")
    for key, names in (("features", FEATURES), ("ask_features", ASK_FEATURES)):
        if tuple(body.get(key, ())) != names:
            raise ConfigError(f"{where}: {key!r} is {body.get(key)!r}, not this code's {list(names)}; "
                              "refit it with `python -m evals.fit_selection`")
    try:
        return Selector(unit=_model(body, "unit", FEATURES, where), ask=_model(body, "ask", ASK_FEATURES, where),
                        refuse_below=float(body["refuse_below"]), include_from=float(body["include_from"]),
                        max_units=int(body["max_units"]), per_ask=int(body["per_ask"]),
                        fitted_on=str(body.get("fitted_on", "")))
    except KeyError as exc:
        raise ConfigError(f"{where} lacks the field {exc}; refit it with `python -m evals.fit_selection`") from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: a field has the wrong type ({exc}); refit it with "
                          "`python -m evals.fit_selection`") from exc


def load(path: str | Path | None = None) -> Selector:
    """The selector in `path`, or the shipped one (data/selection.json) when path is None."""
    if path is None:
        return fitted()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"selection file {str(p)!r} does not exist; unset MBO_SELECTION or fit one with "
                          "`python -m evals.fit_selection --out PATH`")
    return from_json(p.read_text("utf-8"), str(p))


@lru_cache(maxsize=1)
def fitted() -> Selector:
    """The shipped selector (read once per process)."""
    return from_json(files("assistant.answer").joinpath("data/selection.json").read_text("utf-8"),
                     "assistant/answer/data/selection.json")


def neutral() -> Selector:
    """A selector that ranks units by cosine alone and refuses nothing: what the fit ranks with
    (it re-ranks by its own models), usable when no fitted file fits this code."""
    n, m = len(FEATURES), len(ASK_FEATURES)
    unit = Logistic((0.0,) * n, (1.0,) * n, (1.0,) + (0.0,) * (n - 1), 0.0)
    ask = Logistic((0.0,) * m, (1.0,) * m, (0.0,) * m, 0.0)
    return Selector(unit, ask, refuse_below=0.0, include_from=1.0, max_units=1, per_ask=1, fitted_on="neutral")
