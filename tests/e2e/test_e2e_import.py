"""Issue 12: a CRM export uploaded on the dashboard, previewed, confirmed; the dashboard shows
the values. In English and Dutch, axe clean."""

import time
from pathlib import Path

import pytest

from .test_e2e_dashboard import expect_text, signed_workshop

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WORDS = {
    "en": {"preview": "Preview", "record": "Record these actuals", "day_first": "Day first",
           "done": "4 actuals recorded.", "mqls": "MQL volume vs goal", "new": "new",
           "rate": "MQL → SQL rate", "rate_value": "66.7%", "line": "Line"},
    "nl": {"preview": "Voorbeeld", "record": "Deze metingen vastleggen", "day_first": "Dag eerst",
           "done": "4 metingen vastgelegd.", "mqls": "Aantal MQL's t.o.v. doel", "new": "nieuw",
           "rate": "Conversie MQL → SQL", "rate_value": "66,7%", "line": "Regel"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "nl"])
def test_upload_preview_confirm(room, server, language, tmp_path):
    created, _ = signed_workshop(server, language)
    words = WORDS[language]
    page = room.open("facilitator", created["facilitator_url"])
    page.goto(f"/w/{created['code']}/dashboard")
    expect_text(page, "h1", "SLA 2027")
    section = page.locator("#import")

    # A file with two bad lines: both named, nothing recorded.
    bad = tmp_path / "bad.csv"
    bad.write_text(f"kpi,period,value\n{words['rate']},2026-10,forty\nNo such KPI,2026-10,1\n",
                   encoding="utf-8")  # fmt: skip
    section.locator("input[type=file]").set_input_files(bad)
    section.get_by_role("button", name=words["preview"]).click()
    problems = page.locator("#import-problems")
    problems.wait_for()
    assert words["line"] + " 2, value" in problems.inner_text()
    assert words["line"] + " 3, kpi" in problems.locator("li").first.inner_text()
    room.check(page, f"import-problems-{language}")
    room.shot_of(section, f"import-problems-{language}-section")

    section.locator("input[type=file]").set_input_files(FIXTURES / "salesforce_leads.csv")
    assert problems.is_hidden()
    section.get_by_role("button", name=words["preview"]).click()

    # Every date fits day/month and month/day: the page asks, the person answers.
    question = page.locator("#import-date-order")
    question.wait_for()
    assert "01/09/2026" in question.inner_text()
    question.get_by_label(words["day_first"]).check()
    room.check(page, f"import-question-{language}")
    room.shot_of(section, f"import-question-{language}-section")
    section.get_by_role("button", name=words["preview"]).click()

    table = page.locator("#import-rows")
    table.locator("tr").first.wait_for()
    rows = [r.inner_text() for r in table.locator("tr").all()]
    assert len(rows) == 4 and all(words["new"] in r for r in rows)
    assert any(words["rate"] in r and words["rate_value"] in r for r in rows)
    # Nothing is recorded before the person confirms.
    mqls = page.locator("article.kpi", has_text=words["mqls"]).first
    assert "—" in mqls.locator(".kpi-facts").inner_text()
    room.check(page, f"import-preview-{language}")
    room.shot_of(section, f"import-preview-{language}-section")

    section.get_by_role("button", name=words["record"]).click()
    page.locator("#import-result", has_text=words["done"]).wait_for()
    assert page.locator("#import-preview").is_hidden()
    # The dashboard follows by itself (the import's change arrives over the socket).
    mqls = page.locator("article.kpi", has_text=words["mqls"]).first
    mqls.locator("dd", has_text="2026-11").wait_for()
    assert "3" in mqls.locator(".kpi-facts").inner_text()
    images_loaded(page)
    room.check(page, f"import-done-{language}")
    room.shot_of(section, f"import-done-{language}-section")
    # A refused preview is a 400 that Chromium logs; that answer is the point, not a problem.
    room.problems = [
        p for p in room.problems if not ("status of 400" in p and "/imports/preview" in p)
    ]
    room.assert_clean()


def images_loaded(page, seconds=15):
    """Every chart has loaded. Polled from here: Playwright's wait_for_function would have to
    evaluate a string in the page, which the strict CSP refuses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate("[...document.images].every((i) => i.complete && i.naturalWidth)"):
        assert time.monotonic() < deadline, "the trend charts did not load"
        time.sleep(0.1)
