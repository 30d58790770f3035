"""deploy/nginx.conf: nginx accepts it, its limits match the app's, and it works in front of
two processes sharing rooms through Redis (sticky Socket.IO sessions, failover)."""

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio
from conftest import ROOT, Server, disconnect, free_port
from test_multiprocess import redis_url  # noqa: F401  (a fixture)

from workshop import server as serving
from workshop.security import LARGE_UPLOADS

CONF = ROOT / "deploy" / "nginx.conf"


@pytest.fixture
def nginx():
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return binary


def replace(text, old, new, count=1):
    assert text.count(old) == count, f"deploy/nginx.conf no longer has {old!r} {count}×"
    return text.replace(old, new)


def configured(tmp_path, port=80, upstreams=(5001, 5002)):
    """deploy/nginx.conf as it is, with its files in tmp_path (so nginx runs without root)
    and the given listening port and app ports."""
    folder = tmp_path / "nginx"
    folder.mkdir(exist_ok=True)
    text = CONF.read_text()
    text = replace(text, "pid /run/nginx-sla.pid;", f"pid {folder}/nginx.pid;")
    text = replace(text, "error_log /var/log/nginx/sla-error.log", f"error_log {folder}/error.log")
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = replace(
        text, "access_log /var/log/nginx/sla-access.log;", f"access_log {folder}/access.log; {temp}"
    )
    if os.geteuid() == 0:  # workers would run as nobody, who may not enter tmp_path
        text = replace(text, "worker_processes auto;", "worker_processes 1; user root;")
    else:
        text = replace(text, "worker_processes auto;", "worker_processes 1;")
    text = replace(text, "listen 80;", f"listen 127.0.0.1:{port};")
    for default, port_ in zip((5001, 5002), upstreams, strict=True):
        text = replace(text, f"server 127.0.0.1:{default} ", f"server 127.0.0.1:{port_} ", 2)
    path = folder / "nginx.conf"
    path.write_text(text)
    return folder, path


def test_nginx_accepts_the_configuration(tmp_path, nginx):
    folder, path = configured(tmp_path)
    result = subprocess.run(
        [nginx, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def directive(block, name):
    values = re.findall(rf"^\s*{name}\s+([^;]+);", block, re.MULTILINE)
    assert len(values) == 1, (name, values)
    return values[0]


def seconds(value):
    return int(value.removesuffix("s"))


def test_the_configuration_matches_the_app_limits():
    import workshop.dashboard.views  # noqa: F401  (adds the CRM imports to LARGE_UPLOADS)

    text = CONF.read_text()
    # The largest body the app takes gets through; every other limit is the app's (JSON 413).
    assert directive(text, "client_max_body_size") == "25m"
    assert max(LARGE_UPLOADS.values()) == 25 * 1024 * 1024
    socket_io = text.split("location /socket.io/", 1)[1].split("}", 1)[0]
    idle = serving.IDLE_TIMEOUT_SECONDS
    ping = 25
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert seconds(directive(socket_io, name)) > max(idle, ping + 20)
    # nginx closes idle connections before the app does (no request on a closing socket).
    app_upstream = text.split("upstream sla_app", 1)[1].split("}", 1)[0]
    assert seconds(directive(app_upstream, "keepalive_timeout")) < idle
    server = text.split("    server {", 1)[1]
    assert seconds(directive(server, "keepalive_timeout")) < idle
    assert "hash $sla_sticky_key consistent;" in text


def start_nginx(nginx, tmp_path, upstreams):
    """nginx with deploy/nginx.conf in front of the app ports, on a free port; returns
    (process, url). A port another test took meanwhile makes nginx exit: then another one."""
    for _ in range(5):
        port = free_port()
        folder, path = configured(tmp_path, port, upstreams)
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(path)]
            + ["-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 20
        while process.poll() is None and time.time() < deadline:
            try:
                answer = requests.get(url + "/healthz", timeout=5)
            except requests.ConnectionError:
                time.sleep(0.05)
                continue
            # Our nginx (not some other test's server on that port) and an app behind it.
            if answer.ok and answer.headers.get("Server") == "nginx":
                return process, url
            time.sleep(0.05)
        process.kill()
        process.wait(10)
    raise AssertionError("nginx did not start: " + (folder / "error.log").read_text())


class Browser:
    """A python-socketio client through nginx like a browser: it loads a page first (and gets
    the sticky cookie), then long-polls (by default only, so every message is a request of
    its own that must reach the process holding its session), or upgrades to a WebSocket as
    browsers do. Reconnects by itself."""

    def __init__(self, url, token, transports=("polling",)):
        self.http = requests.Session()
        assert self.http.get(url + "/healthz", timeout=10).ok
        self.cookie = self.http.cookies.get("sla_route")
        self.state, self.connects = None, 0
        self.changed = threading.Condition()
        self.sio = socketio.Client(
            http_session=self.http, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("state", self.on_state)
        self.sio.on("connect", self.on_connect)
        self.sio.connect(url, auth={"token": token}, transports=list(transports), wait_timeout=10)

    def on_connect(self):
        with self.changed:
            self.connects += 1

    def on_state(self, state):
        with self.changed:
            if self.state is None or state["version"] >= self.state["version"]:
                self.state = state
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=30):
        with self.changed:
            ok = self.changed.wait_for(lambda: self.state and predicate(self.state), timeout)
            assert ok, f"timed out; last version {self.state and self.state['version']}"
            return self.state

    def command(self, payload):
        for _ in range(50):
            ack = self.sio.call("command", payload, timeout=10)
            if ack.get("code") != "rate_limited":
                return ack
            time.sleep(0.2)
        return ack

    def close(self):
        closer = threading.Thread(target=disconnect, args=(self.sio,), daemon=True)
        closer.start()
        closer.join(10)


def socket_io_requests(server):
    server.log.flush()
    return Path(server.log.name).read_text(errors="replace").count("/socket.io/")


@pytest.mark.server
def test_two_processes_behind_nginx_keep_sessions_and_survive_kill_9(
    tmp_path,
    nginx,
    redis_url,  # noqa: F811
):
    env = {"MESSAGE_QUEUE": redis_url, "TRUST_PROXY": "1"}
    first = Server(tmp_path, env).start()
    second = Server(tmp_path, env)
    second.env["WORKSHOP_DB"] = first.env["WORKSHOP_DB"]
    second.start()
    proxy, url = start_nginx(nginx, tmp_path, (first.port, second.port))
    browsers = []
    try:
        # Static files compressed; the versioned vendor folders cached for a year, others not.
        script = next((ROOT / "static" / "vendor").glob("socket.io-client-*/*.js"))
        vendor = requests.get(f"{url}/{script.relative_to(ROOT).as_posix()}", timeout=10)
        assert vendor.ok and vendor.headers["Content-Encoding"] == "gzip"
        assert vendor.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        css = requests.get(f"{url}/static/app.css", timeout=10)
        assert css.ok and css.headers["Content-Encoding"] == "gzip"
        assert "immutable" not in css.headers.get("Cache-Control", "")
        created = requests.post(
            url + "/api/workshops",
            json={"title": "Behind nginx", "facilitator_name": "Fiona", "language": "en"},
            timeout=10,
        ).json()
        code = created["code"]
        tokens = [created["facilitator_token"]]
        for i in range(8):
            joined = requests.post(
                f"{url}/api/workshops/{code}/participants",
                json={"name": f"P{i}", "department": ("marketing", "sales")[i % 2]},
                timeout=10,
            )
            assert joined.status_code == 201, (joined.status_code, joined.text)
            tokens.append(joined.json()["token"])
        # Two browsers each (a laptop and a phone): 18 sticky cookies. The facilitator's two
        # upgrade to a WebSocket through nginx; the others stay on long-polling.
        browsers = [Browser(url, token) for token in tokens[1:] for _ in range(2)]
        upgrading = [Browser(url, tokens[0], ("polling", "websocket")) for _ in range(2)]
        browsers += upgrading
        assert len({b.cookie for b in browsers}) == len(browsers)
        before = [socket_io_requests(first), socket_io_requests(second)]
        assert all(before), f"one process got no browser: {before}"

        # Long-polling works only if every request of a session reaches the same process.
        acks = [b.command({"type": "propose", "section": "goals", "text": f"Goal {i}"})
                for i, b in enumerate(browsers)]  # fmt: skip
        assert all(a["ok"] for a in acks), acks
        newest = max(a["version"] for a in acks)
        for browser in browsers:
            state = browser.wait_for(lambda s: s["version"] >= newest)
            goals = {f"Goal {i}" for i in range(len(browsers))}
            assert goals <= {i["text"] for i in state["items"]}
            assert browser.connects == 1, "a session was lost: not sticky"
        for browser in upgrading:
            assert browser.sio.transport() == "websocket"

        # One process dies: its browsers reconnect through nginx to the other and resync.
        second.kill9()
        ack = requests.post(
            f"{url}/api/workshops/{code}/commands",
            json={"type": "propose", "section": "goals", "text": "After"},
            headers={"Authorization": f"Bearer {tokens[0]}"},
            timeout=30,
        ).json()
        assert ack["ok"], ack
        for browser in browsers:
            state = browser.wait_for(lambda s: s["version"] >= ack["version"])
            assert "After" in {i["text"] for i in state["items"]}
        moved = [b for b in browsers if b.connects == 2]
        assert moved, "no browser was on the killed process"
        for browser in moved:  # a new session on the survivor works on, long-polling
            assert browser.command({"type": "set_ready", "ready": True})["ok"]
    finally:
        for browser in browsers:
            browser.close()
        proxy.terminate()
        proxy.wait(10)
        first.stop()
        second.stop()
