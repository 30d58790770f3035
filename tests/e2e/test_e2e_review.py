"""A review run live in the browser (issue 13), in both languages: the facilitator runs it,
a delegate follows on her laptop and adds an action; the next review starts with it and
it is closed there. axe clean, screenshots for the eye."""

from datetime import date, timedelta

import pytest

from .test_e2e_dashboard import expect_text, signed_workshop

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"open": "Open a review", "review1": "Review 1", "review2": "Review 2",
           "save": "Save attendees and notes", "decide": "Add the decision",
           "add": "Add the action", "close": "Close the review", "done": "Done",
           "close_action": "Close the action", "earlier": "Earlier reviews",
           "join": "Review 1 is open"},
    "nl": {"open": "Review openen", "review1": "Review 1", "review2": "Review 2",
           "save": "Aanwezigen en notities opslaan", "decide": "Besluit toevoegen",
           "add": "Actie toevoegen", "close": "Review afsluiten", "done": "Gedaan",
           "close_action": "Actie afsluiten", "earlier": "Eerdere reviews",
           "join": "Review 1 is geopend"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_review_run_live(room, server, language):
    words = WORDS[language]
    created, people = signed_workshop(server, language)
    code = created["code"]
    console = room.open("facilitator", created["facilitator_url"])
    console.goto(f"/w/{code}/review")
    console.get_by_role("button", name=words["open"]).click()
    expect_text(console, "h1", words["review1"])

    # Mia follows on her laptop: the dashboard says a review is open and takes her there.
    mia = room.open("mia", f"/w/{code}/join")
    mia.context.add_cookies([{"name": f"sla_{code}", "value": people[0]["token"],
                              "url": server.url}])  # fmt: skip
    mia.goto(f"/w/{code}/dashboard")
    mia.get_by_role("link", name=words["join"]).click()
    expect_text(mia, "h1", words["review1"])

    # The facilitator records attendees, notes and a decision; Mia's page follows.
    console.locator("textarea[name=attendees]").fill("Fiona, Mia, Sam")
    console.locator("textarea[name=notes]").fill("MQLs behind plan")
    console.get_by_role("button", name=words["save"]).click()
    console.locator("form[data-command=add_decision] input[name=text]").fill(
        "Extra webinar in December"
    )
    console.get_by_role("button", name=words["decide"]).click()
    mia.get_by_text("Extra webinar in December").wait_for()
    mia.get_by_text("Fiona, Mia, Sam").wait_for()

    # Mia adds an action with an owner and a due date.
    due = (date.today() + timedelta(days=10)).isoformat()
    form = mia.locator("form[data-command=add_action]")
    form.locator("input[name=text]").fill("Plan the webinar")
    form.locator("input[name=owner]").fill("Mia")
    form.locator("input[name=due]").fill(due)
    form.get_by_role("button", name=words["add"]).click()
    console.get_by_text("Plan the webinar").wait_for()
    room.check(console, f"review-{language}-running")
    room.check(mia, f"review-{language}-delegate", axe=False)

    console.get_by_role("button", name=words["close"]).click()
    console.get_by_role("heading", name=words["earlier"], exact=True).wait_for()

    # Review 2 starts with review 1's open action; Mia closes it there with a note.
    console.get_by_role("button", name=words["open"]).click()
    expect_text(console, "h1", words["review2"])
    expect_text(mia, "h1", words["review2"])
    earlier = mia.locator("#earlier-heading").locator("xpath=..")
    earlier.get_by_text("Plan the webinar").wait_for()
    earlier.locator("input[name=note]").fill("Booked for 10 December")
    earlier.get_by_role("button", name=words["close_action"]).click()
    console.locator("#earlier-heading").locator("xpath=..").get_by_text(
        "Booked for 10 December"
    ).wait_for()
    assert words["done"] in console.locator("#earlier-heading").locator("xpath=..").inner_text()
    room.check(console, f"review-{language}-second")

    # Review 1's report is a PDF for leadership.
    link = console.locator("a[href$='/reviews/1/report.pdf']")
    assert link.count() == 1
    response = console.request.get(link.get_attribute("href"))
    assert response.ok and response.body()[:5] == b"%PDF-"
    room.assert_clean()
