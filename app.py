"""The Gradio page for caseworkers and students, and the `ask` API (same answer function).

`python app.py` (or `mbo-assistant serve`) starts it on settings.host:port; `build_app(settings,
assistant=None)` returns the gr.Blocks for tests. Layout: chat with streamed answers whose [n]
markers link to the sources panel (cited passage, supporting sentence marked, surrounding
text), audience switch with example questions, glossary, filters, feedback, and an upload area
for admins. Non-goals: answering (assistant/answer/chain.py), HTML details (assistant/web/page.py),
storage (assistant/web/feedback.py), ingest (ingest/pipeline.py).
"""

import html
import sys
import threading
import time

import gradio as gr

from assistant.web import terms as glossary
from assistant.web.access import checker, load_users, may_upload
from assistant.answer.compose import as_dict
from ingest.errors import MboError
from assistant.web.feedback import FeedbackStore, settings_summary
from assistant.web.page import answer_html, partial_html, sources_html, stream_pieces
from ingest.types import Filters
from assistant.web.ui import CSS, EXAMPLES, HEAD, PLACEHOLDER, dutch_error, thanks, too_long

ANSWER_WORKERS = 8  # answers computed at once (the rest wait in the queue); 4 gave p95 2.2 s with 20 users, see MEASUREMENTS.md


class _Lazy:
    """The assistant and its views, built on first use (once, under a lock)."""

    def __init__(self, settings, assistant=None):
        self.settings, self._assistant, self._lock = settings, assistant, threading.Lock()
        self._view = self._terms = None

    def get(self):
        with self._lock:
            if self._assistant is None:
                from assistant.factory import build_assistant

                self._assistant = build_assistant(self.settings)
            return self._assistant

    def view(self):
        from assistant.web.docview import DocView

        index = self.get().retriever.index
        with self._lock:
            if self._view is None:
                self._view = DocView(index)
            return self._view

    def terms(self):
        index = self.get().retriever.index
        with self._lock:
            if self._terms is None:
                self._terms = glossary.locate(glossary.load_terms(), index, self.settings.corpus_dir)
            return self._terms


def mode_choices(settings) -> list[tuple[str, str]]:
    """The answer modes as offered on the page. The bundled small local model composes worse than
    the extractive answer (MEASUREMENTS.md), so it is not offered as the better choice."""
    llm = ("Taalmodel (lokaal, proef: trager en vaak minder volledig; valt terug op extractief)"
           if settings.llm_backend == "local" else "Taalmodel (LLM, gecontroleerd op bronnen)")
    return [("Extractief (aanbevolen: zinnen uit de documenten)", "extractive"), (llm, "llm")]


def build_app(settings, assistant=None) -> gr.Blocks:
    lazy = _Lazy(settings, assistant)
    auth_on = bool(load_users(settings))
    llm = assistant.llm_available if assistant is not None else settings.llm_backend != "none"
    limit = settings.max_question_chars
    store = FeedbackStore(settings.feedback_path)
    summary = settings_summary(settings)

    def check(question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise gr.Error("Typ eerst een vraag.")
        if len(q) > limit:
            raise gr.Error(too_long(q, limit))
        return q

    def ask(question: str, history: list[list[str]] | None = None, doc_ids: list[str] | None = None,
            doc_types: list[str] | None = None, mode: str | None = None,
            audience: str = "professional") -> dict:
        """Answer a question from the documents. history: [[role, text], ...] with role user or
        assistant. Returns the answer as JSON: answer (with [n] markers), answered, citations
        (n, doc_id, title, date, section, page, text, quote), notes, timings_ms."""
        q = check(question)
        try:
            answer = lazy.get().answer(q, [tuple(t) for t in history or ()],
                                       Filters(tuple(doc_ids or ()), tuple(doc_types or ())),
                                       mode=mode or None, audience=audience or "professional")
        except MboError as exc:
            raise gr.Error(dutch_error(exc)) from None
        return as_dict(answer)

    def respond(question, chat, convo, turns, audience, doc_ids, doc_types, mode):
        chat, turns, convo = list(chat or []), list(turns or []), list(convo or [])
        q = (question or "").strip()
        if not q:
            yield chat, question, convo, turns, gr.skip(), gr.skip()
            return
        chat.append({"role": "user", "content": html.escape(q)})
        if len(q) > limit:
            chat.append({"role": "assistant", "content": f'<div class="antwoord fout"><p>⚠️ {too_long(q, limit, audience)}</p></div>'})
            yield chat, question, convo, turns, gr.skip(), ""
            return
        chat.append({"role": "assistant", "content": partial_html("")})
        yield chat, "", convo, turns, gr.skip(), ""
        turn = (turns[-1]["turn"] + 1) if turns else 1
        filters = Filters(tuple(doc_ids or ()), tuple(doc_types or ()))
        answer, pieces = None, []
        try:
            for event in lazy.get().stream(q, convo, filters, mode=(mode if llm else None) or None,
                                           audience=audience or "professional"):
                if isinstance(event, str):
                    pieces.append(event)
                    chat[-1] = {"role": "assistant", "content": partial_html("".join(pieces))}
                    yield chat, "", convo, turns, gr.skip(), ""
                else:
                    answer = event
        except Exception as exc:  # noqa: BLE001 - shown in the chat, the page keeps working
            chat[-1] = {"role": "assistant", "content": f'<div class="antwoord fout"><p>⚠️ {html.escape(dutch_error(exc))}</p></div>'}
            yield chat, "", convo, turns, gr.skip(), ""
            return
        if not pieces:  # extractive: the whole answer at once; show it sentence by sentence
            for prefix in stream_pieces(answer.text)[:-1]:
                chat[-1] = {"role": "assistant", "content": partial_html(prefix)}
                yield chat, "", convo, turns, gr.skip(), ""
                time.sleep(0.05)
        chat[-1] = {"role": "assistant", "content": answer_html(answer, turn, lazy.terms())}
        turns.append({"turn": turn, "msg": len(chat) - 1, "question": q, "history": list(convo),
                      "answer": as_dict(answer), "obj": answer, "audience": audience, "row": None, "rating": None})
        convo = convo + [("user", q), ("assistant", answer.text)]
        panel = sources_html([(t["turn"], t["obj"]) for t in turns], lazy.view().context)
        yield chat, "", convo, turns, panel, ""

    def save(turns, t, rating, comment):
        t["row"] = store.save(question=t["question"], history=t["history"], answer=t["answer"], rating=rating,
                              comment=comment or "", audience=t["audience"], settings=summary, row_id=t["row"])
        t["rating"] = rating
        return turns

    def rate(rating, turns, comment):
        if not turns:
            return turns, "Er is nog geen antwoord om te beoordelen."
        turns = save(turns, turns[-1], rating, comment)
        return turns, thanks(turns[-1]["audience"], bool(comment))

    def like(turns, comment, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        t = next((t for t in turns or [] if t["msg"] == index), None)
        if t is None:
            return turns, gr.skip()
        rating = None if data.liked is None else (1 if data.liked is True or data.liked == "Like" else -1)
        return save(turns, t, rating, comment), thanks(t["audience"], bool(comment))

    def switch_audience(audience):
        return [gr.update(value=q) for q in EXAMPLES[audience]] + [gr.update(placeholder=PLACEHOLDER[audience])]

    def catalogue_updates():
        cat = lazy.view().catalogue()
        return (gr.update(choices=[(d["title"], d["doc_id"]) for d in cat]),
                gr.update(choices=sorted({d["doc_type"] for d in cat})))

    def init(request: gr.Request):
        docs, types = catalogue_updates()
        user = getattr(request, "username", None)
        who = f"Aangemeld als **{html.escape(user)}**." if user else ""
        return docs, types, gr.update(visible=may_upload(settings, auth_on, user)), \
            glossary.glossary_html(lazy.terms()), who

    def upload(files, request: gr.Request, progress=gr.Progress()):
        if not may_upload(settings, auth_on, getattr(request, "username", None)):
            raise gr.Error("Alleen beheerders mogen documenten toevoegen.")
        if not files:
            return "Kies eerst één of meer bestanden (PDF, HTML, TXT of MD).", gr.skip(), gr.skip(), gr.skip()
        from assistant.web.uploads import add_documents

        paths = [f if isinstance(f, str) else getattr(f, "path", None) or f.name for f in files]
        results = add_documents(paths, settings, lazy.get().retriever.index,
                                lambda frac, desc: progress(frac, desc=desc))
        lazy.view().clear()
        lines = [f"- {'✓' if r.ok else '✗'} **{html.escape(r.name)}**: {html.escape(r.message)}" for r in results]
        ok = sum(r.ok for r in results)
        head = f"{ok} van {len(results)} bestand(en) toegevoegd; nieuwe documenten zijn direct doorzoekbaar."
        docs, types = catalogue_updates()
        return head + "\n\n" + "\n".join(lines), docs, types, None

    # analytics off: Gradio would otherwise report usage to its servers (GRADIO_ANALYTICS_ENABLED)
    with gr.Blocks(title="mbo-assistent", fill_width=True, analytics_enabled=False) as demo:
        gr.Markdown("# mbo-assistent\nAntwoorden op vragen over mbo-beleid, rechtstreeks uit de documenten. "
                    "Elke uitspraak heeft een bronverwijzing [n]; klik erop om de passage te zien.")
        who = gr.Markdown(elem_id="wie")
        convo, turns = gr.State([]), gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                audience = gr.Radio([("Professional", "professional"), ("Student", "student")], value="professional",
                                    label="Ik ben", elem_id="doelgroep")
                chat = gr.Chatbot(label="Gesprek", elem_id="gesprek", height=520, buttons=["copy"],
                                  placeholder="Stel hieronder een vraag of kies een voorbeeldvraag.")
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder=PLACEHOLDER["professional"], scale=6,
                                          elem_id="vraag", autofocus=True)
                    send = gr.Button("Vraag", variant="primary", scale=1, elem_id="verstuur")
                gr.Markdown("**Voorbeeldvragen**")
                with gr.Row(elem_id="voorbeelden"):
                    examples = [gr.Button(q, size="sm", elem_classes="voorbeeld") for q in EXAMPLES["professional"]]
                new = gr.Button("Nieuw gesprek", elem_id="nieuw", size="sm")
                with gr.Group(elem_id="feedback"):
                    gr.Markdown("**Was het laatste antwoord nuttig?**")
                    with gr.Row():
                        up = gr.Button("👍 Nuttig", elem_id="duim-op", size="sm")
                        down = gr.Button("👎 Niet nuttig", elem_id="duim-neer", size="sm")
                    comment = gr.Textbox(label="Toelichting (optioneel; geen persoonsgegevens)", elem_id="toelichting",
                                         lines=2)
                    send_comment = gr.Button("Verstuur toelichting", size="sm", elem_id="verstuur-toelichting")
                    status = gr.Markdown(elem_id="feedback-status")
            with gr.Column(scale=2):
                with gr.Accordion("Filters en instellingen", open=False):
                    docs = gr.Dropdown([], multiselect=True, label="Alleen deze documenten", elem_id="filter-doc")
                    types = gr.Dropdown([], multiselect=True, label="Alleen dit documenttype", elem_id="filter-type")
                    mode = gr.Radio(mode_choices(settings),
                                    value=settings.answer_mode, label="Antwoordwijze", visible=llm, elem_id="modus")
                sources = gr.HTML(sources_html([]), elem_id="bronnen", js_on_load=None)
                terms = gr.HTML("", elem_id="begrippen", js_on_load=None)
                with gr.Group(visible=False, elem_id="upload") as upload_box:
                    gr.Markdown("**Documenten toevoegen** (PDF, HTML, TXT of MD; alleen voor beheerders)")
                    files = gr.File(file_count="multiple", file_types=[".pdf", ".html", ".htm", ".txt", ".md"],
                                    label="Bestanden", elem_id="upload-bestanden")
                    add = gr.Button("Toevoegen aan de documenten", elem_id="upload-knop")
                    upload_status = gr.Markdown(elem_id="upload-status")

        answer_io = dict(inputs=[question, chat, convo, turns, audience, docs, types, mode],
                         outputs=[chat, question, convo, turns, sources, status],
                         concurrency_id="answer", concurrency_limit=ANSWER_WORKERS, api_visibility="private")
        gr.on([question.submit, send.click], respond, **answer_io)
        for b in examples:
            b.click(lambda q: q, b, question, api_visibility="private", queue=False).then(respond, **answer_io)
        audience.change(switch_audience, audience, examples + [question], api_visibility="private", queue=False)
        new.click(lambda: ([], "", [], [], sources_html([]), "", ""), None,
                  [chat, question, convo, turns, sources, status, comment], api_visibility="private", queue=False)
        chat.clear(lambda: ([], [], sources_html([]), ""), None, [convo, turns, sources, status],
                   api_visibility="private", queue=False)
        up.click(lambda t, c: rate(1, t, c), [turns, comment], [turns, status], api_visibility="private")
        down.click(lambda t, c: rate(-1, t, c), [turns, comment], [turns, status], api_visibility="private")
        send_comment.click(lambda t, c: rate(t[-1]["rating"] if t else None, t, c), [turns, comment],
                           [turns, status], api_visibility="private")
        chat.like(like, [turns, comment], [turns, status], api_visibility="private")
        add.click(upload, files, [upload_status, docs, types, files], concurrency_limit=1, api_visibility="private")
        demo.load(init, None, [docs, types, upload_box, terms, who], api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id="answer", concurrency_limit=ANSWER_WORKERS)
    demo.queue(default_concurrency_limit=8, max_size=256)
    return demo


def launch_kwargs(settings) -> dict:
    """Everything demo.launch needs from the settings (tests override the port). Gradio refuses
    files over max_file_size before they reach upload(); add_documents checks again per file."""
    from assistant.web.uploads import MB

    users = load_users(settings)
    return dict(server_name=settings.host, server_port=settings.port, share=settings.share, auth=checker(users),
                auth_message="Meld u aan met uw gebruikersnaam en wachtwoord." if users else None,
                css=CSS, head=HEAD, max_file_size=int(settings.max_upload_mb * MB), show_error=True)


def main(settings=None) -> None:
    """Build the assistant (and load the models) first, so the first question is not slow."""
    from assistant.factory import build_assistant
    from ingest.settings import load_settings

    settings = settings or load_settings()
    kwargs = launch_kwargs(settings)  # fails early on a bad users file
    assistant = build_assistant(settings)
    # one extractive answer loads everything the answer path uses (embedding model, lexical
    # index, sentence vectors, word lists): without it the first users after a start waited
    # behind that loading (20 users at start-up: p95 4.2 s, against 1.4 s warm)
    assistant.answer("Wat is de bbl?", mode="extractive")
    if settings.answer_mode == "llm" and assistant.model_server is not None:
        try:  # the model runs in its own process on loopback; the page works without it
            assistant.model_server.ensure(wait_s=settings.llm_start_timeout_s)
        except Exception as exc:  # noqa: BLE001 - llm answers fall back to extractive until it is up
            print(f"warning: the local model did not start ({exc}); llm answers are extractive until it does",
                  file=sys.stderr, flush=True)
    demo = build_app(settings, assistant)
    signin = f"aanmelden aan ({len(load_users(settings))} gebruikers)" if kwargs["auth"] else "aanmelden uit"
    print(f"mbo-assistent op http://{settings.host}:{settings.port} ({signin}; share={settings.share})", flush=True)
    demo.launch(**kwargs)


def cli(argv: list[str] | None = None) -> int:
    """`python app.py [--host H] [--port P]`, also run by `mbo-assistant serve`."""
    import argparse

    from ingest.errors import MboError
    from ingest.settings import load_settings

    p = argparse.ArgumentParser(prog="mbo-assistant serve", description="start the web page")
    p.add_argument("--host", help="default: MBO_HOST (127.0.0.1)")
    p.add_argument("--port", type=int, help="default: MBO_PORT (7860)")
    args = p.parse_args(argv)
    try:
        main(load_settings(**{k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}))
    except MboError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli())
