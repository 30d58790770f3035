"""What every page in the browser tests goes through: watched, checked by axe, measured.

Every page opened through `Room.open` is watched: a request that leaves the server's
origin, a console error, an uncaught exception or an unexpected dialog is a problem, and
a test fails on any problem. `Room.check` runs axe-core (vendored, pinned) and the layout
check on a page and saves a screenshot to tests/artifacts/screenshots/.
"""

import collections
import hashlib
import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # the npm release
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
MISSING = "Debian's chromium is not installed (apt-get install chromium)"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")


AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160),
      summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300) })),
  }));
}"""

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    // A wide table scrolls inside its own box (.table-scroll), which must fit.
    const scroller = el.closest(".table-scroll");
    if (scroller && scroller.getBoundingClientRect().right <= width + 1) continue;
    const box = el.getBoundingClientRect();
    if ((box.width && box.right > width + 1) || el.scrollWidth > width + 1) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
      wide.push(`${name} right=${Math.round(box.right)} scrollWidth=${el.scrollWidth}`);
    }
  }
  const scrollWidth = document.documentElement.scrollWidth;
  return { scrollWidth, innerWidth: width, wide: wide.slice(0, 8) };
}"""


# Table headings whose words the layout split over two lines ("Aangen|omen"): a heading is
# read at a glance and must break between words only. On a phone the document's widest
# tables still do (their cells may break anywhere so the page never scrolls sideways).
BROKEN_WORDS = """() => {
  const broken = [];
  const phone = window.innerWidth < 600;
  for (const cell of document.querySelectorAll("table th")) {
    if (!cell.getClientRects().length || (phone && cell.closest(".doc-html"))) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      // Between words, and after a hyphen or slash ("marketing-|qualified") is fine.
      for (const match of node.textContent.matchAll(/[^\\s\\-\u2010-\u2014\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
          .map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken.slice(0, 8);
}"""


class Room:
    """The browsers of one test: contexts, pages, and the problems they report."""

    def __init__(self, browser, server, name):
        self.browser, self.server, self.name = browser, server, name
        self.origin = server.url
        self.problems = []
        self.contexts = []
        self.shots = SCREENSHOTS / name
        self.shots.mkdir(parents=True, exist_ok=True)
        for old in self.shots.glob("*.png"):
            old.unlink()
        source = AXE.read_bytes()
        assert hashlib.sha256(source).hexdigest() == AXE_SHA256, f"{AXE} is not axe-core 4.14.1"
        self.axe_source = source.decode("utf-8")
        self.axe_runs = 0
        self.websockets = 0
        self.events = collections.Counter()  # Socket.IO events the pages got, by name
        self.sent_events = collections.Counter()  # and sent

    # Contexts and pages -------------------------------------------------------------------

    def context(self, who, viewport=LAPTOP, locale="en-GB", **options):
        if viewport == PHONE:
            options.setdefault("is_mobile", True)
            options.setdefault("has_touch", True)
        context = self.browser.new_context(
            base_url=self.origin,
            viewport=viewport,
            locale=locale,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda request: self._request(who, request))
        context.on("console", lambda message: self._console(who, message))
        context.on("weberror", lambda error: self.problem(f"{who}: uncaught {error.error}"))
        context.on("page", lambda page: self._page(who, page))
        self.contexts.append(context)
        return context

    def open(self, who, path="/", **options):
        """A new context with one page at `path`; returns the page."""
        page = self.context(who, **options).new_page()
        page.goto(path)
        return page

    def problem(self, text):
        self.problems.append(text)

    def _request(self, who, request):
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        if url != self.origin and not url.startswith(self.origin + "/"):
            self.problem(f"{who}: request outside the server: {request.method} {url}")

    def _page(self, who, page):
        page.on("dialog", lambda dialog: self._dialog(who, dialog))
        page.on("websocket", lambda socket: self._websocket(who, socket))

    def _websocket(self, who, socket):
        origin = "ws" + self.origin.removeprefix("http")
        if not socket.url.startswith(origin + "/"):
            self.problem(f"{who}: websocket outside the server: {socket.url}")
        self.websockets += 1
        socket.on("framereceived", lambda payload: self._count(self.events, payload))
        socket.on("framesent", lambda payload: self._count(self.sent_events, payload))

    @staticmethod
    def _count(counter, payload):
        # A Socket.IO event is an Engine.IO message "4", packet type "2", an optional ack
        # id, then ["name", ...].
        if isinstance(payload, str) and payload.startswith("42"):
            start = payload.find('["')
            if start != -1:
                counter[payload[start + 2 : payload.find('"', start + 2)]] += 1

    def _console(self, who, message):
        if message.type == "error":
            self.problem(f"{who}: console error: {message.text} ({message.location.get('url')})")

    def _dialog(self, who, dialog):
        self.problem(f"{who}: unexpected {dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts = []

    # Checks -------------------------------------------------------------------------------

    def axe(self, page, where):
        """axe-core on the page as it is now; serious and critical violations are problems.

        The app's CSP (script-src 'self') refuses `page.add_script_tag` (Playwright inserts
        the file as an inline <script>), so axe is evaluated through the DevTools protocol,
        which CSP does not govern: the page keeps its real CSP while it is checked.
        """
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe_source)
        self.axe_runs += 1
        for violation in page.evaluate(AXE_RUN):
            if violation["impact"] in BLOCKING_IMPACTS:
                nodes = "\n      ".join(
                    f"{n['target']}: {n['summary']}  {n['html']}" for n in violation["nodes"]
                )
                self.problem(
                    f"{where}: axe {violation['impact']} {violation['id']} ({violation['help']})"
                    f"\n      {nodes}"
                )

    def layout(self, page, where):
        """The page fits the viewport's width: no horizontal scrolling; no table heading
        splits a word over two lines."""
        broken = page.evaluate(BROKEN_WORDS)
        if broken:
            self.problem(f"{where}: table headings break inside words: {', '.join(broken)}")
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["innerWidth"]:
            self.problem(
                f"{where}: scrolls sideways ({found['scrollWidth']} > {found['innerWidth']}px):"
                f" {', '.join(found['wide'])}"
            )

    def shot(self, page, name, max_height=2400):
        """A screenshot from the top of the page, at most `max_height` pixels tall.

        The page is brought to the front first: Chromium throttles a background tab (the
        console, once the projector view has opened beside it) and shoots it slowly.
        """
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        page.bring_to_front()
        page.evaluate("() => window.scrollTo(0, 0)")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"]}
        clip["height"] = min(height, max_height)
        page.screenshot(
            path=str(self.shots / f"{slug}.png"), full_page=True, clip=clip, animations="disabled"
        )

    def shot_of(self, locator, name):
        """A screenshot of one part of a page (a form below the fold), scrolled into view."""
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(self.shots / f"{slug}.png"), animations="disabled")

    def check(self, page, name, shot=True, axe=True):
        """axe, layout and a screenshot: what every page in the suite goes through."""
        if axe:
            self.axe(page, name)
        self.layout(page, name)
        if shot:
            self.shot(page, name)

    def check_phone(self, page, name, axe=False):
        """The same page at phone size, then back to the laptop size."""
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            self.check(page, f"{name}-phone", axe=axe)
        finally:
            page.set_viewport_size(size)

    def assert_clean(self):
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(
            f"  - {p}" for p in self.problems
        )


def page_command(page, code, payload):
    """A command over the HTTP API with the page's own cookie, as its script would send it;
    a refusal for the pace is waited out as its Retry-After says. Returns the ack."""
    for _ in range(5):
        response = page.context.request.post(f"/api/workshops/{code}/commands", data=payload)
        if response.status != 429:
            break
        time.sleep(int(response.headers["retry-after"]))
    assert response.ok, response.text()
    return response.json()


def strings_of(page):
    """The page script's strings, in the page's language (the same the UI shows)."""
    return json.loads(page.locator("#strings").text_content())
