"""Issue 11 in real browsers: nothing lost while typing, edits sent back to the vote, a clear
removal, double clicks that count once, pictures that are never stale.

The room is set up over the HTTP API (a workshop, delegates with their tokens); the people
whose screens matter are real pages, and the others act through the API meanwhile, as
eight delegates on their laptops would.
"""

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from .browser import strings_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

PEOPLE = [
    ("Maya", "marketing"),
    ("Sofia", "sales"),
    ("Noor", "marketing"),
    ("Bram", "sales"),
    ("Lotte", "marketing"),
    ("Priya", "sales"),
    ("Jens", "marketing"),
    ("Tom", "sales"),
]


class Setup:
    """A workshop made over the API, with delegates and their tokens."""

    def __init__(self, room, language="en", delegates=8):
        self.room, self.origin = room, room.origin
        created = requests.post(
            f"{self.origin}/api/workshops",
            json={"title": "Room SLA", "facilitator_name": "Fiona", "language": language},
            timeout=10,
        ).json()
        self.code, self.facilitator = created["code"], created["facilitator_token"]
        self.facilitator_url = created["facilitator_url"]
        self.tokens = {}
        for name, department in PEOPLE[:delegates]:
            joined = requests.post(
                f"{self.origin}/api/workshops/{self.code}/participants",
                json={"name": name, "department": department},
                timeout=10,
            ).json()
            self.tokens[name] = joined["token"]

    def command(self, token, payload):
        """As a well-behaved script: a command refused for its pace is sent again after the
        Retry-After the server names (the production limits apply here)."""
        for _ in range(5):
            response = requests.post(
                f"{self.origin}/api/workshops/{self.code}/commands",
                json=payload,
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            if response.status_code != 429:
                break
            time.sleep(int(response.headers["Retry-After"]))
        return response.json()

    def fac(self, payload):
        ack = self.command(self.facilitator, payload)
        assert ack["ok"], ack
        return ack

    def state(self, token=None):
        return requests.get(
            f"{self.origin}/api/workshops/{self.code}/state",
            headers={"Authorization": f"Bearer {token or self.facilitator}"},
            timeout=10,
        ).json()

    def items(self, section):
        return [i for i in self.state()["items"] if i["section"] == section]

    def console(self):
        page = self.room.open("facilitator", self.facilitator_url)
        self.ui = strings_of(page)["ui"]
        expect(page.locator("#connection")).to_have_text(self.ui["online"])
        return page

    def delegate(self, name, **options):
        context = self.room.context(name, **options)
        context.add_cookies([{"name": f"sla_{self.code}", "value": self.tokens[name],
                              "url": self.origin}])  # fmt: skip
        page = context.new_page()
        page.goto(f"/w/{self.code}")
        self.ui = strings_of(page)["ui"]
        expect(page.locator("#connection")).to_have_text(self.ui["online"])
        return page


def test_typing_agreed_values_while_eight_delegates_vote(room):
    s = Setup(room)
    s.fac({"type": "goto_stage", "stage": "targets"})
    console = s.console()
    item = s.items("targets")[0]
    card = console.get_by_role("article", name=item["text"], exact=True)
    field = console.locator("#field-targets-average_deal_size")
    expect(field).to_have_value("20000")
    field.click()
    field.press("Control+a")
    field.press("Backspace")
    # Every keystroke is followed by a vote (a snapshot reaches the console) before the next.
    for n, (key, name) in enumerate(zip("25000", list(s.tokens)[:5], strict=True), start=1):
        field.press(key)
        assert s.command(s.tokens[name], {"type": "vote", "item_id": item["id"],
                                          "choice": "agree"})["ok"]  # fmt: skip
        expect(card.locator(".votes-cast")).to_contain_text(f"{n} of 8 voted")
        expect(field).to_have_value("25000"[:n])
    for name in list(s.tokens)[5:]:  # three more vote while the value is still being typed
        s.command(s.tokens[name], {"type": "vote", "item_id": item["id"], "choice": "agree"})
    expect(card.locator(".votes-cast")).to_contain_text("8 of 8 voted")
    expect(field).to_have_value("25000")
    # The votes reached the console as small patches (docs/protocol.md), not full snapshots,
    # each applied to the state it held (no full state asked for again).
    assert room.events["state_patch"] >= 5, room.events  # a burst may go out as one
    assert room.sent_events["sync"] == 0, room.sent_events
    field.press("Tab")  # leaving the field saves it
    for _ in range(50):
        if s.state()["fields"]["targets"]["average_deal_size"] == 25000:
            break
        console.wait_for_timeout(100)
    assert s.state()["fields"]["targets"]["average_deal_size"] == 25000
    expect(field).to_have_value("25000")
    room.check(console, "typing-while-voting")
    room.assert_clean()


def test_an_edit_after_votes_shows_edited_vote_again(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "definitions"})
    item = s.items("mql")[0]
    for token in s.tokens.values():
        s.command(token, {"type": "vote", "item_id": item["id"], "choice": "agree"})
    s.fac({"type": "reveal", "item_id": item["id"]})
    s.fac({"type": "decide", "item_id": item["id"], "outcome": "agreed"})
    console, maya = s.console(), s.delegate("Maya")
    card = console.get_by_role("article", name=item["text"], exact=True)
    expect(card.locator(".badge.status-agreed")).to_be_visible()
    card.get_by_role("button", name=re.compile(s.ui["edit"])).click()
    card.locator("textarea").fill("Asked for a demo or a price quote")
    card.get_by_role("button", name=s.ui["save"]).click()
    edited = maya.get_by_role("article", name="Asked for a demo or a price quote", exact=True)
    expect(edited.locator(".edited-badge")).to_have_text(re.compile(s.ui["edited_vote_again"]))
    expect(edited.locator(".badge.status-open")).to_be_visible()
    expect(edited.locator(".votes-cast")).to_contain_text("0 of 2 voted")
    expect(edited.locator(".consensus")).to_have_count(0)
    # Voting starts again on the new wording.
    edited.get_by_role("button", name=s.ui["agree"], exact=True).click()
    expect(edited.locator(".votes-cast")).to_contain_text("1 of 2 voted")
    room.check(maya, "edited-vote-again")
    room.assert_clean()


def test_a_removed_delegate_sees_it_and_the_token_is_dead(room):
    s = Setup(room, delegates=2)
    sofia = s.delegate("Sofia")
    expect(sofia.locator(".layout")).to_be_visible()
    me = next(p for p in s.state()["participants"] if p["name"] == "Sofia")
    s.fac({"type": "remove_participant", "participant_id": me["id"]})
    heading = sofia.get_by_role("heading", name=s.ui["removed_title"])
    expect(heading).to_be_visible()
    expect(sofia.locator(".layout")).to_have_count(0)
    expect(sofia.locator("#connection")).to_have_text(s.ui["removed"])
    room.check(sofia, "removed")
    # A reload, or the join link, says the same instead of offering a new join.
    for path in (f"/w/{s.code}", f"/w/{s.code}/join"):
        response = sofia.goto(path)
        assert response.status == 403
        expect(sofia.get_by_role("heading", level=1)).to_have_text(s.ui["removed_title"])
        expect(sofia.locator("input[name=name]")).to_have_count(0)
    # Those two 403 answers are the point here; the browser logs each of them. Under the
    # gevent server (issue 14) Chromium also logs "Invalid frame header" whenever a
    # WebSocket is closed, by either side: a defect of that server's close frame, reported
    # there, not of the removal.
    expected = ("status of 403 (FORBIDDEN)", "failed: Invalid frame header")
    room.problems = [p for p in room.problems if not any(e in p for e in expected)]
    room.assert_clean()


def test_double_clicks_count_once_and_fast_clicks_each_count(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "journey"})
    maya = s.delegate("Maya")
    # Propose, double-clicked: one item.
    form = maya.locator("form.propose")
    form.locator("textarea").fill("No follow-up after the webinar")
    form.get_by_role("button", name=re.compile(s.ui["propose"])).dblclick()
    expect(maya.get_by_role("article", name="No follow-up after the webinar")).to_be_visible()
    maya.wait_for_timeout(500)
    texts = [i["text"] for i in s.items("journey")]
    assert texts.count("No follow-up after the webinar") == 1
    # Three fast clicks on "+" are three dots.
    gap = next(i for i in s.items("journey") if i["details"].get("kind") == "gap")
    card = maya.get_by_role("article", name=gap["text"], exact=True)
    plus = card.get_by_role("button", name=s.ui["add_dot"])
    plus.click()
    plus.click()
    plus.click()
    expect(card.locator(".my-dots")).to_contain_text("●●●")
    for _ in range(50):
        mine = s.state(s.tokens["Maya"])["you"]["dots_by_item"]
        if mine.get(str(gap["id"])) == 3:
            break
        maya.wait_for_timeout(100)
    assert s.state(s.tokens["Maya"])["you"]["dots_by_item"] == {str(gap["id"]): 3}
    # Sign, double-clicked: one signature, no error.
    s.fac({"type": "finalize", "reason": "Rehearsal"})
    s.fac({"type": "goto_stage", "stage": "signoff"})
    sign = maya.get_by_role("button", name=re.compile(s.ui["sign"]))
    expect(sign).to_be_enabled(timeout=20_000)
    sign.dblclick()
    expect(maya.locator(".ok").first).to_contain_text("✔")
    maya.wait_for_timeout(500)
    expect(maya.locator(".toast")).to_have_count(0)
    assert len(s.state()["signoff"]["signatures"]) == 1
    # Reopened: the delegates are told why version 2 is not signed yet.
    s.fac({"type": "reopen"})
    expect(maya.locator(".reopened-note")).to_contain_text("version 1")
    room.assert_clean()


def test_pictures_are_never_stale_and_readable(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "funnel"})
    maya = s.delegate("Maya")
    picture = maya.locator("figure.diagram img")
    expect(picture).to_be_visible()
    first = picture.get_attribute("src")
    # An edit of the same length is a new picture with the new words.
    stage = s.items("funnel")[0]
    same_length = stage["text"][::-1]
    s.fac({"type": "edit_item", "item_id": stage["id"], "text": same_length})
    expect(picture).not_to_have_attribute("src", first)
    svg = maya.request.get(picture.get_attribute("src")).text()
    assert same_length.replace("&", "&amp;") in svg
    # A delegate's new stage is not drawn before the group has voted on it.
    s.command(s.tokens["Sofia"], {"type": "propose", "section": "funnel", "text": "Event lead"})
    expect(maya.get_by_role("article", name="Event lead")).to_be_visible()
    assert "Event lead" not in maya.request.get(picture.get_attribute("src")).text()
    # A language switch is a new picture too.
    before = picture.get_attribute("src")
    maya.locator(".lang-inline select").select_option("nl")
    expect(maya.locator("figure.diagram img")).to_have_attribute("src", re.compile("lang=nl"))
    assert maya.locator("figure.diagram img").get_attribute("src") != before
    # The journey map at laptop width: its smallest text (10 px) stays at least 9 px.
    s.fac({"type": "goto_stage", "stage": "journey"})
    journey = maya.locator("figure.diagram-journey img")
    expect(journey).to_be_visible()
    maya.wait_for_function(
        "() => { const i = document.querySelector('figure.diagram-journey img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    scale = maya.evaluate(
        "() => { const i = document.querySelector('figure.diagram-journey img');"
        " return i.getBoundingClientRect().width / i.naturalWidth; }"
    )
    assert scale * 10 >= 9, f"journey text drawn at {scale * 10:.1f}px"
    room.check(maya, "journey-readable")
    room.assert_clean()


def test_second_screen_own_link_and_a_read_only_projector(room):
    s = Setup(room, delegates=2)
    console = s.console()
    console.get_by_role("button", name=s.ui["show_my_link"]).click()
    link = console.locator(".second-screen a.link-text").first
    expect(link).to_have_attribute("href", re.compile(r"/facilitate\?key="))
    qr = console.get_by_role("img", name=s.ui["my_link_qr"])
    expect(qr).to_be_visible()
    console.wait_for_function(
        "() => { const i = document.querySelector('.second-screen img.qr');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    room.check(console, "second-screen")
    # The second machine signs in with the link and gets the console.
    laptop = room.open("facilitator-laptop", link.get_attribute("href"))
    expect(laptop.locator(".layout.is-facilitator")).to_be_visible()
    # The projector link needs no rights and follows the room.
    console.get_by_role("button", name=s.ui["make_projector_link"]).click()
    projector_link = console.locator(".second-screen a.link-text").last
    expect(projector_link).to_have_attribute("href", re.compile(r"/present\?view="))
    beamer = room.open("projector", projector_link.get_attribute("href"),
                       viewport={"width": 1920, "height": 1080})  # fmt: skip
    strings = strings_of(beamer)
    expect(beamer.locator(".present h1")).to_have_text(strings["stages"]["lobby"]["title"])
    s.fac({"type": "goto_stage", "stage": "funnel"})
    expect(beamer.locator(".present h1")).to_have_text(strings["stages"]["funnel"]["title"])
    expect(beamer.locator("figure.diagram img")).to_be_visible()
    beamer.wait_for_function(
        "() => { const i = document.querySelector('figure.diagram img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    expect(beamer.locator("button")).to_have_count(0)  # nothing to press
    room.check(beamer, "projector-link")
    room.assert_clean()


def test_the_half_day_plan_the_clock_and_the_open_items_warning(room):
    s = Setup(room, delegates=2)
    console = s.console()
    plan = console.locator(".agenda-plan")
    expect(plan).to_contain_text("3:50")  # the default agenda: 3 h 50 with two breaks
    expect(plan.locator("tr.agenda-break")).to_have_count(2)
    definitions = strings_of(console)["stages"]["definitions"]["title"]
    field = plan.get_by_label(re.compile(re.escape(definitions)))
    field.fill("40")
    field.press("Tab")
    expect(plan).to_contain_text("4:05")
    expect(plan.locator(".warning")).to_be_visible()  # over the half-day
    room.check(console, "agenda-plan")
    console.get_by_role("button", name=re.compile(s.ui["next"])).click()
    expect(console.locator(".workshop-clock")).to_be_visible()
    expect(console.locator(".next-warning")).to_be_visible()
    # The timer suggests what is left of the stage's plan (20 minutes for the funnel).
    expect(console.locator(".timer-controls input[type=number]")).to_have_value("20")
    room.check(console, "clock-and-warning")
    room.assert_clean()


SMALLEST_FONT = """() => {
  let min = 1e9, where = "";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest(".visually-hidden, script, template")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right < 0 || box.bottom < 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const size = parseFloat(style.fontSize);
    if (size < min) {
      min = size;
      where = `${el.tagName.toLowerCase()}.${el.className}: ${node.textContent.slice(0, 40)}`;
    }
  }
  return { min, where };
}"""


def test_the_quick_list_by_keyboard_and_the_projector_spotlight(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "definitions"})
    maya = s.delegate("Maya")
    mql = s.items("mql")
    stage_open = sum(
        1
        for i in s.state()["items"]
        if i["section"] in ("mql", "sql", "disqualification", "opportunity")
    )
    progress = maya.locator(".own-progress")
    expect(progress).to_contain_text(f"{stage_open} of {stage_open}")
    section = maya.locator("section.item-section").first
    section.get_by_role("button", name=s.ui["view_list"]).click()
    rows = section.locator("li.quick-row")
    expect(rows).to_have_count(len(mql))
    rows.first.focus()
    maya.keyboard.press("1")  # agree, and the focus moves on
    expect(rows.nth(1)).to_be_focused()
    maya.keyboard.press("3")  # disagree
    expect(rows.nth(2)).to_be_focused()
    maya.keyboard.press("ArrowUp")
    expect(rows.nth(1)).to_be_focused()
    expect(progress).to_contain_text(f"{stage_open - 2} of {stage_open}")
    mine = s.state(s.tokens["Maya"])["you"]["vote_by_item"]
    assert mine == {str(mql[0]["id"]): "agree", str(mql[1]["id"]): "disagree"}
    room.check(maya, "quick-list")
    # The facilitator puts the first item on the projector: large, live count, result.
    console = s.console()
    card = console.get_by_role("article", name=mql[0]["text"], exact=True)
    card.get_by_role("button", name=re.compile(s.ui["spotlight_on"])).click()
    path = s.fac({"type": "create_projector_link"})["projector_path"]
    beamer = room.open("projector", path, viewport={"width": 1920, "height": 1080})
    expect(beamer.locator(".spotlight-text")).to_have_text(mql[0]["text"])
    expect(beamer.locator(".spotlight-count")).to_contain_text("1 of 2 voted")
    s.command(s.tokens["Sofia"], {"type": "vote", "item_id": mql[0]["id"], "choice": "disagree"})
    expect(beamer.locator(".spotlight-count")).to_contain_text("2 of 2 voted")
    measured = beamer.evaluate(SMALLEST_FONT)
    assert measured["min"] >= 18, measured
    s.fac({"type": "reveal", "item_id": mql[0]["id"]})
    expect(beamer.locator(".spotlight .lacking")).to_contain_text("Sales")
    measured = beamer.evaluate(SMALLEST_FONT)
    assert measured["min"] >= 18, measured
    room.check(beamer, "projector-spotlight")
    # Off the projector: each section at a glance.
    s.fac({"type": "spotlight", "item_id": None})
    expect(beamer.locator(".section-progress li")).to_have_count(4)
    room.check(beamer, "projector-overview")
    room.assert_clean()


def test_the_projector_shows_the_captured_values_the_room_agreed(room):
    """At governance the room reads on the projector what the facilitator captures, as it
    changes, large enough for the back of the room."""
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "governance"})
    maya = s.delegate("Maya")
    path = s.fac({"type": "create_projector_link"})["projector_path"]
    beamer = room.open("projector", path, viewport={"width": 1920, "height": 1080})
    captured = beamer.locator(".present-captured section.captured")
    draft = s.state()["fields"]["governance"]["review_cadence"]
    expect(captured).to_contain_text(draft)
    cadence = "Every other Monday at 9:00, with both heads"
    s.fac({"type": "set_field", "section": "governance", "field": "review_cadence",
           "value": cadence})  # fmt: skip
    s.fac({"type": "set_field", "section": "governance", "field": "revision_period",
           "value": "half_year"})  # fmt: skip
    expect(captured).to_contain_text(cadence)
    expect(captured).to_contain_text(strings_of(beamer)["labels"]["half_year"])
    expect(captured).not_to_contain_text(draft)
    expect(maya.locator("section.captured")).to_contain_text(cadence)
    in_captured = SMALLEST_FONT.replace(
        "document.body", "document.querySelector('.present-captured')"
    )
    smallest = beamer.evaluate(in_captured)
    assert smallest["min"] >= 18, smallest
    room.check(beamer, "projector-captured")
    room.assert_clean()


def test_a_consent_round_leaves_only_the_contested_items(room):
    s = Setup(room)  # eight delegates: Maya in the browser, the others over the API
    s.fac({"type": "goto_stage", "stage": "definitions"})
    sql = s.items("sql")
    maya = s.delegate("Maya")
    section = maya.locator("section.item-section", has=maya.locator("#sec-sql"))
    section.get_by_role("button", name=s.ui["view_list"]).click()
    rows = section.locator("li.quick-row")
    rows.first.focus()
    for n in range(len(sql)):  # Maya agrees to every SQL criterion with the key 1
        maya.keyboard.press("1")
        expect(rows.nth(n).locator(".quick-meta")).to_contain_text("1 of 8 voted")
    others = [name for name in s.tokens if name != "Maya"]
    sales = {name for name, dept in PEOPLE if dept == "sales"}
    for item in sql[:-1]:  # the last criterion only Maya voted on
        for name in others:
            contested = item is sql[1] and name in sales
            choice = "disagree" if contested else "agree"
            assert s.command(s.tokens[name], {"type": "vote", "item_id": item["id"],
                                              "choice": choice})["ok"]  # fmt: skip
    console = s.console()
    head = console.locator("section.item-section", has=console.locator("#sec-sql"))
    head.get_by_role("button", name=s.ui["reveal_all"]).click()
    expect(head.locator(".skipped-note")).to_be_visible()
    head.get_by_role("button", name=re.compile(s.ui["agree_consented"])).click()
    status = {i["id"]: i["status"] for i in s.items("sql")}
    for _ in range(50):
        status = {i["id"]: i["status"] for i in s.items("sql")}
        if status[sql[0]["id"]] == "agreed":
            break
        console.wait_for_timeout(100)
    assert [status[i["id"]] for i in sql] == ["agreed", "revealed", "agreed", "agreed", "open"]
    contested = console.get_by_role("article", name=sql[1]["text"], exact=True)
    expect(contested.locator(".lacking")).to_contain_text("Sales")
    room.check(console, "consent-round")
    room.assert_clean()
