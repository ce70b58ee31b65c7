"""Support judges, the AUC function and calibration-set validation (evals/judges.py, evals/calibrate.py)."""

from __future__ import annotations

import itertools
import json
import math
import random
import re

import pytest

from ingest.errors import ConfigError, InputError, ModelError
from ingest.settings import Settings
from evals.calibrate import Pair, auc, best_threshold, evaluate, load_calibration, write_results
from evals.judges import Judge, LexicalJudge, QwenJudge, RagasJudge, build_judge

PASSAGE = "De kandidaat volgt minimaal 200 uur onderwijs en minimaal 610 uur beroepspraktijkvorming."


# ------------------------------------------------------------------ judges
@pytest.mark.unit
def test_lexical_judge_accepts_verbatim_and_flags_changed_number():
    judge = LexicalJudge()
    assert isinstance(judge, Judge) and judge.name == "lexical"
    verbatim = "De kandidaat volgt minimaal 200 uur onderwijs en minimaal 610 uur beroepspraktijkvorming."
    changed = "De kandidaat volgt minimaal 200 uur onderwijs en minimaal 800 uur beroepspraktijkvorming."
    assert judge.supports(verbatim, [PASSAGE])
    assert not judge.supports(changed, [PASSAGE])
    assert judge.score(verbatim, [PASSAGE]) > judge.threshold > judge.score(changed, [PASSAGE])


@pytest.mark.unit
def test_lexical_judge_with_similarity_is_named_for_it():
    assert LexicalJudge(similarity=lambda a, b: 1.0).name == "lexical-e5"


@pytest.mark.unit
def test_qwen_judge_takes_the_best_passage_and_applies_its_threshold():
    probs = {"a": 0.2, "b": 0.7}
    judge = QwenJudge(Settings(), threshold=0.6, yes_prob=lambda claim, passage: probs[passage])
    assert judge.score("claim", ["a", "b"]) == 0.7
    assert judge.supports("claim", ["a", "b"]) and not judge.supports("claim", ["a"])
    assert judge.score("claim", []) == 0.0


@pytest.mark.unit
def test_qwen_judge_rejects_a_threshold_outside_0_1():
    with pytest.raises(ConfigError, match="1.5"):
        QwenJudge(Settings(), threshold=1.5, yes_prob=lambda c, p: 0.5)


@pytest.mark.unit
def test_ragas_judge_needs_an_openai_endpoint():
    with pytest.raises(ConfigError, match="MBO_LLM_BACKEND=openai"):
        RagasJudge(Settings(llm_backend="none"))
    with pytest.raises(ConfigError, match="MBO_LLM_BASE_URL"):
        RagasJudge(Settings(llm_backend="openai", llm_base_url="", llm_api_key=""))


class _FakeRagasMetric:
    """Stands in for ragas' Faithfulness: share of the response's words found in the contexts."""

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    async def ascore(self, user_input, response, retrieved_contexts):
        self.calls.append((user_input, response, list(retrieved_contexts)))
        if self.fail:
            raise TimeoutError("no answer")
        words = re.findall(r"\w+", response.lower())
        context = " ".join(retrieved_contexts).lower()
        value = sum(w in context for w in words) / len(words) if words != ["nan"] else float("nan")
        return type("Result", (), {"value": value})()


@pytest.mark.unit
def test_ragas_judge_scores_with_the_metric_and_applies_its_threshold():
    metric = _FakeRagasMetric()
    judge = RagasJudge(Settings(), threshold=1.0, metric=metric)
    assert judge.score("minimaal 610 uur", [PASSAGE]) == 1.0 and judge.supports("minimaal 610 uur", [PASSAGE])
    assert judge.score("minimaal 810 uur", [PASSAGE]) == pytest.approx(2 / 3)
    assert not judge.supports("minimaal 810 uur", [PASSAGE])
    assert judge.score("nan", [PASSAGE]) == 0.0  # ragas found no statement
    assert judge.score("minimaal 610 uur", []) == 0.0 and len(metric.calls) == 5  # no passage: no call
    assert metric.calls[0][0] == RagasJudge.QUESTION


@pytest.mark.unit
def test_ragas_judge_faithfulness_joins_the_sentences_and_reports_failures():
    metric = _FakeRagasMetric()
    judge = RagasJudge(Settings(), metric=metric)
    two = ["minimaal 610 uur.", "minimaal 810 uur."]
    assert judge.faithfulness(two, [PASSAGE], "Hoeveel uur?") == pytest.approx(5 / 6)
    assert metric.calls[-1][:2] == ("Hoeveel uur?", "minimaal 610 uur. minimaal 810 uur.")
    assert judge.faithfulness([], [PASSAGE]) is None and judge.faithfulness(["x"], []) is None
    with pytest.raises(ModelError, match="ragas judge failed.*TimeoutError"):
        RagasJudge(Settings(), metric=_FakeRagasMetric(fail=True)).score("x", [PASSAGE])


@pytest.mark.unit
def test_eval_takes_faithfulness_from_a_judge_that_has_its_own():
    from evals.score import score_row

    class OwnFaithfulness(_FakeJudge):
        def faithfulness(self, claims, passages, question):
            return 0.25

    row = {"answered": True, "answer": f"{PASSAGE} [1]", "citations": [{"n": 1, "text": PASSAGE}]}
    q = {"question": "Hoeveel uur?", "answerable": False}
    judge = OwnFaithfulness()
    assert score_row(row, q, [PASSAGE], judge.supports, judge.faithfulness)["faithfulness"] == 0.25
    assert score_row(row, q, [PASSAGE], judge.supports)["faithfulness"] == 1.0


@pytest.mark.unit
def test_eval_command_takes_judge_and_baseline():
    from evals.cli import parser

    args = parser().parse_args(["q.jsonl", "--judge", "ragas", "--baseline", "b.jsonl"])
    assert args.judge == "ragas" and args.baseline == "b.jsonl"
    assert parser().parse_args(["q.jsonl"]).judge == "agreement"  # independent of the answer path


@pytest.mark.unit
def test_build_judge_names_the_unknown_judge():
    assert build_judge("lexical", Settings()).name == "lexical"
    with pytest.raises(ConfigError, match="'nli'.*lexical"):
        build_judge("nli", Settings())


# ------------------------------------------------------------------ AUC
def _pairwise_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    return sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg)) / (len(pos) * len(neg))


@pytest.mark.unit
@pytest.mark.parametrize("scores, labels, expected", [
    ([0.1, 0.4, 0.35, 0.8], [False, False, True, True], 0.75),
    ([0.9, 0.8, 0.1, 0.2], [True, True, False, False], 1.0),
    ([0.1, 0.2, 0.9, 0.8], [True, True, False, False], 0.0),
    ([0.5, 0.5, 0.5, 0.5], [True, False, True, False], 0.5),  # all tied
    ([0.5, 0.5, 0.2, 0.9], [True, False, False, True], 0.875),  # one tied pair counts 1/2
])
def test_auc_on_known_inputs(scores, labels, expected):
    assert auc(scores, labels) == pytest.approx(expected)


@pytest.mark.unit
def test_auc_matches_the_pairwise_definition_with_many_ties():
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(2, 30)
        scores = [rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]) for _ in range(n)]
        labels = [rng.random() < 0.5 for _ in range(n)]
        if all(labels) or not any(labels):
            continue
        assert auc(scores, labels) == pytest.approx(_pairwise_auc(scores, labels))


@pytest.mark.unit
def test_auc_is_nan_with_one_class_and_rejects_length_mismatch():
    assert math.isnan(auc([0.1, 0.2], [True, True]))
    with pytest.raises(ValueError):
        auc([0.1], [True, False])


@pytest.mark.unit
def test_best_threshold_maximises_accuracy():
    t, acc = best_threshold([0.1, 0.3, 0.6, 0.9], [False, False, True, True])
    assert t == 0.6 and acc == 1.0


# ------------------------------------------------------------------ calibration file
GOOD = {"id": "c1", "claim": "x", "passage": "y", "supported": True, "kind": "supported"}


def _write(tmp_path, rows):
    path = tmp_path / "cal.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.unit
@pytest.mark.parametrize("bad, field", [
    ({**GOOD, "id": "c2", "kind": "typo"}, "kind"),
    ({k: v for k, v in GOOD.items() if k != "claim"} | {"id": "c2"}, "claim"),
    ({**GOOD, "id": "c2", "supported": False}, "supported"),
    ({**GOOD, "id": "c2", "supported": "yes"}, "supported"),
    ({**GOOD, "id": "c2", "lang": "de"}, "lang"),
    ({**GOOD, "id": "c2", "claim": "  "}, "claim"),
    ({**GOOD, "id": "c2", "extra": 1}, "extra"),
    ({**GOOD}, "id"),  # duplicate of line 1
])
def test_calibration_validation_names_line_and_field(tmp_path, bad, field):
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(InputError) as err:
        load_calibration(path)
    assert f"{path}:2:" in str(err.value) and repr(field) in str(err.value)


@pytest.mark.unit
def test_calibration_validation_reports_bad_json_and_missing_file(tmp_path):
    with pytest.raises(InputError, match=r":2: not valid JSON"):
        load_calibration(_write(tmp_path, [GOOD, "{oops"]))
    with pytest.raises(InputError, match="not found"):
        load_calibration(tmp_path / "absent.jsonl")


@pytest.mark.unit
def test_load_calibration_defaults_lang_to_dutch(tmp_path):
    pairs = load_calibration(_write(tmp_path, [GOOD, {**GOOD, "id": "c2", "lang": "en"}]))
    assert [p.lang for p in pairs] == ["nl", "en"]


# ------------------------------------------------------------------ evaluate + results file
class _FakeJudge:
    name, threshold = "fake", 0.5

    def score(self, claim, passages):
        return 1.0 if claim == passages[0] else 0.0

    def supports(self, claim, passages):
        return self.score(claim, passages) >= self.threshold


@pytest.mark.unit
def test_evaluate_reports_accuracy_auc_and_groups():
    pairs = [Pair("a", "p", "p", True, "supported"), Pair("b", "q", "p", False, "negation"),
             Pair("c", "r", "p", True, "paraphrase", "en")]
    m = evaluate(_FakeJudge(), pairs)
    assert m["accuracy"] == pytest.approx(2 / 3)
    assert m["auc"] == pytest.approx(0.75)
    assert m["groups"]["kind:paraphrase"] == (0.0, 1) and m["groups"]["lang:nl"] == (1.0, 2)
    assert [w[0] for w in m["wrong"]] == ["c"]


@pytest.mark.unit
def test_write_results_replaces_one_judge_and_keeps_the_others(tmp_path):
    from evals.calibrate import to_markdown

    pairs = [Pair("a", "p", "p", True, "supported"), Pair("b", "q", "p", False, "negation")]
    m = evaluate(_FakeJudge(), pairs)
    out = tmp_path / "results.md"
    write_results(out, {"one": to_markdown({**m, "judge": "one"}), "two": to_markdown({**m, "judge": "two"})})
    write_results(out, {"one": to_markdown({**m, "judge": "one", "accuracy": 0.25})})
    text = out.read_text()
    assert text.count("<!-- judge:one -->") == 1 and "<!-- judge:two -->" in text
    assert "| one | 2 | 0.250 |" in text and "| two | 2 | 1.000 |" in text


# ------------------------------------------------------------------ real models
# The server's prompt cache reuses ragas' long fixed instructions across calls (seconds instead of minutes
# per claim on 2 cores). Its size limit counts only llama.cpp's state, not the ~300 MB of logits each
# saved state also holds: without a small limit the default 2 GiB grew past 20 GB and was OOM-killed.
PROMPT_CACHE = ("--cache", "True", "--cache_size", str(128 << 20))


@pytest.fixture(scope="module")
def qwen_endpoint(tmp_path_factory):
    """The local Qwen GGUF in the app's own supervised server process (assistant.models.server):
    yields the base URL; the process is stopped afterwards. No ragas or no model is a failure."""
    from assistant.models.server import ModelServer

    srv = ModelServer(Settings(data_dir=tmp_path_factory.mktemp("llama-server")), extra_args=PROMPT_CACHE)
    try:
        srv.ensure(wait_s=300)
        yield srv.base_url
    finally:
        srv.stop()


@pytest.mark.integration
@pytest.mark.slow
def test_ragas_judge_with_the_local_model_over_an_openai_endpoint(qwen_endpoint):
    settings = Settings(llm_backend="openai", llm_base_url=qwen_endpoint, llm_timeout_s=1800)
    judge = build_judge("ragas", settings)
    assert isinstance(judge, RagasJudge)
    good = judge.score("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.", [PASSAGE])
    bad = judge.score("De kandidaat volgt minimaal 810 uur beroepspraktijkvorming.", [PASSAGE])
    assert good > bad, (good, bad)
    assert good >= judge.threshold > bad  # the verdicts: supported, not supported



@pytest.mark.integration
def test_lexical_e5_judge_accepts_an_english_paraphrase(real_embedder):
    from assistant.factory import build_similarity

    judge = LexicalJudge(similarity=build_similarity(real_embedder))
    claim = "A bbl student follows at least 200 hours of teaching and at least 610 hours of work placement."
    assert judge.score(claim, [PASSAGE]) > judge.score("A bbl student follows at least 800 hours.", [PASSAGE])


@pytest.mark.integration
@pytest.mark.slow
def test_qwen_judge_prefers_the_verbatim_claim_over_a_changed_number():
    judge = QwenJudge(Settings(llm_backend="local"))
    good = judge.score("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.", [PASSAGE])  # no model: fails
    bad = judge.score("De kandidaat volgt minimaal 810 uur beroepspraktijkvorming.", [PASSAGE])
    assert good > bad


@pytest.mark.unit
def test_agreement_features_see_changed_numbers_years_names_and_negation(fake_embedder):
    from evals.agreement import AgreementJudge

    judge = AgreementJudge(fake_embedder, weights={"threshold": 0.5})
    same = judge.features("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.", [PASSAGE])
    assert same["numbers_missing"] == same["years_missing"] == same["names_missing"] == 0.0
    assert same["negation_mismatch"] == 0.0 and same["overlap"] == 1.0
    assert judge.features("De kandidaat volgt minimaal 810 uur.", [PASSAGE])["numbers_missing"] == 1.0
    assert judge.features("Dit geldt vanaf 2025.", ["Dit geldt vanaf 2024."])["years_missing"] == 1.0
    assert judge.features("Dat regelt het UWV.", ["Dat regelt DUO."])["names_missing"] == 1.0
    assert judge.features("De kandidaat volgt geen onderwijs.", [PASSAGE])["negation_mismatch"] == 1.0


@pytest.mark.unit
def test_agreement_judge_uses_the_shipped_weights_and_ranks_by_them(fake_embedder):
    from evals.agreement import AgreementJudge, load_weights

    w = load_weights()
    assert w["cv_accuracy"] >= 0.8 and w["cv_auc"] >= 0.85 and w["pairs"] >= 260  # grouped CV, see the file
    judge = AgreementJudge(fake_embedder)
    good = judge.score("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.", [PASSAGE])
    bad = judge.score("De kandidaat volgt minimaal 810 uur beroepspraktijkvorming.", [PASSAGE])
    assert good > bad  # the fake vectors are not e5's, so only the order is meaningful here
    assert judge.score("iets", []) == 0.0


@pytest.mark.integration
def test_agreement_judge_accepts_an_english_paraphrase_and_rejects_a_changed_number(real_embedder):
    from evals.agreement import AgreementJudge

    judge = AgreementJudge(real_embedder)
    claim = "A bbl student follows at least 200 hours of teaching and at least 610 hours of work placement."
    assert judge.supports(claim, [PASSAGE])
    assert not judge.supports("A bbl student follows at least 200 hours of teaching and 810 hours of work "
                              "placement.", [PASSAGE])
