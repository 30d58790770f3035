"""The bare floor for the load benchmark: Flask-SocketIO on gevent, like `make run`, that
only rebroadcasts. A socket joins the room named in its auth; a `command` bumps the room's
version and sends everyone in the room a `state` padded to the project's size, then acks.

    STATE_BYTES=34000 PORT=5001 python bench/floor.py
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import socket  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402
from gevent import pywsgi  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=None)
PADDING = "x" * int(os.environ.get("STATE_BYTES", "34000"))
rooms, versions = {}, {}


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("connect")
def on_connect(auth):
    room = str((auth or {}).get("room"))
    rooms[request.sid] = room
    versions.setdefault(room, 0)
    join_room(room)
    socketio.emit("state", {"version": versions[room], "padding": PADDING}, to=request.sid)


@socketio.on("command")
def on_command(_payload=None):
    room = rooms[request.sid]
    versions[room] += 1
    socketio.emit("state", {"version": versions[room], "padding": PADDING}, to=room)
    return {"ok": True, "version": versions[room]}


class Handler(pywsgi.WSGIHandler):
    def handle(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


if __name__ == "__main__":
    listener = socket.create_server(("127.0.0.1", int(os.environ["PORT"])), backlog=2048)
    pywsgi.WSGIServer(listener, app, handler_class=Handler, log=None).serve_forever()
