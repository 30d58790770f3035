"""Read before signing, in real browsers, once in English and once in Dutch.

A facilitator and two delegates (one marketing, one sales) and the projector view. At review
the facilitator sees the open points of the readiness check and the document in the page;
Finalize with open points asks for a reason (a double click sends one command). At sign-off
each delegate reads the document, sees the hash they sign above the Sign button, and signs.
After a reopen, the parts that changed are labelled. Every page is checked by axe and for
sideways scrolling and photographed (tests/artifacts/screenshots/<test>/).
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from .browser import page_command, strings_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
HOSTILE = "<img src=x onerror=\"window.__pwned = 'doc'\"> **bold** [link](javascript:alert(1))"
REASON = "The group agreed to settle the open points in the first monthly review."
DUTCH = {"document_title": "Het SLA-document", "contents": "Inhoud"}

FONT_SIZE = "(el) => parseFloat(getComputedStyle(el).fontSize)"
TOP = "(el) => el.getBoundingClientRect().top + window.scrollY"


def fill(text, **params):
    """A page string with its %(name)s placeholders filled, as the page script does."""
    return re.sub(r"%\((\w+)\)s", lambda m: str(params[m.group(1)]), text)


class Run:
    def __init__(self, room, language):
        self.room, self.language = room, language
        self.locale = "nl-NL" if language == "nl" else "en-GB"

    def api(self, page, path):
        response = page.context.request.get(f"/api/workshops/{self.code}/{path}")
        assert response.ok, response.text()
        return response.json()

    def command(self, payload):
        return page_command(self.console, self.code, payload)

    def shot(self, page, name):
        """What the person sees first (the viewport), beside Room's full-page screenshot."""
        page.bring_to_front()
        page.screenshot(path=str(self.room.shots / f"{name}-viewport.png"), animations="disabled")

    def create(self):
        created = requests.post(
            f"{self.room.origin}/api/workshops",
            json={
                "title": "SLA 2027",
                "facilitator_name": "Fiona",
                "organisation": "Acme B.V.",
                "language": self.language,
                "start_from": "draft",
            },
            timeout=10,
        ).json()
        self.code = created["code"]
        self.console = self.room.open(
            "facilitator", created["facilitator_url"], locale=self.locale, viewport=LAPTOP
        )
        self.S = strings_of(self.console)
        self.ui = self.S["ui"]
        expect(self.console.locator("#connection")).to_have_text(self.ui["online"])
        self.delegates = {
            "Maya": self.join("Maya", "marketing"),
            "Sam": self.join("Sam", "sales"),
        }
        # The projector is a tab of the facilitator's browser, on a full-HD screen.
        self.present = self.console.context.new_page()
        self.present.set_viewport_size(PROJECTOR)
        self.present.goto(f"/w/{self.code}/present")
        expect(self.present.locator("#app")).to_have_attribute("data-view", "present")
        self.console.bring_to_front()

    def join(self, name, department):
        page = self.room.open(name, f"/w/{self.code}/join", locale=self.locale, viewport=LAPTOP)
        form = page.locator("main form")
        form.locator("input[name=name]").fill(name)
        form.locator(f"input[name=department][value={department}]").check()
        form.get_by_role("button").click()
        page.wait_for_url(re.compile(rf"/w/{self.code}$"))
        expect(page.locator("#connection")).to_have_text(self.ui["online"])
        return page

    def goto(self, stage):
        """The facilitator picks a stage in the agenda; everyone follows."""
        index = self.S["stage_order"].index(stage) + 1
        title = self.S["stages"][stage]["title"]
        self.console.locator(".agenda").get_by_role("button", name=f"{index}. {title}").click()
        self.expect_stage(stage)

    def expect_stage(self, stage):
        title = self.S["stages"][stage]["title"]
        for page in (self.console, *self.delegates.values()):
            expect(page.locator("#stage-title")).to_have_text(title)
        expect(self.present.locator(".present h1")).to_have_text(title)

    def heading(self, page, title):
        return page.locator(".sla-document").get_by_role("heading", name=title, exact=True)

    # The steps ------------------------------------------------------------------------------

    def review(self):
        # Sam proposes hostile text: it reaches the document's open points as text only.
        sam = self.delegates["Sam"]
        ack = sam.context.request.post(
            f"/api/workshops/{self.code}/commands",
            data={"type": "propose", "section": "process", "text": HOSTILE},
        ).json()
        assert ack["ok"], ack
        self.goto("review")
        state = self.api(self.console, "state")
        points = state["readiness"]["open_points"]
        assert len(points) > 1, points
        doc = self.api(self.console, "document")
        self.doc_titles = [part["title"] for part in doc["parts"]]
        self.part1 = next(t for t in self.doc_titles if t.startswith("1."))
        kpis = next(t for t in self.doc_titles if t.startswith("5."))

        # The readiness check: "N open points" in a live region, each with its owner.
        readiness = self.console.locator(".readiness")
        count = readiness.locator(".readiness-count")
        expect(count).to_have_attribute("aria-live", "polite")
        wording = fill(self.ui["open_points_n"], n=len(points))
        expect(count).to_have_text(re.compile(re.escape(wording)))
        expect(readiness.locator(".open-points > li")).to_have_count(len(points))
        first = points[0]
        owner = f"{self.S['labels']['owner']}: {self.S['labels'][first['owner']]}"
        row = readiness.locator(".open-points > li").first
        expect(row).to_contain_text(first["message"])
        expect(row).to_contain_text(owner)

        # The document in the page: every part, a table of contents that scrolls and focuses.
        for page in (self.console, *self.delegates.values()):
            expect(self.heading(page, self.part1)).to_be_visible()
            expect(page.locator(".sla-document .doc-part")).to_have_count(len(doc["parts"]))
        if self.language == "nl":
            expect(self.console.locator("#doc-title")).to_have_text(DUTCH["document_title"])
            expect(self.console.locator("#doc-toc-title")).to_have_text(DUTCH["contents"])
        maya = self.delegates["Maya"]
        maya.locator(".doc-toc").get_by_role("link", name=kpis, exact=True).click()
        expect(self.heading(maya, kpis)).to_be_focused()
        expect(self.heading(maya, kpis)).to_be_in_viewport()
        # Hostile text is shown as text in the document and never runs.
        expect(maya.locator(".sla-document")).to_contain_text("<img src=x onerror=")
        assert maya.evaluate("window.__pwned") is None
        inert = ".sla-document img[src='x'], .sla-document a[href^='javascript:']"
        assert maya.locator(inert).count() == 0
        expect(self.console.locator(".sla-document .doc-status")).to_have_text(doc["status_text"])

        # The projector shows the same document in large type, with its contents.
        expect(self.heading(self.present, self.part1)).to_be_visible()
        expect(self.present.locator(".doc-toc")).to_be_visible()
        body = self.present.locator(".sla-document .doc-html p").first
        assert body.evaluate(FONT_SIZE) >= 24, body.evaluate(FONT_SIZE)
        toc_link = self.present.locator(".doc-toc a").first
        assert toc_link.evaluate(FONT_SIZE) >= 20, toc_link.evaluate(FONT_SIZE)

        self.room.check(self.console, "01-review-console")
        self.shot(self.console, "01-review-console")
        self.room.check(maya, "01-review-delegate")
        self.room.check(self.present, "01-review-present")
        self.shot(self.present, "01-review-present")

        # "Go to" takes the facilitator to the item's stage, its card in focus.
        item_point = next(p for p in points if p.get("item_id") and p["section"] == "process")
        stages = self.S["sections_by_stage"]
        stage = next(s for s, sections in stages.items() if "process" in sections)
        row = readiness.locator(".open-points > li", has_text=item_point["message"])
        row.get_by_role("button").click()
        self.expect_stage(stage)
        expect(self.console.locator(f"#item-{item_point['item_id']}")).to_be_focused()
        self.goto("review")

    def finalize(self):
        console = self.console
        state = self.api(console, "state")
        points = state["readiness"]["open_points"]
        finalize = console.locator(".readiness").get_by_role("button", name=self.ui["finalize"])
        expect(finalize).to_have_attribute("aria-expanded", "false")
        finalize.click()
        form = console.locator("form.finalize-form")
        reason = form.get_by_label(self.ui["finalize_reason"])
        expect(reason).to_be_focused()
        expect(form.locator(".open-points > li")).to_have_count(len(points))
        self.room.check(console, "02-finalize-form", shot=False)
        form.scroll_into_view_if_needed()
        self.shot(console, "02-finalize-form")
        # An empty reason does not finalize: the field is required.
        confirm = form.get_by_role("button", name=self.ui["finalize_confirm"])
        confirm.click()
        expect(reason).to_be_focused()
        assert self.api(console, "state")["signoff"]["status"] == "open"
        reason.fill(REASON)
        confirm.dblclick()  # one finalize: the button is disabled while the command is in flight
        # Finalizing at review takes everyone to sign-off.
        self.expect_stage("signoff")
        state = self.api(console, "state")
        assert state["signoff"]["status"] == "finalized"
        self.hash = state["signoff"]["document_hash"]
        expect(console.locator(".sla-document .hash code")).to_have_text(self.hash)
        expect(console.locator(".toast")).to_have_count(0)  # no second, refused finalize
        expect(console.locator(".readiness")).to_have_count(0)
        # The reason and the open points are in the document everyone reads.
        expect(console.locator(".sla-document")).to_contain_text(REASON)
        expect(console.locator(".sla-document")).to_contain_text(points[0]["message"])

    def sign(self):
        for number, page in enumerate(self.delegates.values()):
            document = page.locator(".sla-document")
            expect(document.locator(".hash code")).to_have_text(self.hash)
            expect(self.heading(page, self.part1)).to_be_visible()
            expect(document).to_contain_text(REASON)
            card = page.locator(".sign-card")
            expect(card).to_contain_text(fill(self.ui["sign_exact"], n=1))
            expect(card.locator("code")).to_have_text(self.hash)
            button = card.get_by_role("button", name=self.ui["sign"])
            expect(button).to_be_enabled()
            # They sign what they read: the document comes before the Sign button.
            assert document.evaluate(TOP) < button.evaluate(TOP)
            if number == 0:
                self.room.check(page, "03-signoff-delegate")
                self.shot(page, "03-signoff-delegate")
                # The link in the status card leads past the document to the signature.
                page.get_by_role("link", name=self.ui["jump_to_sign"]).click()
                expect(card.get_by_role("heading", name=self.ui["sign_heading"])).to_be_focused()
                self.shot(page, "03-signoff-delegate-sign")
            button.click()
            expect(page.locator(".sign-card")).to_have_count(0)
            expect(page.locator(".signoff .ok").first).to_be_visible()
            if number == 0:  # the moment as the document writes it: to the minute
                mine = page.locator(".signoff .ok").first.text_content()
                assert re.search(r"\b20\d\d\b", mine) and re.search(r"\d:\d\d", mine), mine
                assert not re.search(r"\d:\d\d:\d\d", mine), mine
        expect(self.console.locator(".signoff")).to_contain_text(self.ui["all_signed"])
        signed = self.present.locator(".sla-document .doc-status")
        expect(signed).to_have_class(re.compile("status-signed"))
        expect(self.heading(self.present, self.part1)).to_be_visible()
        self.room.check(self.present, "04-signoff-present")
        self.shot(self.present, "04-signoff-present")
        self.room.check(self.console, "04-signoff-console")

    def reopen(self):
        """After a reopen the parts that changed since version 1 say so, with their lines."""
        self.command({"type": "reopen"})
        undecided = next(
            i for i in self.api(self.console, "state")["items"] if i["status"] == "open"
        )
        self.command(
            {
                "type": "decide",
                "item_id": undecided["id"],
                "outcome": "agreed",
                "reason": "Settled after the sign-off",
            }
        )
        maya = self.delegates["Maya"]
        label = fill(self.ui["changed_since"], n=1)
        # The first changed part with lines to show ("Changes since version 1", new in this
        # draft, is changed as a whole).
        changed = maya.locator(".doc-part.changed").filter(has=maya.locator(".change-list"))
        expect(changed.first).to_be_visible()
        expect(changed.first.locator(".change-label")).to_have_text(re.compile(re.escape(label)))
        expect(changed.first.locator(".change-list li").first).to_be_visible()
        kinds = changed.first.locator(".change-kind").all_text_contents()
        assert any(self.ui["change_added"] in k or self.ui["change_removed"] in k for k in kinds)
        expect(maya.locator(".changed-summary")).to_contain_text(
            fill(self.ui["changed_parts"], n=1)
        )
        expect(maya.locator(".sign-card")).to_have_count(0)  # open again: nothing to sign
        expect(self.console.locator(".readiness")).to_be_visible()
        self.room.check(maya, "05-reopened-delegate")
        changed.first.locator(".change-label").scroll_into_view_if_needed()
        self.shot(maya, "05-reopened-delegate")
        expect(self.present.locator(".doc-part.changed").first).to_be_visible()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_read_before_signing(room, language):
    run = Run(room, language)
    run.create()
    run.review()
    run.finalize()
    run.sign()
    run.reopen()
    room.assert_clean()
