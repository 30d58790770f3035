"""`make bench`: speed measured side by side with a floor from the same run.

Machines here are noisy, so every figure is a median over many rounds and is quoted as a
ratio to a floor measured in the same run:

- command round trip (vote, propose) against the real server with 8 delegates and a
  facilitator connected, versus the floor: a refused command (same socket round trip, no
  database write, no broadcast);
- building the nine personal `state` snapshots after a change, versus the floor: only
  serialising them to JSON;
- rendering the SLA PDF of a fully agreed workshop (about 20 pages), versus the floor:
  bare WeasyPrint rendering exactly the same final HTML (same print.css, same base URL, no
  font configuration kept, no PDF/A, no attachment), measured in alternating rounds; also
  the first PDF of a fresh process (nothing kept) and WeasyPrint rendering a one-page
  document;
- the page script's weight, raw and gzipped;
- load (bench/load.py): N workshops × 9 clients voting at human pace against `make run`'s
  server and against a bare Flask-SocketIO floor on gevent (bench/floor.py) that only
  rebroadcasts a padded `state` of the same size: p50/p99 of vote → all nine hold it,
  server CPU per vote and memory per room, for N in BENCH_ROOMS (1,10,50,100).

BENCH_ONLY picks groups (comma-separated: commands, state, pdf, load; all by default), e.g.
`BENCH_ONLY=pdf make bench`.
"""

import gzip
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
PDF_ROUNDS = int(os.environ.get("BENCH_PDF_ROUNDS", "7"))
ONLY = {g.strip() for g in os.environ.get("BENCH_ONLY", "").split(",") if g.strip()}


def wanted(group):
    return not ONLY or group in ONLY


def median_ms(samples):
    return statistics.median(samples) * 1000


def p95_ms(samples):
    return sorted(samples)[int(len(samples) * 0.95) - 1] * 1000


def timed(fn, rounds=ROUNDS):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listen(url, tokens, ready, stop):
    clients = []
    for token in tokens:
        client = socketio.Client(websocket_extra_options={"skip_utf8_validation": True})
        client.connect(url, auth={"token": token}, transports=["websocket"])
        clients.append(client)
    ready.set()
    stop.wait(600)
    for client in clients:
        client.disconnect()


def bench_commands(tmp):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "WORKSHOP_DB": str(tmp / "bench.sqlite"),
        "SECRET_KEY": "bench",
    }
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients = []
    try:
        for _ in range(100):
            try:
                requests.get(url + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        created = requests.post(
            url + "/api/workshops",
            json={"title": "Bench", "facilitator_name": "F", "language": "en"},
        ).json()
        tokens = [created["facilitator_token"]] + [
            requests.post(
                f"{url}/api/workshops/{created['code']}/participants",
                json={"name": f"P{i}", "department": ("marketing", "sales")[i % 2]},
            ).json()["token"]
            for i in range(8)
        ]
        # The other eight people listen from another process, so that parsing their
        # snapshots does not slow down the client that measures.
        stop = multiprocessing.Event()
        ready = multiprocessing.Event()
        listeners = multiprocessing.Process(
            target=listen, args=(url, tokens[2:] + tokens[:1], ready, stop)
        )
        listeners.start()
        ready.wait(30)
        delegate = socketio.Client(websocket_extra_options={"skip_utf8_validation": True})
        delegate.connect(url, auth={"token": tokens[1]}, transports=["websocket"])
        clients.append(delegate)
        state = requests.get(
            f"{url}/api/workshops/{created['code']}/state",
            headers={"Authorization": f"Bearer {tokens[1]}"},
        ).json()
        item_ids = [i["id"] for i in state["items"]]
        floor = timed(lambda: delegate.call("command", {"type": "no_such_command"}))
        choices = iter(["agree", "disagree", "abstain"] * ROUNDS)
        vote = timed(
            lambda: delegate.call(
                "command", {"type": "vote", "item_id": item_ids[0], "choice": next(choices)}
            )
        )
        propose = timed(
            lambda: delegate.call(
                "command", {"type": "propose", "section": "kpis", "text": "Bench KPI"}
            )
        )
        stop.set()
        listeners.join(30)
        return {"floor_refused_command": floor, "vote": vote, "propose": propose}
    finally:
        for client in clients:
            client.disconnect()
        server.send_signal(signal.SIGTERM)
        server.wait(10)


def bench_state_and_pdf(tmp):
    from flask_babel import force_locale

    from workshop import create_app, service
    from workshop.db import get_db
    from workshop.state import for_recipient, shared_state

    app = create_app({"DATABASE": str(tmp / "state.sqlite"), "SECRET_KEY": "bench"})
    with app.test_request_context():
        db = get_db()
        workshop, _ = service.create_workshop(
            db, {"title": "Bench", "facilitator_name": "F", "language": "en"}
        )
        for i in range(8):
            service.join_workshop(
                db, workshop["code"], {"name": f"P{i}", "department": ("marketing", "sales")[i % 2]}
            )
        members = list(db.query("SELECT * FROM members WHERE workshop_id = ?", [workshop["id"]]))

        def build():
            state, private = shared_state(db, workshop["id"])
            return [json.dumps(for_recipient(state, private, m)) for m in members]

        results = {}
        if wanted("state"):
            state, private = shared_state(db, workshop["id"])
            snapshots = [for_recipient(state, private, m) for m in members]
            results["state_build_and_serialise"] = timed(build)
            results["floor_serialise_only"] = timed(lambda: [json.dumps(s) for s in snapshots])
        db.execute("UPDATE items SET status = 'agreed', revealed_at = created_at")
        if wanted("pdf"):
            from workshop.document.render import document_for

            with force_locale("en"):
                results.update(bench_pdf(app, document_for(db, workshop)))
    return results


def bench_pdf(app, data):
    """The full SLA PDF against bare WeasyPrint printing the same final HTML, in alternating
    rounds so that a busy machine slows both alike."""
    from weasyprint import HTML

    from workshop.document import render

    static = Path(app.static_folder).resolve()
    page = render.render_html(data, True)

    def project():
        return render.render_pdf(data, draft=True)

    def bare():
        return HTML(string=page, base_url=static.as_uri() + "/").write_pdf()

    def fresh():
        render._font_configs.clear()  # as the first PDF of a new process
        return render.render_pdf(data, draft=True)

    project()  # the font configuration a running server keeps
    samples = {"pdf_full_document": [], "pdf_bare_weasyprint": [], "pdf_first_in_process": []}
    for _ in range(PDF_ROUNDS):
        for name, fn in zip(samples, (project, bare, fresh), strict=True):
            samples[name] += timed(fn, 1)
    render.cached_pdf(data, True)
    samples["pdf_cached_reexport"] = timed(lambda: render.cached_pdf(data, True), 20)
    samples["floor_pdf_one_page"] = timed(
        lambda: HTML(string="<h1>SLA</h1><p>One page.</p>").write_pdf(), PDF_ROUNDS
    )
    return samples


def page_weight():
    files = sorted((ROOT / "static/js").glob("*.js")) + [
        ROOT / "static/vendor/htm-3.1.1/standalone.module.js",
        ROOT / "static/vendor/socket.io-client-4.8.4/socket.io.esm.min.js",
        ROOT / "static/app.css",
    ]
    return {
        f.relative_to(ROOT).as_posix(): (f.stat().st_size, len(gzip.compress(f.read_bytes())))
        for f in files
    }


def main():
    from load import bench_load, print_load

    tmp = Path(tempfile.mkdtemp(prefix="sla-bench-"))
    rooms = [int(n) for n in os.environ.get("BENCH_ROOMS", "1,10,50,100").split(",") if n]
    try:
        results = bench_commands(tmp) if wanted("commands") else {}
        if wanted("state") or wanted("pdf"):
            results.update(bench_state_and_pdf(tmp))
        seconds = float(os.environ.get("BENCH_SECONDS", "15"))
        load_rows = bench_load(tmp, rooms, seconds, free_port) if wanted("load") else []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floors = {
        "vote": "floor_refused_command",
        "propose": "floor_refused_command",
        "state_build_and_serialise": "floor_serialise_only",
        "pdf_full_document": "pdf_bare_weasyprint",
        "pdf_first_in_process": "pdf_bare_weasyprint",
    }
    print(f"{'measure':32} {'median ms':>10} {'p95 ms':>9} {'× floor':>8}")
    summary = {}
    for name, samples in results.items():
        ratio = ""
        if name in floors and floors[name] in results:
            ratio = median_ms(samples) / median_ms(results[floors[name]])
            summary[name + "_ratio"] = round(ratio, 2)
            ratio = f"{ratio:8.2f}" if ratio < 10 else f"{ratio:8.1f}"
        summary[name + "_median_ms"] = round(median_ms(samples), 3)
        print(f"{name:32} {median_ms(samples):10.2f} {p95_ms(samples):9.2f} {ratio:>8}")
    print("\npage weight (bytes, gzip):")
    total = [0, 0]
    for name, (raw, zipped) in page_weight().items():
        total[0] += raw
        total[1] += zipped
        print(f"  {name:58} {raw:8} {zipped:7}")
    print(f"  {'total':58} {total[0]:8} {total[1]:7}")
    summary["page_weight_gzip"] = total[1]
    if load_rows:
        print_load(load_rows)
        summary["load"] = load_rows
    out = ROOT / "bench/results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
