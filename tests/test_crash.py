"""Issue 5: nothing acknowledged is ever lost, under kill -9 and under concurrent load."""

import random
import threading
import time

import pytest
import requests
import socketio
from conftest import DatabaseDump, disconnect, fresh_state, send, socket_client

from workshop.db import get_db

SECTIONS = ("goals", "kpis", "process", "escalation", "governance", "sql")
CHOICES = ("agree", "abstain", "disagree", "block")


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_full_sync(app):
    with app.app_context():
        db = get_db()
        pragma = {name: db.execute(f"PRAGMA {name}").fetchone()[0]
                  for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")}
    assert pragma == {"journal_mode": "wal", "busy_timeout": 15000, "synchronous": 2,
                      "foreign_keys": 1}


def test_a_command_is_one_transaction(app, workshops, monkeypatch):
    """The change, the new version and the audit row commit together or not at all."""
    _, fac, _ = workshops.room(start_from="empty")
    dump = DatabaseDump(app.config["DATABASE"])
    try:
        before = dump()

        def audit_fails(*_args):
            raise RuntimeError("disk full")

        monkeypatch.setattr("workshop.commands.record_audit", audit_fails)
        with pytest.raises(RuntimeError):
            send(fac, {"type": "propose", "section": "kpis", "text": "Win rate"})
        assert dump() == before
        monkeypatch.undo()
        assert send(fac, {"type": "propose", "section": "kpis", "text": "Win rate"})["ok"]
        assert [i["text"] for i in fresh_state(fac)["items"]] == ["Win rate"]
    finally:
        dump.close()


class Delegate:
    """A python-socketio client that proposes and votes, and records what was acknowledged."""

    def __init__(self, url, joined, name):
        self.id, self.name = joined["participant_id"], name
        self.state, self.changed = None, threading.Condition()
        self.proposed, self.votes = [], {}  # acknowledged: texts; item id -> last choice
        self.pending = None  # the one command sent when the server went away
        self.refused, self.errors = [], []
        self.connects, self.lost, self.waiting = 0, threading.Event(), threading.Event()
        self.sio = socket_client(on_disconnect=self.on_lost, reconnection=True,
                                 reconnection_delay=0.1, reconnection_delay_max=0.3)
        self.sio.on("state", self.on_state)
        self.sio.on("connect", self.on_connect)
        self.sio.connect(url, auth={"token": joined["token"]}, transports=["websocket"],
                         wait_timeout=10)

    def on_state(self, state):
        with self.changed:
            if self.state is None or state["version"] >= self.state["version"]:
                self.state = state
            self.changed.notify_all()

    def on_connect(self):
        with self.changed:
            self.connects += 1
            self.changed.notify_all()

    def on_lost(self):
        self.lost.set()
        self.waiting.set()

    def ask(self, payload):
        """The ack, or None when the connection is lost before it comes."""
        answered, acks = threading.Event(), []
        self.waiting = answered

        def on_ack(ack):
            acks.append(ack)
            answered.set()

        self.sio.emit("command", payload, callback=on_ack)
        if not self.lost.is_set():
            answered.wait(10)
        return acks[0] if acks else None

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        with self.changed:
            while not (self.state and predicate(self)):
                assert self.changed.wait(max(0.0, deadline - time.time())), self.name
        return self.state

    def work(self, items, count, acked, seed):
        """Votes, and every fourth command a proposal (each item makes every later snapshot
        bigger); stops at the first command that gets no answer."""
        rng = random.Random(seed)
        try:
            for n in range(count):
                if n % 4:
                    choice = (rng.choice(items), rng.choice(CHOICES))
                    payload = {"type": "vote", "item_id": choice[0], "choice": choice[1]}
                else:
                    text = f"{self.name} proposal {n}"
                    payload = {"type": "propose", "section": SECTIONS[n % len(SECTIONS)],
                               "text": text}
                try:
                    ack = self.ask(payload)
                except socketio.exceptions.SocketIOError:
                    ack = None
                if ack is None:
                    self.pending = payload
                    return
                if not ack["ok"]:
                    self.refused.append((payload, ack))
                elif payload["type"] == "vote":
                    self.votes[choice[0]] = choice[1]
                else:
                    self.proposed.append(text)
                acked.add(ack["version"])
        except Exception as exc:  # reported by the test, not lost in the thread
            self.errors.append(exc)

    def close(self):
        disconnect(self.sio)


def in_parallel(function, arguments):
    """Connecting takes a few hundred ms per client: side by side, that is paid once."""
    results = [None] * len(arguments)

    def call(n):
        results[n] = function(arguments[n])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(len(arguments))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def close_all(delegates):
    in_parallel(Delegate.close, delegates)


class Acked:
    """Versions acknowledged to anyone, shared by the threads."""

    def __init__(self):
        self.lock, self.versions = threading.Lock(), []

    def add(self, version):
        with self.lock:
            self.versions.append(version)

    def __len__(self):
        return len(self.versions)


def open_workshop(url):
    """A facilitator, 4 items to vote on, and 8 connected delegates."""
    created = requests.post(url + "/api/workshops", json={
        "title": "Load", "facilitator_name": "Fiona", "language": "en",
        "start_from": "empty"}, timeout=10).json()
    code, auth = created["code"], {"Authorization": f"Bearer {created['facilitator_token']}"}
    for n in range(4):
        ack = requests.post(f"{url}/api/workshops/{code}/commands", headers=auth, timeout=10,
                            json={"type": "propose", "section": "mql", "text": f"Signal {n}"})
        assert ack.json()["ok"]
    joins = [requests.post(f"{url}/api/workshops/{code}/participants", timeout=10, json={
        "name": f"D{i}", "department": ("marketing", "sales")[i % 2]}).json() for i in range(8)]
    delegates = in_parallel(lambda n: Delegate(url, joins[n], f"D{n}"), list(range(8)))
    state = delegates[0].wait_for(lambda person: len(person.state["items"]) == 4)
    items = [i["id"] for i in state["items"]]
    return code, auth, items, delegates


def run(delegates, items, count, acked):
    threads = [threading.Thread(target=d.work, args=(items, count, acked, n))
               for n, d in enumerate(delegates)]
    for thread in threads:
        thread.start()
    return threads


def revealed_state(url, code, auth, items):
    for item_id in items:
        ack = requests.post(f"{url}/api/workshops/{code}/commands", headers=auth, timeout=10,
                            json={"type": "reveal", "item_id": item_id})
        assert ack.json()["ok"], ack.json()
    return requests.get(f"{url}/api/workshops/{code}/state", headers=auth, timeout=10).json()


def assert_nothing_acknowledged_is_lost(state, delegates, items):
    texts = [i["text"] for i in state["items"]]
    assert len(texts) == len(set(texts)), "an item was duplicated"
    for d in delegates:
        for text in d.proposed:
            assert texts.count(text) == 1, text
        if d.pending and d.pending["type"] == "propose":
            assert texts.count(d.pending["text"]) <= 1
    expected_texts = {f"Signal {n}" for n in range(4)} | {t for d in delegates for t in d.proposed}
    unacknowledged = {d.pending["text"] for d in delegates
                      if d.pending and d.pending["type"] == "propose"}
    assert expected_texts <= set(texts) <= expected_texts | unacknowledged
    by_id = {i["id"]: i for i in state["items"]}
    for item_id in items:
        item = by_id[item_id]
        cast = {v["participant_id"]: v["choice"] for v in item["votes"]}
        for d in delegates:
            allowed = {d.votes.get(item_id)}
            if d.pending and d.pending["type"] == "vote" and d.pending["item_id"] == item_id:
                allowed.add(d.pending["choice"])
            assert cast.get(d.id) in allowed, (d.name, item_id, cast.get(d.id), allowed)
        tally = {choice: list(cast.values()).count(choice) for choice in CHOICES}
        assert item["tally"] == tally


@pytest.mark.server
def test_eight_delegates_at_once_end_with_exact_tallies(server):
    code, auth, items, delegates = open_workshop(server.url)
    acked = Acked()
    try:
        started = time.time()
        for thread in run(delegates, items, 30, acked):  # within each socket's burst of 60
            thread.join(60)
        elapsed = time.time() - started
        for d in delegates:
            assert not d.errors and not d.refused and d.pending is None, d.name
        assert len(acked) == 240 and len(set(acked.versions)) == 240  # each its own version
        assert elapsed < 30, elapsed
        state = revealed_state(server.url, code, auth, items)
        assert len(state["items"]) == 4 + 8 * len(range(0, 30, 4))
        assert_nothing_acknowledged_is_lost(state, delegates, items)
    finally:
        close_all(delegates)


@pytest.mark.server
def test_kill_9_loses_no_acknowledged_change_and_clients_resume(server):
    code, auth, items, delegates = open_workshop(server.url)
    acked = Acked()
    try:
        threads = run(delegates, items, 50, acked)
        deadline = time.time() + 20
        while len(acked) < 100 and time.time() < deadline:
            time.sleep(0.005)
        server.kill9()
        for thread in threads:
            thread.join(30)
        assert len(acked) >= 100
        for d in delegates:
            assert not d.errors and not d.refused, (d.name, d.errors, d.refused)
        assert sum(d.pending is not None for d in delegates) > 0, "the kill came too late"
        server.start()

        # Each client reconnects by itself with its old token and is the same person.
        for d in delegates:
            d.wait_for(lambda person: person.connects >= 2)
            ack = d.sio.call("command", {"type": "set_ready", "ready": True}, timeout=10)
            assert ack["ok"], ack
            state = d.wait_for(lambda person, v=ack["version"]: person.state["version"] >= v)
            assert state["you"]["id"] == d.id
        state = revealed_state(server.url, code, auth, items)
        assert_nothing_acknowledged_is_lost(state, delegates, items)
    finally:
        close_all(delegates)
