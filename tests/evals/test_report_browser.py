"""report.html in a real browser (Debian chromium via Playwright, as tests/app/test_browser.py):
the title, the run's details and the six headline cards are visible, and the failing-questions
table shows its rows. The page is the report of tests/evals/test_report.py's mixed rows; with
MBO_REPORT_HTML=path/to/report.html (e.g. of a dev run) that report is opened instead and its
screenshot is also kept as docs/report.png. Screenshots: test-artifacts/screenshots/report.png."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evals.report import write_report
from evals.score import summarise
from evals.uncertainty import intervals
from tests.evals.test_report import mixed_rows

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
SHOT = REPO_ROOT / "test-artifacts" / "screenshots" / "report.png"


def test_report_page_shows_title_details_and_cards(browser, tmp_path):
    given = os.environ.get("MBO_REPORT_HTML")
    if given:
        path = Path(given).resolve()
    else:
        rows = mixed_rows()
        summary = summarise(rows)
        meta = {"dataset": {"file": "set.jsonl", "questions": 4, "sha256": "0" * 64}, "commit": "", "date": "today"}
        path = write_report(rows, summary, tmp_path, mode="extractive", intervals=intervals(rows, summary),
                            meta=meta)[1]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(path.as_uri())
    expect(page).to_have_title("mbo-assistant evaluation (extractive)")
    expect(page.locator("h1")).to_have_text("Evaluation report: mbo-assistant")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#meta")).to_be_visible()
    expect(page.locator("#meta")).to_contain_text("Dataset")
    expect(page.locator("#meta")).to_contain_text("Commit")
    cards = page.locator("#headline .card")
    expect(cards).to_have_count(6)
    for i in range(6):
        expect(cards.nth(i)).to_be_visible()
        expect(cards.nth(i).locator(".ci")).to_have_text(re.compile(r"\[\d\.\d\d, \d\.\d\d\]"))
    box = cards.nth(5).bounding_box()
    assert box and box["y"] + box["height"] <= 1000  # the cards are on the first screen
    expect(page.locator("#failing tr[data-id]").first).to_be_visible()
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT))
    if given:
        shutil.copyfile(SHOT, REPO_ROOT / "docs" / "report.png")
    page.close()
