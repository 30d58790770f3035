"""Amendments (issue 13): a signed SLA is amended from its signed content, the changes are
tracked item by item, and version 2 is signed with "Changes since version 1"; both versions
stay downloadable and verifiable, and the dashboard keeps its history across versions."""

import hashlib
from datetime import date, timedelta

import pytest
from conftest import fresh_state, send
from test_versions import bearer, download, signed, verify

from workshop.document import versions
from workshop.domain import kpis

CHURN = {"en": "Customer churn", "nl": "Klantverloop (churn)"}
HEADING = {"en": "## Changes since version 1", "nl": "## Wijzigingen sinds versie 1"}
CHANGED = {"en": "Changed", "nl": "Gewijzigd"}
LAST_MONTH = kpis.recent_periods(date.today(), "month", 2)[0]


def board(client, workshop, token):
    response = client.get(f"/api/workshops/{workshop['code']}/dashboard", headers=bearer(token))
    return response.json


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_amendment_changing_one_kpi_target_is_signed_as_version_2(
    app, client, workshops, tmp_path, language
):
    workshop, fac, people, first = signed(workshops, language)
    code, token = workshop["code"], workshop["facilitator_token"]
    (marketing, m_sio), (sales, s_sio) = people
    churn = next(i for i in fresh_state(fac)["items"] if i["text"] == CHURN[language])
    mqls = next(k for k in board(client, workshop, token)["kpis"] if k["measure"] == "mqls")
    ack = send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": LAST_MONTH,
                       "value": 120})  # fmt: skip
    assert ack["ok"], ack

    # Only the facilitator, and only from a signed version.
    assert send(m_sio, {"type": "start_amendment"})["code"] == "forbidden"
    assert send(fac, {"type": "start_amendment"})["ok"]
    assert send(fac, {"type": "start_amendment"})["code"] == "conflict"  # open already
    state = fresh_state(s_sio)
    assert state["signoff"]["status"] == "open" and state["signoff"]["version"] == 2
    assert state["stage"] == "review"
    assert state["signoff"]["amendment"] == {"since_version": 1, "changes": []}
    # The signed content is the starting point: every item keeps its agreed state.
    assert all(i["status"] == "agreed" for i in state["items"])
    # Version 1 stays signed and in force: the dashboard still reads it.
    assert board(client, workshop, token)["signed_version"] == 1

    # Change one KPI target; the change is tracked against version 1, item by item.
    edit = {"type": "edit_item", "item_id": churn["id"],
            "details": {"target": "≤ 6%", "target_value": 6}}  # fmt: skip
    assert send(fac, edit)["ok"]
    # The edit sends the item back to the vote: changed, not agreed yet.
    (change,) = fresh_state(m_sio)["signoff"]["amendment"]["changes"]
    assert (change["kind"], change["item_id"]) == ("reopened", churn["id"])
    for _, sio in people:
        assert send(sio, {"type": "vote", "item_id": churn["id"], "choice": "agree"})["ok"]
    assert send(fac, {"type": "reveal", "item_id": churn["id"]})["ok"]
    decide = {"type": "decide", "item_id": churn["id"], "outcome": "agreed"}
    assert send(fac, decide)["ok"]
    (change,) = fresh_state(m_sio)["signoff"]["amendment"]["changes"]
    assert (change["kind"], change["item_id"]) == ("changed", churn["id"])
    assert {d["key"]: (d["before"], d["after"]) for d in change["differences"]} == {
        "target": ("≤ 8%", "≤ 6%"), "target_value": (8, 6),
    }  # fmt: skip

    # Finalize and sign: version 2, with the change listed in its text.
    ack = send(fac, {"type": "finalize"})
    assert ack["ok"], ack
    second = ack["document_hash"]
    assert second != first
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": second})["ok"]
    assert fresh_state(fac)["signoff"]["status"] == "signed"
    assert fresh_state(fac)["signoff"]["amendment"] is None

    listed = client.get(f"/api/workshops/{code}/versions", headers=bearer(marketing["token"]))
    assert [(v["version"], v["status"], v["document_hash"]) for v in listed.json] == [
        (1, "signed", first), (2, "signed", second),
    ]  # fmt: skip
    assert all(len(v["signatures"]) == 2 for v in listed.json)

    md1 = download(client, workshop, token, 1, "md").data
    md2 = download(client, workshop, token, 2, "md").data
    assert hashlib.sha256(md1).hexdigest() == first
    assert hashlib.sha256(md2).hexdigest() == second
    text1, text2 = md1.decode(), md2.decode()
    assert HEADING[language] not in text1
    changes = text2.split(HEADING[language], 1)[1].split("\n## ", 1)[0]
    row = next(line for line in changes.splitlines() if CHURN[language] in line)
    assert CHANGED[language] in row and "≤ 8% → ≤ 6%" in row and "8 → 6" in row
    # Both versions verify, as Markdown and as the issued PDFs.
    for number, body in ((1, md1), (2, md2)):
        status, output = verify(app, tmp_path, f"{code}-v{number}.md", body)
        assert status == 0, output
        assert ("A later version (2) has been signed" in output) == (number == 1)
        pdf = download(client, workshop, token, number, "pdf")
        assert pdf.headers["Content-Disposition"].endswith(f'filename="{code}-v{number}.pdf"')
        status, output = verify(app, tmp_path, f"{code}-v{number}.pdf", pdf.data)
        assert status == 0, output

    # The dashboard reads version 2 and keeps the actuals recorded under version 1.
    now = board(client, workshop, token)
    assert now["signed_version"] == 2
    assert next(k for k in now["kpis"] if k["id"] == churn["id"])["target"] == 6
    assert next(k for k in now["kpis"] if k["id"] == mqls["id"])["actuals"] == [
        {"period": LAST_MONTH, "value": 120}
    ]
    # What a trend chart needs: the target per signed version, where it changed.
    with app.app_context():
        from workshop.db import get_db
        from workshop.store import workshop_by_code

        db = get_db()
        workshop_id = workshop_by_code(db, code)["id"]
        changed = versions.target_changes(db, workshop_id)
        history = versions.kpi_targets_by_version(db, workshop_id)
    assert list(changed) == [churn["id"]]
    assert [(s["version"], s["target"]) for s in changed[churn["id"]]] == [(1, 8), (2, 6)]
    assert all(s["signed_at"] for s in changed[churn["id"]])
    assert [s["version"] for s in history[mqls["id"]]] == [1, 2]
    steps = changed[churn["id"]]
    assert versions.target_at(steps, date(2000, 1, 1)) == 8  # before any signature: v1's
    assert versions.target_at(steps, date.today() + timedelta(days=1)) == 6
    steps = [{**steps[0], "signed_at": "2026-01-10T09:00:00+00:00"},
             {**steps[1], "signed_at": "2026-03-01T09:00:00+00:00"}]  # fmt: skip
    assert [versions.target_at(steps, date(2026, m, 1)) for m in (1, 2, 3, 4)] == [8, 8, 6, 6]

    # The trend chart draws the step: version 1's target before, version 2's from the running
    # quarter on, marked with the version that changed it.
    svg = client.get(f"/w/{code}/kpis/{churn['id']}/trend.svg", headers=bearer(token))
    picture = svg.get_data(as_text=True)
    assert svg.status_code == 200 and ">v2</text>" in picture
    assert ">8%</text>" in picture.replace("\u202f", "") and ">6%</text>" in picture


def test_start_amendment_needs_a_fully_signed_version(workshops):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    assert send(fac, {"type": "start_amendment"})["code"] == "conflict"  # still a draft
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    assert send(people[0][1], {"type": "sign", "document_hash": digest})["ok"]
    refused = send(fac, {"type": "start_amendment"})
    assert refused["code"] == "conflict" and "signed" in refused["error"]


def test_reopening_a_signed_sla_amends_it_and_keeps_the_signatures(client, workshops):
    workshop, fac, people, digest = signed(workshops)
    assert send(fac, {"type": "reopen"})["ok"]
    signoff = fresh_state(fac)["signoff"]
    assert (signoff["status"], signoff["version"], signoff["signatures"]) == ("open", 2, [])
    assert signoff["amendment"]["since_version"] == 1
    listed = client.get(f"/api/workshops/{workshop['code']}/versions",
                        headers=bearer(workshop["facilitator_token"])).json  # fmt: skip
    assert listed[0]["status"] == "signed" and len(listed[0]["signatures"]) == 2
    # Version 2 finalized, signed by one, reopened: only its own signature is void.
    digest2 = send(fac, {"type": "finalize"})["document_hash"]
    assert send(people[0][1], {"type": "sign", "document_hash": digest2})["ok"]
    assert send(fac, {"type": "reopen"})["ok"]
    listed = client.get(f"/api/workshops/{workshop['code']}/versions",
                        headers=bearer(workshop["facilitator_token"])).json  # fmt: skip
    assert [(v["version"], v["status"], len(v["signatures"])) for v in listed] == [
        (1, "signed", 2), (2, "reopened", 0),
    ]  # fmt: skip
    assert fresh_state(fac)["signoff"]["amendment"]["since_version"] == 1  # v3 amends v1


def test_added_removed_and_captured_changes_are_listed(workshops):
    workshop, fac, people, _ = signed(workshops, "nl")
    assert send(fac, {"type": "start_amendment"})["ok"]
    items = fresh_state(fac)["items"]
    gone = next(i for i in items if i["section"] == "escalation")
    assert send(fac, {"type": "reopen_item", "item_id": gone["id"]})["ok"]
    assert send(fac, {"type": "decide", "item_id": gone["id"], "outcome": "rejected",
                      "reason": "Niet meer nodig"})["ok"]  # fmt: skip
    assert send(fac, {"type": "propose", "section": "goals", "text": "Nieuw doel"})["ok"]
    new = next(i for i in fresh_state(fac)["items"] if i["text"] == "Nieuw doel")
    assert send(fac, {"type": "decide", "item_id": new["id"], "outcome": "agreed",
                      "reason": "Afgesproken"})["ok"]  # fmt: skip
    assert send(fac, {"type": "set_field", "section": "process", "field": "accept_hours",
                      "value": 12})["ok"]  # fmt: skip
    changes = fresh_state(fac)["signoff"]["amendment"]["changes"]
    kinds = {(c["kind"], c.get("item_id") or c.get("field")) for c in changes}
    assert {("added", new["id"]), ("removed", gone["id"]), ("field", "accept_hours")} <= kinds
    ack = send(fac, {"type": "finalize", "reason": "Wijzigingsronde"})
    assert ack["ok"], ack
    text = fresh_state(fac)  # the frozen text carries the same changes
    assert text["signoff"]["status"] == "finalized"
