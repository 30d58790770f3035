"""Several server processes on one database, sharing rooms through Redis."""

import os
import shutil
import subprocess
import time

import pytest
import requests
from conftest import Server, free_port
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
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


def test_two_processes_share_state_and_presence(tmp_path, redis_url):
    first = Server(tmp_path, {"MESSAGE_QUEUE": redis_url}).start()
    second = Server(tmp_path, {"MESSAGE_QUEUE": redis_url})
    second.env["WORKSHOP_DB"] = first.env["WORKSHOP_DB"]
    second.start()
    people = []
    try:
        created = requests.post(first.url + "/api/workshops", json={
            "title": "Two processes", "facilitator_name": "Fiona", "language": "en"}).json()
        code = created["code"]
        joins = [requests.post(f"{second.url}/api/workshops/{code}/participants",
                               json={"name": f"P{i}", "department": ("marketing", "sales")[i % 2]}
                               ).json() for i in range(4)]
        facilitator = Person(first.url, created["facilitator_token"])
        people = [facilitator] + [Person((first, second)[i % 2].url, j["token"])
                                  for i, j in enumerate(joins)]
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
