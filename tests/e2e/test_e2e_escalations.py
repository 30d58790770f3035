"""The escalation ladder in the browser: a red KPI shows its rung on every open dashboard at
once, the webhook hears of it, people acknowledge and resolve it from the page. Both
languages, axe clean."""

from datetime import date

import pytest
from conftest import Server
from test_escalations import Receiver

from workshop.domain import kpis

from .test_e2e_dashboard import expect_text, signed_workshop

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"record": "Record", "rung": "Rung 1", "ack": "Acknowledge", "acked": "Acknowledged",
           "resolve": "Resolve", "resolved": "1 resolved escalation", "save": "Save",
           "posting": "Posting to 127.0.0.1", "none": "No open escalations",
           "values": "2 recorded values"},
    "nl": {"record": "Vastleggen", "rung": "Trede 1", "ack": "Oppakken", "acked": "Opgepakt",
           "resolve": "Oplossen", "resolved": "1 opgeloste escalatie", "save": "Opslaan",
           "posting": "Meldingen gaan naar 127.0.0.1", "none": "Geen open escalaties",
           "values": "2 vastgelegde waarden"},
}  # fmt: skip


@pytest.fixture
def server(tmp_path):
    """The real server, allowed to post to a webhook on this machine, checking every 0.3 s."""
    srv = Server(tmp_path, {"WEBHOOK_ALLOW_PRIVATE": "1", "AFTERCARE_INTERVAL": "0.3"}).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_red_kpi_escalates_on_every_dashboard(room, server, language):
    receiver = Receiver()
    try:
        run(room, server, language, receiver)
    finally:
        receiver.close()


def run(room, server, language, receiver):
    words = WORDS[language]
    created, people = signed_workshop(server, language)
    code = created["code"]
    console = room.open("facilitator", created["facilitator_url"])
    console.goto(f"/w/{code}/dashboard")
    console.get_by_text(words["none"]).wait_for()

    # The facilitator sets the webhook on the page.
    console.locator("#webhook-form input[name=url]").fill(receiver.url)
    console.locator("#webhook-form").get_by_role("button", name=words["save"]).click()
    console.get_by_text(words["posting"]).wait_for()

    # Mia (marketing) has the dashboard open on her laptop and records a red month.
    mia = room.open("mia", f"/w/{code}/join")
    mia.context.add_cookies([{"name": f"sla_{code}", "value": people[0]["token"],
                              "url": server.url}])  # fmt: skip
    mia.goto(f"/w/{code}/dashboard")
    card = mia.locator("article.kpi").first  # MQL volume, 140 a month, marketing's
    last_month = kpis.recent_periods(date.today(), "month", 2)[0]
    card.locator("input[name=period]").fill(last_month)
    card.locator("input[name=value]").fill("40")
    card.get_by_role("button", name=words["record"]).click()

    # Both dashboards show rung 1 and who to involve, without a reload.
    for page in (mia, console):
        expect_text(page, "#escalations .escalation-rung", words["rung"])
    escalation = console.locator("#escalations article.escalation").first
    assert "40" not in escalation.locator("h3").inner_text()  # the KPI's name, not a number
    # A correction: the history on the card says who recorded what, and which was replaced.
    card.locator("input[name=value]").fill("45")
    card.locator("input[name=period]").fill(last_month)
    card.get_by_role("button", name=words["record"]).click()
    card.locator(".actual-history summary", has_text=words["values"]).wait_for()
    card.locator(".actual-history summary").click()
    assert "Mia" in card.locator(".actual-history").inner_text()
    assert card.locator(".actual-history tr.replaced").count() == 1

    assert escalation.locator("dd").first.inner_text().strip() not in ("", "—")
    [posted] = receiver.wait_for("escalation.opened")
    assert posted["escalation"]["rung"] == 1 and posted["workshop"] == code
    # The trend chart marks the escalated period.
    mia.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth)")
    room.check(console, f"escalation-{language}-open")

    # Mia acknowledges with a note; the console follows.
    mia_escalation = mia.locator("#escalations article.escalation").first
    mia_escalation.locator("textarea[name=note]").fill("Extra campaign this week")
    mia_escalation.get_by_role("button", name=words["ack"]).click()
    expect_text(console, "#escalations article.escalation dd", words["acked"])
    receiver.wait_for("escalation.acknowledged")

    # The facilitator resolves it with a note; it moves to the resolved list everywhere.
    escalation = console.locator("#escalations article.escalation").first
    escalation.locator("textarea[name=note]").fill("MQLs back on track")
    escalation.get_by_role("button", name=words["resolve"]).click()
    for page in (console, mia):
        page.get_by_text(words["resolved"]).wait_for()
        page.get_by_text(words["none"]).wait_for()
    receiver.wait_for("escalation.resolved")
    console.locator(".resolved-escalations > summary").click()
    console.locator(".resolved-escalations .escalation-history summary").click()
    assert "MQLs back on track" in console.locator(".resolved-escalations").inner_text()
    room.check(console, f"escalation-{language}-resolved")
    room.check(mia, f"escalation-{language}-delegate")
    room.assert_clean()
