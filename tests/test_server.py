"""The real server process, driven by python-socketio clients: live presence, kill -9, resume."""

import threading
import time

import pytest
import requests
import socketio
from conftest import disconnect

pytestmark = pytest.mark.server


class Person:
    """A python-socketio client that keeps the latest state it was sent."""

    def __init__(self, url, token):
        self.state = None
        self.states = 0
        self.changed = threading.Condition()
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("state", self.on_state)
        self.sio.on("presence", self.on_presence)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def on_state(self, state):
        with self.changed:
            if self.state is None or state["version"] >= self.state["version"]:
                self.state = state
            self.states += 1
            self.changed.notify_all()

    def on_presence(self, presence):
        """Who is online, merged into the latest state as the page script does."""
        with self.changed:
            if self.state is not None:
                self.state = with_presence(self.state, presence)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=20):
        deadline = time.time() + timeout
        with self.changed:
            while not (self.state and predicate(self.state)):
                left = deadline - time.time()
                assert left > 0, (
                    f"timed out; last state: {self.state and self.state['participants']}"
                )
                self.changed.wait(left)
        return self.state

    def command(self, payload):
        return self.sio.call("command", payload, timeout=10)

    def close(self):
        """Disconnects within a few seconds: a socket left half-open by a killed server must
        not hang the test run (python-socketio joins its reader thread)."""
        closer = threading.Thread(target=disconnect, args=(self.sio,), daemon=True)
        closer.start()
        closer.join(10)


def with_presence(state, presence):
    online = set(presence["online"])
    return {
        **state,
        "facilitator": {**state["facilitator"], "online": state["facilitator"]["id"] in online},
        "participants": [{**p, "online": p["id"] in online} for p in state["participants"]],
    }


def all_online(n):
    return lambda s: len(s["participants"]) == n and all(p["online"] for p in s["participants"])


def test_eight_delegates_see_each_other_and_survive_kill_9(server):
    created = requests.post(
        server.url + "/api/workshops",
        json={"title": "Live", "facilitator_name": "Fiona", "language": "en"},
    ).json()
    code = created["code"]
    joins = [
        requests.post(
            f"{server.url}/api/workshops/{code}/participants",
            json={"name": f"P{i}", "department": "marketing" if i < 4 else "sales"},
        ).json()
        for i in range(8)
    ]
    ninth = requests.post(
        f"{server.url}/api/workshops/{code}/participants",
        json={"name": "Nine", "department": "sales"},
    )
    assert ninth.status_code == 409 and ninth.json()["error"]

    facilitator = Person(server.url, created["facilitator_token"])
    people = [Person(server.url, j["token"]) for j in joins]
    try:
        facilitator.wait_for(all_online(8))
        for person in people:
            person.wait_for(all_online(8))
        acks = [p.command({"type": "set_ready", "ready": True}) for p in people]
        assert all(a["ok"] for a in acks)
        assert facilitator.command({"type": "goto_stage", "stage": "funnel"})["ok"]
        last_ack = max(a["version"] for a in acks)

        server.kill9()
        server.start()

        # Every client reconnects by itself with its token and resyncs to the same person.
        facilitator.wait_for(lambda s: s["version"] > last_ack and all_online(8)(s), timeout=30)
        for person, joined in zip(people, joins, strict=True):
            state = person.wait_for(
                lambda s: s["version"] > last_ack and s["stage"] == "funnel", 30
            )
            assert state["you"]["id"] == joined["participant_id"]
        final = facilitator.state
        assert len(final["participants"]) == 8
        assert all(p["ready"] for p in final["participants"])
    finally:
        for person in [facilitator, *people]:
            person.close()
