"""After sign-off: the KPI dashboard in the browser, live on two machines, in both languages."""

import time
from datetime import date

import pytest
import requests

from workshop.domain import kpis

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"title": "KPI dashboard", "record": "Record", "grey": "No actual yet",
           "amber": "Within tolerance"},
    "nl": {"title": "KPI-dashboard", "record": "Vastleggen", "grey": "Nog geen meting",
           "amber": "Binnen de marge"},
}  # fmt: skip


def command(server, code, token, payload):
    """A command over HTTP, waiting out the rate limit like a patient script."""
    for _ in range(5):
        ack = requests.post(f"{server.url}/api/workshops/{code}/commands", json=payload,
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        if ack.get("code") != "rate_limited":
            return ack
        time.sleep(ack["retry_after"])
    return ack


def signed_workshop(server, language):
    created = requests.post(server.url + "/api/workshops", json={
        "title": "SLA 2027", "facilitator_name": "Fiona", "language": language}).json()
    code, fac = created["code"], created["facilitator_token"]
    people = [
        requests.post(f"{server.url}/api/workshops/{code}/participants",
                      json={"name": name, "department": dept}).json()
        for name, dept in (("Mia", "marketing"), ("Sam", "sales"))
    ]
    state = requests.get(f"{server.url}/api/workshops/{code}/state",
                         headers={"Authorization": f"Bearer {fac}"}).json()
    for item in state["items"]:
        command(server, code, fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed",
                                    "reason": "ok"})
    digest = command(server, code, fac, {"type": "finalize"})["document_hash"]
    for person in people:
        signature = {"type": "sign", "document_hash": digest}
        assert command(server, code, person["token"], signature)["ok"]
    return created, people


@pytest.mark.parametrize("language", ["en", "nl"])
def test_dashboard_live_on_two_machines(room, server, language):
    created, people = signed_workshop(server, language)
    code = created["code"]
    words = WORDS[language]
    console = room.open("facilitator", created["facilitator_url"])
    console.goto(f"/w/{code}/dashboard")
    expect_text(console, "h1", "SLA 2027")
    assert console.get_by_text(words["title"]).first.is_visible()
    cards = console.locator("article.kpi")
    assert cards.count() == 10
    assert cards.first.get_by_text(words["grey"]).is_visible()
    # A second machine: the marketing delegate's laptop.
    mia_page = room.open("mia", f"/w/{code}/join")
    mia_page.context.add_cookies([{"name": f"sla_{code}", "value": people[0]["token"],
                                   "url": server.url}])  # fmt: skip
    mia_page.goto(f"/w/{code}/dashboard")
    mia_page.locator("article.kpi").first.wait_for()

    # The facilitator records last month's MQLs on the page; Mia's page follows by itself.
    last_month = kpis.recent_periods(date.today(), "month", 2)[0]
    first = cards.first
    first.locator("input[name=period]").fill(last_month)
    first.locator("input[name=value]").fill("130")
    first.get_by_role("button", name=words["record"]).click()
    mia_card = mia_page.locator("article.kpi").first
    mia_card.get_by_text(words["amber"]).wait_for()
    assert "130" in mia_card.inner_text()
    chart = mia_card.locator("img.trend")
    chart.wait_for()
    mia_page.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth)")

    # A wrong period: a clear error on the page, nothing recorded.
    first = console.locator("article.kpi").first
    first.locator("input[name=period]").fill("2026-W47")
    first.locator("input[name=value]").fill("1")
    first.get_by_role("button", name=words["record"]).click()
    console.locator("#dashboard-error").wait_for()
    assert "2026-11" in console.locator("#dashboard-error").inner_text()

    # A read-only link for someone outside the workshop: no sign-in, no forms.
    console.locator("#share-create").click()
    link = console.locator("#share-result input.share-link")
    link.wait_for()
    viewer = room.open("viewer", link.input_value())
    viewer.locator("article.kpi").first.wait_for()
    assert viewer.locator("form.record-actual").count() == 0
    assert "130" in viewer.locator("article.kpi").first.inner_text()

    for page, who in ((console, "facilitator"), (mia_page, "delegate"), (viewer, "viewer")):
        room.check(page, f"dashboard-{language}-{who}")
    room.assert_clean()


def expect_text(page, selector, text):
    page.locator(selector, has_text=text).first.wait_for()
