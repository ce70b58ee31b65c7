"""The page in a real browser (Debian chromium via Playwright), signed in, over the real
assistant and the fixture corpus. Screenshots go to test-artifacts/screenshots/.

Each test signs in on a page of its own (a new conversation), asks what it needs, and looks
only at the feedback rows it stored itself: no test depends on another having run first."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from ingest.settings import REPO_ROOT
from tests.app.served import fixture_settings, serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?"
# its extractive answer has three sentences (loon [1], cursusgeld [1], four days at work [2]),
# so the page shows two growing partial answers before the final one
STREAMED = "Wie betaalt het loon en het cursusgeld in de bbl?"
PDF_FACT = ("Elke mbo-school in de proefregeling Zonnedaken krijgt een eenmalige bijdrage van 4321 euro "
            "voor zonnepanelen op het schoolgebouw.")
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_embedder):
    settings = fixture_settings(tmp_path_factory.mktemp("browser"), users="beheer:Geheim-1,lezer:Lezen-2",
                                admins="beheer")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(settings, real_embedder) as (url, assistant):
        yield url, settings


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


@pytest.fixture
def page(browser, server):
    """A new signed-in page (a new browser context, so a new conversation) for each test."""
    url, _ = server
    p = signed_in(browser, url, "beheer", "Geheim-1")
    yield p
    p.close()


def last_feedback_id(settings) -> int:
    """The id of the newest feedback row so far (0: none, or no table yet)."""
    if not settings.feedback_path.exists():
        return 0
    with sqlite3.connect(settings.feedback_path) as db:
        try:
            return db.execute("SELECT COALESCE(MAX(id), 0) FROM feedback").fetchone()[0]
        except sqlite3.OperationalError:  # the table is made with the first rating
            return 0


def feedback_since(settings, after_id: int, columns: str) -> list[tuple]:
    """The feedback rows stored after row `after_id`, oldest first."""
    with sqlite3.connect(settings.feedback_path) as db:
        return db.execute(f"SELECT {columns} FROM feedback WHERE id > ? ORDER BY id", (after_id,)).fetchall()


def words(text):
    return " ".join(text.split())


def ask(page, question):
    """Type a question, send it, wait for the final answer. Returns the texts the answer showed
    while it was being produced (each change of the `.antwoord.bezig` message, recorded by a
    MutationObserver, without the trailing cursor ▍; the empty placeholder is left out)."""
    n = page.locator("#gesprek .antwoord:not(.bezig)").count()
    page.evaluate("""() => { window.__partials = [];
        window.__obs && window.__obs.disconnect();
        window.__obs = new MutationObserver(() => {
            const el = document.querySelector('#gesprek .antwoord.bezig');
            const seen = window.__partials;
            if (el && seen[seen.length - 1] !== el.innerText) seen.push(el.innerText); });
        window.__obs.observe(document.body, {childList: true, subtree: true, characterData: true}); }""")
    page.locator("#vraag textarea").fill(question)
    page.locator("#verstuur").click()
    page.wait_for_function(f"document.querySelectorAll('#gesprek .antwoord:not(.bezig)').length > {n}")
    page.wait_for_function("!document.querySelector('#gesprek .antwoord.bezig')")
    partials = [words(t.rstrip().removesuffix("▍")) for t in page.evaluate("window.__partials")]
    return [t for t in partials if t]


def test_answer_with_citation_that_opens_the_highlighted_source(page):
    ask(page, QUESTION)
    answer = page.locator("#gesprek .antwoord").last
    assert "610" in answer.inner_text() and "[1]" in answer.inner_text()
    page.screenshot(path=str(SHOTS / "01-antwoord.png"), full_page=True)
    # a glossary term: the definition as tooltip, a click opens it in the glossary panel
    term = answer.locator("a.term", has_text="bbl").first
    assert "beroepsbegeleidende leerweg" in term.get_attribute("title")
    term.click()
    page.wait_for_function("document.getElementById('begrip-bbl').open === true")
    # the sources panel is filled with the answer; fold it shut so that only the click can
    # bring the cited passage back into view
    cite = answer.locator("a.cite", has_text="[1]").first
    source = page.locator("#bronnen " + cite.get_attribute("href"))
    assert source.get_attribute("id").endswith("-1")
    page.evaluate("document.querySelector('#bronnen details.beurt').open = false")
    expect(source).to_be_hidden()
    expect(source).not_to_have_class(re.compile(r"\bflash\b"))
    cite.click()
    expect(source).to_have_class(re.compile(r"\bflash\b"), timeout=1500)  # the script removes it after 1.6 s
    expect(source).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.querySelector('#bronnen details.beurt').open")
    mark = source.locator("mark").first
    expect(mark).to_be_in_viewport(ratio=1)
    assert "610 uur" in mark.inner_text()
    assert "Fixture: de bbl" in source.locator("h4").inner_text()
    meta = source.locator(".meta").inner_text()
    assert meta == "Werkwijzer · 2023-01-15 · § Beroepsbegeleidende leerweg"  # type, date, section (# heading)
    source.locator("details.context summary").click()
    context = source.locator("details.context").inner_text()
    assert "De werkgever betaalt het loon." in context  # the next chunk of the document
    page.screenshot(path=str(SHOTS / "02-bron-gemarkeerd.png"), full_page=True)


def test_feedback_is_stored_in_sqlite(page, server):
    _, settings = server
    before = last_feedback_id(settings)
    ask(page, QUESTION)
    page.locator("#toelichting textarea").fill("Graag ook de bol noemen; mail me op jan@example.nl")
    page.locator("#duim-neer").click()
    page.locator("#feedback-status", has_text="opgeslagen").wait_for()
    page.screenshot(path=str(SHOTS / "03-feedback.png"), full_page=True)
    rows = feedback_since(settings, before, "question, rating, comment, citations, mode, audience, history, "
                                            "settings, created")
    assert len(rows) == 1
    question, rating, comment, citations, mode, audience, history, stored_settings, created = rows[0]
    assert question == QUESTION and rating == -1 and mode == "extractive" and audience == "professional"
    assert comment == "Graag ook de bol noemen; mail me op [E-MAIL]"
    assert json.loads(citations)[0]["doc_id"] == "fixture-bbl"
    assert json.loads(history) == []  # the first question of the conversation
    stored_settings = json.loads(stored_settings)
    assert stored_settings["chunk_size"] == 200 and stored_settings["answer_mode"] == settings.answer_mode
    assert stored_settings["embed_model"] == settings.embed_model
    age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(created)
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=5)


def test_answer_text_grows_while_it_is_produced(page):
    partials = ask(page, STREAMED)
    final = words(page.locator("#gesprek .antwoord").last.locator("p").first.inner_text())
    assert final.startswith("De werkgever betaalt het loon. [1]") and final.count("[1]") == 2 and "[2]" in final
    assert partials, "no partial answer text was shown before the final answer"
    for partial in partials:
        assert final.startswith(partial) and len(partial) < len(final), (partial, final)


def test_thumbs_under_an_answer_are_stored_with_its_question(page, server):
    _, settings = server
    before = last_feedback_id(settings)
    ask(page, QUESTION)
    ask(page, STREAMED)  # a second question in the same conversation
    answers = page.locator("#gesprek .message-row.bot-row")
    assert answers.count() == 2 and "cursusgeld" in answers.nth(1).inner_text()  # the streamed answer
    below_second = page.locator("#gesprek .message-row.bot-row + .message-buttons").nth(1)
    below_second.get_by_role("button", name="Vind ik leuk", exact=True).click()  # nl-NL label of "Like"
    page.locator("#feedback-status", has_text="opgeslagen").wait_for()
    page.screenshot(path=str(SHOTS / "09-duim-bij-antwoord.png"), full_page=True)
    rows = feedback_since(settings, before, "question, rating, history, answer")
    assert [(q, r) for q, r, _, _ in rows] == [(STREAMED, 1)]
    _, _, history, stored_answer = rows[0]
    assert [role for role, _ in json.loads(history)] == ["user", "assistant"]
    assert json.loads(history)[0][1] == QUESTION and "610" in json.loads(history)[1][1]
    assert stored_answer.startswith("De werkgever betaalt het loon.")


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
