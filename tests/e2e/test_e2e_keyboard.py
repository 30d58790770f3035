"""Everything works by keyboard alone, with a visible focus, and never by colour alone."""

import re

import pytest
import requests
from playwright.sync_api import expect

from .browser import strings_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const copy = el.cloneNode(true);
  copy.querySelectorAll("[aria-hidden=true]").forEach((hidden) => hidden.remove());
  const text = copy.tagName === "SELECT" || copy.tagName === "TEXTAREA" ? "" : copy.textContent;
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute("aria-label") || text || "").replace(/\\s+/g, " ").trim(),
    card: el.closest("article") ? el.closest("article").getAttribute("aria-label") : null,
    visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
      && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, wanted, card=None, backwards=False, limit=150):
    """Presses Tab until the focused control is named `wanted` (inside the item `card`)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused["name"][:30])
        if re.fullmatch(wanted, focused["name"]) and (card is None or focused["card"] == card):
            assert focused["visible"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"Tab never reached {wanted!r}; focus went through {seen}")


def test_keyboard_only(room):
    origin = room.origin
    created = requests.post(
        f"{origin}/api/workshops",
        json={"title": "Keyboard SLA", "facilitator_name": "Kim", "language": "en"},
        timeout=10,
    ).json()
    # On the home page the skip link is the first stop and leads into the page.
    home = room.open("visitor", "/")
    home.keyboard.press("Tab")
    skip = home.evaluate(FOCUSED)
    assert skip["name"] == "Skip to content" and skip["visible"]
    home.keyboard.press("Enter")
    assert home.evaluate("() => document.activeElement.id") == "main"
    home.close()

    console = room.open("facilitator", created["facilitator_url"])
    ui = strings_of(console)["ui"]
    expect(console.locator("#connection")).to_have_text(ui["online"])
    # The console starts with the focus on the stage's heading, so it is read out first.
    expect(console.locator("#stage-title")).to_be_focused()

    # Two delegates join with the keyboard: the name field has the focus, Tab to the
    # department, the arrow keys choose within it, Enter sends the form.
    delegates = {}
    for name, arrows in (("Kai", 0), ("Sol", 1)):
        page = room.open(name, created["join_url"])
        expect(page.locator("input[name=name]")).to_be_focused()
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        for _ in range(arrows):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/w/[A-Z0-9]{10}$"))
        expect(page.locator("#connection")).to_have_text(ui["online"])
        delegates[name] = page
    kai, sol = delegates["Kai"], delegates["Sol"]
    expect(console.locator(".dept-marketing")).to_have_count(1)
    expect(console.locator(".dept-sales")).to_have_count(1)

    # In the lobby Kai says he is ready with the keyboard.
    tab_to(kai, re.escape(ui["i_am_ready"]))
    kai.keyboard.press("Enter")
    expect(console.locator(".big-count")).to_have_text(
        ui["group_ready"].replace("%(n)s", "1").replace("%(total)s", "2")
    )

    # The facilitator moves on with the keyboard; focus lands on the new stage's heading.
    tab_to(console, re.escape(ui["next"]))
    console.keyboard.press("Enter")
    for page in (console, kai, sol):
        expect(page.locator("#stage-title")).to_have_text(
            strings_of(page)["stages"]["funnel"]["title"]
        )

    # Votes by keyboard: Enter on Agree, then Space on Disagree changes it.
    state = console.context.request.get(f"/api/workshops/{created['code']}/state").json()
    first = next(i for i in state["items"] if i["section"] == "funnel")
    card = kai.get_by_role("article", name=first["text"], exact=True)
    tab_to(kai, ui["agree"], card=first["text"])
    kai.keyboard.press("Enter")
    expect(card.get_by_role("button", name=ui["agree"], exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    tab_to(kai, ui["disagree"], card=first["text"])
    kai.keyboard.press("Space")
    chosen = card.get_by_role("button", name=ui["disagree"], exact=True)
    expect(chosen).to_have_attribute("aria-pressed", "true")
    # Not by colour alone: the choice is said in words and the button carries an icon.
    expect(card).to_contain_text(ui["your_vote"].replace("%(choice)s", ui["disagree"]))
    expect(chosen).to_have_text(re.compile("✗"))
    sol_card = sol.get_by_role("article", name=first["text"], exact=True)
    tab_to(sol, ui["agree"], card=first["text"])
    sol.keyboard.press("Enter")
    expect(sol_card.get_by_role("button", name=ui["agree"], exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # A proposal by keyboard: Tab to the form, type, Tab to the button, Enter.
    tab_to(sol, re.escape(ui["propose"]), backwards=True)
    sol.keyboard.press("Shift+Tab")  # the Details summary
    sol.keyboard.press("Shift+Tab")  # the proposal's text
    assert sol.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    sol.keyboard.type("Trade-fair leads get their own funnel entry")
    tab_to(sol, re.escape(ui["propose"]))
    sol.keyboard.press("Enter")
    new = "Trade-fair leads get their own funnel entry"
    expect(console.get_by_role("article", name=new, exact=True)).to_be_visible()

    # The facilitator reveals and decides by keyboard; the outcome is in words and icons.
    tab_to(console, ui["reveal"], card=first["text"])
    console.keyboard.press("Enter")
    result = console.get_by_role("article", name=first["text"], exact=True)
    expect(result.locator(".consensus")).to_have_text(re.compile(ui["consensus_no_consent"]))
    expect(result.locator(".consensus [aria-hidden=true]")).to_have_text("≠")
    expect(result.locator(".tally-text")).to_contain_text(f"✗ {ui['disagree']}: 1")
    tab_to(console, re.escape(ui["decide_reject"]), card=first["text"])
    console.keyboard.press("Enter")
    badge = kai.get_by_role("article", name=first["text"], exact=True).locator(".badge").first
    expect(badge).to_have_text(re.compile("✘ " + ui["status_rejected"]))

    # Presence is said in words too, not only by the green dot.
    expect(console.locator(".people-list .visually-hidden").first).to_have_text(ui["is_online"])
    room.check(console, "keyboard-console")
    room.check(kai, "keyboard-delegate")
    room.assert_clean()
