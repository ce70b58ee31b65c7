"""What the page's handlers share, built on first use: the assistant, the read-only view of the
index (catalogue, surrounding text) and the glossary located in the index.

One per page, shared by every user; each part is built once, under a lock. The assistant comes
from a `build(settings)` function passed in by app.py (this layer does not import
assistant.factory). Non-goals: answering (assistant/answer), the handlers (chat.py, ratings.py,
documents.py), the layout (app.py).
"""

import threading
from collections.abc import Callable

from assistant.web import terms as glossary
from assistant.web.docview import DocView


class Services:
    """The assistant and its views, built on first use (once, under a lock)."""

    def __init__(self, settings, assistant=None, build: Callable | None = None):
        self.settings, self._assistant, self._build = settings, assistant, build
        self._lock = threading.Lock()
        self._view = self._terms = None

    def get(self):
        with self._lock:
            if self._assistant is None:
                if self._build is None:
                    raise RuntimeError("Services has no assistant and no build function")
                self._assistant = self._build(self.settings)
            return self._assistant

    def view(self) -> DocView:
        index = self.get().retriever.index
        with self._lock:
            if self._view is None:
                self._view = DocView(index)
            return self._view

    def terms(self) -> tuple[glossary.Term, ...]:
        index = self.get().retriever.index
        with self._lock:
            if self._terms is None:
                self._terms = glossary.locate(glossary.load_terms(), index, self.settings.corpus_dir)
            return self._terms
