"""The Gradio page for caseworkers and students, and the `ask` API (same answer function).

`python app.py` (or `mbo-assistant serve`) starts it on settings.host:port; `build_app(settings,
assistant=None)` returns the gr.Blocks for tests. Layout: chat with streamed answers whose [n]
markers link to the sources panel (cited passage, supporting sentence marked, surrounding
text), audience switch with example questions, glossary, filters, feedback, and an upload area
for admins. This module holds the layout and wires each event to its handler; the handlers are
plain functions in assistant/web (chat.py, ratings.py, documents.py), testable without a page.
Non-goals: what a handler does, answering (assistant/answer/chain.py), HTML details
(assistant/web/page.py), storage (assistant/web/feedback.py), ingest (ingest/pipeline.py).
"""

import sys
from types import SimpleNamespace

import gradio as gr

from assistant.web.access import checker, load_users
from assistant.web.chat import clear_chat, make_ask, make_respond, new_conversation, show_example, switch_audience
from assistant.web.documents import make_init, make_upload
from assistant.web.feedback import FeedbackStore, settings_summary
from assistant.web.page import sources_html
from assistant.web.ratings import make_comment, make_like, make_rate
from assistant.web.services import Services
from assistant.web.ui import CSS, EXAMPLES, HEAD, PLACEHOLDER

ANSWER_WORKERS = 8  # answers computed at once (the rest wait in the queue); 4 gave p95 2.2 s with 20 users, see MEASUREMENTS.md


def _build_assistant(settings):
    from assistant.factory import build_assistant  # on first use: tests build pages without models

    return build_assistant(settings)


def mode_choices(settings) -> list[tuple[str, str]]:
    """The answer modes as offered on the page. The bundled small local model composes worse than
    the extractive answer (MEASUREMENTS.md), so it is not offered as the better choice."""
    llm = ("Taalmodel (lokaal, proef: trager en vaak minder volledig; valt terug op extractief)"
           if settings.llm_backend == "local" else "Taalmodel (LLM, gecontroleerd op bronnen)")
    return [("Extractief (aanbevolen: zinnen uit de documenten)", "extractive"), (llm, "llm")]


def build_app(settings, assistant=None) -> gr.Blocks:
    """The page: the layout, each event wired to its handler, and the queue. `assistant`: built
    on first use when None (from settings)."""
    services = Services(settings, assistant, build=_build_assistant)
    llm = assistant.llm_available if assistant is not None else settings.llm_backend != "none"
    # analytics off: Gradio would otherwise report usage to its servers (GRADIO_ANALYTICS_ENABLED)
    with gr.Blocks(title="mbo-assistent", fill_width=True, analytics_enabled=False) as demo:
        page = layout(settings, llm)
        wire(demo, page, settings, services, llm)
    demo.queue(default_concurrency_limit=8, max_size=256)
    return demo


def layout(settings, llm: bool) -> SimpleNamespace:
    """The page's components (inside a gr.Blocks), by name."""
    gr.Markdown("# mbo-assistent\nAntwoorden op vragen over mbo-beleid, rechtstreeks uit de documenten. "
                "Elke uitspraak heeft een bronverwijzing [n]; klik erop om de passage te zien.")
    page = SimpleNamespace(who=gr.Markdown(elem_id="wie"), convo=gr.State([]), turns=gr.State([]))
    with gr.Row():
        with gr.Column(scale=3):
            _chat_column(page)
        with gr.Column(scale=2):
            _side_column(page, settings, llm)
    return page


def _chat_column(page: SimpleNamespace) -> None:
    """Audience, chat, question box, example questions, new conversation and feedback."""
    page.audience = gr.Radio([("Professional", "professional"), ("Student", "student")], value="professional",
                             label="Ik ben", elem_id="doelgroep")
    page.chat = gr.Chatbot(label="Gesprek", elem_id="gesprek", height=520, buttons=["copy"],
                           placeholder="Stel hieronder een vraag of kies een voorbeeldvraag.")
    with gr.Row():
        page.question = gr.Textbox(show_label=False, placeholder=PLACEHOLDER["professional"], scale=6,
                                   elem_id="vraag", autofocus=True)
        page.send = gr.Button("Vraag", variant="primary", scale=1, elem_id="verstuur")
    gr.Markdown("**Voorbeeldvragen**")
    with gr.Row(elem_id="voorbeelden"):
        page.examples = [gr.Button(q, size="sm", elem_classes="voorbeeld") for q in EXAMPLES["professional"]]
    page.new = gr.Button("Nieuw gesprek", elem_id="nieuw", size="sm")
    with gr.Group(elem_id="feedback"):
        gr.Markdown("**Was het laatste antwoord nuttig?**")
        with gr.Row():
            page.up = gr.Button("👍 Nuttig", elem_id="duim-op", size="sm")
            page.down = gr.Button("👎 Niet nuttig", elem_id="duim-neer", size="sm")
        page.comment = gr.Textbox(label="Toelichting (optioneel; geen persoonsgegevens)", elem_id="toelichting",
                                  lines=2)
        page.send_comment = gr.Button("Verstuur toelichting", size="sm", elem_id="verstuur-toelichting")
        page.status = gr.Markdown(elem_id="feedback-status")


def _side_column(page: SimpleNamespace, settings, llm: bool) -> None:
    """Filters and answer mode, the sources and glossary panels, and the (hidden) upload area."""
    with gr.Accordion("Filters en instellingen", open=False):
        page.docs = gr.Dropdown([], multiselect=True, label="Alleen deze documenten", elem_id="filter-doc")
        page.types = gr.Dropdown([], multiselect=True, label="Alleen dit documenttype", elem_id="filter-type")
        page.mode = gr.Radio(mode_choices(settings),
                             value=settings.answer_mode, label="Antwoordwijze", visible=llm, elem_id="modus")
    page.sources = gr.HTML(sources_html([]), elem_id="bronnen", js_on_load=None)
    page.terms = gr.HTML("", elem_id="begrippen", js_on_load=None)
    with gr.Group(visible=False, elem_id="upload") as page.upload_box:
        gr.Markdown("**Documenten toevoegen** (PDF, HTML, TXT of MD; alleen voor beheerders)")
        page.files = gr.File(file_count="multiple", file_types=[".pdf", ".html", ".htm", ".txt", ".md"],
                             label="Bestanden", elem_id="upload-bestanden")
        page.add = gr.Button("Toevoegen aan de documenten", elem_id="upload-knop")
        page.upload_status = gr.Markdown(elem_id="upload-status")


def wire(demo: gr.Blocks, p: SimpleNamespace, settings, services: Services, llm: bool) -> None:
    """Each event to its handler (inside the gr.Blocks). The api_names are the ones Gradio gave
    these events when some handlers were lambdas; all but `ask` are private, all are kept as they
    were."""
    limit, auth_on = settings.max_question_chars, bool(load_users(settings))
    store, summary = FeedbackStore(settings.feedback_path), settings_summary(settings)
    respond = make_respond(services, limit, llm)
    answer_io = dict(inputs=[p.question, p.chat, p.convo, p.turns, p.audience, p.docs, p.types, p.mode],
                     outputs=[p.chat, p.question, p.convo, p.turns, p.sources, p.status],
                     concurrency_id="answer", concurrency_limit=ANSWER_WORKERS, api_visibility="private")
    gr.on([p.question.submit, p.send.click], respond, api_name="respond", **answer_io)
    for i, b in enumerate(p.examples):
        b.click(show_example, b, p.question, api_name=f"lambda_{i}" if i else "lambda", api_visibility="private",
                queue=False).then(respond, api_name=f"respond_{i + 1}", **answer_io)
    p.audience.change(switch_audience, p.audience, p.examples + [p.question], api_name="switch_audience",
                      api_visibility="private", queue=False)
    p.new.click(new_conversation, None, [p.chat, p.question, p.convo, p.turns, p.sources, p.status, p.comment],
                api_name="lambda_4", api_visibility="private", queue=False)
    p.chat.clear(clear_chat, None, [p.convo, p.turns, p.sources, p.status], api_name="lambda_5",
                 api_visibility="private", queue=False)
    feedback = dict(inputs=[p.turns, p.comment], outputs=[p.turns, p.status], api_visibility="private")
    p.up.click(make_rate(store, summary, 1), api_name="lambda_6", **feedback)
    p.down.click(make_rate(store, summary, -1), api_name="lambda_7", **feedback)
    p.send_comment.click(make_comment(store, summary), api_name="lambda_8", **feedback)
    p.chat.like(make_like(store, summary), api_name="like", **feedback)
    p.add.click(make_upload(services, settings, auth_on), p.files, [p.upload_status, p.docs, p.types, p.files],
                api_name="upload", concurrency_limit=1, api_visibility="private")
    demo.load(make_init(services, settings, auth_on), None, [p.docs, p.types, p.upload_box, p.terms, p.who],
              api_name="init", api_visibility="private")
    gr.api(make_ask(services, limit), api_name="ask", concurrency_id="answer", concurrency_limit=ANSWER_WORKERS)


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
