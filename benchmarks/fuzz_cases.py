"""The malformed files benchmarks/fuzz_ingest.py ingests: `cases(n, seed)` gives n (kind, file
name, bytes), deterministic for a seed; GOOD is the well-formed document every batch holds beside
them, GOOD_QUESTION the question whose answer must stay retrievable. Kinds: truncated, corrupted
and spliced PDFs made from a valid fpdf2 PDF, an encrypted PDF, huge single lines and paragraphs
(5 MB), wrong encodings (UTF-16 without BOM, Latin-1 garbage, invalid UTF-8), zero-byte and
whitespace-only files, BOM-only files, deeply nested HTML (10,000 levels), random bytes named
.pdf/.txt/.html/.md/.htm, NUL-laden text, HTML with only scripts, control characters, Markdown
of only marks. Non-goals: ingesting them (fuzz_ingest.py), well-formed but hostile content.
"""

from __future__ import annotations

import random

GOOD_NAME = "goed-document.md"
GOOD = ("# Goed document\n\nIn de bbl werkt de student vier dagen per week bij een erkend leerbedrijf. "
        "De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar.\n\n## Cursusgeld\n\n"
        "De student betaalt cursusgeld, tenzij de werkgever dat vergoedt.\n")
GOOD_QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student?"
DUTCH = ("De Entree-opleiding is bedoeld voor jongeren zonder diploma. Coördinatie en beëindiging "
         "van de opleiding liggen bij de instelling. ")


def valid_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for p in range(3):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Pagina {p + 1}. " + DUTCH.encode("latin-1", "replace").decode("latin-1") * 6)
    return bytes(pdf.output())


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "Versleuteld document.")
    return bytes(pdf.output())


def cases(n: int, seed: int = 0, huge: bool = True) -> list[tuple[str, str, bytes]]:
    """n malformed files as (kind, file name, bytes); deterministic for a seed. huge=False skips
    the 5 MB lines (for quick runs)."""
    rng = random.Random(seed)
    pdf = valid_pdf()
    rb = lambda k: bytes(rng.getrandbits(8) for _ in range(k))  # noqa: E731
    exts = (".pdf", ".txt", ".html", ".md", ".htm")

    def truncated():
        return ".pdf", pdf[:rng.randrange(1, len(pdf))]

    def corrupt():
        b = bytearray(pdf)
        for _ in range(rng.choice((1, 5, 50, 500))):
            b[rng.randrange(len(b))] = rng.getrandbits(8)
        return ".pdf", bytes(b)

    def spliced():  # a slice removed or duplicated: broken xref offsets
        i, j = sorted(rng.sample(range(len(pdf)), 2))
        return ".pdf", pdf[:i] + (pdf[i:j] * rng.choice((0, 2)))[: 4 * (j - i)] + pdf[j:]

    def huge_line():
        kind = rng.choice(("words", "nospace", "sentences", "wrapped"))
        size = 5 * 2**20
        line = "Dit is een regel tekst die netjes is afgebroken op de breedte van\n"  # one 5 MB paragraph
        text = {"words": ("leerweg " * (size // 8)), "nospace": "x" * size,
                "sentences": ("Dit is een zin. " * (size // 16)), "wrapped": line * (size // len(line))}[kind]
        return rng.choice((".txt", ".md", ".html")), text.encode()

    def utf16():
        return rng.choice((".txt", ".md", ".html")), (DUTCH * 20).encode(rng.choice(("utf-16-le", "utf-16-be")))

    def latin1_garbage():
        return rng.choice((".txt", ".md", ".html")), bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(10, 5000)))

    def latin1_text():
        return rng.choice((".txt", ".md")), (DUTCH * 10).encode("latin-1")

    def zero():
        return rng.choice(exts), b""

    def whitespace():
        return rng.choice(exts), rng.choice((b" \n\t\r" * 50, "\u00a0\u200b\n".encode() * 40, b"\n" * 5000))

    def nested():
        depth = 10_000
        tag = rng.choice(("div", "p", "li", "span", "table"))
        return rng.choice((".html", ".htm")), ("<html><body>" + f"<{tag}>" * depth + "diep verstopte tekst"
                                               + f"</{tag}>" * depth + "</body></html>").encode()

    def nested_unclosed():
        return ".html", ("<html><body>" + "<div><p><b>" * 4000 + "tekst zonder einde").encode()

    def random_bytes():
        return rng.choice(exts), rb(rng.choice((1, 7, 100, 4096, 65536)))

    def nul_text():
        where = rng.choice(("start", "late", "sparse"))
        body = (DUTCH * 80).encode()
        if where == "start":
            return rng.choice((".txt", ".md", ".html")), b"\x00" + body
        if where == "late":  # past the first 4 KB, where the binary sniff looks
            return rng.choice((".txt", ".md", ".html")), body[:5000] + b"\x00" * rng.choice((1, 3, 30)) + body[5000:]
        return rng.choice((".txt", ".md")), body.replace(b". ", b".\x00 ")

    def scripts_only():
        return rng.choice((".html", ".htm")), ("<html><head><script>var a = 1;</script></head><body>"
                                               + "<script>console.log('x')</script><style>p{}</style>" * 20
                                               + "</body></html>").encode()

    def controls():
        return rng.choice((".txt", ".md")), "".join(chr(rng.choice((1, 2, 7, 27, 127, 0x85, 0x9c)))
                                                    for _ in range(rng.randrange(20, 2000))).encode()

    def markdown_only_marks():
        return ".md", ("#\n" * 300 + "---\n" * 300 + "* \n" * 300).encode()

    def bom_only():
        return rng.choice((".txt", ".md", ".html")), rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))

    def encrypted():
        return ".pdf", _encrypted_pdf()

    def invalid_utf8():
        return rng.choice((".txt", ".md")), DUTCH.encode() + b"\xed\xa0\x80\xc0\xaf" + DUTCH.encode()

    gens = [truncated, truncated, corrupt, corrupt, spliced, utf16, latin1_garbage, latin1_text, zero,
            whitespace, nested, nested_unclosed, random_bytes, random_bytes, nul_text, scripts_only,
            controls, markdown_only_marks, bom_only, encrypted, invalid_utf8]
    out = []
    for i in range(n):
        if huge and i % 80 == 40:  # 5 MB lines: a few, they are slow
            gen = huge_line
        else:
            gen = gens[i % len(gens)] if i < len(gens) else rng.choice(gens)
        ext, data = gen()
        out.append((gen.__name__, f"case-{i:04d}-{gen.__name__}{ext}", data))
    return out
