"""Lexical (BM25) index with a Dutch analyser, persisted beside the Chroma collection.

The analyser lower-cases, keeps numbers ("610", "2.700", "25,0") and abbreviations ("bbl",
"RMC") as tokens, drops Dutch stop words and stems with the Snowball "dutch_porter" stemmer
(the newer "dutch" stemmer maps "gemeente" to "meen"). Non-goals: dense retrieval, fusion.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.cachedb import connect, rows_for

# words, and numbers with Dutch thousand/decimal separators: 2.700 | 25,0 | 1.000.000
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_STAMP = "stamp.json"


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    # question words carry the question type, not the topic
    extra = {"hoeveel", "wanneer", "welke", "waarom", "hoe", "wat", "wie", "waar", "mag", "moet",
             "kan", "kun", "je", "jij", "u", "ik", "mijn", "een", "de", "het"}
    return frozenset(STOPWORDS_DUTCH) | frozenset(extra)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")


def analyse(text: str) -> list[str]:
    """Text -> list of index terms. Hyphenated words also yield their parts (mbo-opleiding)."""
    stop = _stopwords()
    words: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0)
        if token[0].isdigit():
            words.append(token.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", token) else token)
            continue
        parts = [token] + (token.split("-") if "-" in token else [])
        words.extend(p for p in parts if len(p) > 1 and p not in stop)
    numbers = [w for w in words if w[0].isdigit()]
    stems = _stemmer().stemWords([w for w in words if not w[0].isdigit()])
    return stems + numbers


@lru_cache(maxsize=65536)
def term_set(text: str) -> frozenset[str]:
    """set(analyse(text)), cached: the answer path scores the same passage sentences for many
    questions (analysing them each time was a quarter of an extractive answer's time)."""
    return frozenset(analyse(text))


def stamp_of(ids: list[str]) -> str:
    """A fingerprint of the set of chunk ids the lexical index was built from."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


class LexicalIndex:
    """BM25 over chunk texts; holds the bm25s model and the row -> chunk id mapping."""

    def __init__(self, ids: list[str], model) -> None:
        self.ids = ids
        self._model = model
        self._idf: dict[str, float] = {}

    def correct(self, term: str) -> str | None:
        """A corpus term within a small edit distance of an unseen term (typos: 'betaald'),
        or None. Only for words of 5+ letters, to keep 'weer' from becoming 'werk'."""
        if len(term) < 5 or term[0].isdigit() or not self.ids:
            return None
        import difflib

        # ties are broken by the term itself (difflib ranks (score, term) pairs), not list order.
        # difflib's own cheap bound (quick_ratio: shared letters, counted) is computed for the
        # whole vocabulary at once with numpy; only words that pass it reach difflib, which
        # applies the same bound again, so the result is the same (~8x faster)
        vocab, counts, lengths, alphabet = self._letter_counts()
        import numpy as np

        mine = np.zeros(len(alphabet), np.int16)
        for ch in term:
            if ch in alphabet:
                mine[alphabet[ch]] += 1
        shared = np.minimum(counts, mine).sum(axis=1)
        bound = 2.0 * shared / (lengths + len(term))
        pool = [vocab[i] for i in np.flatnonzero(bound >= 0.84 - 1e-9)]
        match = difflib.get_close_matches(term, pool, n=1, cutoff=0.84)
        return match[0] if match else None

    def _letter_counts(self):
        """(vocab, letter counts [V, A], word lengths [V], letter -> column) for correct()."""
        if not hasattr(self, "_counts"):
            import numpy as np

            vocab = self._vocab()
            alphabet = {ch: i for i, ch in enumerate(sorted({ch for w in vocab for ch in w}))}
            counts = np.zeros((len(vocab), len(alphabet)), np.int16)
            for r, w in enumerate(vocab):
                for ch in w:
                    counts[r, alphabet[ch]] += 1
            self._counts = (vocab, counts, np.array([len(w) for w in vocab]), alphabet)
        return self._counts

    _PARTICLES = ("af", "op", "uit", "aan", "in", "mee", "toe", "door", "over", "voor", "na", "bij",
                  "terug", "vast", "weg", "")

    def _vocab(self) -> list[str]:
        """The corpus' word terms (no numbers), sorted: for typo correction and word forms."""
        if not hasattr(self, "_vocab_sorted"):
            self._vocab_sorted = sorted(t for t in self._model.vocab_dict if t and not t[0].isdigit())
        return self._vocab_sorted

    def variant(self, term: str) -> str | None:
        """A corpus term that is another form of the same Dutch word, or None: the participle
        'gediscrimineerd' ~ 'discriminatie' and 'afgeschaft' ~ 'afschaff' (particle + ge-
        removed). The shared start must be 7+ letters, cover 65% of the word and leave at most
        4 of its letters, so a compound is not taken for its first part ('telefoonnummer' is not
        'telefoon', 'investeringstabel' not 'investeringsfonds')."""
        if len(term) < 6 or term[0].isdigit() or not self.ids:
            return None
        import bisect

        vocab = self._vocab()
        forms = {term}
        for p in self._PARTICLES:
            if term.startswith(p + "ge") and len(term) > len(p) + 6:
                forms.add(p + term[len(p) + 2:])
        best, best_len = None, 0
        for form in forms:
            lo = bisect.bisect_left(vocab, form[:6])
            for cand in vocab[lo:lo + 200]:
                if not cand.startswith(form[:6]):
                    break
                n = len(os.path.commonprefix([form, cand]))
                if n >= max(7, 0.65 * len(form)) and len(form) - n <= 4 and len(cand) - n <= 5 and n > best_len:
                    best, best_len = cand, n
        return best

    def is_compound(self, term: str) -> bool:
        """Whether an unseen word is two corpus terms joined ('certificaattraject' = certificaat +
        traject, 'stagegesprek' = stage + gesprek; a linking s/e/en allowed; each 3+ letters), or
        hyphenated corpus terms ('bol-stage')."""
        if len(term) < 7 or term[0].isdigit() or not self.ids:
            return False
        vocab, stem = self._model.vocab_dict, _stemmer().stemWord
        if "-" in term:  # 'bol-stage': the analyser also indexes the parts
            return all(p in vocab or stem(p) in vocab for p in term.split("-") if p)
        for i in range(3, len(term) - 2):
            head, tail = term[:i], term[i:]
            heads = {head, stem(head)} | {stem(head[:-len(j)]) for j in ("s", "e", "en")
                                          if head.endswith(j) and len(head) - len(j) >= 3}
            if any(h in vocab for h in heads) and (tail in vocab or stem(tail) in vocab):
                return True
        return False

    def idf(self, term: str) -> float | None:
        """BM25 idf of an analysed term: log(1 + (N - df + 0.5) / (df + 0.5)); None when the
        corpus never uses the term (English words, typos)."""
        if term not in self._idf:
            n = len(self.ids)
            if not n or term not in self._model.vocab_dict:
                self._idf[term] = None
            else:
                df = int(np.count_nonzero(np.asarray(self._model.get_scores([term]))))
                self._idf[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else None
        return self._idf[term]

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        return cls.from_terms(ids, [analyse(t) for t in texts])

    @classmethod
    def from_terms(cls, ids: list[str], terms: list[list[str]]) -> "LexicalIndex":
        """From already analysed texts (TermCache), so a rebuild only indexes."""
        import bm25s

        model = bm25s.BM25(k1=1.2, b=0.75)
        if ids:
            model.index([t or ["_empty_"] for t in terms], show_progress=False)
        return cls(list(ids), model)

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk_id, score) for the query; `allowed` restricts to those ids (filters)."""
        terms = analyse(query)
        if not self.ids or not terms:
            return []
        vocab = self._model.vocab_dict
        terms = [t for t in terms if t in vocab]
        if not terms:
            return []
        scores = np.asarray(self._model.get_scores(terms))
        if allowed is not None:
            mask = np.fromiter((i in allowed for i in self.ids), dtype=bool, count=len(self.ids))
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path, stamp: str) -> None:
        """Write atomically: a temp folder renamed over the old one (a crash keeps the old)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        for stale in folder.parent.glob(".bm25-*"):  # left by a killed save (an hour old: not a live one)
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        try:
            if self.ids:
                self._model.save(str(tmp), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps(self.ids))
            (tmp / _STAMP).write_text(json.dumps({"stamp": stamp, "count": len(self.ids)}))
            old = folder.with_name(folder.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> tuple["LexicalIndex", str] | None:
        """The saved index and its stamp, or None when absent or unreadable (caller rebuilds)."""
        import bm25s

        try:
            stamp = json.loads((folder / _STAMP).read_text())["stamp"]
            ids = json.loads((folder / "ids.json").read_text())
            model = bm25s.BM25.load(str(folder), show_progress=False) if ids else bm25s.BM25()
        except (OSError, ValueError, KeyError):
            return None
        return cls(ids, model), stamp


class TermCache:
    """Analysed terms per passage, in SQLite beside the BM25 folder: {key: [term, ...]}.

    key is the chunk's `embed_sha` (sha256 of title, section and text, which are exactly what
    the BM25 text holds), so an entry can never be stale. Ingest stores the terms of what it
    embeds; a rebuild then reads only ids and metadata from Chroma and analyses only passages
    it has no terms for (at 100x the corpus, reading every text back from Chroma and analysing
    it was most of a one-document ingest: benchmarks/scale_results.md). A cache: deleting the
    file loses nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = connect(self.path, "CREATE TABLE IF NOT EXISTS terms (key TEXT PRIMARY KEY, t TEXT NOT NULL)")
        return self._db

    def get(self, keys: list[str]) -> dict[str, list[str]]:
        with self._lock:
            rows = rows_for(self._conn(), "SELECT key, t FROM terms WHERE key IN", dict.fromkeys(k for k in keys if k))
            return {k: t.split(" ") if t else [] for k, t in rows}

    def put(self, items: dict[str, list[str]]) -> None:
        if not items:
            return
        with self._lock:
            db = self._conn()
            with db:  # terms never contain spaces: the analyser splits on them
                db.executemany("INSERT OR REPLACE INTO terms (key, t) VALUES (?, ?)",
                               [(k, " ".join(v)) for k, v in items.items() if k])

    def prune(self, keep: set[str]) -> int:
        """Drop entries of passages no longer in the index; returns how many."""
        with self._lock:
            db = self._conn()
            gone = [k for (k,) in db.execute("SELECT key FROM terms") if k not in keep]
            with db:
                list(rows_for(db, "DELETE FROM terms WHERE key IN", gone))  # runs the batches
        return len(gone)
