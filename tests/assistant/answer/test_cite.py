"""Citation parsing is a pure function: markers per sentence, out-of-range flagged."""

import pytest

from assistant.answer.cite import cited_numbers, parse_citations, split_sentences

pytestmark = pytest.mark.unit


def test_markers_after_and_before_full_stop():
    s = parse_citations("De bbl duurt 2 jaar [1]. De werkgever betaalt het loon. [2][3]", 3)
    assert [x.cites for x in s] == [(1,), (2, 3)]
    assert s[0].text == "De bbl duurt 2 jaar." and s[1].text == "De werkgever betaalt het loon."


def test_out_of_range_is_flagged_not_dropped():
    s = parse_citations("Het cursusgeld is 287 euro [4].", 2)
    assert s[0].cites == () and s[0].invalid == (4,)


def test_lists_and_ranges():
    s = parse_citations("Zie de bronnen [1, 3] en [2-3].", 3)
    assert s[0].cites == (1, 3, 2)
    assert cited_numbers("a [2] b [1][2]") == [2, 1]


def test_dutch_abbreviations_do_not_split():
    text = "Dit geldt o.a. voor de bbl, bijv. in de zorg [1]. Nieuwe zin [2]."
    assert len(split_sentences(text)) == 2


def test_numbers_with_dots_do_not_split():
    s = parse_citations("De subsidie is maximaal € 2.700 per plaats [1].", 1)
    assert len(s) == 1 and s[0].cites == (1,)


def test_sentence_without_marker_has_no_cites():
    s = parse_citations("Eerste zin [1]. Tweede zin zonder bron.", 1)
    assert s[1].cites == () and s[1].invalid == ()
