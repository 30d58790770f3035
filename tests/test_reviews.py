"""Reviews after sign-off (issue 13): run live, starting with the open actions of the review
before; actions closed with a note, from a review or the dashboard; a report for leadership
read back with pypdf."""

import io
import re
from datetime import date, timedelta

from conftest import fresh_state, send
from pypdf import PdfReader
from test_dashboard import api, kpi_named
from test_escalations import MONTHS

NEXT_WEEK = (date.today() + timedelta(days=7)).isoformat()


def signed_with_owner(workshops, language="en"):
    """A signed SLA whose MQL KPI names the marketing delegate as its person."""
    workshop, fac, people = workshops.room(language, marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        if item["section"] == "kpis" and item["details"].get("measure") == "mqls":
            edit = {
                "type": "edit_item",
                "item_id": item["id"],
                "details": {"person": "Marketing 0"},
            }
            assert send(fac, edit)["ok"]
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": digest})["ok"]
    return workshop, fac, people


def reviews_of(client, workshop, token):
    return api(client, workshop, token, "GET", "/reviews").json


def test_a_review_starts_with_the_open_actions_of_the_one_before(client, workshops):
    workshop, fac, people = signed_with_owner(workshops)
    (mia, m_sio), (sam, s_sio) = people

    # The dashboard shows the next review, with the calendar file and the versions.
    dashboard = client.get(f"/w/{workshop['code']}/dashboard",
                           headers={"Authorization": f"Bearer {sam['token']}"})  # fmt: skip
    page = dashboard.get_data(as_text=True)
    assert "Next review:" in page and f"/w/{workshop['code']}/review.ics" in page
    assert f"/w/{workshop['code']}/versions" in page

    # Before a review: only the facilitator or a KPI's named owner opens one.
    assert send(s_sio, {"type": "open_review"})["code"] == "forbidden"
    assert send(fac, {"type": "add_decision", "text": "x"})["code"] == "conflict"
    first = send(m_sio, {"type": "open_review"})  # Mia is the MQL KPI's named person
    assert first["ok"] and first["review_number"] == 1
    assert send(fac, {"type": "open_review"})["review_number"] == 1  # a double click

    # Review 1 records attendees, notes, a decision and two actions, then closes.
    assert send(fac, {"type": "update_review", "attendees": "Fiona, Mia, Sam",
                      "notes": "MQLs behind\nSales capacity fine"})["ok"]  # fmt: skip
    assert send(m_sio, {"type": "add_decision", "text": "Extra webinar in December"})["ok"]
    assert send(s_sio, {"type": "add_decision", "text": "x"})["code"] == "forbidden"
    for text, owner in (("Plan the webinar", "Mia"), ("Clean the CRM stages", "Sam")):
        ack = send(s_sio, {"type": "add_action", "text": text, "owner": owner, "due": NEXT_WEEK})
        assert ack["ok"], ack
    past = (date.today() - timedelta(days=1)).isoformat()
    late = send(s_sio, {"type": "add_action", "text": "x", "owner": "y", "due": past})
    assert late["code"] == "invalid" and late["error"]
    assert send(fac, {"type": "close_review"})["review_number"] == 1
    assert send(fac, {"type": "close_review"})["code"] == "conflict"

    # Between reviews, Sam closes one action from the dashboard.
    state = reviews_of(client, workshop, sam["token"])
    crm = next(a for a in state["actions"] if a["text"] == "Clean the CRM stages")
    webinar = next(a for a in state["actions"] if a["text"] == "Plan the webinar")
    assert send(s_sio, {"type": "close_action", "action_id": crm["id"], "note": "Done in HubSpot"})[
        "ok"
    ]
    again = send(s_sio, {"type": "close_action", "action_id": crm["id"], "note": "again"})
    assert again["code"] == "conflict"

    # Review 2 starts with review 1's open action; it is closed in the review, one is added.
    assert send(fac, {"type": "open_review"})["review_number"] == 2
    page = client.get(f"/w/{workshop['code']}/review",
                      headers={"Authorization": f"Bearer {fac_token(workshop)}"})  # fmt: skip
    text = page.get_data(as_text=True)
    earlier = text.index("Open actions from earlier reviews")
    assert earlier < text.index("Plan the webinar") < text.index("KPIs that need attention")
    assert "Clean the CRM stages" not in text  # closed before this review
    assert send(m_sio, {"type": "close_action", "action_id": webinar["id"],
                        "note": "Webinar booked for 10 December"})["ok"]  # fmt: skip
    assert send(fac, {"type": "add_action", "text": "Report webinar MQLs", "owner": "Mia",
                      "due": NEXT_WEEK})["ok"]  # fmt: skip
    assert send(fac, {"type": "add_decision", "text": "Keep the MQL target"})["ok"]
    assert send(fac, {"type": "close_review"})["ok"]

    reviews = reviews_of(client, workshop, mia["token"])
    assert [(r["number"], r["status"]) for r in reviews["reviews"]] == [
        (2, "closed"),
        (1, "closed"),
    ]
    assert reviews["reviews"][1]["decisions"] == ["Extra webinar in December"]
    by_text = {a["text"]: a for a in reviews["actions"]}
    assert by_text["Plan the webinar"]["status"] == "done"
    assert by_text["Report webinar MQLs"]["status"] == "open"
    assert by_text["Report webinar MQLs"]["review"] == 2


def fac_token(workshop):
    return workshop["facilitator_token"]


def test_the_review_report_for_leadership(client, workshops):
    workshop, fac, people = signed_with_owner(workshops, language="nl")
    (mia, m_sio), _ = people
    board = api(client, workshop, mia["token"], "GET", "/dashboard").json
    mqls = kpi_named(board, "Aantal MQL")
    for month, value in zip(MONTHS, (150, 100, 90), strict=True):
        assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": month,
                            "value": value})["ok"]  # fmt: skip
    assert send(fac, {"type": "open_review"})["ok"]
    assert send(fac, {"type": "update_review", "attendees": "Fiona, Mia"})["ok"]
    assert send(fac, {"type": "add_decision", "text": "Extra webinar in december"})["ok"]
    assert send(fac, {"type": "add_action", "text": "Webinar plannen", "owner": "Mia",
                      "due": NEXT_WEEK})["ok"]  # fmt: skip
    assert send(fac, {"type": "close_review"})["ok"]
    # Later changes do not change the closed review's report.
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[2],
                        "value": 200})["ok"]  # fmt: skip

    response = client.get(f"/w/{workshop['code']}/reviews/1/report.pdf",
                          headers={"Authorization": f"Bearer {mia['token']}"})  # fmt: skip
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"{workshop['code']}-review-1.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Review 1",
        "Scorekaart",
        "Aantal MQL",
        "Buiten het doel",
        "Extra webinar in december",
        "Webinar plannen",
        "Escalaties",
        "Trede",
    ):
        assert expected.lower() in text.lower(), expected  # fmt: skip
    assert "200" not in text.split("Aantal MQL")[1].split("\n")[0]
    assert re.search(r"≥ €\s?20\.000", text), "the deal value's target in euros, in Dutch"
    # Strangers get nothing; an unknown review is not found.
    assert client.get(f"/w/{workshop['code']}/reviews/1/report.pdf").status_code == 403
    assert (
        client.get(
            f"/w/{workshop['code']}/reviews/9/report.pdf",
            headers={"Authorization": f"Bearer {mia['token']}"},
        ).status_code
        == 404
    )


def test_a_review_with_real_clients_on_the_real_server(server):
    """The same walk against `python app.py` with python-socketio clients: review 2 starts
    with review 1's open action, closes it and adds one; the report reads back."""
    import requests
    import socketio as socketio_client
    from test_escalations import http_signed

    code, fac, (mia, sam) = http_signed(server)
    clients = {}
    for who, token in (("fac", fac), ("mia", mia["token"]), ("sam", sam["token"])):
        sio = socketio_client.Client()
        sio.connect(server.url, auth={"token": token}, transports=["websocket"])
        clients[who] = sio

    def run(who, payload):
        ack = clients[who].call("command", payload, timeout=30)
        assert ack["ok"], (payload, ack)
        return ack

    def reviews(token):
        headers = {"Authorization": f"Bearer {token}"}
        url = f"{server.url}/api/workshops/{code}/reviews"
        return requests.get(url, headers=headers, timeout=30).json()

    try:
        assert run("fac", {"type": "open_review"})["review_number"] == 1
        run("mia", {"type": "add_action", "text": "Plan the webinar", "owner": "Mia",
                    "due": NEXT_WEEK})  # fmt: skip
        run("fac", {"type": "add_decision", "text": "Extra webinar"})
        run("fac", {"type": "close_review"})
        assert run("fac", {"type": "open_review"})["review_number"] == 2
        as_sam = {"Authorization": f"Bearer {sam['token']}"}
        page = requests.get(f"{server.url}/w/{code}/review", headers=as_sam, timeout=30)
        walk = page.text
        assert walk.index("Plan the webinar") < walk.index("KPIs that need attention")
        action = next(
            a for a in reviews(sam["token"])["actions"] if a["text"] == "Plan the webinar"
        )
        run("sam", {"type": "close_action", "action_id": action["id"], "note": "Booked"})
        run("sam", {"type": "add_action", "text": "Report the webinar's MQLs", "owner": "Mia",
                    "due": NEXT_WEEK})  # fmt: skip
        run("fac", {"type": "close_review"})
        listed = reviews(mia["token"])
        by_text = {a["text"]: a for a in listed["actions"]}
        assert by_text["Plan the webinar"]["status"] == "done"
        assert by_text["Plan the webinar"]["closed_note"] == "Booked"
        assert (
            by_text["Report the webinar's MQLs"]["status"],
            by_text["Report the webinar's MQLs"]["review"],
        ) == ("open", 2)
        as_mia = {"Authorization": f"Bearer {mia['token']}"}
        report = requests.get(f"{server.url}/w/{code}/reviews/2/report.pdf", headers=as_mia,
                              timeout=60)  # fmt: skip
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
        assert "Review 2" in text and "Report the webinar's MQLs" in text and "Booked" in text
    finally:
        for sio in clients.values():
            sio.disconnect()
