"""Fixtures: a fresh app on a temporary database per test, socket clients, the real server."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from workshop import create_app
from workshop.extensions import wait_for_background_work
from workshop.realtime import socketio

ROOT = Path(__file__).resolve().parent.parent
NO_LIMITS = {
    kind: (1000.0, 1000)
    for kind in ("join", "lookup", "command", "connect_address", "connect_member")
}


@pytest.fixture
def app(tmp_path):
    """A fresh app on a temporary database, without rate limits."""
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


class Workshops:
    """Small helpers to create and join workshops over the HTTP API."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, language="en", **extra):
        body = {"title": "SLA 2027", "facilitator_name": "Fiona", "language": language, **extra}
        response = self.client.post("/api/workshops", json=body)
        assert response.status_code == 201, response.json
        return response.json

    def join(self, code, name, department):
        response = self.client.post(
            f"/api/workshops/{code}/participants", json={"name": name, "department": department}
        )
        assert response.status_code == 201, response.json
        return response.json

    def socket(self, token):
        sio = socketio.test_client(self.app, auth={"token": token}, flask_test_client=self.client)
        assert sio.is_connected()
        return sio

    def room(self, language="en", marketing=2, sales=2, **extra):
        """A workshop with delegates; returns (workshop, facilitator socket, [(join, socket)])."""
        workshop = self.create(language, **extra)
        people = []
        for i in range(marketing + sales):
            department = "marketing" if i < marketing else "sales"
            joined = self.join(workshop["code"], f"{department.title()} {i}", department)
            people.append((joined, self.socket(joined["token"])))
        return workshop, self.socket(workshop["facilitator_token"]), people


@pytest.fixture
def workshops(app, client):
    return Workshops(app, client)


def last_state(sio):
    states = [m["args"][0] for m in sio.get_received() if m["name"] == "state"]
    assert states, "no state received"
    return states[-1]


def fresh_state(sio):
    """Asks the server for the current state (also when nothing changed)."""
    sio.get_received()
    sio.emit("sync")
    return last_state(sio)


def send(sio, payload):
    return sio.emit("command", payload, callback=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real server process (`python app.py`), started and killed like in production."""

    def __init__(self, tmp_path, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "WORKSHOP_DB": str(tmp_path / "server.sqlite"),
            "EXPORT_DIR": str(tmp_path / "exports"),
            "SECRET_KEY": "server-test",
            **(extra_env or {}),
        }
        self.log = open(tmp_path / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path).start()
    yield srv
    srv.stop()


# Issue 5 (trust): apps with their own settings, a module-wide app, and whole-database dumps.


def make_app(path, **config):
    """An app like the `app` fixture's on a database under path; config overrides, e.g. tight
    RATE_LIMITS or TRUST_PROXY."""
    # The last test's final PDF may still be printing; its broadcast after that must not
    # reach this app's sockets through the one Socket.IO server.
    wait_for_background_work()
    path.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(path / "workshop.sqlite"),
            "EXPORT_DIR": str(path / "exports"),
            "SECRET_KEY": "test",
            "RATE_LIMITS": NO_LIMITS,
            "SERVER_NAME": "localhost",
            **config,
        }
    )


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    """One app and database shared by a module's tests (each makes its own workshops).

    Thousands of small commits, each synced to disk: on a RAM disk when there is one.
    Durability itself is proved against the real server on disk (test_crash.py)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="sla-tests-") as folder:
            yield make_app(Path(folder))
    else:
        yield make_app(tmp_path_factory.mktemp("module_app"))


class DatabaseDump:
    """Every row of every table. PRAGMA data_version moves whenever another connection
    commits, so an unchanged number proves an unchanged database and the dump is reused."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.version, self.rows = None, None

    def __call__(self):
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self.version:
            tables = [
                r[0]
                for r in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            self.rows = {
                t: self.conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                for t in tables
            }
            self.version = version
        return self.rows

    def close(self):
        self.conn.close()


@pytest.fixture(scope="module")
def module_dump(module_app):
    dump = DatabaseDump(module_app.config["DATABASE"])
    yield dump
    dump.close()


def socket_client(on_disconnect=None, **options):
    """A python-socketio client for the real server. When the server drops the connection
    (killed, or a message too large), engine.io leaves that websocket open: this closes it,
    then calls on_disconnect()."""
    import socketio as socketio_client

    sio = socketio_client.Client(**options)

    def closed(reason=None):
        if reason != sio.reason.CLIENT_DISCONNECT and getattr(sio.eio, "ws", None) is not None:
            sio.eio.ws.shutdown()
        if on_disconnect:
            on_disconnect()

    sio.on("disconnect", closed)
    return sio


def disconnect(sio):
    """Disconnects a socket_client without the 3 s websocket-client waits for a close frame
    that this server never sends (it has stopped reading once engine.io said goodbye)."""
    ws = getattr(sio.eio, "ws", None)
    if ws is not None:
        close = ws.close
        ws.close = lambda *_args, **_kwargs: close(timeout=0.1)
    sio.disconnect()
