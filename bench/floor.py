"""The bare floor for the load benchmark: Flask-SocketIO on gevent, like `make run`, that
only rebroadcasts. A socket joins the room named in its auth; a `command` bumps the room's
version and sends everyone in the room a `state`, then acks. The state is the project's own
snapshot read from STATE_FILE (same size and shape, so clients parse the same), or padding
of STATE_BYTES.

    STATE_FILE=state.json PORT=5001 python bench/floor.py
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402
from gevent import pywsgi  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=None)
if os.environ.get("STATE_FILE"):
    with open(os.environ["STATE_FILE"], encoding="utf-8") as file:
        STATE = json.load(file)
else:
    STATE = {"padding": "x" * int(os.environ.get("STATE_BYTES", "34000"))}
rooms, versions = {}, {}


def state_of(room):
    return {**STATE, "version": versions[room]}


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("connect")
def on_connect(auth):
    room = str((auth or {}).get("room"))
    rooms[request.sid] = room
    versions.setdefault(room, 0)
    join_room(room)
    socketio.emit("state", state_of(room), to=request.sid)


@socketio.on("command")
def on_command(_payload=None):
    room = rooms[request.sid]
    versions[room] += 1
    socketio.emit("state", state_of(room), to=room)
    return {"ok": True, "version": versions[room]}


class Handler(pywsgi.WSGIHandler):
    def handle(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


if __name__ == "__main__":
    listener = socket.create_server(("127.0.0.1", int(os.environ["PORT"])), backlog=2048)
    pywsgi.WSGIServer(listener, app, handler_class=Handler, log=None).serve_forever()
