"""Issue 2: create, join, identity, presence, state over the socket, languages."""

import re

import pytest
from conftest import fresh_state, last_state, send

from workshop.domain.codes import ALPHABET, CODE_LENGTH, token_hash


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_create_workshop_returns_links(client, workshops):
    created = workshops.create(organisation="Acme")
    assert len(created["code"]) == CODE_LENGTH and set(created["code"]) <= set(ALPHABET)
    assert created["join_url"].endswith(f"/w/{created['code']}/join")
    assert created["facilitator_token"] in created["facilitator_url"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "", "facilitator_name": "F", "language": "en"},
        {"title": "T", "facilitator_name": "F", "language": "de"},
        {"title": "T" * 121, "facilitator_name": "F", "language": "en"},
        {"title": 5, "facilitator_name": "F", "language": "en"},
        {"title": "T", "facilitator_name": "F", "language": "en", "extra": 1},
    ],
)
def test_create_refuses_bad_input_with_a_message(client, body):
    response = client.post("/api/workshops", json=body)
    assert response.status_code == 400
    assert response.json["error"] and isinstance(response.json["error"], str)
    assert client.application.extensions  # the app is still there
    from workshop.db import connect

    db = connect(client.application.config["DATABASE"])
    assert db["workshops"].count == 0


def test_join_and_errors(client, workshops):
    code = workshops.create()["code"]
    joined = workshops.join(code, "Mara", "marketing")
    assert joined["participant_id"] and joined["token"]
    assert (
        client.post(
            "/api/workshops/NOPE234567/participants", json={"name": "X", "department": "sales"}
        ).status_code
        == 404
    )
    bad = client.post(f"/api/workshops/{code}/participants", json={"name": "X", "department": "hr"})
    assert bad.status_code == 400 and "error" in bad.json


def test_ninth_delegate_is_refused_clearly(client, workshops):
    code = workshops.create()["code"]
    for i in range(8):
        workshops.join(code, f"P{i}", "marketing" if i % 2 else "sales")
    ninth = client.post(
        f"/api/workshops/{code}/participants", json={"name": "Nine", "department": "sales"}
    )
    assert ninth.status_code == 409
    assert "8" in ninth.json["error"] and "full" in ninth.json["error"]


def test_tokens_are_stored_only_as_hashes(app, workshops):
    created = workshops.create()
    joined = workshops.join(created["code"], "Mara", "marketing")
    from pathlib import Path

    from workshop.db import connect

    path = Path(app.config["DATABASE"])
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for token in (created["facilitator_token"], joined["token"]):
        assert token.encode() not in raw
    db = connect(app.config["DATABASE"])
    hashes = {r["token_hash"] for r in db["members"].rows}
    assert token_hash(joined["token"]) in hashes


def test_bad_token_is_refused_at_connect(app, client):
    from workshop.realtime import socketio

    sio = socketio.test_client(app, auth={"token": "forged"}, flask_test_client=client)
    assert not sio.is_connected()
    sio = socketio.test_client(app, flask_test_client=client)
    assert not sio.is_connected()


def test_state_on_connect_has_the_contract(workshops):
    created = workshops.create()
    joined = workshops.join(created["code"], "Mara", "marketing")
    sio = workshops.socket(joined["token"])
    state = last_state(sio)
    for key in ("version", "stage", "participants", "items", "fields", "you"):
        assert key in state
    assert state["stage"] == "lobby"
    assert state["you"] == {**state["you"], "id": joined["participant_id"], "role": "participant"}
    assert state["participants"] == [
        {
            "id": joined["participant_id"],
            "name": "Mara",
            "department": "marketing",
            "online": True,
            "ready": False,
        }
    ]
    facilitator = workshops.socket(created["facilitator_token"])
    assert last_state(facilitator)["you"]["role"] == "facilitator"


def test_set_ready_is_acknowledged_and_broadcast(workshops):
    created = workshops.create()
    a = workshops.join(created["code"], "Mara", "marketing")
    b = workshops.join(created["code"], "Sam", "sales")
    sa, sb = workshops.socket(a["token"]), workshops.socket(b["token"])
    before = last_state(sb)["version"]
    ack = send(sa, {"type": "set_ready", "ready": True})
    assert ack["ok"] is True and ack["version"] > before
    seen = last_state(sb)
    assert seen["version"] == ack["version"]
    assert next(p for p in seen["participants"] if p["id"] == a["participant_id"])["ready"] is True
    bad = send(sa, {"type": "set_ready", "ready": "yes"})
    assert bad["ok"] is False and bad["code"] == "invalid" and bad["error"]


def test_presence_goes_offline_on_disconnect(workshops):
    created = workshops.create()
    a = workshops.join(created["code"], "Mara", "marketing")
    fac = workshops.socket(created["facilitator_token"])
    facilitator_id = last_state(fac)["you"]["id"]
    sa = workshops.socket(a["token"])
    # Presence travels as a small `presence` event; the document's version stays.
    assert last_presence(fac)["online"] == sorted([facilitator_id, a["participant_id"]])
    sa.disconnect()
    assert last_presence(fac)["online"] == [facilitator_id]
    assert fresh_state(fac)["participants"][0]["online"] is False


def last_presence(sio):
    events = [m["args"][0] for m in sio.get_received() if m["name"] == "presence"]
    assert events, "no presence received"
    return events[-1]


def test_reconnect_is_the_same_person(workshops):
    created = workshops.create()
    a = workshops.join(created["code"], "Mara", "marketing")
    first = workshops.socket(a["token"])
    first.disconnect()
    again = workshops.socket(a["token"])
    state = last_state(again)
    assert state["you"]["id"] == a["participant_id"]
    assert len(state["participants"]) == 1


def test_browser_join_sets_httponly_cookie_and_restores_person(client, workshops):
    code = workshops.create(language="nl")["code"]
    page = client.get(f"/w/{code}/join")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        f"/w/{code}/join", data={"name": "Mara", "department": "marketing", "csrf_token": csrf}
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert f"sla_{code}=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    view = client.get(f"/w/{code}")
    assert view.status_code == 200 and 'data-view="participant"' in view.text
    # A reload of the join page does not create a second person.
    assert client.get(f"/w/{code}/join").status_code == 302


def test_form_post_without_csrf_is_refused(client, workshops):
    code = workshops.create()["code"]
    response = client.post(f"/w/{code}/join", data={"name": "Mara", "department": "marketing"})
    assert response.status_code == 400


def test_facilitator_link_signs_in_any_browser(app, workshops):
    created = workshops.create()
    other_browser = app.test_client()
    response = other_browser.get(created["facilitator_url"])
    assert response.status_code == 302
    assert 'data-view="console"' in other_browser.get(f"/w/{created['code']}").text
    assert app.test_client().get(f"/w/{created['code']}/facilitate?key=wrong").status_code == 403


def test_home_and_join_pages_in_both_languages(client, workshops):
    english = client.get("/", headers={"Accept-Language": "en"}).text
    dutch = client.get("/", headers={"Accept-Language": "nl"}).text
    assert "Start a workshop" in english
    assert "Start a workshop" not in dutch and 'lang="nl"' in dutch
    code = workshops.create(language="nl")["code"]
    join_page = client.get(f"/w/{code}/join", headers={"Accept-Language": "en"}).text
    assert 'lang="nl"' in join_page  # the workshop's language is the default


def test_person_switches_language(workshops):
    created = workshops.create(language="nl")
    a = workshops.join(created["code"], "Mara", "marketing")
    sa = workshops.socket(a["token"])
    assert send(sa, {"type": "set_language", "language": "en"})["ok"]
    assert last_state(sa)["you"]["language"] == "en"
    refused = send(sa, {"type": "set_language", "language": "fr"})
    assert refused["ok"] is False and "en, nl" in refused["error"]


def test_errors_come_in_the_persons_language(workshops):
    created = workshops.create(language="nl")
    a = workshops.join(created["code"], "Mara", "marketing")
    sa = workshops.socket(a["token"])
    dutch = send(sa, {"type": "goto_stage", "stage": "funnel"})
    assert dutch["code"] == "forbidden"
    send(sa, {"type": "set_language", "language": "en"})
    english = send(sa, {"type": "goto_stage", "stage": "funnel"})
    assert english["error"] == "Only the facilitator can do that."
    assert dutch["error"] != english["error"]


def test_migrations_are_named_and_recorded(app):
    from workshop.db import connect
    from workshop.migrations import migrations

    names = [m.name for m in migrations.applied(connect(app.config["DATABASE"]))]
    assert names[:2] == ["0001_workshops_and_members", "0002_items_votes_fields"]
    assert connect(app.config["DATABASE"]).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("language, heading", [("en", "Not found"), ("nl", "Niet gevonden")])
def test_error_pages_are_translated_pages(client, language, heading):
    response = client.get("/w/NOPE234567/join", headers={"Accept-Language": language})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert f"<h1 id=\"error-heading\">{heading}</h1>" in response.text
    api = client.get("/api/workshops/NOPE234567/state")
    assert api.status_code == 404 and api.json["code"] == "not_found"
