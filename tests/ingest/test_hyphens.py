"""ingest/hyphens.py: joining two wrapped lines at a line-end hyphen."""

import pytest

from ingest.hyphens import hyphen_end, join, vocabulary

pytestmark = pytest.mark.unit


def test_the_documents_own_spelling_decides_and_abbreviations_keep_their_hyphen():
    vocab = vocabulary(["Het beroepsonderwijs is breed.", "Een leer-werktraject duurt een jaar."])
    assert join("het beroeps-", "onderwijs in de regio", vocab) == "het beroepsonderwijs in de regio"
    assert join("een leer-", "werktraject", vocab) == "een leer-werktraject"  # spelled so elsewhere
    assert join("een mbo-", "opleiding", vocab) == "een mbo-opleiding"  # abbreviation
    assert join("de Sociaal-", "Economische Raad", vocab) == "de Sociaal-Economische Raad"  # capital
    assert join("leer-", "en werktrajecten", vocab) == "leer- en werktrajecten"  # omitted part
    assert join("gewone", "regel", vocab) == "gewone regel"


def test_hyphen_end_is_linear_on_a_long_token():
    assert hyphen_end("zie beroeps-") == ("", "beroeps")
    assert hyphen_end("x" * 5000 + "-") == ("", "x" * 5000)
    assert hyphen_end("2024-") is None and hyphen_end("geen streepje") is None
