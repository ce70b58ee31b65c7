"""Adding documents from the page: per-file results, new text searchable at once, and the refusals
(too large, wrong type, a name outside uploads/, a name already taken by another file)."""

import pytest

from assistant.factory import build_index, build_retriever
from assistant.web.uploads import add_documents

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
    assert "het bestand is leeg" in results[2].message  # the loader's reason, in Dutch on the page
    assert seen[-1] == (1.0, "klaar") and all(0 <= f <= 1 for f, _ in seen)
    hits, _ = retriever.search("zonnepanelen 4321 euro", k=1)
    assert hits[0].chunk.doc_id == "zonnedaken"
    assert (settings.data_dir / "uploads" / "zonnedaken.txt").exists()
    assert not (settings.data_dir / "uploads" / "leeg.md").exists()


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_too_large_file_is_refused_and_not_copied(settings, fake_embedder, tmp_path):
    settings = settings.model_copy(update={"max_upload_mb": 0.001})  # 1048 bytes
    index = build_index(settings, fake_embedder)
    big = tmp_path / "groot.txt"
    big.write_text("Regeling Groot\n\n" + "Een lange zin over de bekostiging van het mbo. " * 40, encoding="utf-8")
    small = tmp_path / "klein.txt"
    small.write_text("Regeling Klein\n\nElke school krijgt 12 euro.", encoding="utf-8")
    results = add_documents([big, small], settings, index)
    assert [(r.name, r.ok) for r in results] == [("groot.txt", False), ("klein.txt", True)]
    assert "groot.txt" in results[0].message and "0.001 MB" in results[0].message
    assert f"{big.stat().st_size / 2**20:.1f} MB" in results[0].message
    assert _files(settings.data_dir / "uploads") == ["klein.txt"]
    assert set(index.documents()) == {"klein"}
    assert fake_embedder.embedded > 0 and "groot" not in str(index.documents())


@pytest.mark.parametrize("name", ["setup.exe", "notities.docx", "README", "rapport.txt.exe", "script.sh"])
def test_unsupported_type_is_refused_and_not_copied(settings, fake_embedder, tmp_path, name):
    index = build_index(settings, fake_embedder)
    src = tmp_path / name
    src.write_text("Regeling\n\nTekst.", encoding="utf-8")
    [r] = add_documents([src], settings, index)
    assert not r.ok and "niet ondersteund" in r.message
    assert _files(settings.data_dir / "uploads") == [] and index.documents() == {}
    assert fake_embedder.embedded == 0


@pytest.mark.parametrize("name, stored", [("..\\..\\boos.txt", "boos.txt"), (".verborgen.md", "verborgen.md"),
                                          ("rapport (v2) é$.txt", "rapport _v2_ __.txt")])
def test_odd_names_are_stored_sanitised_inside_uploads(settings, fake_embedder, tmp_path, name, stored):
    index = build_index(settings, fake_embedder)
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_text("Regeling Naam\n\nElke school krijgt 77 euro voor namen.", encoding="utf-8")
    before = _files(tmp_path)
    [r] = add_documents([src], settings, index)
    assert r.ok and f"opgeslagen als {stored}" in r.message
    uploads = (settings.data_dir / "uploads").resolve()
    assert _files(uploads) == [stored]
    new = [p for p in _files(tmp_path) if p not in before]
    # everything written outside the index files is the one stored copy inside uploads/
    assert [p for p in new if "uploads" in p] == [f"data/uploads/{stored}"]
    assert all(p.startswith("data/") for p in new)


def test_name_that_resolves_outside_uploads_is_refused(settings, fake_embedder, tmp_path):
    """A symlink planted in uploads/ must not let an upload write through it."""
    index = build_index(settings, fake_embedder)
    outside = tmp_path / "buiten.txt"
    outside.write_text("niet overschrijven", encoding="utf-8")
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "link.txt").symlink_to(outside)
    src = tmp_path / "in" / "link.txt"
    src.parent.mkdir()
    src.write_text("Regeling Link\n\nKwaadaardige inhoud.", encoding="utf-8")
    [r] = add_documents([src], settings, index)
    assert not r.ok and "niet bruikbaar" in r.message and "'link.txt'" in r.message
    assert outside.read_text(encoding="utf-8") == "niet overschrijven" and index.documents() == {}


def test_same_name_different_content_is_refused_same_content_is_idempotent(settings, fake_embedder, tmp_path):
    index = build_index(settings, fake_embedder)
    retriever = build_retriever(settings, index)
    first = tmp_path / "a" / "regeling.txt"
    first.parent.mkdir()
    first.write_text("Regeling Fietsen\n\nElke student krijgt 250 euro voor een fiets.", encoding="utf-8")
    assert add_documents([first], settings, index)[0].ok
    again = tmp_path / "b" / "regeling.txt"
    again.parent.mkdir()
    again.write_bytes(first.read_bytes())
    embedded = fake_embedder.embedded
    [same] = add_documents([again], settings, index)
    assert same.ok and same.doc_id == "regeling" and fake_embedder.embedded == embedded  # nothing re-embedded
    other = tmp_path / "c" / "regeling.txt"
    other.parent.mkdir()
    other.write_text("Regeling Auto's\n\nElke student krijgt 9999 euro voor een auto.", encoding="utf-8")
    [clash] = add_documents([other], settings, index)
    assert not clash.ok and "al een ander bestand 'regeling.txt'" in clash.message
    # a different name with the same doc_id would replace the document just as silently
    cased = tmp_path / "d" / "Regeling.txt"
    cased.parent.mkdir()
    cased.write_bytes(other.read_bytes())
    [slug_clash] = add_documents([cased], settings, index)
    assert not slug_clash.ok and "'regeling' is al in gebruik door 'regeling.txt'" in slug_clash.message
    stored = settings.data_dir / "uploads" / "regeling.txt"
    assert stored.read_bytes() == first.read_bytes() and _files(settings.data_dir / "uploads") == ["regeling.txt"]
    hits, _ = retriever.search("euro voor een auto", k=3)
    assert all("9999" not in h.chunk.text for h in hits) and "250 euro" in hits[0].chunk.text


@pytest.mark.parametrize("name,data,dutch", [
    ("leeg.txt", b"   \n", "het bestand is leeg"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj <<", "de PDF is beschadigd of onleesbaar"),
    ("plaatje.txt", bytes(range(256)) * 8, "het bestand is binair"),
    ("tabel.xlsx", b"PK\x03\x04", "bestandstype '.xlsx' wordt niet ondersteund"),
    ("alleen-opmaak.html", b"<html><script>x()</script></html>", "er staat geen tekst in"),
    ("geheim.pdf", None, "de PDF is met een wachtwoord beveiligd"),
])
def test_every_loader_reason_reads_in_dutch_on_the_page(tmp_path, name, data, dutch):
    """The reasons come from the real loader, so a reworded English reason fails here."""
    from ingest.errors import LoadError
    from assistant.web.uploads import dutch_reason
    from ingest.load import load

    f = tmp_path / name
    if data is None:
        from pypdf import PdfWriter

        w = PdfWriter()
        w.add_blank_page(200, 200)
        w.encrypt("geheim")
        with open(f, "wb") as out:
            w.write(out)
    else:
        f.write_bytes(data)
    with pytest.raises(LoadError) as err:
        load(f)
    assert dutch_reason(err.value.reason).startswith(dutch), err.value.reason
