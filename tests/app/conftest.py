"""Fixtures for the page tests (helpers in served.py)."""

from __future__ import annotations

import pytest

from tests.app.served import fixture_settings, serve


@pytest.fixture(scope="module")
def page_server(tmp_path_factory, real_embedder):
    """No sign-in: the API test's server."""
    settings = fixture_settings(tmp_path_factory.mktemp("app"))
    with serve(settings, real_embedder) as (url, assistant):
        yield url, settings, assistant
