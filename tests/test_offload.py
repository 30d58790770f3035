"""Under gevent one thread serves every room: printing a PDF (seconds of WeasyPrint) must not
freeze it. The real server (`python app.py`, gevent) answers other requests and the room's
commands while a PDF prints (workshop/offload.py)."""

import threading
import time

import requests

from workshop import offload


def test_without_gevent_the_work_runs_in_place():
    assert (
        offload.blocking(lambda a, b=0: threading.current_thread().name + str(a + b), 1, b=2)[-1]
        == "3"
    )


def test_the_server_keeps_answering_while_a_pdf_prints(server):
    body = {"title": "SLA 2027", "facilitator_name": "Fiona", "language": "en"}
    created = requests.post(server.url + "/api/workshops", json=body, timeout=30).json()
    code, token = created["code"], created["facilitator_token"]
    headers = {"Authorization": f"Bearer {token}"}
    printed = {}

    def export(kind):
        # A fresh title each time: the draft PDF is not in the cache, it prints.
        started = time.monotonic()
        response = requests.get(f"{server.url}/api/workshops/{code}/export.pdf",
                                headers=headers, timeout=120)  # fmt: skip
        printed[kind] = (started, time.monotonic(), response)

    answered = []
    for attempt in range(3):
        worker = threading.Thread(target=export, args=(attempt,))
        worker.start()
        while worker.is_alive():
            # Other people keep working: a health check and a command, answered meanwhile.
            before = time.monotonic()
            ok = requests.get(server.url + "/healthz", timeout=60).status_code == 200
            ack = requests.post(f"{server.url}/api/workshops/{code}/commands", headers=headers,
                                json={"type": "set_ready", "ready": attempt % 2 == 0},
                                timeout=60).json()  # fmt: skip
            answered.append((before, time.monotonic(), ok and ack["ok"]))
            time.sleep(0.05)
        worker.join()
        started, ended, response = printed[attempt]
        assert response.status_code == 200 and response.content[:5] == b"%PDF-"
        during = [a for a in answered if started < a[0] < ended]
        if during:
            break
        # The PDF may have come from the cache: change the document and print again.
        requests.post(f"{server.url}/api/workshops/{code}/commands", headers=headers,
                      json={"type": "propose", "section": "goals", "text": f"Goal {attempt}"},
                      timeout=60)  # fmt: skip
    assert during, "the PDF printed too fast to tell"
    assert all(ok for _, _, ok in during)
    # Nobody waited for the whole print: each answer came in a fraction of it (frozen, the
    # request that arrived first would wait for all of it).
    slowest = max(end - begin for begin, end, _ in during)
    assert slowest < 0.5 * (ended - started), (slowest, ended - started)
