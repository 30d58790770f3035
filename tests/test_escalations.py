"""The escalation ladder at work (issue 12): rungs with structured triggers, escalations that
open and move up, acknowledge and resolve, the late ones moved by the background task, and
the webhook with its outbox, retries and address rules."""

import json
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import socketio as socketio_client
from conftest import Server, fresh_state, send
from test_dashboard import api, kpi_named, signed

from workshop import webhooks
from workshop.commands import escalations as escalation_commands
from workshop.db import connect
from workshop.domain import escalations as ladder
from workshop.domain import kpis

MONTHS = kpis.recent_periods(date.today(), "month", 4)[:3]  # three finished months


def rung_item(item_id, position, **details):
    return {"id": item_id, "position": position, "text": f"Rung {position}", "details": details}


# --- Pure rules ---------------------------------------------------------------------------


def test_ladder_reads_structured_triggers_and_falls_back_by_rung():
    rungs = ladder.ladder(
        [
            rung_item(7, 2),  # nothing structured: rung 2 after 2 red periods, 5 days
            rung_item(
                5,
                1,
                trigger_status="amber_or_red",
                trigger_periods=1,
                response_days=1,
                who="Team leads",
            ),  # fmt: skip
            rung_item(9, 3, trigger_measure="mqls", trigger_periods=3, trigger_status="red_only"),
        ]
    )
    assert [(r.number, r.item_id) for r in rungs] == [(1, 5), (2, 7), (3, 9)]
    assert rungs[0].statuses == {"amber", "red"} and rungs[0].who == "Team leads"
    assert (rungs[1].periods, rungs[1].response_days, rungs[1].statuses) == (2, 5, {"red"})
    assert rungs[2].measure == "mqls" and rungs[2].response_days == 10


@pytest.mark.parametrize(
    "statuses, measure, expected",
    [
        ([], "mqls", None),
        (["green"], "mqls", None),
        (["amber"], "mqls", 1),  # rung 1 counts amber
        (["red"], "mqls", 1),
        (["red", "red"], "mqls", 2),
        (["red", "amber"], "mqls", 1),  # rung 2 wants red twice in a row
        (["red", "grey", "red"], "mqls", 1),  # a period without an actual breaks the run
        (["red", "red", "red"], "mqls", 3),
        (["red", "red", "red"], "sqls", 2),  # rung 3 is only for MQL KPIs
        (["red", "red", "green"], "mqls", None),
    ],
)
def test_the_highest_rung_whose_trigger_fires(statuses, measure, expected):
    rungs = ladder.ladder(
        [
            rung_item(1, 1, trigger_status="amber_or_red", trigger_periods=1),
            rung_item(2, 2, trigger_status="red_only", trigger_periods=2),
            rung_item(3, 3, trigger_status="red_only", trigger_periods=3, trigger_measure="mqls"),
        ]
    )
    rung = ladder.triggered(rungs, {"measure": measure}, statuses)
    assert (rung.number if rung else None) == expected


@pytest.mark.parametrize(
    "start, days, due",
    [
        ("2026-11-27T10:00", 0, "2026-11-27T10:00"),  # Friday
        ("2026-11-27T10:00", 1, "2026-11-30T10:00"),  # Friday + 1 working day: Monday
        ("2026-11-27T10:00", 2, "2026-12-01T10:00"),
        ("2026-11-28T10:00", 1, "2026-11-30T10:00"),  # from a Saturday
        ("2026-11-23T10:00", 5, "2026-11-30T10:00"),  # Monday + 5: next Monday
    ],
)
def test_response_time_counts_working_days(start, days, due):
    assert ladder.due_after(datetime.fromisoformat(start), days) == datetime.fromisoformat(due)


@pytest.mark.parametrize(
    "url, private_ok, refused",
    [
        ("https://hooks.slack.com/services/T0/B0/XX", False, False),
        ("https://example.webhook.office.com/webhookb2/abc", False, False),
        ("http://93.184.216.34/hook", False, False),
        ("ftp://example.com/hook", False, True),
        ("javascript:alert(1)", False, True),
        ("https://user:secret@example.com/hook", False, True),
        ("http://127.0.0.1:8000/hook", False, True),
        ("http://localhost/hook", False, True),
        ("http://10.0.0.5/hook", False, True),
        ("http://192.168.1.1/hook", False, True),
        ("http://169.254.169.254/latest/meta-data", False, True),
        ("http://[::1]/hook", False, True),
        ("http://[fd00::1]/hook", False, True),
        ("http://0.0.0.0/hook", False, True),
        ("https:///nohost", False, True),
        ("http://127.0.0.1:8000/hook", True, False),  # allowed by configuration
    ],
)
def test_webhook_addresses(url, private_ok, refused):
    if refused:
        with pytest.raises(webhooks.WebhookError):
            webhooks.check_url(url, private_ok)
    else:
        webhooks.check_url(url, private_ok)


def test_a_host_that_resolves_to_a_private_address_is_refused_when_sending(monkeypatch):
    # The name passes the text check; the address it resolves to (DNS rebinding, an
    # internal name) does not, and nothing is sent.
    def resolver(host, port, **kwargs):
        return [(2, 1, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolver)
    webhooks.check_url("https://hooks.example.com/x", False)
    with pytest.raises(webhooks.WebhookError) as refused:
        webhooks.post("https://hooks.example.com/x", b"{}", private_ok=False)
    assert "private" in str(refused.value)


# --- Through the command path -------------------------------------------------------------


def escalations_of(client, workshop, token):
    return api(client, workshop, token, "GET", "/dashboard").json["escalations"]


def test_red_periods_open_an_escalation_and_move_it_up(client, workshops, app):
    workshop, fac, people = signed(workshops)
    (marketing, m_sio), (sales, s_sio) = people
    board = api(client, workshop, marketing["token"], "GET", "/dashboard").json
    mqls = kpi_named(board, "MQL volume")  # target 140 a month, higher is better
    before = fresh_state(fac)["version"]

    # Green: nothing happens. Red for one month: rung 1 (the draft's ladder).
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[0],
                        "value": 150})["ok"]  # fmt: skip
    assert escalations_of(client, workshop, sales["token"]) == []
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[1],
                        "value": 90})["ok"]  # fmt: skip
    [opened] = escalations_of(client, workshop, sales["token"])
    assert {k: opened[k] for k in ("kpi_id", "rung", "status")} == {
        "kpi_id": mqls["id"], "rung": 1, "status": "open",
    }  # fmt: skip
    assert set(opened) >= {"id", "kpi_id", "rung", "status", "due"}
    due = datetime.fromisoformat(opened["due"])
    assert timedelta(days=2) <= due - datetime.now(UTC) <= timedelta(days=4, minutes=1)
    assert opened["rung_title"] == "Owner and team leads" and "team leads" in opened["who"]
    assert fresh_state(fac)["version"] > before  # every open dashboard hears about it

    # Red a second month in a row: rung 2, same escalation, history kept.
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[2],
                        "value": 80})["ok"]  # fmt: skip
    [moved] = escalations_of(client, workshop, sales["token"])
    assert (moved["id"], moved["rung"], moved["status"]) == (opened["id"], 2, "open")
    assert [h["kind"] for h in moved["history"]] == ["opened", "moved_up"]

    # Acknowledge (twice is once), then resolve with a note; the history says who.
    ack = {"type": "acknowledge_escalation", "escalation_id": moved["id"], "note": "On it"}
    assert send(s_sio, ack)["ok"] and send(s_sio, ack)["ok"]
    refused = send(s_sio, {"type": "resolve_escalation", "escalation_id": moved["id"]})
    assert refused["code"] == "invalid"
    resolve = {"type": "resolve_escalation", "escalation_id": moved["id"], "note": "Campaign"}
    assert send(fac, resolve)["ok"]
    assert send(fac, resolve)["code"] == "conflict"
    [done] = escalations_of(client, workshop, sales["token"])
    assert done["status"] == "resolved"
    assert [(h["kind"], h["member_name"]) for h in done["history"]] == [
        ("opened", None), ("moved_up", None), ("acknowledged", "Sales 1"),
        ("resolved", "Fiona"),
    ]  # fmt: skip

    # Another workshop's member cannot touch it; an unknown id is not found.
    _, other_fac, _ = workshops.room(marketing=1, sales=1)
    assert send(other_fac, {**ack, "type": "acknowledge_escalation"})["code"] == "not_found"


def test_an_escalation_not_acknowledged_in_time_moves_up(workshops, app, client):
    workshop, fac, people = signed(workshops)
    (marketing, m_sio), _ = people
    board = api(client, workshop, marketing["token"], "GET", "/dashboard").json
    mqls = kpi_named(board, "MQL volume")
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[2],
                        "value": 10})["ok"]  # fmt: skip
    [opened] = escalations_of(client, workshop, marketing["token"])
    db = connect(app.config["DATABASE"])

    # Before it is due nothing moves, and the version stays.
    version = fresh_state(fac)["version"]
    assert escalation_commands.sweep(db) == []
    assert fresh_state(fac)["version"] == version

    late = datetime.fromisoformat(opened["due"]) + timedelta(minutes=1)
    assert len(escalation_commands.sweep(db, now=late)) == 1
    [moved] = escalations_of(client, workshop, marketing["token"])
    assert (moved["rung"], moved["status"]) == (2, "open")
    last = moved["history"][-1]
    assert last["kind"] == "moved_up" and last["member_name"] is None

    # Up to the top of the ladder; there it stays (overdue) until someone resolves it.
    later = datetime.fromisoformat(moved["due"]) + timedelta(minutes=1)
    escalation_commands.sweep(db, now=later)
    top = datetime.fromisoformat(escalations_of(client, workshop, marketing["token"])[0]["due"])
    assert escalations_of(client, workshop, marketing["token"])[0]["rung"] == 3
    assert escalation_commands.sweep(db, now=top + timedelta(days=30)) == []
    assert escalations_of(client, workshop, marketing["token"])[0]["rung"] == 3
    # Acknowledged ones never move.
    db.close()


def test_webhook_is_set_by_the_facilitator_only_and_checked(workshops, monkeypatch):
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE", raising=False)
    workshop, fac, people = signed(workshops)
    (_, m_sio), _ = people
    hook = {"type": "set_webhook", "url": "https://hooks.example.com/services/abc"}
    assert send(m_sio, hook)["code"] == "forbidden"
    assert send(fac, hook)["ok"]
    for bad in ("ftp://x.example/", "http://127.0.0.1:5000/", "https://a:b@x.example/", "nope"):
        answer = send(fac, {"type": "set_webhook", "url": bad})
        assert answer["code"] == "invalid" and answer["error"], bad
    assert send(fac, {"type": "set_webhook", "url": ""})["ok"]  # removes it


def test_outbox_retries_then_gives_up_and_never_blocks(app, workshops, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    workshop, fac, people = signed(workshops)
    (marketing, m_sio), _ = people
    assert send(fac, {"type": "set_webhook", "url": "http://127.0.0.1:9/hook"})["ok"]
    board = workshops.client.get(
        f"/api/workshops/{workshop['code']}/dashboard",
        headers={"Authorization": f"Bearer {marketing['token']}"},
    ).json
    mqls = kpi_named(board, "MQL volume")
    assert send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": MONTHS[2],
                        "value": 10})["ok"]  # fmt: skip
    db = connect(app.config["DATABASE"])
    [queued] = list(db.query("SELECT * FROM webhook_outbox"))
    body = json.loads(queued["body"])
    assert body["event"] == "escalation.opened" and "MQL volume" in body["text"]
    assert body["escalation"]["rung"] == 1

    calls = []

    def failing(url, data):
        calls.append(url)
        raise webhooks.WebhookError("The webhook could not be reached.")

    now = datetime.now(UTC)
    for attempt in range(len(webhooks.BACKOFF)):
        assert webhooks.deliver_due(db, now=now, send=failing) == 0
        assert webhooks.deliver_due(db, now=now, send=failing) == 0  # not due again yet
        now += timedelta(seconds=webhooks.BACKOFF[attempt] + 1)
    [row] = list(db.query("SELECT * FROM webhook_outbox"))
    assert len(calls) == len(webhooks.BACKOFF) and row["failed_at"] and row["last_error"]
    db.close()


# --- The real server: a local receiver and dashboards open on two machines ------------------


class Receiver:
    """A local webhook receiver (a Teams or Slack stand-in) recording every POST."""

    def __init__(self, fail_first=0):
        self.posts, self.fail_first = [], fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(503)
                else:
                    outer.posts.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}/hooks/abc"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()

    def wait_for(self, event, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [p for p in self.posts if p["event"] == event]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no {event} posted; got {self.posts}")


def command(server, code, token, payload):
    """A command over HTTP, waiting out the rate limit like a patient script."""
    for _ in range(100):
        ack = requests.post(
            f"{server.url}/api/workshops/{code}/commands",
            json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=30,
        ).json()  # fmt: skip
        if ack.get("code") != "rate_limited":
            return ack
        time.sleep(0.2)
    return ack


def http_signed(server):
    base = server.url + "/api/workshops"
    workshop = requests.post(base, json={"title": "SLA", "facilitator_name": "Fiona",
                                         "language": "en"}, timeout=30).json()  # fmt: skip
    code, fac = workshop["code"], workshop["facilitator_token"]
    people = [
        requests.post(
            f"{base}/{code}/participants", json={"name": n, "department": d}, timeout=30
        ).json()  # fmt: skip
        for n, d in (("Mia", "marketing"), ("Sam", "sales"))
    ]
    state = requests.get(f"{base}/{code}/state", headers={"Authorization": f"Bearer {fac}"},
                         timeout=30).json()  # fmt: skip
    for item in state["items"]:
        command(server, code, fac, {"type": "decide", "item_id": item["id"],
                                    "outcome": "agreed", "reason": "ok"})  # fmt: skip
    digest = command(server, code, fac, {"type": "finalize"})["document_hash"]
    for person in people:
        assert command(server, code, person["token"], {"type": "sign", "document_hash": digest})[
            "ok"
        ]
    return code, fac, people


def test_a_red_kpi_reaches_every_dashboard_and_the_webhook(tmp_path):
    receiver = Receiver(fail_first=1)  # the first delivery fails: the retry brings it
    server = Server(tmp_path, {"WEBHOOK_ALLOW_PRIVATE": "1", "AFTERCARE_INTERVAL": "0.3"})
    server.start()
    clients, texts = [], []
    try:
        code, fac, (mia, sam) = http_signed(server)
        assert command(server, code, fac, {"type": "set_webhook", "url": receiver.url})["ok"]
        # Two people have the dashboard open, on two machines.
        for token in (fac, sam["token"]):
            sio = socketio_client.Client()
            seen = []
            sio.on("state", lambda s, seen=seen: seen.append(s["version"]) or texts.append(
                json.dumps(s)))  # fmt: skip
            sio.connect(server.url, auth={"token": token}, transports=["websocket"])
            clients.append((sio, seen))
        headers = {"Authorization": f"Bearer {mia['token']}"}
        board = requests.get(f"{server.url}/api/workshops/{code}/dashboard", headers=headers,
                             timeout=30).json()  # fmt: skip
        mqls = kpi_named(board, "MQL volume")
        time.sleep(0.5)
        versions_before = [max(seen) for _, seen in clients]

        # Marketing records a red month over the HTTP API.
        response = requests.post(
            f"{server.url}/api/workshops/{code}/kpis/{mqls['id']}/actuals",
            json={"period": MONTHS[2], "value": 20}, headers=headers, timeout=30,
        )  # fmt: skip
        assert response.status_code == 201
        deadline = time.time() + 10
        while time.time() < deadline and any(
            max(seen) <= before for (_, seen), before in zip(clients, versions_before, strict=True)
        ):
            time.sleep(0.05)
        assert all(max(s) > b for (_, s), b in zip(clients, versions_before, strict=True))
        [escalation] = requests.get(f"{server.url}/api/workshops/{code}/dashboard",
                                    headers=headers, timeout=30).json()["escalations"]  # fmt: skip
        assert (escalation["rung"], escalation["status"]) == (1, "open")
        # The page shows the rung and who to involve.
        page = requests.get(f"{server.url}/w/{code}/dashboard", headers=headers, timeout=30)
        assert "Rung 1" in page.text and "team leads" in page.text

        [posted] = receiver.wait_for("escalation.opened")
        assert "MQL volume" in posted["text"] and posted["escalation"]["rung"] == 1

        # Nobody acknowledges in time: the background task moves it up and says so.
        db = sqlite3.connect(server.env["WORKSHOP_DB"])
        with db:
            db.execute("UPDATE escalations SET due = ?", ["2000-01-01T00:00:00+00:00"])
        db.close()
        [moved] = receiver.wait_for("escalation.moved_up")
        assert moved["escalation"]["rung"] == 2
        board = requests.get(f"{server.url}/api/workshops/{code}/dashboard", headers=headers,
                             timeout=30).json()  # fmt: skip
        assert board["escalations"][0]["rung"] == 2
        # The webhook's URL (a secret) is never in the JSON or a broadcast.
        assert texts and not any("/hooks/abc" in t for t in texts + [json.dumps(board)])
    finally:
        for sio, _ in clients:
            sio.disconnect()
        server.stop()
        receiver.close()
