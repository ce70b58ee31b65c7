"""Handlers for the document side of the page: filling it when the page loads (filter choices from
the catalogue, the glossary, who is signed in, the upload area for admins) and adding uploaded
documents to the index.

The upload handler checks who may upload itself: hiding the upload area is not the protection.
Non-goals: who is an admin (access.py), checking and ingesting files (uploads.py), the widgets
(app.py).
"""

import html

import gradio as gr

from assistant.web import terms as glossary
from assistant.web.access import may_upload


def catalogue_updates(view) -> tuple:
    """The filter dropdowns' choices: (documents as (title, doc_id), document types)."""
    cat = view.catalogue()
    return (gr.update(choices=[(d["title"], d["doc_id"]) for d in cat]),
            gr.update(choices=sorted({d["doc_type"] for d in cat})))


def make_init(services, settings, auth_on: bool):
    """The page-load handler. auth_on: whether sign-in is on (then only admins may upload)."""

    def init(request: gr.Request):
        """(documents filter, types filter, upload area, glossary panel, who is signed in)."""
        docs, types = catalogue_updates(services.view())
        user = getattr(request, "username", None)
        who = f"Aangemeld als **{html.escape(user)}**." if user else ""
        return docs, types, gr.update(visible=may_upload(settings, auth_on, user)), \
            glossary.glossary_html(services.terms()), who

    return init


def make_upload(services, settings, auth_on: bool):
    """The upload button's handler (admins only, checked here on the server)."""

    def upload(files, request: gr.Request, progress=gr.Progress()):
        """(status text, documents filter, types filter, file box): adds the files to the index."""
        if not may_upload(settings, auth_on, getattr(request, "username", None)):
            raise gr.Error("Alleen beheerders mogen documenten toevoegen.")
        if not files:
            return "Kies eerst één of meer bestanden (PDF, HTML, TXT of MD).", gr.skip(), gr.skip(), gr.skip()
        from assistant.web.uploads import add_documents

        paths = [f if isinstance(f, str) else getattr(f, "path", None) or f.name for f in files]
        results = add_documents(paths, settings, services.get().retriever.index,
                                lambda frac, desc: progress(frac, desc=desc))
        services.view().clear()
        lines = [f"- {'✓' if r.ok else '✗'} **{html.escape(r.name)}**: {html.escape(r.message)}" for r in results]
        ok = sum(r.ok for r in results)
        head = f"{ok} van {len(results)} bestand(en) toegevoegd; nieuwe documenten zijn direct doorzoekbaar."
        docs, types = catalogue_updates(services.view())
        return head + "\n\n" + "\n".join(lines), docs, types, None

    return upload
