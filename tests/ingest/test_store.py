"""The parts ingest/index.py is built from: batching (batch.in_batches), the Chroma store's pages
and batches (store.py), and the freshness poll (freshness.py). A fake collection records calls,
so the batch limits are checked without a Chroma holding 5000+ chunks (test_pipeline.py and
test_server_mode.py run the same code against real Chroma)."""

from __future__ import annotations

import pytest

from ingest import store as S
from ingest.batch import in_batches
from ingest.freshness import Freshness


class FakeCollection:
    """Rows are ids "c0".."c{n-1}"; get/update/delete record their arguments."""

    def __init__(self, n: int):
        self.ids = [f"c{i}" for i in range(n)]
        self.metadata = {"embed_model": "fake"}
        self.calls: list[tuple[str, dict]] = []

    def get(self, ids=None, limit=None, offset=0, include=(), where=None):
        self.calls.append(("get", {"ids": ids, "limit": limit, "offset": offset}))
        rows = [i for i in self.ids if i in ids] if ids is not None else self.ids[offset:offset + limit]
        return {"ids": rows, "documents": [f"text of {i}" for i in rows] if "documents" in include else None,
                "metadatas": [{"doc_id": "d"} for _ in rows] if "metadatas" in include else None}

    def update(self, ids, metadatas):
        self.calls.append(("update", {"ids": list(ids), "metadatas": list(metadatas)}))

    def delete(self, ids):
        self.calls.append(("delete", {"ids": list(ids)}))


class FakeClient:
    def __init__(self, collection: FakeCollection):
        self.collection = collection

    def get_or_create_collection(self, name, metadata=None):
        return self.collection


class Named:
    name = "fake"


def _store(settings, n: int) -> tuple[S.Store, FakeCollection]:
    col = FakeCollection(n)
    return S.Store(settings, Named(), client=FakeClient(col)), col


@pytest.mark.unit
def test_in_batches_slices_in_order_and_keeps_the_sequence_type():
    assert list(in_batches([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(in_batches((1, 2, 3), 3)) == [(1, 2, 3)]
    assert list(in_batches([], 4)) == []
    with pytest.raises(ValueError):
        list(in_batches([1], 0))


@pytest.mark.unit
def test_whole_collection_reads_go_in_pages(settings, monkeypatch):
    monkeypatch.setattr(S, "CHROMA_BATCH", 4)
    store, col = _store(settings, 10)
    got = store.get_all(include=["metadatas"])
    assert got["ids"] == col.ids and len(got["metadatas"]) == 10 and got["documents"] == []
    assert [c[1]["offset"] for c in col.calls] == [0, 4, 8]
    store, col = _store(settings, 8)
    assert store.get_all(include=[])["ids"] == col.ids
    assert [c[1]["offset"] for c in col.calls] == [0, 4, 8]  # an exact multiple: an empty page ends it


@pytest.mark.unit
def test_many_ids_go_to_chroma_in_batches(settings, monkeypatch):
    monkeypatch.setattr(S, "CHROMA_BATCH", 4)
    store, col = _store(settings, 10)
    assert [i for i, _, _ in store.records(col.ids)] == col.ids
    store.update_metadata({i: {"n": k} for k, i in enumerate(col.ids)})
    store.delete(col.ids)
    sizes = [(op, len(kw["ids"])) for op, kw in col.calls]
    assert sizes == [("get", 4), ("get", 4), ("get", 2)] + [("update", 4), ("update", 4), ("update", 2)] \
        + [("delete", 4), ("delete", 4), ("delete", 2)]
    assert [m["n"] for op, kw in col.calls if op == "update" for m in kw["metadatas"]] == list(range(10))
    col.calls.clear()
    store.delete([])
    store.update_metadata({})
    assert col.calls == []


@pytest.mark.unit
def test_the_generation_stamp_is_polled_at_most_once_per_interval():
    f = Freshness(lambda: None, "mbo")
    assert f.name == "mbo-meta"
    assert f.due(100.0, 30.0)  # never looked
    assert not f.due(120.0, 30.0)
    assert f.due(130.5, 30.0) and f.checked == 130.5
    assert f.generation() == ""  # no client, no side collection: unknown, never an error
