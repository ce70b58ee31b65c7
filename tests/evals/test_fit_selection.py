"""fit_selection: the fit on made-up cases (no index): signs, the alpha rule, the test split."""

import numpy as np
import pytest

from assistant.answer.extractive import Pick
from assistant.answer.selection import FEATURES
from evals import fit_selection as F

pytestmark = pytest.mark.unit


def _case(i: int, rng, answerable: bool) -> F.Case:
    """Ten units; on an answerable question the one or two units with the fact sit closer to
    the question (sem) than the rest, plus noise."""
    units, labels = [], []
    n_pos = (1 + i % 2) if answerable else 0
    for k in range(10):
        pos = k < n_pos
        sem = rng.normal(0.95 if pos else 0.8, 0.03)
        x = [sem] + [rng.normal() for _ in FEATURES[1:]]
        text = f"Eenheid {k} van vraag {i}" + (" met het feit" if pos else "")
        units.append(Pick(k, text, text, 0, 0.0, tuple(x)))
        labels.append(pos)
    facts = (("het feit",),) if answerable else ()
    return F.Case(f"q{i}", answerable, facts, (tuple(units),), (tuple(labels),))


def _cases(n=80):
    rng = np.random.default_rng(7)
    return [_case(i, rng, answerable=i % 5 != 0) for i in range(n)]


def _by_sem(cases):
    """Per case, per ask: (answerability, unit probabilities), both the units' sem."""
    out = []
    for c in cases:
        per_ask = []
        for units in c.asks:
            ps = tuple(float(p.features[0]) for p in units)
            per_ask.append((max(ps), ps))
        out.append(tuple(per_ask))
    return out


def test_the_fit_learns_the_separating_feature_and_answers_most_questions():
    selector, info = F.fit(_cases(), folds=5, alpha=0.1, source="made-up")
    w = dict(zip(FEATURES, selector.unit.coef))
    assert w["sem"] > 1.0 and all(abs(v) < w["sem"] for k, v in w.items() if k != "sem")
    assert info["cv"]["key_facts"] > 0.8 and info["cv"]["false_refusal"] < 0.2
    assert "cross-validated" in selector.fitted_on


def test_the_refusal_threshold_keeps_the_false_answer_rate_within_alpha():
    cases = _cases()
    probs = _by_sem(cases)
    for alpha in (0.0, 0.25, 0.5):
        rule = F.choose_rule(cases, probs, alpha, unit_cost=0.02)
        answered = [F.simulate(c, p, rule)[0] for c, p in zip(cases, probs) if not c.answerable]
        assert np.mean(answered) <= alpha


def test_more_units_are_taken_only_while_they_add_key_facts():
    cases = _cases()
    probs = _by_sem(cases)
    cheap = F.choose_rule(cases, probs, 0.1, unit_cost=0.0)
    dear = F.choose_rule(cases, probs, 0.1, unit_cost=0.5)
    assert F.figures(cases, probs, dear)["units_per_answer"] <= F.figures(cases, probs, cheap)["units_per_answer"]
    assert dear.max_units == 1 or dear.include_from >= cheap.include_from


def test_fitting_on_the_frozen_test_split_is_refused(capsys):
    assert F.main(["--questions", "evals/questions/test.jsonl"]) == 2
    assert "frozen test split" in capsys.readouterr().err
