"""Intervals and the paired comparison (evals/uncertainty.py): an interval holds its value and
narrows as n grows, the same rows give the same interval, a rate's n is the questions it is a
share of, McNemar's exact p-value matches the textbook binomial, and the comparison names the
questions fixed and broken."""

from __future__ import annotations

import pytest

from evals.score import summarise
from evals.uncertainty import compare, intervals, mcnemar_exact, mean_interval, percentile_interval


def _row(i, answerable, correct=False, refused=False, fact_recall=None):
    m = {"answerable": answerable, "refused": refused}
    if answerable:
        m.update(correct=correct, fact_recall=fact_recall if fact_recall is not None else float(correct))
    return {"id": f"q{i}", "metrics": m, "timings_ms": {"total": 100.0 + i}}


@pytest.mark.unit
@pytest.mark.parametrize("k,n", [(0, 10), (3, 10), (7, 10), (10, 10), (37, 50), (1, 3)])
def test_interval_contains_the_value(k, n):
    iv = mean_interval([1.0] * k + [0.0] * (n - k))
    assert iv.value == pytest.approx(k / n) and iv.n == n
    assert 0.0 <= iv.ci_low <= iv.value <= iv.ci_high <= 1.0


@pytest.mark.unit
def test_interval_shrinks_with_n():
    widths = []
    for n in (20, 80, 320):
        iv = mean_interval([1.0, 0.0] * (n // 2))
        widths.append(iv.ci_high - iv.ci_low)
    assert widths[0] > widths[1] > widths[2] > 0
    assert widths[0] == pytest.approx(2 * 1.96 * (0.25 / 20) ** 0.5, abs=0.06)  # the normal approximation


@pytest.mark.unit
def test_interval_is_reproducible_and_empty_has_none():
    xs = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    assert mean_interval(xs) == mean_interval(xs)
    assert mean_interval([]).ci_low is None
    p50 = percentile_interval([10.0, 20.0, 30.0, 40.0, 1000.0], 50)
    assert p50.value == 30.0 and p50.ci_low <= 30.0 <= p50.ci_high


@pytest.mark.unit
def test_summary_intervals_use_each_rate_s_own_questions():
    rows = [_row(i, True, correct=i % 4 != 0, refused=i == 0) for i in range(12)] \
        + [_row(12 + i, False, refused=i < 3) for i in range(4)]
    summary = summarise(rows)
    ivs = intervals(rows, summary)
    assert set(ivs) == set(summary)
    assert ivs["refusal_rate"].n == 4 and ivs["refusal_rate"].value == pytest.approx(0.75)
    assert ivs["false_refusal_rate"].n == 12 and ivs["correct"].n == 12
    for key in ("correct", "fact_recall", "refusal_rate", "false_refusal_rate", "latency_p50_ms"):
        iv = ivs[key]
        assert iv.value == summary[key] and iv.ci_low <= iv.value <= iv.ci_high, key
    assert ivs["questions"].ci_low is None and ivs["questions"].value == 16


@pytest.mark.unit
def test_mcnemar_exact_gives_the_textbook_p_value():
    # 2 vs 8 discordant pairs: 2 * P(X <= 2), X ~ Binomial(10, 1/2) = 2 * 56/1024
    assert mcnemar_exact(2, 8) == pytest.approx(0.109375)
    assert mcnemar_exact(8, 2) == pytest.approx(0.109375)
    assert mcnemar_exact(1, 9) == pytest.approx(2 * 11 / 1024)
    assert mcnemar_exact(0, 0) == 1.0 and mcnemar_exact(3, 3) == 1.0
    stats = pytest.importorskip("scipy.stats")
    assert mcnemar_exact(4, 15) == pytest.approx(stats.binomtest(4, 19, 0.5).pvalue)


@pytest.mark.unit
def test_compare_names_fixed_and_broken_questions():
    old = [_row(0, True, correct=False, refused=True), _row(1, True, correct=True), _row(2, True, correct=True),
           _row(3, False, refused=False), _row(4, False, refused=True), _row(9, True, correct=True)]
    new = [_row(0, True, correct=True), _row(1, True, correct=False, refused=True), _row(2, True, correct=True),
           _row(3, False, refused=True), _row(4, False, refused=True), _row(5, True, correct=True)]
    comp = compare(new, old)
    by = {p.metric: p for p in comp.paired}
    assert by["correct"].fixed == ("q0",) and by["correct"].broken == ("q1",) and by["correct"].n == 3
    assert by["correct"].p_value == 1.0
    assert by["unanswerable refused"].fixed == ("q3",) and by["unanswerable refused"].broken == ()
    assert by["no false refusal"].fixed == ("q0",) and by["no false refusal"].broken == ("q1",)
    assert comp.shared == 5 and comp.only_new == ("q5",) and comp.only_old == ("q9",)
    d = comp.fact_recall_change
    assert d.n == 3 and d.value == pytest.approx(0.0) and d.ci_low <= 0.0 <= d.ci_high
