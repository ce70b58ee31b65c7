"""ingest/lexical.py: typo correction against the corpus vocabulary."""

import difflib
import random

import pytest

from ingest.lexical import LexicalIndex

pytestmark = pytest.mark.unit

TEXTS = ["De werkgever betaalt het loon en de student betaalt het cursusgeld.",
         "De beroepsbegeleidende leerweg combineert leren en werken in een erkend leerbedrijf.",
         "De entreeopleiding is er voor jongeren zonder startkwalificatie.",
         "Gemeenten en UWV financieren scholing voor werkzoekenden met een uitkering."]


def test_typos_are_corrected_to_a_corpus_term_and_short_words_or_numbers_are_not():
    lex = LexicalIndex.build([f"c{i}" for i in range(len(TEXTS))], TEXTS)
    assert lex.correct("cursusgelt") == "cursusgeld"
    assert lex.correct("entreeopleidng") == "entreeopleid"  # stems: the corpus term is stemmed
    assert lex.correct("telefoonnummer") is None
    assert lex.correct("werk") is None and lex.correct("12345") is None


def test_the_numpy_prefilter_gives_difflibs_own_answer():
    """correct() only skips words difflib's quick_ratio bound would skip: same result as
    difflib over the whole vocabulary, on random one-letter typos of corpus terms."""
    lex = LexicalIndex.build([f"c{i}" for i in range(len(TEXTS))], TEXTS)
    vocab = lex._vocab()
    rng = random.Random(7)
    typos = []
    for w in [w for w in vocab if len(w) >= 5] * 3:
        i = rng.randrange(len(w))
        typos.append(w[:i] + rng.choice("aeiouxzé-") + w[i + 1:])
    for t in typos:
        want = difflib.get_close_matches(t, vocab, n=1, cutoff=0.84)
        assert lex.correct(t) == (want[0] if want else None), t
