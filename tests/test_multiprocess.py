"""Several server processes on one database, sharing rooms through Redis."""

import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
import requests
import socketio
from conftest import Server, disconnect, free_port, socket_client
from test_server import Person, all_online

pytestmark = pytest.mark.server


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing: .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    import socket

    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def two_servers(tmp_path, redis_url):
    """Two `python app.py` processes on one SQLite file, sharing rooms through Redis."""
    first = Server(tmp_path, {"MESSAGE_QUEUE": redis_url}).start()
    second = Server(tmp_path, {"MESSAGE_QUEUE": redis_url})
    second.env["WORKSHOP_DB"] = first.env["WORKSHOP_DB"]
    return first, second.start()


def test_two_processes_share_state_and_presence(tmp_path, redis_url):
    first, second = two_servers(tmp_path, redis_url)
    people = []
    try:
        created = requests.post(
            first.url + "/api/workshops",
            json={"title": "Two processes", "facilitator_name": "Fiona", "language": "en"},
        ).json()
        code = created["code"]
        joins = [
            requests.post(
                f"{second.url}/api/workshops/{code}/participants",
                json={"name": f"P{i}", "department": ("marketing", "sales")[i % 2]},
            ).json()
            for i in range(4)
        ]
        facilitator = Person(first.url, created["facilitator_token"])
        people = [facilitator] + [
            Person((first, second)[i % 2].url, j["token"]) for i, j in enumerate(joins)
        ]
        # Presence and changes made on one process reach people connected to the other.
        facilitator.wait_for(all_online(4))
        ack = people[2].command({"type": "propose", "section": "goals", "text": "Shared goal"})
        assert ack["ok"]
        for person in people:
            person.wait_for(lambda s: any(i["text"] == "Shared goal" for i in s["items"]))
        assert facilitator.command({"type": "goto_stage", "stage": "goals"})["ok"]
        for person in people:
            person.wait_for(lambda s: s["stage"] == "goals")
    finally:
        for person in people:
            person.close()
        first.stop()
        second.stop()


class Roaming:
    """One person's python-socketio client that, when its server goes away, connects again
    with the same token to the next server in `urls`: what the load balancer does for a
    browser whose process died (deploy/nginx.conf). Keeps the newest `state` it was sent,
    whichever connection brought it."""

    def __init__(self, urls, token):
        self.urls, self.token = list(urls), token
        self.state, self.sio, self.url, self.connects = None, None, None, 0
        self.closing = False
        self.changed = threading.Condition()
        self._connect(0)

    def _connect(self, first):
        deadline = time.time() + 30
        attempt = 0
        while not self.closing:
            url = self.urls[(first + attempt) % len(self.urls)]
            sio = socket_client(on_disconnect=self._lost, reconnection=False)
            sio.on("state", self._on_state)
            try:
                sio.connect(url, auth={"token": self.token}, transports=["websocket"],
                            wait_timeout=10)  # fmt: skip
            except socketio.exceptions.ConnectionError:
                assert time.time() < deadline, f"no server took the client back: {self.urls}"
                attempt += 1
                time.sleep(0.2)
                continue
            with self.changed:
                self.sio, self.url = sio, url
                self.connects += 1
                self.changed.notify_all()
            return

    def _lost(self):
        with self.changed:
            lost, self.sio = self.url, None
        if not self.closing:
            # Not on the reader thread of the client that was lost: it is ending.
            nxt = self.urls.index(lost) + 1
            threading.Thread(target=self._connect, args=(nxt,), daemon=True).start()

    def _on_state(self, state):
        with self.changed:
            if self.state is None or state["version"] >= self.state["version"]:
                self.state = state
            self.changed.notify_all()

    def connected(self, timeout=30):
        """The client connected now, after a failover if there was one."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.sio is not None and self.sio.connected,
                                         timeout), "did not reconnect"  # fmt: skip
            return self.sio, self.url

    def wait_for(self, predicate, timeout=30):
        with self.changed:
            ok = self.changed.wait_for(lambda: self.state and predicate(self.state), timeout)
            assert ok, f"timed out; last version {self.state and self.state['version']}"
            return self.state

    def close(self):
        self.closing = True
        sio = self.sio
        if sio is not None:
            closer = threading.Thread(target=disconnect, args=(sio,), daemon=True)
            closer.start()
            closer.join(10)


def run_plan(person, plan, acks):
    """Sends each command of the plan through the person's current connection, as fast as a
    busy room; records (person, payload, ack, server url) of every command acknowledged ok.
    A command lost with its server is not retried: nobody was told it happened."""
    for payload in plan:
        while True:
            sio, url = person.connected()
            try:
                ack = sio.call("command", payload, timeout=5)
            except socketio.exceptions.BadNamespaceError:
                time.sleep(0.05)  # never sent: the connection had just gone; send it again
                continue
            except socketio.exceptions.SocketIOError:
                break  # sent, no answer: lost with its server
            if ack.get("code") == "rate_limited":
                time.sleep(0.2)
                continue
            assert ack["ok"], (payload, ack)
            acks.append((person, payload, ack, url))
            break
        time.sleep(0.05)


def test_kill_9_of_one_process_loses_no_acknowledged_change(tmp_path, redis_url):
    first, second = two_servers(tmp_path, redis_url)
    urls = [first.url, second.url]
    people = []
    try:
        created = requests.post(
            first.url + "/api/workshops",
            json={"title": "Failover", "facilitator_name": "Fiona", "language": "en"},
        ).json()
        code = created["code"]
        joins = [requests.post(f"{urls[i % 2]}/api/workshops/{code}/participants",
                               json={"name": f"P{i}", "department": ("marketing", "sales")[i // 2]}
                               ).json() for i in range(4)]  # fmt: skip
        # The facilitator and two delegates on the process that will be killed, two on the
        # one that survives.
        facilitator = Roaming([second.url, first.url], created["facilitator_token"])
        delegates = [Roaming(urls if i % 2 == 0 else urls[::-1], j["token"])
                     for i, j in enumerate(joins)]  # fmt: skip
        people = [facilitator, *delegates]
        survivors = [d for d in delegates if d.url == first.url]
        roamers = [facilitator] + [d for d in delegates if d.url == second.url]
        assert len(survivors) == 2 and len(roamers) == 3

        items = [i["id"] for i in facilitator.wait_for(lambda s: s["items"])["items"]
                 if i["status"] == "open"]  # fmt: skip
        rounds = 10
        assert len(items) >= rounds
        choices = ("agree", "disagree", "abstain", "block")
        plans = [[{"type": "propose", "section": "goals", "text": f"Fiona goal {n}"}
                  for n in range(2 * rounds)]]  # fmt: skip
        for d in range(4):
            plan = []
            for n in range(rounds):
                plan.append({"type": "vote", "item_id": items[(n + 3 * d) % len(items)],
                             "choice": choices[(n + d) % 4]})  # fmt: skip
                plan.append({"type": "propose", "section": "goals", "text": f"P{d} goal {n}"})
            plans.append(plan)
        acks = []
        workers = [threading.Thread(target=run_plan, args=(p, plan, acks), daemon=True)
                   for p, plan in zip(people, plans, strict=True)]  # fmt: skip
        for worker in workers:
            worker.start()

        # Mid-stream: once the second process has acknowledged changes of all three of its
        # people, and while they are still sending, it is killed.
        deadline = time.time() + 60
        while sum(1 for *_, url in acks if url == second.url) < 9:
            assert time.time() < deadline, "the stream did not get going"
            time.sleep(0.02)
        second.kill9()
        for worker in workers:
            worker.join(120)
            assert not worker.is_alive(), "a client never finished its commands"

        by_second = [a for a in acks if a[3] == second.url]
        assert by_second, "nothing was acknowledged by the killed process"
        for roamer in roamers:
            assert roamer.url == first.url and roamer.connects == 2
        last_by_second = max(i for i, a in enumerate(acks) if a[3] == second.url)
        assert any(a[0] is facilitator for a in acks[last_by_second + 1 :])

        newest = max(ack["version"] for _, _, ack, _ in acks)
        proposed = {p["text"] for _, p, _, _ in acks if p["type"] == "propose"}
        member_of = {id(d): j["participant_id"] for d, j in zip(delegates, joins, strict=True)}
        votes = {(member_of[id(person)], p["item_id"]): p["choice"]
                 for person, p, _, _ in acks if p["type"] == "vote"}  # fmt: skip
        assert votes and len(proposed) > 20

        # Every client, the survivors' and the reconnected ones', holds a state with every
        # acknowledged change: a full snapshot as new as the newest ack.
        for person in people:
            state = person.wait_for(lambda s: s["version"] >= newest)
            texts = {i["text"] for i in state["items"]}
            assert not proposed - texts, f"acknowledged proposals missing: {proposed - texts}"
            voted = {i["id"]: set(i["voted"]) for i in state["items"]}
            missing = [k for k in votes if k[0] not in voted[k[1]]]
            assert not missing, f"acknowledged votes missing: {missing}"
        for person, joined in zip(delegates, joins, strict=True):
            own = person.state["you"]
            assert own["id"] == joined["participant_id"]
            mine = {(own["id"], int(i)): c for i, c in own["vote_by_item"].items()}
            assert {k: v for k, v in votes.items() if k[0] == own["id"]}.items() <= mine.items()
        assert facilitator.state["you"]["role"] == "facilitator"

        # And in the database.
        db = sqlite3.connect(first.env["WORKSHOP_DB"])
        try:
            stored = {r[0] for r in db.execute("SELECT text FROM items")}
            cast = {(r[0], r[1]): r[2] for r in db.execute(
                "SELECT member_id, item_id, choice FROM votes")}  # fmt: skip
        finally:
            db.close()
        assert not proposed - stored
        assert votes.items() <= cast.items()
    finally:
        for person in people:
            person.close()
        first.stop()
        second.stop()


def test_patches_from_two_processes_end_in_the_same_state(tmp_path, redis_url):
    """Each process patches from what it broadcast last; a patch from the other process
    does not fit the state a page holds, which then asks for a full one (protocol.md)."""
    from test_patches import Patching, comparable
    from test_scale import workshop

    first, second = two_servers(tmp_path, redis_url)
    people = []
    try:
        created, joins = workshop(first.url, 4)
        people = [Patching(first.url, created["facilitator_token"])] + [
            Patching((second, first)[i % 2].url, j["token"]) for i, j in enumerate(joins)
        ]
        state = people[0].wait_version(0)
        items = [i["id"] for i in state["items"] if i["section"] == "goals"]
        acks = []
        for item in items:
            for person in people[1:]:  # commands arrive on both processes in turn
                acks.append(person.sio.call("command", {"type": "vote", "item_id": item,
                                                        "choice": "agree"}))  # fmt: skip
            acks.append(people[0].sio.call("command", {"type": "reveal", "item_id": item}))
        assert all(a["ok"] for a in acks), [a for a in acks if not a["ok"]]
        last = max(a["version"] for a in acks)
        for person in people:
            held = person.wait_version(last)
            assert comparable(held) == comparable(person.fresh())
        assert all(i["status"] == "revealed" for i in held["items"] if i["id"] in items)
    finally:
        for person in people:
            person.close()
        first.stop()
        second.stop()


def test_rate_limits_per_address_are_one_budget_for_all_processes(tmp_path, redis_url):
    """Behind a load balancer a script guessing join codes meets both processes: with Redis
    they spend from one bucket per address (security.SharedTokenBucket), so it gets the
    configured rate once, not once per process."""
    limits = {"MESSAGE_QUEUE": redis_url, "RATE_LIMIT_LOOKUP": "0.001,4"}
    first = Server(tmp_path, limits).start()
    second = Server(tmp_path, limits)
    second.env["WORKSHOP_DB"] = first.env["WORKSHOP_DB"]
    second.start()
    try:
        statuses = [
            requests.get(f"{server.url}/w/ABCDE-FGHJ{n}/join", timeout=10).status_code
            for n, server in zip("KMNPQRST", [first, second] * 4, strict=True)
        ]
        assert statuses == [404] * 4 + [429] * 4, statuses
    finally:
        first.stop()
        second.stop()


def test_rate_limits_fall_back_to_the_process_when_redis_is_gone(tmp_path):
    from conftest import make_app

    from workshop.security import SharedTokenBucket

    app = make_app(tmp_path)
    with app.app_context():
        bucket = SharedTokenBucket(f"redis://127.0.0.1:{free_port()}/0", "join", 0.001, 2)
        assert [bucket.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
        assert bucket.allow("10.0.0.2") and not bucket.has_token("10.0.0.1")
        assert bucket.retry_after("10.0.0.1") > 900
