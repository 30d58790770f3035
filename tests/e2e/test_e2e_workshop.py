"""The whole workshop in real browsers, once in English and once in Dutch.

One facilitator and eight delegates (four marketing, four sales; one of them on a phone)
go from the home page through every stage to the signed PDF. Every page is watched for
outside requests and console errors, checked by axe and for sideways scrolling, and
photographed for a person to look at (tests/artifacts/screenshots/).
"""

import re
import time

import pytest
from playwright.sync_api import expect

from .browser import PHONE, page_command, strings_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

# name, department, how they join (the link or the code typed on the home page), device
DELEGATES = [
    ("Maya", "marketing", "link", "laptop"),
    ("Sofia", "sales", "link", "laptop"),
    ("Noor", "marketing", "code", "laptop"),
    ("Bram", "sales", "code", "phone"),
    ("Lotte", "marketing", "link", "laptop"),
    ("Priya", "sales", "code", "laptop"),
    ("Jens", "marketing", "code", "laptop"),
    ("Tom", "sales", "link", "laptop"),
]
STAGES = (
    "funnel",
    "journey",
    "goals",
    "targets",
    "definitions",
    "process",
    "kpis",
    "governance",
    "review",
    "signoff",
)
# What only the Dutch UI says, seen on the pages of the Dutch run.
DUTCH = {
    "home": "Start een workshop",
    "next": "Volgende stap",
    "lobby": "Welkom",
    "agree": "Akkoord",
    "pdf": "PDF downloaden",
}


class Workshop:
    """The pages of one run and the moves people make on them."""

    def __init__(self, room, language):
        self.room, self.language = room, language
        self.locale = "nl-NL" if language == "nl" else "en-GB"
        self.people = {}  # name -> page
        self.step = 0
        self.timings = []
        self.started = time.monotonic()

    # Strings and state ---------------------------------------------------------------------

    def load_strings(self, page):
        self.S = strings_of(page)
        self.ui = self.S["ui"]

    def title(self, stage):
        return self.S["stages"][stage]["title"]

    def state(self):
        response = self.console.context.request.get(f"/api/workshops/{self.code}/state")
        assert response.ok, response.text()
        return response.json()

    def items(self, section, **where):
        found = [i for i in self.state()["items"] if i["section"] == section]
        return [i for i in found if all(i["details"].get(k) == v for k, v in where.items())]

    def command(self, payload):
        """A facilitator command over the HTTP API, with the console's own cookie."""
        page_command(self.console, self.code, payload)

    def mark(self, label):
        self.timings.append(f"{time.monotonic() - self.started:6.1f}s  {label}")

    # Pages ----------------------------------------------------------------------------------

    @property
    def delegates(self):
        return list(self.people.values())

    def card(self, page, item):
        return page.get_by_role("article", name=item["text"], exact=True)

    def propose(self, name, section, text, fill_details):
        """A delegate proposes through the form; returns the new item once it is on the page."""
        page = self.people[name]
        form = page.locator("form.propose").filter(
            has=page.get_by_text(self.S["sections"][section])
        )
        form.locator("textarea").fill(text)
        form.locator("summary").click()
        fill_details(form)
        form.get_by_role("button", name=self.ui["propose"]).click()
        expect(page.get_by_role("article", name=text, exact=True)).to_be_visible()
        return next(i for i in self.items(section) if i["text"] == text)

    def reveal(self, item):
        """The facilitator reveals; the console shows the outcome before anything is decided."""
        card = self.card(self.console, item)
        card.get_by_role("button", name=self.ui["reveal"]).click()
        expect(card.locator(".consensus")).to_be_visible()
        return card

    def vote(self, name, item, choice):
        card = self.card(self.people[name], item)
        button = card.get_by_role("button", name=self.ui[choice], exact=True)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")

    def expect_everywhere(self, check):
        for page in [self.console, *self.delegates]:
            check(page)

    def visit(self, stage):
        """axe, layout and screenshots: the console and the projector at laptop and phone
        size, a delegate on a laptop (Maya) and one on a phone (Bram)."""
        prefix = f"{self.step:02d}-{stage}"
        self.room.check(self.console, f"{prefix}-console")
        self.room.check(self.people["Maya"], f"{prefix}-delegate")
        self.room.check(self.people["Bram"], f"{prefix}-delegate-phone")
        self.check_present(f"{prefix}-present", phone=True)
        self.room.check_phone(self.console, f"{prefix}-console")
        self.mark(stage)

    def check_present(self, name, phone=False):
        """The projector view is a tab of the facilitator's browser: back to the console after."""
        self.room.check(self.present, name)
        if phone:
            self.room.check_phone(self.present, name)
        self.console.bring_to_front()

    def goto(self, stage):
        self.step += 1
        self.console.get_by_role("button", name=self.ui["next"]).click()
        for page in [self.console, *self.delegates]:
            expect(page.locator("#stage-title")).to_have_text(self.title(stage))
        expect(self.present.locator(".present h1")).to_have_text(self.title(stage))

    # Joining -------------------------------------------------------------------------------

    def create(self):
        page = self.room.open("facilitator", "/", locale=self.locale)
        if self.language == "nl":
            expect(page.locator("#create-heading")).to_have_text(DUTCH["home"])
        self.room.check(page, "00-home")
        page.set_viewport_size(PHONE)
        self.room.check(page, "00-home-phone")
        page.set_viewport_size({"width": 1280, "height": 800})
        form = page.locator("form[action$='/workshops']")
        form.locator("input[name=title]").fill("SLA 2027")
        form.locator("input[name=facilitator_name]").fill("Fiona")
        form.locator("input[name=organisation]").fill("Acme B.V.")
        form.locator(f"input[name=language][value={self.language}]").check()
        form.locator("input[name=start_from][value=draft]").check()
        form.get_by_role("button").click()
        page.wait_for_url(re.compile(r"/w/[A-Z0-9]{10}$"))
        app = page.locator("#app")
        self.code = app.get_attribute("data-code")
        self.join_url = app.get_attribute("data-join-url")
        self.console = page
        self.load_strings(page)
        expect(page.locator("#connection")).to_have_text(self.ui["online"])
        if self.language == "nl":
            expect(page.locator("#stage-title")).to_have_text(DUTCH["lobby"])
            expect(page.get_by_role("button", name=DUTCH["next"])).to_be_visible()
        self.mark("created")

    def join(self, name, department, how, device, check=False):
        options = {"locale": self.locale}
        if device == "phone":
            options["viewport"] = PHONE
        if how == "link":
            page = self.room.open(name, self.join_url, **options)
        else:
            page = self.room.open(name, "/", **options)
            typed = f"{self.code[:5]}-{self.code[5:]}".lower()  # as people type it
            page.locator("input[name=code]").fill(typed)
            page.locator("form[action$='/join']").get_by_role("button").click()
            page.wait_for_url(re.compile(rf"/w/{self.code}/join$"))
        if check:
            self.room.check(page, f"00-join-{device}")
        form = page.locator("main form")
        form.locator("input[name=name]").fill(name)
        form.locator(f"input[name=department][value={department}]").check()
        form.get_by_role("button").click()
        page.wait_for_url(re.compile(rf"/w/{self.code}$"))
        expect(page.locator("#app")).to_have_attribute("data-view", "participant")
        expect(page.locator("#connection")).to_have_text(self.ui["online"])
        self.people[name] = page

    # The stages ----------------------------------------------------------------------------

    def lobby(self):
        for name, department, how, device in DELEGATES:
            self.join(name, department, how, device, check=name in ("Maya", "Bram"))
        expect(self.console.locator(".people-list > li")).to_have_count(9)
        for name in ("Maya", "Sofia", "Noor", "Bram", "Lotte", "Priya"):
            self.people[name].get_by_role("button", name=self.ui["i_am_ready"]).click()
        ready = self.ui["group_ready"].replace("%(n)s", "6").replace("%(total)s", "8")
        expect(self.console.locator(".big-count")).to_have_text(ready)
        expect(self.people["Tom"].locator(".big-count")).to_have_text(ready)
        # The projector view opens from the console in a new tab.
        self.step = 1
        with self.console.context.expect_page() as opened:
            self.console.get_by_role("link", name=self.ui["present"]).click()
        self.present = opened.value
        expect(self.present.locator("#app")).to_have_attribute("data-view", "present")
        expect(self.present.locator(".join-code")).to_have_text(f"{self.code[:5]}-{self.code[5:]}")
        self.visit("lobby")

    def funnel(self):
        self.goto("funnel")
        # The timer: the facilitator starts it, everyone sees it count down.
        controls = self.console.locator(".timer-controls")
        controls.get_by_label(self.ui["minutes_short"]).fill("2")
        controls.get_by_role("button", name=self.ui["start_timer"]).click()
        for page in [*self.delegates, self.present]:
            expect(page.get_by_role("timer")).to_have_text(re.compile(r"0[12]:\d\d"))
        # Maya proposes a stage with details; four people vote; the facilitator reveals.
        maya = self.people["Maya"]
        item = self.propose(
            "Maya",
            "funnel",
            "Event lead: scanned badge at a trade fair",
            lambda form: form.get_by_label(self.S["labels"]["volume"]).fill("120"),
        )
        assert item["details"] == {"volume": 120}
        self.expect_everywhere(lambda page: expect(self.card(page, item)).to_be_visible())
        for name, choice in (
            ("Maya", "agree"),
            ("Sofia", "disagree"),
            ("Noor", "agree"),
            ("Bram", "disagree"),
        ):
            self.vote(name, item, choice)
        card = self.card(self.console, item)
        expect(card.locator(".votes-cast")).to_contain_text("4")
        expect(card.locator(".votes-cast")).to_contain_text("Tom")  # who has not voted yet
        self.reveal(item)
        for page in (self.people["Tom"], self.console):
            expect(self.card(page, item).locator(".consensus")).to_have_text(
                re.compile(self.ui["consensus_no_consent"])
            )
        expect(self.present.locator(".present-items article")).to_have_count(1)
        self.check_present(f"{self.step:02d}-funnel-present-revealed")
        card.get_by_role("button", name=self.ui["decide_reject"]).click()
        expect(self.card(maya, item).locator(".badge").first).to_contain_text(
            self.ui["status_rejected"]
        )
        self.visit("funnel")

    def journey(self):
        self.goto("journey")
        gaps = self.items("journey", kind="gap") + self.items("journey", kind="moment")
        # Dot voting: three delegates spend their dots on the gaps and moments that matter.
        plan = {"Maya": [0, 0, 3], "Sofia": [0, 3, 4], "Bram": [1, 1, 0]}
        add = self.S["ui"]["add_dot"]
        for name, picks in plan.items():
            page = self.people[name]
            for index in picks:
                card = self.card(page, gaps[index])
                before = card.locator(".my-dots").text_content().count("●")
                card.get_by_role("button", name=add).click()
                expect(card.locator(".my-dots")).to_contain_text("●" * (before + 1))
            # every dot is spent: no card offers another one
            expect(page.get_by_role("button", name=add, disabled=False)).to_have_count(0)
        dots = self.S["plurals"]["dots"]["other"].replace("%(n)s", "4")
        expect(self.card(self.console, gaps[0]).locator(".dots-badge")).to_contain_text(dots)
        expect(self.card(self.people["Tom"], gaps[0]).locator(".dots-badge")).to_contain_text(dots)
        self.visit("journey")

    def goals(self):
        self.goto("goals")
        blocked, shared = self.items("goals")[:2]
        # A vote with a block: no consent, so agreeing needs a reason.
        for name, choice in (
            ("Maya", "agree"),
            ("Sofia", "block"),
            ("Noor", "agree"),
            ("Bram", "agree"),
        ):
            self.vote(name, blocked, choice)
        # Everyone votes on the second goal: consent of both departments.
        for name in self.people:
            self.vote(name, shared, "agree")
        everyone = self.ui["everyone_voted"]
        expect(self.card(self.console, shared).locator(".votes-cast")).to_contain_text(everyone)
        card = self.reveal(blocked)
        expect(self.card(self.people["Priya"], blocked).locator(".consensus")).to_have_text(
            re.compile(self.ui["consensus_blocked"])
        )
        card.get_by_role("button", name=self.ui["decide_agree"]).click()
        reason = card.get_by_label(self.ui["reason"])
        expect(reason).to_be_focused()
        reason.fill("Sofia's worry about the quarter is covered by the margin goal")
        reason.press("Enter")
        for page in (self.people["Sofia"], self.console):
            expect(self.card(page, blocked).locator(".reason")).to_contain_text("margin goal")
            expect(self.card(page, blocked).locator(".badge").first).to_contain_text(
                self.ui["status_agreed"]
            )
        card = self.reveal(shared)
        expect(card.locator(".consensus")).to_have_text(re.compile(self.ui["consensus_consent"]))
        card.get_by_role("button", name=self.ui["decide_agree"]).click()
        expect(self.card(self.people["Jens"], shared).locator(".badge").first).to_contain_text(
            self.ui["status_agreed"]
        )
        self.visit("goals")

    def targets(self):
        self.goto("targets")
        priya = self.people["Priya"]
        won = priya.locator(".reverse-funnel tbody tr").last.locator("td")
        expect(won).to_have_text("10")
        revenue = self.console.locator("#field-targets-revenue_target")
        revenue.fill("4800000")
        revenue.press("Tab")
        # The delegate's reverse funnel follows live: twice the revenue, twice the customers.
        expect(won).to_have_text("20")
        expect(priya.locator(".reverse-funnel")).to_contain_text(re.compile(r"400[.,]000"))
        reps = self.console.locator("#field-targets-sales_reps")
        reps.fill("1")
        reps.press("Tab")
        warning = priya.locator(".reverse-funnel .warning")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("280")
        self.visit("targets")
        reps.fill("6")
        reps.press("Tab")
        expect(warning).to_be_hidden()
        expect(priya.locator(".reverse-funnel .ok")).to_be_visible()

    def definitions(self):
        self.goto("definitions")
        mql = self.items("mql")[0]
        self.vote("Noor", mql, "disagree")
        self.vote("Maya", mql, "agree")
        # Noor reloads in the middle of the vote: same person, her vote still hers.
        noor = self.people["Noor"]
        noor.reload()
        expect(noor.locator("#connection")).to_have_text(self.ui["online"])
        card = self.card(noor, mql)
        expect(card.get_by_role("button", name=self.ui["disagree"], exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(card).to_contain_text(
            self.ui["your_vote"].replace("%(choice)s", self.ui["disagree"])
        )
        expect(noor.locator(".people-list > li")).to_have_count(9)
        expect(noor.locator(".people-list .person-name", has_text="Noor")).to_have_count(1)
        expect(self.console.locator(".people-list .person-name", has_text="Noor")).to_have_count(1)
        expect(self.console.locator(".people-list > li")).to_have_count(9)
        expect(self.card(self.console, mql).locator(".votes-cast")).to_contain_text("2")
        for name, choice in (("Sofia", "disagree"), ("Bram", "disagree"), ("Tom", "abstain")):
            self.vote(name, mql, choice)
        console_card = self.reveal(mql)
        expect(self.card(noor, mql).locator(".consensus")).to_have_text(
            re.compile(self.ui["consensus_no_consent"])
        )
        console_card.get_by_role("button", name=self.ui["decide_reject"]).click()
        expect(self.card(noor, mql).locator(".badge").first).to_contain_text(
            self.ui["status_rejected"]
        )
        sql = self.items("sql")[0]
        for name in ("Lotte", "Priya", "Jens", "Tom"):
            self.vote(name, sql, "agree")
        self.visit("definitions")

    def process(self):
        self.goto("process")
        hours = self.console.locator("#field-process-accept_hours")
        hours.fill("12")
        hours.press("Tab")
        lotte = self.people["Lotte"]
        label = lotte.locator(".captured dt", has_text=self.S["labels"]["accept_hours"])
        expect(label.locator("xpath=following-sibling::dd")).to_have_text("12")
        tom = self.people["Tom"]
        item = self.propose(
            "Tom",
            "process",
            "Sales calls every demo request back within one hour",
            lambda form: form.get_by_label(self.S["labels"]["owner"]).select_option("sales"),
        )
        assert item["details"] == {"owner": "sales"}
        for name in ("Tom", "Maya", "Priya", "Jens"):
            self.vote(name, item, "agree")
        card = self.reveal(item)
        card.get_by_role("button", name=self.ui["decide_agree"]).click()
        expect(self.card(tom, item).locator(".badge").first).to_contain_text(
            self.ui["status_agreed"]
        )
        self.visit("process")

    def kpis(self):
        self.goto("kpis")
        kpi = self.items("kpis")[0]
        for name, choice in (("Maya", "agree"), ("Sofia", "agree"), ("Lotte", "disagree")):
            self.vote(name, kpi, choice)
        card = self.reveal(kpi)
        lotte = self.card(self.people["Lotte"], kpi)
        expect(lotte.locator(".consensus")).to_have_text(
            re.compile(self.ui["consensus_no_consent"])
        )
        self.visit("kpis")
        # Rejected, then put to the vote again: the votes are gone, Lotte can vote anew.
        card.get_by_role("button", name=self.ui["decide_reject"]).click()
        card.get_by_role("button", name=self.ui["reopen_item"]).click()
        expect(lotte.locator(".votes-cast")).to_contain_text(
            self.ui["votes_cast"].replace("%(n)s", "0").replace("%(total)s", "8")
        )
        self.vote("Lotte", kpi, "agree")

    def governance(self):
        self.goto("governance")
        cadence = self.console.locator("#field-governance-review_cadence")
        cadence.fill("Every other week during the first quarter, then monthly")
        cadence.press("Tab")
        expect(self.people["Jens"].locator(".captured")).to_contain_text("Every other week")
        rung = self.items("escalation")[0]
        for name in ("Noor", "Bram", "Jens", "Sofia"):
            self.vote(name, rung, "agree")
        timer = self.console.locator(".timer-controls")
        timer.get_by_role("button", name=self.ui["stop_timer"]).click()
        expect(self.people["Maya"].get_by_role("timer")).to_have_count(0)
        self.visit("governance")

    def review(self):
        self.goto("review")
        open_items = [i for i in self.state()["items"] if i["status"] in ("open", "revealed")]
        expect(self.people["Maya"].locator(".review > .warning")).to_be_visible()
        # The facilitator settles the rest of the draft (over the API, to keep the run short).
        for item in open_items:
            self.command(
                {
                    "type": "decide",
                    "item_id": item["id"],
                    "outcome": "agreed",
                    "reason": "Accepted from the draft in the review",
                }
            )
        # Thirty-odd snapshots in a few seconds to ten pages on two shared cores: give the
        # last one time to arrive and render.
        # Every item decided: ready for sign-off, or (open points left in the document, which
        # sign-off finalizes with a reason) "every item is decided" beside a warning.
        decided = (re.escape(self.ui["review_ready"]), re.escape(self.ui["review_items_decided"]))
        expect(self.people["Maya"].locator(".review > .ok")).to_have_text(
            re.compile("|".join(decided)), timeout=20_000
        )
        self.visit("review")
        self.download_pdf("Maya", self.people["Maya"], "draft")

    def signoff(self):
        self.goto("signoff")
        sign = self.ui["sign"]
        tom = self.people["Tom"]
        expect(tom.get_by_role("button", name=sign)).to_have_count(0)  # nothing to sign yet
        # What the readiness check still finds open is finalized with a reason, which the
        # document records with the points as actions.
        open_points = self.state()["readiness"]["open_points"]
        self.console.get_by_role("button", name=self.ui["finalize"]).click()
        if open_points:
            form = self.console.locator("form.finalize-form")
            form.get_by_label(self.ui["finalize_reason"]).fill("Settled in the first review")
            form.get_by_role("button", name=self.ui["finalize_confirm"]).click()
        for page in self.delegates:
            page.get_by_role("button", name=sign).click()
            expect(page.get_by_role("button", name=sign)).to_have_count(0)
            expect(page.locator(".signoff .ok").first).to_be_visible()
        expect(self.console.locator(".signoff")).to_contain_text(self.ui["all_signed"])
        expect(tom.locator(".signoff")).to_contain_text(self.ui["all_signed"])
        self.visit("signoff")
        self.download_pdf("facilitator", self.console, "final")
        self.download_pdf("Priya", self.people["Priya"], "final")

    def download_pdf(self, who, page, kind):
        """The Download PDF button gives a PDF file (draft before sign-off, final after)."""
        button = page.get_by_role("button", name=self.ui["export_pdf"])
        if self.language == "nl":
            expect(button).to_have_text(DUTCH["pdf"])
        with page.expect_download(timeout=60_000) as download:
            button.click()
        name = download.value.suggested_filename
        assert name.endswith(".pdf") and ("draft" in name) == (kind == "draft"), name
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-", f"{who}'s download is not a PDF"
        expect(button).to_be_enabled()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_whole_workshop(room, language):
    workshop = Workshop(room, language)
    try:
        workshop.create()
        workshop.lobby()
        for stage in STAGES:
            getattr(workshop, stage)()
            if language == "nl" and stage == "funnel":
                agree = workshop.people["Sofia"].get_by_role("button", name=DUTCH["agree"])
                expect(agree.first).to_be_visible()
        workshop.mark(f"done, {room.axe_runs} axe runs")
    finally:
        (room.shots / "timings.txt").write_text("\n".join(workshop.timings) + "\n")
    room.assert_clean()
