"""selection: the fitted selector's file, its checks, and what the shipped fit must look like."""

import json

import pytest

from assistant.answer import selection as S
from ingest.errors import ConfigError

pytestmark = pytest.mark.unit


def _model(n: int, **changes) -> dict:
    return {"mean": [0.0] * n, "scale": [1.0] * n, "coef": [0.0] * n, "intercept": 0.0, **changes}


def _body(unit=None, **changes) -> str:
    body = {"features": list(S.FEATURES), "unit": unit or _model(len(S.FEATURES)),
            "ask_features": list(S.ASK_FEATURES), "ask": _model(len(S.ASK_FEATURES)),
            "refuse_below": 0.4, "include_from": 0.6, "max_units": 3, "per_ask": 2}
    body.update(changes)
    return json.dumps(body)


def test_a_selector_survives_its_file_and_gives_probabilities():
    sel = S.from_json(_body(unit=_model(len(S.FEATURES), coef=[1.0] + [0.0] * (len(S.FEATURES) - 1))))
    again = S.from_json(sel.to_json())
    assert again == sel
    low, high = sel.probability((-3.0,) + (0.0,) * (len(S.FEATURES) - 1)), sel.probability((3.0,) + (0.0,) * (len(S.FEATURES) - 1))
    assert 0.0 < low < 0.5 < high < 1.0


@pytest.mark.parametrize("text, says", [
    ("{not json", "is not JSON"),
    (_body(features=["sem", "lex"]), "'features' is"),
    (_body(unit=_model(2)), "unit.mean has 2 numbers"),
    (_body(unit=_model(len(S.FEATURES), scale=[0.0] * len(S.FEATURES))), "unit.scale holds a value <= 0"),
    (_body(ask=[1, 2]), "'ask' must be an object"),
    (json.dumps({k: v for k, v in json.loads(_body()).items() if k != "refuse_below"}), "lacks the field 'refuse_below'"),
    (_body(max_units="drie"), "wrong type"),
])
def test_a_bad_selection_file_is_a_config_error_that_names_the_field_and_the_fix(text, says):
    with pytest.raises(ConfigError) as err:
        S.from_json(text, "sel.json")
    assert says in str(err.value) and "sel.json" in str(err.value) and "fit_selection" in str(err.value)


def test_a_missing_selection_path_names_the_path(tmp_path):
    with pytest.raises(ConfigError, match="nope.json"):
        S.load(tmp_path / "nope.json")


def test_the_shipped_selector_is_fitted_and_points_the_expected_way():
    sel = S.fitted()
    assert "train" in sel.fitted_on and "cross-validated" in sel.fitted_on  # not the bootstrap
    w = dict(zip(S.FEATURES, (c / s for c, s in zip(sel.unit.coef, sel.unit.scale))))
    # closer to the question and covering more of its words: more likely to state the fact
    assert w["sem"] > 0 and w["lex"] > 0
    a = dict(zip(S.ASK_FEATURES, (c / s for c, s in zip(sel.ask.coef, sel.ask.scale))))
    # a better best unit: more likely answerable; more words the corpus never uses: less likely
    assert a["best_logit"] > 0 and a["unknown_share"] < 0
    assert 0.0 < sel.refuse_below < 1.0 and 1 <= sel.per_ask <= sel.max_units <= 4
