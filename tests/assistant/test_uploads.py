"""Adding documents from the page: per-file results, and new text searchable at once."""

import pytest

from assistant.factory import build_index, build_retriever
from assistant.uploads import add_documents

pytestmark = pytest.mark.integration


def test_upload_is_searchable_without_restart_and_errors_are_per_file(settings, fake_embedder, tmp_path):
    index = build_index(settings, fake_embedder)
    retriever = build_retriever(settings, index)
    good = tmp_path / "zonnedaken.txt"
    good.write_text("Proefregeling Zonnedaken\n\nElke school krijgt 4321 euro voor zonnepanelen.", encoding="utf-8")
    bad = tmp_path / "notities.docx"
    bad.write_bytes(b"PK\x03\x04")
    empty = tmp_path / "leeg.md"
    empty.write_text("   ", encoding="utf-8")
    seen = []
    results = add_documents([good, bad, empty], settings, index, lambda frac, desc: seen.append((frac, desc)))
    assert [(r.name, r.ok) for r in results] == [("zonnedaken.txt", True), ("notities.docx", False),
                                                 ("leeg.md", False)]
    assert results[0].doc_id == "zonnedaken" and "niet ondersteund" in results[1].message
    assert "empty" in results[2].message
    assert seen[-1] == (1.0, "klaar") and all(0 <= f <= 1 for f, _ in seen)
    hits, _ = retriever.search("zonnepanelen 4321 euro", k=1)
    assert hits[0].chunk.doc_id == "zonnedaken"
    assert (settings.data_dir / "uploads" / "zonnedaken.txt").exists()
    assert not (settings.data_dir / "uploads" / "leeg.md").exists()
