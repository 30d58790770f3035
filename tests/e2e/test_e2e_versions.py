"""After sign-off in the browser: the version history page (axe, both languages), starting an
amendment from it, the amendment panel in the console, and the downloads it links."""

import hashlib
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from .test_e2e_dashboard import command, signed_workshop

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"history": "Version history", "amend": "Start an amendment", "signed": "Signed",
           "amending": "Amendment of signed version 1", "changed": "Changed",
           "review": "The next review is on"},
    "nl": {"history": "Versiegeschiedenis", "amend": "Start een wijzigingsronde",
           "signed": "Ondertekend", "amending": "Wijziging van ondertekende versie 1",
           "changed": "Gewijzigd", "review": "De volgende review is op"},
}  # fmt: skip


def wait_for_final_pdf(server, code, token):
    """The final PDF renders in the background after the last signature and keeps the
    server busy meanwhile: the browser starts once it is written."""
    deadline = time.time() + 120
    while time.time() < deadline:
        state = requests.get(
            f"{server.url}/api/workshops/{code}/state",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
        if state["signoff"]["final_pdf_hash"]:
            return
        time.sleep(0.5)
    raise AssertionError("the final PDF was not written")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_version_history_and_an_amendment_in_the_browser(room, server, language):
    created, people = signed_workshop(server, language)
    code, fac = created["code"], created["facilitator_token"]
    words = WORDS[language]
    wait_for_final_pdf(server, code, fac)
    console = room.open("facilitator", created["facilitator_url"])
    console.goto(f"/w/{code}/versions")
    console.get_by_role("heading", name="SLA 2027").wait_for()
    assert console.locator(".eyebrow").text_content() == words["history"]
    version = console.locator("article.version")
    assert version.count() == 1
    text = version.inner_text()
    assert words["signed"] in text and "Mia" in text and "Sam" in text
    digest = requests.get(
        f"{server.url}/api/workshops/{code}/versions", headers={"Authorization": f"Bearer {fac}"}
    ).json()[0]["document_hash"]
    assert digest in text
    assert words["review"] in console.locator("main").inner_text()
    # The Markdown link downloads exactly the signed bytes.
    with console.expect_download() as download:
        version.locator('a[href$="/versions/1/export.md"]').click()
    path = download.value.path()
    assert download.value.suggested_filename == f"{code}-v1.md"
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    room.check(console, f"versions-{language}")

    # The facilitator starts an amendment from the page and lands in the console.
    console.get_by_role("button", name=words["amend"]).click()
    console.wait_for_url(f"**/w/{code}")
    console.get_by_text(words["amending"]).wait_for()
    churn = next(
        i for i in requests.get(f"{server.url}/api/workshops/{code}/state",
                                headers={"Authorization": f"Bearer {fac}"}).json()["items"]
        if i["section"] == "kpis" and "churn" in i["text"]
    )  # fmt: skip
    edit = {"type": "edit_item", "item_id": churn["id"], "details": {"target_value": 6}}
    assert command(server, code, fac, edit)["ok"]
    for person in people:
        vote = {"type": "vote", "item_id": churn["id"], "choice": "agree"}
        assert command(server, code, person["token"], vote)["ok"]
    assert command(server, code, fac, {"type": "reveal", "item_id": churn["id"]})["ok"]
    decide = {"type": "decide", "item_id": churn["id"], "outcome": "agreed"}
    assert command(server, code, fac, decide)["ok"]
    panel = console.locator(".amendment")
    # Not get_by_text: "Gewijzigd" would also find "Nog niets gewijzigd" before the change.
    expect(panel).to_contain_text(churn["text"])
    expect(panel).to_contain_text(words["changed"])
    room.check(console, f"amendment-{language}")
    room.assert_clean()
