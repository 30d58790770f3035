"""Sign-off: finalize freezes the document, delegates sign its exact hash, reopen voids."""

import hashlib
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from conftest import fresh_state, last_state, send


def agree_everything(fac):
    for item in last_state(fac)["items"]:
        ack = send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed",
                         "reason": "Agreed in the room"})
        assert ack["ok"], ack


def test_finalize_sign_reopen(app, workshops):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    send(fac, {"type": "propose", "section": "goals", "text": "Grow together"})
    agree_everything(fac)
    assert send(people[0][1], {"type": "finalize"})["code"] == "forbidden"
    ack = send(fac, {"type": "finalize"})
    assert ack["ok"]
    signoff = last_state(people[0][1])["signoff"]
    assert signoff["status"] == "finalized" and len(signoff["document_hash"]) == 64
    document_hash = signoff["document_hash"]

    # The hash is the SHA-256 of the canonical Markdown, as the document module computes it.
    from workshop.document.canonical import canonical_markdown
    from workshop.document.render import document_for

    with app.app_context():
        from workshop.db import get_db
        from workshop.store import workshop_by_code

        db = get_db()
        data = document_for(db, workshop_by_code(db, workshop["code"]))
        assert hashlib.sha256(canonical_markdown(data).encode()).hexdigest() == document_hash

    # While finalized every change is refused, and nobody can join.
    refused = send(people[0][1], {"type": "propose", "section": "kpis", "text": "Late idea"})
    assert refused["code"] == "conflict"
    assert send(fac, {"type": "set_field", "section": "process", "field": "attempts",
                      "value": 3})["code"] == "conflict"
    late = workshops.client.post(f"/api/workshops/{workshop['code']}/participants",
                                 json={"name": "Late", "department": "sales"})
    assert late.status_code == 409
    assert send(fac, {"type": "goto_stage", "stage": "signoff"})["ok"]

    # A stale or wrong hash is a conflict; the right one signs once.
    wrong = send(people[0][1], {"type": "sign", "document_hash": "f" * 64})
    assert wrong["code"] == "conflict"
    assert send(people[0][1], {"type": "sign", "document_hash": document_hash})["ok"]
    again = send(people[0][1], {"type": "sign", "document_hash": document_hash})
    assert again["code"] == "conflict"
    signatures = last_state(fac)["signoff"]["signatures"]
    assert [s["participant_id"] for s in signatures] == [people[0][0]["participant_id"]]
    assert signatures[0]["name"] == "Marketing 0" and signatures[0]["department"] == "marketing"

    # The last signature completes the sign-off; the final PDF lands in the export folder.
    assert send(people[1][1], {"type": "sign", "document_hash": document_hash})["ok"]
    assert last_state(fac)["signoff"]["status"] == "signed"
    final = Path(app.config["EXPORT_DIR"]) / f"{workshop['code']}-v1.pdf"
    deadline = time.time() + 60
    while not final.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert final.read_bytes().startswith(b"%PDF")
    # The final document names every signatory with the time of signing, and the hash.
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(final).pages]
    text = " ".join(" ".join(pages).split())
    assert "DRAFT" not in text
    assert document_hash in text.replace(" ", "")
    for signature in last_state(fac)["signoff"]["signatures"]:
        assert signature["name"] in text
        assert format_datetime(datetime.fromisoformat(signature["signed_at"]), "HH:mm",
                               tzinfo=ZoneInfo("Europe/Amsterdam")) in text
    deadline = time.time() + 10
    recorded = fresh_state(fac)
    while not recorded["signoff"]["final_pdf_hash"] and time.time() < deadline:
        time.sleep(0.1)
        recorded = fresh_state(fac)
    assert recorded["signoff"]["final_pdf_hash"] == hashlib.sha256(final.read_bytes()).hexdigest()

    # Reopening voids the signatures and raises the version.
    assert send(people[0][1], {"type": "reopen"})["code"] == "forbidden"
    assert send(fac, {"type": "reopen"})["ok"]
    signoff = last_state(fac)["signoff"]
    assert signoff == {**signoff, "status": "open", "version": 2, "document_hash": None,
                       "signatures": []}
    assert send(people[0][1], {"type": "propose", "section": "kpis", "text": "Late idea"})["ok"]


def test_sign_before_finalize_is_a_conflict(workshops):
    _, _, people = workshops.room(marketing=1, sales=1)
    ack = send(people[0][1], {"type": "sign", "document_hash": "a" * 64})
    assert ack["code"] == "conflict"


def test_removing_the_last_unsigned_delegate_completes_signoff(workshops):
    _, fac, people = workshops.room(marketing=1, sales=1)
    agree_everything(fac)
    send(fac, {"type": "finalize"})
    document_hash = last_state(fac)["signoff"]["document_hash"]
    assert send(people[0][1], {"type": "sign", "document_hash": document_hash})["ok"]
    assert send(fac, {"type": "remove_participant",
                      "participant_id": people[1][0]["participant_id"]})["ok"]
    assert last_state(fac)["signoff"]["status"] == "signed"
