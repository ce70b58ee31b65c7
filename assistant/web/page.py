"""HTML for the page: an answer with [n] markers as links, and the sources panel with each
cited passage (supporting sentence in <mark>), its metadata and the surrounding text.

Pure functions over Answer/Citation plus a `context` callable for neighbouring chunks (see
docview.py). All document and user text is HTML-escaped here. Non-goals: the Gradio layout
(app.py), choosing or verifying citations (chain.py, compose.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from assistant.answer.cite import MARKER, parse_markers, split_sentences
from assistant.web.terms import Term, wrap_terms
from ingest.types import Chunk
from assistant.answer.types import Answer, Citation

Context = Callable[[Chunk], tuple[list[Chunk], list[Chunk]]]  # chunk -> (before, after)

DOC_TYPES_NL = {"Kamerbrief": "Kamerbrief", "werkwijzer": "Werkwijzer", "position paper": "Position paper",
                "web page": "Webpagina", "document": "Document"}


def anchor(turn: int, n: int) -> str:
    return f"bron-{turn}-{n}"


def _text_html(text: str, terms: tuple[Term, ...]) -> str:
    return wrap_terms(html.escape(text), terms).replace("\n", "<br>")


def linked_text(text: str, turn: int, n_sources: int, terms: tuple[Term, ...] = ()) -> str:
    """Escaped answer text; each [n] (or [1, 2]) becomes links to #bron-<turn>-<n>."""
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(_text_html(text[pos:m.start()], terms))
        links = []
        for n in parse_markers(m.group(1)):
            if 1 <= n <= n_sources:
                links.append(f'<a class="cite" href="#{anchor(turn, n)}" '
                             f'title="Toon bron {n}">[{n}]</a>')
            else:
                links.append(f"[{n}]")
        out.append("".join(links))
        pos = m.end()
    out.append(_text_html(text[pos:], terms))
    return "".join(out)


def answer_html(answer: Answer, turn: int, terms: tuple[Term, ...] = ()) -> str:
    """The chat message for an answer: text with citation links, then the notes. One HTML
    block without blank lines, so the chat's markdown renderer leaves it alone."""
    cls = "antwoord" if answer.answered else "antwoord weigering"
    body = linked_text(answer.text.strip(), turn, len(answer.citations), terms)
    parts = [f'<div class="{cls}" data-turn="{turn}"><p>{body}</p>']
    if not answer.answered:
        hint = (" of kijk op de genoemde website" if "verwijst naar" in answer.text or "refers to" in answer.text
                else "")
        parts.append('<p class="uitleg-weigering">De documenten in deze assistent bevatten hier geen '
                     f"antwoord op. Stel de vraag eventueel anders{hint}.</p>")
    notes = [n for n in answer.notes if n and n not in answer.text]
    if notes:
        items = "".join(f"<li>{linked_text(n, turn, len(answer.citations))}</li>" for n in notes)
        parts.append(f'<div class="notities"><strong>Let op:</strong><ul>{items}</ul></div>')
    parts.append("</div>")
    return "".join(parts)


def partial_html(text: str) -> str:
    """While streaming: the text so far, escaped, with a cursor."""
    return f'<div class="antwoord bezig"><p>{html.escape(text).replace(chr(10), "<br>")} ▍</p></div>'


def stream_pieces(text: str) -> list[str]:
    """The answer text cut into growing prefixes, one more sentence each (extractive mode
    has the whole answer at once; the page still shows it arriving sentence by sentence)."""
    spans = split_sentences(text) or [(0, len(text))]
    return [text[:end] for _, end in spans]


def _spans(passage: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote's sentences occur in the passage (whitespace-insensitive)."""
    found = []
    parts = [quote[a:b].strip() for a, b in split_sentences(quote)] if quote else []
    for part in parts or ([quote] if quote else []):
        words = part.split()
        if not words:
            continue
        m = re.search(r"\s+".join(re.escape(w) for w in words), passage)
        if m:
            found.append((m.start(), m.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(passage: str, quote: str) -> str:
    """The passage, escaped, with the quote's sentences in <mark>."""
    out, pos = [], 0
    for a, b in _spans(passage, quote):
        out.append(html.escape(passage[pos:a]))
        out.append(f"<mark>{html.escape(passage[a:b])}</mark>")
        pos = b
    out.append(html.escape(passage[pos:]))
    return _lines("".join(out))


_ATX_HTML = re.compile(r"(^|<br>)#{1,6} ([^<]*)")


def _lines(escaped: str) -> str:
    """Escaped text -> HTML lines; a Markdown heading line ("## Bekostiging") shows as bold text."""
    return _ATX_HTML.sub(r"\1<strong>\2</strong>", escaped.replace("\n", "<br>"))


def meta_line(c: Citation) -> str:
    m, ch = c.hit.meta, c.hit.chunk
    parts = [DOC_TYPES_NL.get(m.doc_type, m.doc_type), m.date or m.period or "datum onbekend"]
    if ch.section:
        parts.append(f"§ {ch.section}")
    if ch.page:
        parts.append(f"p. {ch.page}")
    return " · ".join(html.escape(p) for p in parts if p)


def citation_html(c: Citation, turn: int, context: Context | None = None) -> str:
    m, ch = c.hit.meta, c.hit.chunk
    more = ""
    if context is not None:
        try:
            before, after = context(ch)
        except Exception:  # noqa: BLE001 - surrounding text is a convenience, never an error
            before, after = [], []
        prev = "".join(f'<p class="omgeving">{_lines(html.escape(x.text))}</p>' for x in before)
        nxt = "".join(f'<p class="omgeving">{_lines(html.escape(x.text))}</p>' for x in after)
        alone = "" if before or after else '<p class="omgeving">(Deze passage is de hele tekst van het document.)</p>'
        more = (f'<details class="context"><summary>Lees de tekst eromheen</summary>{prev}'
                f'<p class="geciteerd">{highlight(ch.text, c.quote)}</p>{nxt}{alone}</details>')
    return (f'<section class="bron" id="{anchor(turn, c.n)}"><h4><span class="nr">[{c.n}]</span> '
            f"{html.escape(m.title or ch.doc_id)}</h4><p class=\"meta\">{meta_line(c)}</p>"
            f'<blockquote class="passage">{highlight(ch.text, c.quote)}</blockquote>{more}</section>')


def sources_html(turns: Sequence[tuple[int, Answer]], context: Context | None = None) -> str:
    """The sources panel: one collapsible group per answer, the latest first and open."""
    if not turns:
        return ('<div class="bronnen leeg"><h3>Bronnen</h3><p>Stel een vraag; de bronnen van het '
                "antwoord verschijnen hier, met de zin die het antwoord onderbouwt gemarkeerd.</p></div>")
    groups = []
    for i, (turn, answer) in enumerate(reversed(turns)):
        head = f"Bronnen bij: “{html.escape(answer.question)}”"
        if answer.citations:
            body = "".join(citation_html(c, turn, context) for c in answer.citations)
        else:
            body = ('<p class="geen-bronnen">Geen bronnen: de documenten bevatten geen antwoord op deze '
                    "vraag.</p>")
        groups.append(f'<details class="beurt" id="beurt-{turn}"{" open" if i == 0 else ""}>'
                      f"<summary>{head}</summary>{body}</details>")
    return '<div class="bronnen"><h3>Bronnen</h3>' + "".join(groups) + "</div>"
