"""Entry point: `python app.py` serves the workshop; `flask --app app ...` for commands."""

import os

from werkzeug.serving import WSGIRequestHandler

from workshop import create_app
from workshop.accesslog import redact_secrets
from workshop.dashboard import ticker
from workshop.realtime import socketio, start_presence
from workshop.service import finish_interrupted_work

app = create_app()


class NoDelayRequestHandler(WSGIRequestHandler):
    """TCP_NODELAY: a state update and its ack are small writes in a row; with Nagle's
    algorithm the second waits for the peer's delayed ACK (about 40 ms per command)."""

    disable_nagle_algorithm = True

    def log(self, type, message, *args):
        # Every line of the access and error log passes here: the facilitator link's key
        # (and any other query value or bearer token) never reaches it (accesslog.py).
        line = message % args if args else message
        super().log(type, "%s", redact_secrets(line))


if __name__ == "__main__":
    start_presence(app)
    ticker.start(app)  # escalations that are late, webhook deliveries
    socketio.start_background_task(finish_interrupted_work, app)
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        allow_unsafe_werkzeug=True,  # threading mode: the development server is the server
        request_handler=NoDelayRequestHandler,
    )
