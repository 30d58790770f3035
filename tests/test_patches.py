"""`state_patch` against the real server: sockets that ask for patches hold, after any mix of
commands from many people, exactly the state a full snapshot gives; a missed patch is healed
by a `sync`; a person's other tab without patches still gets full states."""

import json
import threading
import time

import pytest
import socketio
from conftest import disconnect
from test_scale import workshop

from workshop.statepatch import PatchError, apply

pytestmark = pytest.mark.server


class Patching:
    """A client like the page (static/js/lib.js): it asks for patches, applies each one to the
    state it holds, and asks for a full state when a patch does not start from it."""

    def __init__(self, url, token, patches=True, drop=()):
        self.base, self.syncs, self.patches, self.full, self.held = None, 0, [], [], []
        self.drop = set(drop)  # patch numbers to lose on purpose (a gap)
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("state", self.on_state)
        self.sio.on("state_patch", self.on_patch)
        auth = {"token": token, "patches": True} if patches else {"token": token}
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def on_state(self, state):
        with self.changed:
            self.full.append(len(json.dumps(state)))
            if self.base is None or state["version"] >= self.base["version"]:
                self.base = state
            # A full state built before a patch that arrived ahead of it: apply that now.
            held, self.held = self.held, []
            for patch in held:
                self._apply(patch)
            self.changed.notify_all()

    def on_patch(self, patch):
        with self.changed:
            self.patches.append(len(json.dumps(patch)))
            if len(self.patches) not in self.drop:
                self._apply(patch)
            self.changed.notify_all()

    def _apply(self, patch):
        if patch["from"] != self.base["version"]:
            if patch["version"] > self.base["version"]:
                self.held.append(patch)
                self.syncs += 1
                self.sio.emit("sync")
            return
        try:
            self.base = apply(self.base, patch["ops"])
        except PatchError:
            self.syncs += 1
            self.sio.emit("sync")

    def wait_version(self, version, timeout=20):
        deadline = time.time() + timeout
        with self.changed:
            while self.base is None or self.base["version"] < version:
                assert time.time() < deadline, f"still at {self.base and self.base['version']}"
                self.changed.wait(deadline - time.time())
        return self.base

    def fresh(self):
        """A full state asked for now, from another socket of the same person."""
        other = socketio.Client(reconnection=False)
        got = []
        other.on("state", got.append)
        other.connect(self.sio.connection_url, auth=self.sio.connection_auth,
                      transports=["websocket"], wait_timeout=10)  # fmt: skip
        deadline = time.time() + 10
        while not got and time.time() < deadline:
            time.sleep(0.02)
        disconnect(other)
        return got[0]

    def close(self):
        disconnect(self.sio)


def comparable(state):
    """A state without what moves with the clock or with who is online this instant."""
    state = json.loads(json.dumps(state))
    if state.get("timer"):
        state["timer"].pop("remaining", None)
    for clock in ("elapsed_seconds", "stage_elapsed_seconds"):
        state["plan"].pop(clock, None)
    state["facilitator"].pop("online", None)
    for person in state["participants"]:
        person.pop("online", None)
    return state


def test_patched_states_equal_full_snapshots_after_a_busy_room(server):
    url = server.url
    created, joins = workshop(url, 6)
    facilitator = Patching(url, created["facilitator_token"])
    delegates = [Patching(url, j["token"]) for j in joins[:5]]
    old_client = Patching(url, joins[5]["token"], patches=False)  # a script without patches
    people = [facilitator, *delegates]
    try:
        state = facilitator.wait_version(0)
        facilitator.sio.call("command", {"type": "goto_stage", "stage": "definitions"})
        items = [i["id"] for i in state["items"] if i["section"] in ("mql", "sql")][:6]
        acks = []

        def busy(person, k):
            for n, item in enumerate(items):
                choice = ("agree", "disagree", "abstain", "block")[(k + n) % 4]
                acks.append(person.sio.call("command", {"type": "vote", "item_id": item,
                                                        "choice": choice}))  # fmt: skip
            acks.append(person.sio.call("command", {"type": "propose", "section": "mql",
                                                    "text": f"Idea {k} ü"}))  # fmt: skip

        # Two delegates read in Dutch from now on, one after the other: the second one's
        # readiness comes worded anew, not patched from the first one's Dutch.
        dutch = delegates[1].sio.call("command", {"type": "set_language", "language": "nl"})
        for person in people:
            person.wait_version(dutch["version"])
        second = delegates[0].sio.call("command", {"type": "set_language", "language": "nl"})
        held = delegates[0].wait_version(second["version"])
        assert held["you"]["language"] == "nl"
        assert comparable(held) == comparable(delegates[0].fresh())
        threads = [threading.Thread(target=busy, args=(d, k)) for k, d in enumerate(delegates)]
        for thread in threads:
            thread.start()
        for command in (
            {"type": "start_timer", "seconds": 300},
            {"type": "edit_item", "item_id": items[1], "text": "An MQL is a lead that fits."},
            {"type": "set_field", "section": "process", "field": "attempts", "value": 4},
            {"type": "set_anonymous", "anonymous": True},
        ):
            acks.append(facilitator.sio.call("command", command))
        for thread in threads:
            thread.join()
        acks.append(facilitator.sio.call("command", {"type": "reveal_section",
                                                     "section": "mql"}))  # fmt: skip
        assert all(a["ok"] for a in acks), [a for a in acks if not a["ok"]]
        last = max(a["version"] for a in acks)
        for person in [*people, old_client]:
            held = person.wait_version(last)
            assert comparable(held) == comparable(person.fresh()), "patched state differs"
        assert delegates[0].base["readiness"] != facilitator.base["readiness"]  # Dutch, English
        # Votes went out as patches far smaller than the snapshot they change.
        patches = sorted(n for p in people for n in p.patches)
        assert patches and patches[len(patches) // 2] * 10 < min(facilitator.full)
        assert old_client.patches == [] and len(old_client.full) > 1
    finally:
        for person in [*people, old_client]:
            person.close()


def test_a_missed_patch_is_healed_by_a_sync(server):
    url = server.url
    created, joins = workshop(url, 2)
    facilitator = Patching(url, created["facilitator_token"])
    lossy = Patching(url, joins[0]["token"], drop={2})
    try:
        state = lossy.wait_version(0)
        item = next(i["id"] for i in state["items"] if i["section"] == "goals")
        versions = []
        for k in range(4):
            ack = facilitator.sio.call(
                "command", {"type": "edit_item", "item_id": item, "text": f"Goal text {k}"}
            )
            assert ack["ok"], ack
            versions.append(ack["version"])
            lossy.wait_version(ack["version"]) if k != 1 else time.sleep(0.3)
        held = lossy.wait_version(versions[-1])
        assert lossy.syncs >= 1
        assert next(i for i in held["items"] if i["id"] == item)["text"] == "Goal text 3"
        assert comparable(held) == comparable(lossy.fresh())
    finally:
        facilitator.close()
        lossy.close()
