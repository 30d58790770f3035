"""The document to read before signing: every part in the page, changes after a reopen."""

from conftest import fresh_state, send


def document(client, workshop, token):
    response = client.get(
        f"/api/workshops/{workshop['code']}/document",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.json
    return response.json


def test_delegates_read_the_frozen_text_and_what_changed_since_the_last_version(client, workshops):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    token = people[0][0]["token"]
    kpi = next(i for i in fresh_state(fac)["items"] if i["section"] == "kpis")
    send(people[0][1], {"type": "propose", "section": "goals",
                        "text": "<script>alert(1)</script> Grow together"})  # fmt: skip
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})

    draft = document(client, workshop, token)
    assert draft["status"] == "open" and draft["previous_version"] is None
    titles = [p["title"] for p in draft["parts"]]
    assert titles[:3] == ["Summary", "About this agreement", "The funnel"]
    assert "1. Joint goals" in titles and titles[-1] == "Signatures"
    assert not any(p["changed"] for p in draft["parts"])
    everything = "".join(p["html"] for p in draft["parts"])
    assert "<script" not in everything and "&lt;script&gt;" in everything
    assert "data:image/svg+xml;base64," in everything  # the pictures, as in the PDF
    assert [e["name"] for e in draft["toc"] if e["level"] == 2] == titles

    ack = send(fac, {"type": "finalize"})
    assert ack["ok"], ack
    frozen = document(client, workshop, token)
    assert frozen["status"] == "finalized" and frozen["document_hash"] == ack["document_hash"]
    assert frozen["status_text"] == "Final text, awaiting signatures"

    # Reopen, change one KPI's wording, finalize version 2: that part is marked, with the lines.
    assert send(fac, {"type": "reopen"})["ok"]
    edit = {"type": "edit_item", "item_id": kpi["id"], "text": "MQL volume per week"}
    assert send(fac, edit)["ok"]
    # New wording goes back to the vote (issue 11); the room agrees it again.
    again = {"type": "decide", "item_id": kpi["id"], "outcome": "agreed", "reason": "ok"}
    assert send(fac, again)["ok"]
    assert send(fac, {"type": "finalize"})["ok"]
    second = document(client, workshop, token)
    assert second["version"] == 2 and second["previous_version"] == 1
    changed = {p["title"]: p for p in second["parts"] if p["changed"]}
    assert "5. KPIs" in changed
    changes = changed["5. KPIs"]["changes"]
    assert any(c["kind"] == "added" and "MQL volume per week" in c["text"] for c in changes)
    assert any(c["kind"] == "removed" and kpi["text"] in c["text"] for c in changes)
    assert "1. Joint goals" not in changed and "Signatures" not in changed


def test_a_shifted_open_point_number_is_not_a_change(client, workshops):
    """Settling one undecided item renumbers the open points after it (O54 → O53): the parts
    whose agreements stayed the same are not marked changed."""
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    token = people[0][0]["token"]
    items = fresh_state(fac)["items"]
    undecided = next(i for i in items if i["section"] == "targets")
    for item in items:
        if item["id"] != undecided["id"] and item["section"] not in ("kpis", "process"):
            send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed",
                       "reason": "ok"})  # fmt: skip
    assert send(fac, {"type": "finalize", "reason": "Later"})["ok"]
    assert send(fac, {"type": "reopen"})["ok"]
    settle = {"type": "decide", "item_id": undecided["id"], "outcome": "agreed", "reason": "ok"}
    assert send(fac, settle)["ok"]
    changed = {p["title"] for p in document(client, workshop, token)["parts"] if p["changed"]}
    assert "2. Targets, with both departments accountable" in changed
    # The definitions were agreed without votes: open points whose numbers moved up by one.
    assert "3. Definitions of leads and opportunities" not in changed, changed
