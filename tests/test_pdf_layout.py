"""The PDF as a reader holds it: every word inside the text block, only our own fonts, the
draft watermark on every page until all have signed, and the pictures' numbers written the
way the workshop's language writes them. Poppler's pdftotext and pdffonts read the PDFs
(CI installs poppler-utils)."""

import re
import subprocess
from functools import cache

import pytest
from conftest import make_app

MM = 72 / 25.4
RIGHT_MARGIN = 20 * MM
TOLERANCE = 1  # pt
# pdffonts names an embedded font "ABCDEF+<family>[-<style>]": only static/print.css's
# families (a system fallback would read DejaVu-Sans, Liberation-Sans, ...).
OUR_FONTS = re.compile(
    r"[A-Z]{6}\+(Inter|Inter-Ext|Inter-Symbols|JetBrains-Mono)(-(Semi-Bold|Bold|Italic|Oblique))*"
)
MARK = {"en": "DRAFT", "nl": "CONCEPT"}
DELEGATES = [
    ("Anna de Vries", "marketing", "Head of Demand Generation"),
    ("Bram Jansen", "marketing", "Content Marketing Lead"),
    ("Chloé Müller", "marketing", "Marketing Operations Manager"),
    ("Daan Bakker", "marketing", "Brand Manager"),
    ("Eva van den Berg", "sales", "Sales Director"),
    ("Finn Visser", "sales", "Account Executive"),
    ("Gijs Smit", "sales", "Sales Development Representative"),
    ("Hanna Meijer", "sales", "Key Account Manager"),
]
# Words that fit no column: a long URL and a long Dutch compound.
LONG_WORDS = {
    "process": "Leads are logged in https://crm.example.com/sales/leads/incoming-marketing-"
    "qualified-leads?view=all-open-items-sorted-by-score",
    "kpis": "Klanttevredenheidsonderzoeksresultatenrapportagefrequentie per kwartaal",
}
MIXED = ["agree", "agree", "abstain", "disagree", "agree", "block", "agree", "agree"]


class Room:
    """A full workshop over the HTTP API: eight delegates, votes, every item decided."""

    def __init__(self, client, language):
        self.client = client
        created = client.post(
            "/api/workshops",
            json={
                "title": "SLA 2027",
                "facilitator_name": "Fiona",
                "language": language,
                "organisation": "Acme Industrial Solutions B.V.",
            },
        )
        assert created.status_code == 201, created.json
        self.code, self.facilitator = created.json["code"], created.json["facilitator_token"]
        self.delegates = []
        for name, department, job_title in DELEGATES:
            joined = client.post(
                f"/api/workshops/{self.code}/participants",
                json={"name": name, "department": department, "job_title": job_title},
            )
            assert joined.status_code == 201, joined.json
            self.delegates.append(joined.json["token"])

    def command(self, token, **payload):
        response = self.client.post(
            f"/api/workshops/{self.code}/commands", json=payload, headers=bearer(token)
        )
        return response.json

    def run(self, token, **payload):
        ack = self.command(token, **payload)
        assert ack["ok"], ack
        return ack

    def get(self, path):
        response = self.client.get(path, headers=bearer(self.facilitator))
        assert response.status_code == 200, response.data[:200]
        return response

    def decide_everything(self):
        for section, text in LONG_WORDS.items():
            self.run(self.facilitator, type="propose", section=section, text=text)
        items = self.get(f"/api/workshops/{self.code}/state").json["items"]
        consented = set()
        for n, item in enumerate(items[:: max(1, len(items) // 8)]):
            for k, token in enumerate(self.delegates):
                choice = "agree" if n % 2 == 0 else MIXED[(n + k) % len(MIXED)]
                self.run(token, type="vote", item_id=item["id"], choice=choice)
            self.run(self.facilitator, type="reveal", item_id=item["id"])
            if n % 2 == 0:
                consented.add(item["id"])
        journey = [i for i in items if i["details"].get("kind") in ("gap", "moment")]
        for k, token in enumerate(self.delegates):
            self.run(token, type="place_dots", item_id=journey[k % len(journey)]["id"], count=2)
        rejected = [i["id"] for i in items if i["section"] in ("kpis", "process")][:2]
        for item in items:
            decision = {"type": "decide", "item_id": item["id"], "outcome": "agreed"}
            if item["id"] in rejected:
                decision.update(outcome="rejected", reason="Not measurable in the CRM yet")
            elif item["id"] not in consented:
                decision.update(reason="Agreed in the room; sales revisit it in Q3")
            self.run(self.facilitator, **decision)

    def sign_off(self):
        ack = self.command(self.facilitator, type="finalize")
        if not ack["ok"]:  # open points: recorded with a reason
            ack = self.run(self.facilitator, type="finalize", reason="Settled in the first review")
        for token in self.delegates:
            self.run(token, type="sign", document_hash=ack["document_hash"])

    def pdf(self, path):
        path.write_bytes(self.get(f"/api/workshops/{self.code}/export.pdf").data)
        return path


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """{(language, "draft" | "final"): PDF path, (language, "funnel"): the funnel SVG}:
    one workshop per language, its draft before finalizing, its signed PDF after."""
    folder = tmp_path_factory.mktemp("pdf_layout")
    app = make_app(folder / "app")
    found = {}
    for language in ("en", "nl"):
        room = Room(app.test_client(), language)
        room.decide_everything()
        found[language, "funnel"] = room.get(f"/w/{room.code}/funnel.svg").get_data(as_text=True)
        found[language, "draft"] = room.pdf(folder / f"{language}-draft.pdf")
        room.sign_off()
        found[language, "final"] = room.pdf(folder / f"{language}-final.pdf")
    return found


@cache
def pages(path):
    """[(width, height, [(xMin, yMin, xMax, yMax, word)])] per page, in points."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for page in re.findall(r"<page (.*?)</page>", xhtml, re.DOTALL):
        width, height = map(float, re.match(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        words = [
            (*map(float, m.groups()[:4]), m.group(5))
            for m in re.finditer(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">'
                r"(.*?)</word>",
                page,
            )
        ]
        found.append((width, height, words))
    return found


def watermark(words):
    """The watermark's letters, left to right: rotated 84 pt capitals, each a word of its own
    far taller than any line of text."""
    letters = sorted((x0, word) for x0, y0, _x1, y1, word in words if y1 - y0 > 60)
    return "".join(word for _, word in letters)


DOCUMENTS = [(language, kind) for language in ("en", "nl") for kind in ("draft", "final")]


@pytest.mark.parametrize(("language", "kind"), DOCUMENTS)
def test_every_word_stays_inside_the_text_block(documents, language, kind):
    outside = [
        (number, word, round(x1 - (width - RIGHT_MARGIN), 1))
        for number, (width, height, words) in enumerate(pages(documents[language, kind]), 1)
        for x0, y0, x1, y1, word in words
        if x0 < -TOLERANCE
        or y0 < -TOLERANCE
        or y1 > height + TOLERANCE
        or x1 > width - RIGHT_MARGIN + TOLERANCE
    ]
    assert not outside, f"(page, word, pt past the right margin): {outside[:20]}"


@pytest.mark.parametrize(("language", "kind"), DOCUMENTS)
def test_only_our_embedded_fonts(documents, language, kind):
    listing = subprocess.run(
        ["pdffonts", str(documents[language, kind])], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # Columns as the dashed line under the header draws them: name, type, encoding, emb, ...
    spans = [m.span() for m in re.finditer(r"-+", listing[1])]
    fonts = [[line[a:b].strip() for a, b in spans] for line in listing[2:] if line.strip()]
    assert fonts
    for name, _type, _encoding, embedded, *_ in fonts:
        assert OUR_FONTS.fullmatch(name), f"{name}: not a vendored font"
        assert embedded == "yes", f"{name}: not embedded"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_watermark_is_on_every_draft_page_and_on_no_signed_page(documents, language):
    draft = pages(documents[language, "draft"])
    assert len(draft) > 10
    assert [watermark(words) for *_, words in draft] == [MARK[language]] * len(draft)
    assert not any(watermark(words) for *_, words in pages(documents[language, "final"]))


def test_the_funnel_writes_numbers_in_the_workshop_language(documents):
    dutch, english = documents["nl", "funnel"], documents["en", "funnel"]
    assert "1.000 per maand" in dutch and "1,000" not in dutch
    assert "→ 15%" in dutch and " %" not in dutch
    assert "1,000 per month" in english and "→ 15%" in english
    # The pictures in the PDF itself.
    text = " ".join(w for *_, words in pages(documents["nl", "final"]) for *_, w in words)
    assert "1.000 per maand" in text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_stage_name_is_clipped_in_the_funnel(documents, language):
    labels = re.findall(r"<text [^>]*>([^<]*)</text>", documents[language, "funnel"])
    assert labels and not any("…" in label for label in labels)
