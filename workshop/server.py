"""Serving the app: gevent in production (`make run`), Werkzeug's development server in
threading mode (`make dev`). The start-up both share, and gunicorn.conf.py too.

gevent: one greenlet per connection, so one process holds thousands of idle WebSockets
(docs/deployment.md has the measurements). The standard library is monkey-patched by the
entry point before anything else is imported. SQLite calls do not yield: a transaction
runs to its end without another greenlet in between, so none may wait on I/O inside
`db.atomic()`.
"""

import resource
import socket
import sys

from .accesslog import redact_secrets
from .extensions import socketio

# Sockets (HTTP keep-alive, WebSocket) silent this long are closed; engine.io pings every
# 25 s, so a live WebSocket is never this quiet.
IDLE_TIMEOUT_SECONDS = 60
BACKLOG = 2048


def gevent_patched():
    """Whether gevent has patched the standard library (app.py, gunicorn's gevent worker)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


_held_open = []


def start_background_work(app):
    """Presence heartbeat, the after-sign-off ticker, work a crash left unfinished."""
    from .dashboard import ticker
    from .db import connect
    from .realtime import start_presence
    from .service import finish_interrupted_work

    # Each request and socket event opens and closes its own connection. When the last
    # connection to a WAL database closes, SQLite checkpoints and removes the WAL, with
    # fsyncs: 3.5 ms per close, several per vote. One connection held open for the
    # process's life (never used) turns those closes into nothing.
    _held_open.append(connect(app.config["DATABASE"]))
    start_presence(app)
    ticker.start(app)  # escalations that are late, webhook deliveries
    socketio.start_background_task(finish_interrupted_work, app)


def raise_file_limit(wanted=65536):
    """Every connection is a file descriptor: the soft limit (often 1,024) up to the hard."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class RedactedLog:
    """A log stream whose lines lose their secrets (accesslog.py) before they are written."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        self.stream.write(redact_secrets(text))
        self.stream.flush()

    def flush(self):
        self.stream.flush()


def serve(app, host, port):
    """Production: gevent's WSGI server, WebSockets through simple-websocket."""
    import gevent
    from gevent import pywsgi

    class Handler(pywsgi.WSGIHandler):
        def handle(self):
            # A state update and its ack are small writes in a row: no Nagle delay.
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.socket.settimeout(IDLE_TIMEOUT_SECONDS)
            super().handle()

    log = RedactedLog(sys.stderr)
    gevent.get_hub().exception_stream = log
    listener = socket.create_server((host, port), backlog=BACKLOG, reuse_port=False)
    files = raise_file_limit()
    server = pywsgi.WSGIServer(listener, app, handler_class=Handler, log=log, error_log=log)
    print(f" * Serving on http://{host}:{port} (gevent, {files} files)", file=sys.stderr)
    server.serve_forever()


def serve_dev(app, host, port):
    """Development: Werkzeug's server, one thread per connection."""
    from werkzeug.serving import WSGIRequestHandler

    class NoDelayRequestHandler(WSGIRequestHandler):
        """TCP_NODELAY: a state update and its ack are small writes in a row; with Nagle's
        algorithm the second waits for the peer's delayed ACK (about 40 ms per command)."""

        disable_nagle_algorithm = True

        def log(self, type, message, *args):
            # Every line of the access and error log passes here: the facilitator link's key
            # (and any other query value or bearer token) never reaches it (accesslog.py).
            line = message % args if args else message
            super().log(type, "%s", redact_secrets(line))

    raise_file_limit()
    socketio.run(
        app,
        host=host,
        port=port,
        allow_unsafe_werkzeug=True,  # `make dev` only
        request_handler=NoDelayRequestHandler,
    )
