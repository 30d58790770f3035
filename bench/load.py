"""The load benchmark: N workshops × 9 people voting at human pace, against `make run`'s
server and against the bare floor (bench/floor.py, which rebroadcasts a delegate's own snapshot
with the version bumped), in the same run.

Each room has a facilitator and eight delegates, all python-socketio clients spread over
several load processes so that one Python process is not the bottleneck. In every room
the delegates vote in turn, 8 votes within 10 s (one every 1.25 s, rooms out of phase).
For each vote: the time from sending it until all nine people of the room hold a `state`
with the vote's version (p50, p99), acks that never came; for the server process: CPU
time per vote and resident memory per room (psutil).

The project's clients ask for `state_patch` like the page does and apply each patch to the
state they hold (asking for a full one on a gap); BENCH_FULL_STATES=1 measures them taking
a full `state` with every change instead.
"""

import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workshop.statepatch import PatchError, apply  # noqa: E402 - after the path

PATCHES = os.environ.get("BENCH_FULL_STATES", "") in ("", "0")
LOAD_PROCESSES = int(os.environ.get("BENCH_LOAD_PROCESSES", "3"))
VOTE_EVERY = 10 / 8  # seconds between votes in one room
CHOICES = ("agree", "disagree", "abstain")


class Room:
    """Nine clients of one room; each remembers the newest version it holds."""

    def __init__(self, url, auths, ready_timeout=60):
        self.versions = [-1] * len(auths)
        self.states = [None] * len(auths)  # what a patch applies to
        self.syncs = 0
        self.changed = threading.Condition()
        self.clients = []
        for i, auth in enumerate(auths):
            # websocket-client checks UTF-8 in pure Python: 17 ms per 57 KB state, which made
            # the load processes, not the server, the bottleneck. The JSON decoder checks it.
            client = socketio.Client(
                reconnection=False, websocket_extra_options={"skip_utf8_validation": True}
            )
            client.on("state", lambda state, i=i: self.on_state(i, state))
            client.on("state_patch", lambda patch, i=i: self.on_patch(i, patch))
            client.connect(url, auth=auth, transports=["websocket"], wait_timeout=ready_timeout)
            self.clients.append(client)

    def on_state(self, i, state):
        with self.changed:
            if state["version"] >= self.versions[i]:
                self.states[i] = state
                self.versions[i] = state["version"]
            self.changed.notify_all()

    def on_patch(self, i, patch):
        with self.changed:
            held = self.states[i]
            if held is None or patch["from"] != held["version"]:
                if held is not None and patch["version"] > held["version"]:
                    self.syncs += 1
                    self.clients[i].emit("sync")
                return
            try:
                self.states[i] = apply(held, patch["ops"])
            except PatchError:
                self.syncs += 1
                self.clients[i].emit("sync")
                return
            self.versions[i] = patch["version"]
            self.changed.notify_all()

    def wait_all(self, version, timeout=10):
        deadline = time.perf_counter() + timeout
        with self.changed:
            while min(self.versions) < version:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def close(self):
        for client in self.clients:
            try:
                client.disconnect()
            except Exception:  # noqa: S110 - closing at the end of a run
                pass


def vote_loop(room, payloads, start, seconds, results):
    """Delegates 1..8 vote in turn every VOTE_EVERY seconds until the time is up."""
    time.sleep(random.uniform(0, VOTE_EVERY))  # noqa: S311 - rooms out of phase
    turn = 0
    while time.perf_counter() - start < seconds:
        delegate = 1 + turn % 8
        sent = time.perf_counter()
        try:
            ack = room.clients[delegate].call("command", payloads(delegate, turn), timeout=10)
        except socketio.exceptions.TimeoutError:
            results["no_ack"] += 1
        else:
            if not ack.get("ok"):
                results["refused"] += 1
            elif room.wait_all(ack["version"]):
                results["latencies"].append(time.perf_counter() - sent)
            else:
                results["not_delivered"] += 1
        turn += 1
        time.sleep(max(0, sent + VOTE_EVERY - time.perf_counter()))


def load_process(url, rooms, seconds, connected, go, out):
    """One load process: connects its rooms, waits for `go`, votes, reports."""
    results = {"latencies": [], "no_ack": 0, "refused": 0, "not_delivered": 0, "syncs": 0}
    open_rooms = [Room(url, room["auths"]) for room in rooms]
    connected.put(len(open_rooms))
    go.wait(600)
    start = time.perf_counter()
    threads = []
    for room, spec in zip(open_rooms, rooms, strict=True):
        item = spec["item_id"]

        def payloads(_delegate, turn, item=item):
            if item is None:
                return {"type": "vote"}
            return {"type": "vote", "item_id": item, "choice": CHOICES[turn % 3]}

        threads.append(
            threading.Thread(target=vote_loop, args=(room, payloads, start, seconds, results))
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["syncs"] = sum(room.syncs for room in open_rooms)
    out.put(results)
    for room in open_rooms:
        room.close()


def start_server(argv, env, url):
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            requests.get(url + "/healthz", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{argv} did not start")


def project_rooms(url, n):
    """n workshops with eight delegates each: the auths and an open item to vote on."""
    rooms = []
    for _ in range(n):
        created = requests.post(
            url + "/api/workshops",
            json={"title": "Bench", "facilitator_name": "F", "language": "en"},
            timeout=30,
        ).json()
        tokens = [created["facilitator_token"]] + [
            requests.post(
                f"{url}/api/workshops/{created['code']}/participants",
                json={"name": f"P{i}", "department": ("marketing", "sales")[i % 2]},
                timeout=30,
            ).json()["token"]
            for i in range(8)
        ]
        state = requests.get(
            f"{url}/api/workshops/{created['code']}/state",
            timeout=30,
            headers={"Authorization": f"Bearer {tokens[0]}"},
        ).json()
        rooms.append(
            {
                "auths": [{"token": t, "patches": True} if PATCHES else {"token": t}
                          for t in tokens],  # fmt: skip
                "item_id": state["items"][0]["id"],
                "state": requests.get(
                    f"{url}/api/workshops/{created['code']}/state",
                    timeout=30,
                    headers={"Authorization": f"Bearer {tokens[1]}"},
                ).content,
            }
        )
    return rooms


def run(url, pid, rooms, seconds):
    """Drive the rooms from LOAD_PROCESSES processes; the server's CPU and memory from pid."""
    server = psutil.Process(pid)
    context = multiprocessing.get_context("spawn")
    connected, out, go = context.Queue(), context.Queue(), context.Event()
    shares = [rooms[i::LOAD_PROCESSES] for i in range(LOAD_PROCESSES)]
    shares = [share for share in shares if share]
    processes = [
        context.Process(target=load_process, args=(url, share, seconds, connected, go, out))
        for share in shares
    ]
    for process in processes:
        process.start()
    for _ in processes:
        connected.get(timeout=600)
    time.sleep(1)
    rss = server.memory_info().rss
    cpu = server.cpu_times()
    go.set()
    results = [out.get(timeout=seconds + 120) for _ in processes]
    after = server.cpu_times()
    for process in processes:
        process.join(60)
    latencies = sorted(x for r in results for x in r["latencies"])
    votes = len(latencies) + sum(r["not_delivered"] + r["refused"] for r in results)
    cpu_seconds = (after.user - cpu.user) + (after.system - cpu.system)
    return {
        "rooms": len(rooms),
        "votes": votes,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else None,
        "cpu_ms_per_vote": cpu_seconds * 1000 / votes if votes else None,
        "rss_mb_per_room": rss / len(rooms) / 2**20,
        "no_ack": sum(r["no_ack"] for r in results),
        "refused": sum(r["refused"] for r in results),
        "not_delivered": sum(r["not_delivered"] for r in results),
        "syncs": sum(r.get("syncs", 0) for r in results),
    }


def bench_load(tmp, room_counts, seconds, free_port):
    """The project and the floor for each N; returns rows of both side by side."""
    rows = []
    for n in room_counts:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PORT": str(port),
            "WORKSHOP_DB": str(tmp / f"load-{n}.sqlite"),
            "EXPORT_DIR": str(tmp / "exports"),
            "SECRET_KEY": "bench",
            # One address creates every workshop and opens every socket here.
            "RATE_LIMIT_JOIN": "1000,5000",
            "RATE_LIMIT_CONNECT_ADDRESS": "1000,5000",
        }
        server = start_server([sys.executable, str(ROOT / "app.py")], env, url)
        try:
            rooms = project_rooms(url, n)
            project = run(url, server.pid, rooms, seconds)
        finally:
            server.terminate()
            server.wait(30)
        size = len(rooms[0]["state"])
        (tmp / "state.json").write_bytes(rooms[0]["state"])  # a delegate's, as sent
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        floor_env = {**os.environ, "PORT": str(port), "STATE_FILE": str(tmp / "state.json")}
        floor = start_server([sys.executable, str(ROOT / "bench/floor.py")], floor_env, url)
        try:
            floor_rooms = [{"auths": [{"room": r}] * 9, "item_id": None} for r in range(n)]
            bare = run(url, floor.pid, floor_rooms, seconds)
        finally:
            floor.terminate()
            floor.wait(30)
        rows.append({"rooms": n, "state_bytes": size, "project": project, "floor": bare})
    return rows


def print_load(rows):
    print("\nload: N rooms × 9 clients, 8 votes per 10 s per room, vote → all 9 hold it")
    head = (
        f"{'N':>4} {'votes':>6} {'p50 ms':>14} {'p99 ms':>14} {'CPU ms/vote':>16} "
        f"{'CPU ×':>6} {'p99 ×':>6} {'MB/room':>8} {'no ack':>7}"
    )
    print(head + "\n" + " " * 12 + "project / floor")
    for row in rows:
        p, f = row["project"], row["floor"]

        def pair(key, fmt="{:.1f}", p=p, f=f):
            a = "-" if p[key] is None else fmt.format(p[key])
            b = "-" if f[key] is None else fmt.format(f[key])
            return f"{a} / {b}"

        cpu_ratio = (
            p["cpu_ms_per_vote"] / f["cpu_ms_per_vote"]
            if p["cpu_ms_per_vote"] and f["cpu_ms_per_vote"]
            else float("nan")
        )
        p99_ratio = p["p99_ms"] / f["p99_ms"] if p["p99_ms"] and f["p99_ms"] else float("nan")
        print(
            f"{row['rooms']:>4} {p['votes']:>6} {pair('p50_ms'):>14} {pair('p99_ms'):>14} "
            f"{pair('cpu_ms_per_vote', '{:.2f}'):>16} {cpu_ratio:>6.1f} {p99_ratio:>6.1f} "
            f"{p['rss_mb_per_room']:>8.2f} {p['no_ack'] + p['not_delivered']:>7}"
        )
    syncs = sum(row["project"].get("syncs", 0) for row in rows)
    mode = "state_patch, as the page" if PATCHES else "a full state with every change"
    print(f"project clients take {mode}; full states asked for after a gap: {syncs}")
