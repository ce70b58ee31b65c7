"""The page in a real browser (Debian chromium via Playwright), signed in, over the real
assistant and the fixture corpus. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from assistant.settings import REPO_ROOT
from served import fixture_settings, serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?"
PDF_FACT = ("Elke mbo-school in de proefregeling Zonnedaken krijgt een eenmalige bijdrage van 4321 euro "
            "voor zonnepanelen op het schoolgebouw.")
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_embedder):
    settings = fixture_settings(tmp_path_factory.mktemp("browser"), users="beheer:Geheim-1,lezer:Lezen-2",
                                admins="beheer")
    with serve(settings, real_embedder) as (url, assistant):
        yield url, settings


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("MBO_REQUIRE_BROWSER"):  # set by .ci/run: CI must not skip the page tests
            pytest.fail(f"{CHROMIUM} is missing and MBO_REQUIRE_BROWSER is set; install it with "
                        "`apt-get install -y chromium` (scripts/setup.sh does when it can)")
        pytest.skip(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium` (see scripts/setup.sh)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def signed_in(browser, url, user, password):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.locator("input[type=password]").wait_for()
    page.locator("input:not([type=password])").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.locator("input[type=password]").press("Enter")
    page.locator("#vraag textarea").wait_for()
    page.wait_for_function("document.querySelectorAll('#begrippen details').length > 0")  # init ran
    return page


@pytest.fixture(scope="module")
def page(browser, server):
    url, _ = server
    p = signed_in(browser, url, "beheer", "Geheim-1")
    yield p
    p.close()


def ask(page, question):
    """Type a question, send it, wait for the final answer; True when a partial answer was seen."""
    n = page.locator("#gesprek .antwoord:not(.bezig)").count()
    page.evaluate("""() => { window.__partial = false;
        window.__obs && window.__obs.disconnect();
        window.__obs = new MutationObserver(() => {
            if (document.querySelector('#gesprek .antwoord.bezig')) window.__partial = true; });
        window.__obs.observe(document.body, {childList: true, subtree: true}); }""")
    page.locator("#vraag textarea").fill(question)
    page.locator("#verstuur").click()
    page.wait_for_function(f"document.querySelectorAll('#gesprek .antwoord:not(.bezig)').length > {n}")
    page.wait_for_function("!document.querySelector('#gesprek .antwoord.bezig')")
    return page.evaluate("window.__partial")


def test_streamed_answer_with_citation_and_highlighted_source(page):
    assert ask(page, QUESTION), "no partial (streaming) answer was shown before the final one"
    answer = page.locator("#gesprek .antwoord").last
    assert "610" in answer.inner_text() and "[1]" in answer.inner_text()
    page.screenshot(path=str(SHOTS / "01-antwoord.png"), full_page=True)
    # a glossary term: the definition as tooltip, a click opens it in the glossary panel
    term = answer.locator("a.term", has_text="bbl").first
    assert "beroepsbegeleidende leerweg" in term.get_attribute("title")
    term.click()
    page.wait_for_function("document.getElementById('begrip-bbl').open === true")
    answer.locator("a.cite", has_text="[1]").first.click()
    source = page.locator("#bronnen section.bron").first
    source.wait_for()
    assert source.get_attribute("id").endswith("-1")
    assert "610 uur" in source.locator("mark").first.inner_text()
    assert "Fixture: de bbl" in source.locator("h4").inner_text()
    meta = source.locator(".meta").inner_text()
    assert "Werkwijzer" in meta and "2023-01-15" in meta
    source.locator("details.context summary").click()
    context = source.locator("details.context").inner_text()
    assert "De werkgever betaalt het loon." in context  # the next chunk of the document
    page.screenshot(path=str(SHOTS / "02-bron-gemarkeerd.png"), full_page=True)


def test_feedback_is_stored_in_sqlite(page, server):
    _, settings = server
    page.locator("#toelichting textarea").fill("Graag ook de bol noemen; mail me op jan@example.nl")
    page.locator("#duim-neer").click()
    page.locator("#feedback-status", has_text="opgeslagen").wait_for()
    page.screenshot(path=str(SHOTS / "03-feedback.png"), full_page=True)
    with sqlite3.connect(settings.feedback_path) as db:
        rows = db.execute("SELECT question, rating, comment, citations, mode, audience FROM feedback").fetchall()
    assert len(rows) == 1
    question, rating, comment, citations, mode, audience = rows[0]
    assert question == QUESTION and rating == -1 and mode == "extractive" and audience == "professional"
    assert comment == "Graag ook de bol noemen; mail me op [E-MAIL]"
    assert json.loads(citations)[0]["doc_id"] == "fixture-bbl"


def test_audience_switch_changes_example_questions(page):
    import app

    examples = page.locator("#voorbeelden button")
    assert examples.first.inner_text().strip() == app.EXAMPLES["professional"][0]
    page.locator("#doelgroep label", has_text="Student").click()
    page.wait_for_function(f"document.querySelector('#voorbeelden button').innerText.trim() === "
                           f"{json.dumps(app.EXAMPLES['student'][0])}")
    assert [b.strip() for b in examples.all_inner_texts()] == app.EXAMPLES["student"]
    page.screenshot(path=str(SHOTS / "04-student.png"), full_page=True)


def test_unanswerable_question_is_refused(page):
    # a new conversation: a short question right after the bbl one would count as a follow-up
    page.locator("#nieuw").click()
    page.wait_for_function("document.querySelectorAll('#gesprek .antwoord').length === 0")
    ask(page, "Wat is de hoofdstad van Australië?")
    answer = page.locator("#gesprek .antwoord").last
    assert "weigering" in answer.get_attribute("class")
    assert "Dat staat niet in de documenten." in answer.inner_text()
    assert answer.locator("a.cite").count() == 0
    assert "Geen bronnen" in page.locator("#bronnen details.beurt").first.inner_text()
    page.screenshot(path=str(SHOTS / "05-weigering.png"), full_page=True)


def test_too_long_question_gets_a_clear_message(page, server):
    _, settings = server
    page.locator("#vraag textarea").fill("a" * (settings.max_question_chars + 5))
    page.locator("#verstuur").click()
    page.locator("#gesprek .antwoord.fout", has_text="het maximum is").wait_for()


def test_admin_uploads_a_pdf_and_gets_an_answer_citing_it(page, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Proefregeling Zonnedaken mbo", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, PDF_FACT + " De regeling loopt van 2024 tot en met 2026 en wordt uitgevoerd door DUO.")
    path = tmp_path / "proefregeling-zonnedaken.pdf"
    pdf.output(str(path))

    page.locator("#nieuw").click()
    page.locator("#upload").first.wait_for()
    page.locator("#upload-bestanden input[type=file]").set_input_files(str(path))
    page.locator("#upload-knop").click()
    status = page.locator("#upload-status", has_text="toegevoegd")
    status.wait_for()
    assert "1 van 1" in status.inner_text() and "proefregeling-zonnedaken.pdf" in status.inner_text()
    page.screenshot(path=str(SHOTS / "06-upload.png"), full_page=True)

    ask(page, "Hoeveel bijdrage krijgt een mbo-school in de proefregeling Zonnedaken?")
    answer = page.locator("#gesprek .antwoord").last
    assert "4321" in answer.inner_text() and "[1]" in answer.inner_text()
    assert "Zonnedaken" in page.locator("#bronnen section.bron h4").first.inner_text()
    page.screenshot(path=str(SHOTS / "07-antwoord-uit-upload.png"), full_page=True)


def test_reader_does_not_see_the_upload_area(browser, server):
    url, _ = server
    p = signed_in(browser, url, "lezer", "Lezen-2")
    try:
        assert p.locator("#vraag textarea").is_visible()
        assert not any(el.is_visible() for el in p.locator("#upload, #upload-knop").all())
        p.screenshot(path=str(SHOTS / "08-lezer.png"), full_page=True)
    finally:
        p.close()
