"""Fit the extractive selection: `python -m evals.fit_selection [--alpha 0.3]`.

Fits on train.jsonl and dev.jsonl (the tuning questions; never the frozen test split). For
every question the assistant's own retrieval ranks every answer unit of its hits
(Assistant.ranked_asks: per ask, with selection.FEATURES). A unit's label is whether it
contains one of the question's key facts (evals.metrics.fact_hits); units of unanswerable
questions are all negative. Then, with folds grouped by question:
  1. a standardised logistic regression (scikit-learn), C chosen by grouped CV log-loss,
     gives out-of-fold P(key fact) for every unit;
  1b. a second one, on each ask's best unit by those probabilities (selection.ASK_FEATURES),
     gives out-of-fold P(the question is answerable);
  2. refuse_below: the lowest answerability threshold at which at most `alpha` of the
     unanswerable questions get an answer (out-of-fold);
  3. include_from, max_units, per_ask: the grid point with the best key-fact recall minus
     `unit_cost` per answer unit (answers stay short), at that threshold.
The same three choices, made on 4 folds and applied to the 5th, give the cross-validated
figures printed at the end (what to expect on unseen questions). The final model is refit
on all of train and written to assistant/answer/data/selection.json.
Refuses the frozen test split. Non-goals: computing features (extractive.py), evaluation (run.py).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer.extractive import Pick, near_duplicate, overlaps
from assistant.answer.selection import FEATURES, Logistic, Selector, ask_features
from evals.metrics import fact_hits
from ingest.errors import InputError, MboError

_OUT = Path(__file__).resolve().parent.parent / "assistant" / "answer" / "data" / "selection.json"
_INCLUDE = tuple(round(x, 2) for x in np.arange(0.10, 0.91, 0.05))
_MAX_UNITS = (1, 2, 3, 4)
_PER_ASK = (1, 2, 3)


@dataclass(frozen=True)
class Case:
    """One question: per ask, its ranked units; their labels; the key facts."""

    qid: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...]
    asks: tuple[tuple[Pick, ...], ...]  # per ask, units best first (by the shipped selector)
    labels: tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class Rule:
    refuse_below: float
    include_from: float
    max_units: int
    per_ask: int


def collect(assistant, questions: list[dict], bar=None) -> list[Case]:
    cases = []
    for q in questions:
        ranked = assistant.ranked_asks(q["question"], [tuple(t) for t in q.get("history", [])])
        facts = tuple(tuple(f) for f in q.get("facts", [])) if q["answerable"] else ()
        asks = tuple(tuple(units) for _, units in ranked)
        labels = tuple(tuple(bool(facts) and any(fact_hits(p.text, facts)) for p in units) for units in asks)
        cases.append(Case(q["id"], bool(q["answerable"]), facts, asks, labels))
        if bar is not None:
            bar.update(1)
    return cases


def _matrix(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X (units x features), y, group (case index) over every unit of every ask."""
    rows, ys, groups = [], [], []
    for g, c in enumerate(cases):
        for units, labels in zip(c.asks, c.labels):
            for p, y in zip(units, labels):
                rows.append(p.features)
                ys.append(y)
                groups.append(g)
    if not rows or len(rows[0]) != len(FEATURES):
        raise InputError("no answer units with features were collected; is the index built "
                         "(`mbo-assistant ingest`) with its sentence vectors?")
    return np.asarray(rows, dtype=float), np.asarray(ys, dtype=int), np.asarray(groups)


def _model(c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))


def out_of_fold(x, y, groups, folds: int, c: float) -> np.ndarray:
    from sklearn.model_selection import StratifiedGroupKFold

    oof = np.zeros(len(y))
    # stratified, so that every fold's training part holds both classes
    for train, held in StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0).split(x, y, groups):
        oof[held] = _model(c).fit(x[train], y[train]).predict_proba(x[held])[:, 1]
    return oof


def _probs_by_case(cases: list[Case], probs: np.ndarray) -> list[tuple[tuple[float, ...], ...]]:
    """Unit probabilities (in _matrix's order) regrouped: per case, per ask, per unit."""
    out, i = [], 0
    for c in cases:
        per_ask = []
        for units in c.asks:
            per_ask.append(tuple(float(v) for v in probs[i:i + len(units)]))
            i += len(units)
        out.append(tuple(per_ask))
    return out


def _ask_matrix(cases: list[Case], unit_probs) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """ASK_FEATURES of every ask that has units (from its best unit by `unit_probs`), the label
    (the question is answerable), the group (case index), and (case, ask) per row."""
    rows, ys, groups, where = [], [], [], []
    for g, (c, per_ask) in enumerate(zip(cases, unit_probs)):
        for a, (units, ps) in enumerate(zip(c.asks, per_ask)):
            if units:
                k = int(np.argmax(ps))
                rows.append(ask_features(units[k].features, ps[k]))
                ys.append(int(c.answerable))
                groups.append(g)
                where.append((g, a))
    return np.asarray(rows, dtype=float), np.asarray(ys), np.asarray(groups), where


def _with_answerability(cases: list[Case], unit_probs, ask_probs, where) -> list:
    """Per case, per ask: (answerability, unit probabilities); an ask without units gets 0."""
    a = {w: float(p) for w, p in zip(where, ask_probs)}
    return [tuple((a.get((g, k), 0.0), ps) for k, ps in enumerate(per_ask)) for g, per_ask in enumerate(unit_probs)]


def simulate(case: Case, probs, rule: Rule) -> tuple[bool, float, int]:
    """(answered, key-fact recall, units) of the answer the rule would give (as chain.py selects:
    per ask on its own when there are several). probs: per ask (answerability, unit probs)."""
    limit = rule.max_units if len(case.asks) == 1 else rule.per_ask
    chosen: list[Pick] = []
    for units, (answerable, ps) in zip(case.asks, probs):
        order = sorted(range(len(units)), key=lambda k: -ps[k])
        if not order or answerable < rule.refuse_below:
            continue
        mine = [units[order[0]]]
        for k in order[1:]:
            if len(mine) >= limit or ps[k] < rule.include_from:
                break
            if not any(overlaps(units[k], m) or near_duplicate(units[k].text, m.text) for m in mine):
                mine.append(units[k])
        chosen += [m for m in mine if not any(overlaps(m, c) for c in chosen)]
    text = " ".join(p.text for p in chosen)
    recall = float(np.mean(fact_hits(text, case.facts))) if case.facts else 0.0
    return bool(chosen), recall, len(chosen)


def figures(cases: list[Case], probs, rule: Rule | list[Rule]) -> dict:
    """Key-fact recall and false refusals (answerable questions), unanswerable questions refused,
    units per answer. `rule` may be one rule per case (cross-validation)."""
    rules = rule if isinstance(rule, list) else [rule] * len(cases)
    runs = [simulate(c, p, r) for c, p, r in zip(cases, probs, rules)]
    answerable = [(r, c) for r, c in zip(runs, cases) if c.answerable]
    unanswerable = [r for r, c in zip(runs, cases) if not c.answerable]
    answered = [r for r in runs if r[0]]
    return {"key_facts": float(np.mean([r[1] for r, _ in answerable])) if answerable else 0.0,
            "false_refusal": float(np.mean([not r[0] for r, _ in answerable])) if answerable else 0.0,
            "refused_unanswerable": float(np.mean([not r[0] for r in unanswerable])) if unanswerable else 1.0,
            "units_per_answer": float(np.mean([r[2] for r in answered])) if answered else 0.0}


def choose_rule(cases: list[Case], probs, alpha: float, unit_cost: float) -> Rule:
    """refuse_below for the false-answer rate `alpha`, then the grid point of the rest."""
    bests = [max((a for a, ps in case_probs if ps), default=0.0)
             for c, case_probs in zip(cases, probs) if not c.answerable]
    bests = sorted(bests, reverse=True)
    allowed = int(np.floor(alpha * len(bests)))  # unanswerable questions that may get an answer
    refuse = float(bests[allowed] + 1e-6) if len(bests) > allowed else 0.0
    best_rule, best_value = None, -np.inf
    for inc in _INCLUDE:
        for mu in _MAX_UNITS:
            for pa in _PER_ASK:
                rule = Rule(refuse, float(inc), mu, pa)
                f = figures(cases, probs, rule)
                value = f["key_facts"] - unit_cost * f["units_per_answer"]
                if value > best_value + 1e-9:
                    best_rule, best_value = rule, value
    assert best_rule is not None
    return best_rule


def cross_validated(cases, oof_by_case, folds: int, alpha: float, unit_cost: float) -> dict:
    """Each question answered by the rule chosen on the other folds' out-of-fold probabilities;
    the figures over all questions at once."""
    fold = np.random.default_rng(0).permutation(len(cases)) % folds
    rules: list[Rule] = [Rule(0.0, 0.0, 0, 0)] * len(cases)
    for k in range(folds):
        fit = [i for i in range(len(cases)) if fold[i] != k]
        rule = choose_rule([cases[i] for i in fit], [oof_by_case[i] for i in fit], alpha, unit_cost)
        for i in np.flatnonzero(fold == k):
            rules[i] = rule
    return figures(cases, oof_by_case, rules)


def _logistic(model) -> Logistic:
    scaler, lr = model[0], model[1]
    return Logistic(mean=tuple(float(v) for v in scaler.mean_),
                    scale=tuple(float(v) if v > 0 else 1.0 for v in scaler.scale_),
                    coef=tuple(float(v) for v in lr.coef_[0]), intercept=float(lr.intercept_[0]))


def _best_c(x, y, groups, folds: int) -> tuple[float, dict]:
    from sklearn.metrics import log_loss

    losses = {c: log_loss(y, out_of_fold(x, y, groups, folds, c), labels=[0, 1]) for c in (0.1, 1.0, 10.0)}
    return min(losses, key=losses.get), losses


def fit(cases: list[Case], folds: int = 5, alpha: float = 0.3, unit_cost: float = 0.03,
        source: str = "") -> tuple[Selector, dict]:
    x, y, groups = _matrix(cases)
    c_unit, unit_losses = _best_c(x, y, groups, folds)
    unit_probs = _probs_by_case(cases, out_of_fold(x, y, groups, folds, c_unit))
    # the answerability model learns from out-of-fold unit probabilities, as unseen questions get them
    xa, ya, ga, where = _ask_matrix(cases, unit_probs)
    c_ask, ask_losses = _best_c(xa, ya, ga, folds)
    probs = _with_answerability(cases, unit_probs, out_of_fold(xa, ya, ga, folds, c_ask), where)
    cv = cross_validated(cases, probs, folds, alpha, unit_cost)
    rule = choose_rule(cases, probs, alpha, unit_cost)
    note = (f"{source}: {len(cases)} questions, {len(y)} units ({int(y.sum())} with a key fact), "
            f"C unit {c_unit}, C ask {c_ask}, alpha={alpha}; cross-validated "
            + ", ".join(f"{k} {v:.3f}" for k, v in cv.items()))
    selector = Selector(unit=_logistic(_model(c_unit).fit(x, y)), ask=_logistic(_model(c_ask).fit(xa, ya)),
                        refuse_below=round(rule.refuse_below, 4), include_from=rule.include_from,
                        max_units=rule.max_units, per_ask=rule.per_ask, fitted_on=note)
    return selector, {"cv": cv, "log_loss": {"unit": unit_losses, "ask": ask_losses}, "rule": rule}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.fit_selection", description=__doc__.split("\n")[0])
    ap.add_argument("--questions", nargs="+", default=["evals/questions/train.jsonl", "evals/questions/dev.jsonl"],
                    help="question files to fit on (never the frozen test split)")
    ap.add_argument("--out", default=str(_OUT))
    ap.add_argument("--alpha", type=float, default=0.3,
                    help="the stated false-answer rate: share of unanswerable questions that may get an answer")
    ap.add_argument("--unit-cost", type=float, default=0.02, help="key-fact recall one more unit must buy")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    try:
        from tqdm import tqdm

        from assistant.factory import build_assistant
        from evals.questions import load_questions
        from ingest.settings import load_settings

        paths = [Path(p) for p in args.questions]
        for path in paths:
            if path.name.startswith("test"):
                raise InputError(f"{path} is the frozen test split; fit on train (evals/questions/train.jsonl)")
        questions = [q for path in paths for q in load_questions(path)]
        from assistant.answer.selection import neutral

        assistant = build_assistant(load_settings(), selector=neutral())
        with tqdm(total=len(questions), unit="q", desc="ranking units") as bar:
            cases = collect(assistant, questions, bar)
        selector, info = fit(cases, args.folds, args.alpha, args.unit_cost, source=" + ".join(p.name for p in paths))
    except MboError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_text(selector.to_json(), encoding="utf-8")
    print(f"log-loss by C: {info['log_loss']}\nrule: {info['rule']}\n{selector.fitted_on}\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
