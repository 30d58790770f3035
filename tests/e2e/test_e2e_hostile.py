"""Hostile text from a delegate is inert in every browser that shows it."""

import xml.etree.ElementTree as ET

import pytest
import requests

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "[click me](javascript:window.__pwned='link')",
    "![p](file:///etc/passwd)",
    "![p](http://example.com/x.png)",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    # Accepted, and must stay in its place: Markdown look-alikes, right-to-left text, entities.
    "**Status:** Signed by every delegate",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd 2026",
    "&amp; &lt;b&gt; & <b>bold</b>",
    "e\u0301te\u0301 \U0001f600",
]
RTL_NAME = "\u05e9\u05e8\u05d4 Levi"


def test_hostile_text_is_shown_as_text_and_never_runs(room, server):
    created = requests.post(server.url + "/api/workshops", json={
        "title": "<b onmouseover=alert(1)>Title</b>", "facilitator_name": "Fiona",
        "language": "en"}).json()
    code = created["code"]
    joined = requests.post(f"{server.url}/api/workshops/{code}/participants", json={
        "name": "<img src=x onerror=alert(2)>", "department": "sales"}).json()
    headers = {"Authorization": f"Bearer {joined['token']}"}
    commands = f"{server.url}/api/workshops/{code}/commands"
    facilitator = room.open("facilitator", created["facilitator_url"])
    facilitator.wait_for_selector(".layout")
    requests.post(commands, json={"type": "goto_stage", "stage": "funnel"},
                  headers={"Authorization": f"Bearer {created['facilitator_token']}"})
    for text in HOSTILE:
        ack = requests.post(commands, json={
            "type": "propose", "section": "funnel", "text": text,
            "details": {"definition": text, "volume": 1}}, headers=headers).json()
        assert ack["ok"], ack

    for text in HOSTILE:
        facilitator.get_by_text(text, exact=True).first.wait_for()
    assert facilitator.evaluate("window.__pwned") is None
    assert facilitator.locator("img[src='x'], img[src^='file:'], img[src^='http://example']"
                               ).count() == 0
    assert facilitator.locator("a[href^='javascript:'], script:not([src]):not([type])"
                               ).count() == 0
    assert facilitator.get_by_text("<img src=x onerror=alert(2)>").first.is_visible()
    # Names are isolated, so right-to-left text cannot reorder what follows them.
    requests.post(f"{server.url}/api/workshops/{code}/participants",
                  json={"name": RTL_NAME, "department": "marketing"})
    facilitator.locator(".person-name bdi", has_text=RTL_NAME).wait_for()
    assert facilitator.locator(".person-name bdi").count() >= 3
    # No picture on the page is broken (the funnel carries all of the text above).
    facilitator.wait_for_function("[...document.images].every((i) => i.complete)")
    broken = facilitator.evaluate(
        "[...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.src)")
    assert broken == []
    room.axe(facilitator, "hostile")
    room.assert_clean()

    # The funnel picture carries the same text, escaped, as well-formed SVG.
    svg = facilitator.context.request.get(f"/w/{code}/funnel.svg")
    tree = ET.fromstring(svg.body())
    assert not [el for el in tree.iter() if el.tag.endswith("script")]
    assert not any(name.startswith("on") for el in tree.iter() for name in el.attrib)

    # Every other view of the same text: the delegate's laptop, the projector, and the
    # document at review (with the funnel picture, now that the stages are agreed).
    fac_headers = {"Authorization": f"Bearer {created['facilitator_token']}"}
    state = requests.get(f"{server.url}/api/workshops/{code}/state", headers=fac_headers).json()
    for item in state["items"]:
        requests.post(commands, json={"type": "decide", "item_id": item["id"],
                                      "outcome": "agreed", "reason": "ok"}, headers=fac_headers)
    delegate = room.open("delegate", f"/w/{code}/join")
    delegate.context.add_cookies([{"name": f"sla_{code}", "value": joined["token"],
                                   "url": server.url}])  # fmt: skip
    delegate.goto(f"/w/{code}")
    present = facilitator.context.new_page()
    present.goto(f"/w/{code}/present")
    requests.post(commands, json={"type": "goto_stage", "stage": "review"}, headers=fac_headers)
    for page in (facilitator, delegate, present):
        page.locator("img[src^='data:image/svg+xml']").first.wait_for(timeout=30_000)
        page.wait_for_function("[...document.images].every((i) => i.complete)")
        broken = page.evaluate(
            "[...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.src)")
        assert broken == [], page.url
        assert page.evaluate("window.__pwned") is None
        assert page.get_by_text("**Status:** Signed by every delegate").first.is_visible()
    room.assert_clean()
