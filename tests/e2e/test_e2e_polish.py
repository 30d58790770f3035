"""The UI review's findings in real browsers: the review stage says what is left, the counts
of a stage agree on every screen, a decided item's missing support without "yet", numbers
in the reader's language, agreed-value boxes as tall as their text, the open points in full.

Set up over the HTTP API like test_e2e_room.py (its `Setup`); the pages that matter are real.
"""

import re

import pytest
from playwright.sync_api import expect

from .browser import PHONE, strings_of
from .test_e2e_room import Setup

pytestmark = [pytest.mark.browser, pytest.mark.server]

REASON = "Settled in the polish test"


def fill(text, **params):
    return re.sub(r"%\((\w+)\)s", lambda m: str(params[m.group(1)]), text)


def projector(s, **options):
    path = s.fac({"type": "create_projector_link"})["projector_path"]
    return s.room.open("projector", path, viewport={"width": 1920, "height": 1080}, **options)


def detail(page, card, name):
    """The value of one detail of an item card, by its label."""
    return card.locator("dl.details > div", has=page.locator("dt", has_text=name)).locator("dd")


def captured(page, name):
    """A captured value in the read-only "Agreed values" card, by its label."""
    row = page.locator("section.captured dl.details > div", has=page.locator("dt", has_text=name))
    return row.locator("dd")


def test_numbers_are_written_in_the_readers_language(room):
    s = Setup(room, language="nl", delegates=2)
    assert s.command(s.tokens["Sofia"], {"type": "set_language", "language": "en"})["ok"]
    s.fac({"type": "goto_stage", "stage": "funnel"})
    inquiry = next(i for i in s.items("funnel") if i["details"].get("volume") == 1000)
    maya, sofia = s.delegate("Maya"), s.delegate("Sofia")
    for page, volume, conversion in ((maya, "1.000", "15%"), (sofia, "1,000", "15%")):
        labels = strings_of(page)["labels"]
        card = page.get_by_role("article", name=inquiry["text"], exact=True)
        expect(detail(page, card, labels["volume"])).to_have_text(volume)
        expect(detail(page, card, labels["conversion"])).to_have_text(conversion)
    # Agreed money values in the workshop's currency, as the document writes them.
    s.fac({"type": "goto_stage", "stage": "targets"})
    beamer = projector(s)
    for page, revenue, deal in (
        (maya, r"^€\s2\.400\.000$", r"^€\s20\.000$"),
        (beamer, r"^€\s2\.400\.000$", r"^€\s20\.000$"),
        (sofia, r"^€2,400,000$", r"^€20,000$"),
    ):
        labels = strings_of(page)["labels"]
        expect(captured(page, labels["revenue_target"])).to_have_text(re.compile(revenue))
        expect(captured(page, labels["average_deal_size"])).to_have_text(re.compile(deal))
        expect(captured(page, labels["sales_reps"])).to_have_text("6")
    room.check(beamer, "numbers-projector")
    # What the facilitator edits stays a plain number.
    console = s.console()
    expect(console.locator("#field-targets-revenue_target")).to_have_value("2400000")
    room.assert_clean()


def test_counts_agree_and_a_decided_item_lacks_support_without_yet(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "journey"})
    journey = s.items("journey")
    n = sum(1 for i in journey if i["status"] == "open")
    assert n == len(journey) and any(i["details"].get("kind") == "phase" for i in journey)
    console, maya, beamer = s.console(), s.delegate("Maya"), projector(s)
    plurals = strings_of(console)["plurals"]
    expect(console.locator("#next-warning")).to_contain_text(
        fill(plurals["next_open_items"]["other"], n=n)
    )
    expect(maya.locator(".own-progress")).to_contain_text(f"{n} of {n}")
    # The projector counts the journey's phases as well.
    expect(beamer.locator(".section-progress .sp-counts")).to_have_text(
        fill(s.ui["progress_counts"], agreed=0, revealed=0, open=n, total=n)
    )
    # Marketing agrees, sales does not: revealed, sales has given no support "yet" ...
    item = journey[-1]
    assert s.command(s.tokens["Maya"], {"type": "vote", "item_id": item["id"],
                                        "choice": "agree"})["ok"]  # fmt: skip
    assert s.command(
        s.tokens["Sofia"], {"type": "vote", "item_id": item["id"], "choice": "disagree"}
    )["ok"]
    s.fac({"type": "reveal", "item_id": item["id"]})
    sales = strings_of(maya)["labels"]["sales"]
    waiting = fill(s.ui["lacking_support"], departments=sales)
    card = maya.get_by_role("article", name=item["text"], exact=True)
    expect(card.locator(".lacking")).to_have_text(waiting)
    expect(beamer.locator(".section-progress .sp-counts")).to_have_text(
        fill(s.ui["progress_counts"], agreed=0, revealed=1, open=n - 1, total=n)
    )
    # ... and once it is decided, no "yet": there is no later.
    s.fac({"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": REASON})
    decided = fill(s.ui["lacking_support_decided"], departments=sales)
    for page in (maya, console):
        card = page.get_by_role("article", name=item["text"], exact=True)
        expect(card.locator(".badge").first).to_contain_text(s.ui["status_agreed"])
        expect(card.locator(".lacking")).to_have_text(decided)
    assert decided != waiting
    expect(console.locator("#next-warning")).to_contain_text(
        fill(plurals["next_open_items"]["other"], n=n - 1)
    )
    expect(maya.locator(".own-progress")).to_contain_text(f"{n - 1} of {n - 1}")
    expect(beamer.locator(".section-progress .sp-counts")).to_have_text(
        fill(s.ui["progress_counts"], agreed=1, revealed=0, open=n - 1, total=n)
    )
    room.assert_clean()


FITS = "(e) => e.scrollHeight <= e.clientHeight + 1"


def test_agreed_value_boxes_are_as_tall_as_their_text(room):
    s = Setup(room, delegates=1)
    s.fac({"type": "goto_stage", "stage": "process"})
    long_text = " ".join(["Marketing and sales share one revenue goal for the quarter."] * 3)
    s.fac({"type": "set_field", "section": "process", "field": "handoff_method",
           "value": long_text})  # fmt: skip
    s.fac({"type": "set_field", "section": "process", "field": "recycling", "value": "Short."})
    s.fac({"type": "set_field", "section": "process", "field": "crm_fields",
           "value": "word " * 390})  # fmt: skip
    console = s.console()
    handoff = console.locator("#field-process-handoff_method")
    expect(handoff).to_have_value(long_text)
    rows = int(handoff.get_attribute("rows"))
    assert 3 <= rows <= 8 and handoff.evaluate(FITS), rows
    short = console.locator("#field-process-recycling")
    assert short.get_attribute("rows") == "2" and short.evaluate(FITS)
    # Beyond eight rows the box stops growing and scrolls.
    huge = console.locator("#field-process-crm_fields")
    assert huge.get_attribute("rows") == "8" and not huge.evaluate(FITS)
    # Typing grows the box, and a snapshot arriving meanwhile loses nothing.
    short.click()
    short.press("End")
    added = " Every lead that is not ready goes back to marketing with a reason." * 3
    short.type(added[:100])
    item = s.items("process")[0]
    assert s.command(s.tokens["Maya"], {"type": "vote", "item_id": item["id"],
                                        "choice": "agree"})["ok"]  # fmt: skip
    card = console.get_by_role("article", name=item["text"], exact=True)
    expect(card.locator(".votes-cast")).to_contain_text("1 of 1")
    short.type(added[100:])
    expect(short).to_have_value("Short." + added)
    assert int(short.get_attribute("rows")) >= 3 and short.evaluate(FITS)
    short.press("Tab")  # leaving the field saves it
    for _ in range(50):
        if s.state()["fields"]["process"]["recycling"] == "Short." + added:
            break
        console.wait_for_timeout(100)
    assert s.state()["fields"]["process"]["recycling"] == "Short." + added
    # At phone width the same text takes more rows, and still fits.
    console.set_viewport_size(PHONE)
    console.wait_for_function(
        "() => { const e = document.getElementById('field-process-handoff_method');"
        " return e.scrollHeight <= e.clientHeight + 1; }"
    )
    assert int(handoff.get_attribute("rows")) > rows
    room.check(console, "agreed-values-phone")
    room.assert_clean()


def test_review_says_what_is_left_and_shows_the_open_points_in_full(room):
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "review"})
    console = s.console()
    # The untouched draft: many points, which scroll in their box.
    expect(console.locator(".open-points-scroll.long")).to_be_visible()
    for item in s.state()["items"]:
        s.fac({"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": REASON})
    # A revenue target the agreed MQL goals no longer meet: two open points in the document.
    s.fac({"type": "set_field", "section": "targets", "field": "revenue_target",
           "value": 4_800_000})  # fmt: skip
    points = len(s.state()["readiness"]["open_points"])
    assert points == 2
    maya = s.delegate("Maya")
    plurals = strings_of(maya)["plurals"]
    for page in (maya, console):
        expect(page.locator(".review > .ok")).to_have_text(f"✔ {s.ui['review_items_decided']}")
        expect(page.locator(".review > .warning")).to_have_text(
            "⚠ " + fill(plurals["review_open_points"]["other"], n=points)
        )
        expect(page.get_by_text(s.ui["review_ready"])).to_have_count(0)
    room.check(maya, "review-points-left")
    # The facilitator's list shows every point in full, on a laptop and on a phone.
    box = console.locator(".open-points-scroll")
    expect(box.locator("li")).to_have_count(points)
    expect(console.locator(".open-points-scroll.long")).to_have_count(0)
    for size in (None, PHONE):
        if size:
            console.set_viewport_size(size)
        assert box.evaluate(FITS)
        bottom = box.evaluate("(e) => e.getBoundingClientRect().bottom")
        for text in box.locator(".open-point-text").all():
            expect(text).to_be_visible()
            assert text.evaluate("(e) => e.getBoundingClientRect().bottom") <= bottom
    room.check(console, "review-open-points-phone")
    # Settled: now, and only now, ready for sign-off.
    s.fac({"type": "set_field", "section": "targets", "field": "revenue_target",
           "value": 2_400_000})  # fmt: skip
    for page in (maya, console):
        expect(page.locator(".review > .ok")).to_have_text(f"✔ {s.ui['review_ready']}")
        expect(page.locator(".review > .warning")).to_have_count(0)
    room.assert_clean()


def test_a_linked_kpi_shows_one_target_and_follows_the_figures(room):
    """A KPI whose measure the SLA computes has one target on its card, the one the
    document prints and the dashboard measures, with the group's wording beneath it."""
    s = Setup(room, delegates=2)
    s.fac({"type": "goto_stage", "stage": "kpis"})
    kpi = next(i for i in s.items("kpis") if i["details"].get("measure") == "mqls")
    maya = s.delegate("Maya")
    labels = strings_of(maya)["labels"]
    card = maya.get_by_role("article", name=kpi["text"], exact=True)
    exactly = re.compile(rf"^{re.escape(labels['target'])}$")
    target = card.locator("dl.details > div", has=maya.locator("dt", has_text=exactly))
    expect(target).to_have_count(1)
    target = target.locator("dd")
    expect(card.locator("dt", has_text=labels["target_value"])).to_have_count(0)
    expect(target.locator("strong")).to_have_text("≥ 140 a month")
    expect(target).to_contain_text(fill(s.ui["target_worded"], wording=kpi["details"]["target"]))
    # Twice the revenue: twice the MQLs, on the card at once.
    revenue = s.state()["fields"]["targets"]["revenue_target"]
    s.fac({"type": "set_field", "section": "targets", "field": "revenue_target",
           "value": revenue * 2})  # fmt: skip
    expect(target.locator("strong")).to_have_text("≥ 280 a month")
    room.check(maya, "linked-kpi")
    room.assert_clean()
