"""Socket.IO: connect with a token, receive `state`, send `command`.

Each person's sockets join the room "m:<member id>", so a message meant for one person
reaches all their tabs, on whichever server process they are connected; and "s:<id>" or
"p:<id>" by what they take with every change: a full `state` or a `state_patch`.
"""

import threading
import time
import uuid

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, disconnect, join_room

from . import broadcast, store
from .broadcast import member_room, patch_room, snapshot_for, state_room, workshop_room
from .commands import CommandError
from .db import connect, get_db
from .errors import error_body
from .extensions import socketio
from .i18n import N_, select_locale, translate
from .security import command_bucket_allows, connect_allowed, token_from_socket_request
from .transport import run_command

INSTANCE_ID = uuid.uuid4().hex
HEARTBEAT_SECONDS = 10
TOO_MANY_CONNECTS = N_("Too many connections at once: wait a minute, then reload the page.")
TOO_MANY_SOCKETS = N_(
    "This workshop is open in too many windows for you (at most %(max)s): close one, then"
    " reload the page."
)


@socketio.on("connect")
def on_connect(auth):
    """Sent by a browser or script on connecting. A bad token is refused, and so is a
    connect over the limits (rate per address and per person, sockets per person) with a
    translated `connect_error`. The newcomer gets a full `state`; if the person was not
    online yet, everyone in the workshop gets a small `presence` event."""
    if not connect_allowed("connect_address", request.remote_addr or "?"):
        raise ConnectionRefusedError(translate(TOO_MANY_CONNECTS, {}, select_locale()))
    db = get_db()
    member = store.member_by_token(db, token_from_socket_request(auth))
    if member is None:
        return False
    language = _language(db, member)
    if not connect_allowed("connect_member", member["id"]):
        raise ConnectionRefusedError(translate(TOO_MANY_CONNECTS, {}, language))
    cap = current_app.config["MAX_SOCKETS_PER_MEMBER"]
    with db.atomic():
        store.heartbeat(db, INSTANCE_ID)
        if store.live_sockets(db, member["id"]) >= cap:
            raise ConnectionRefusedError(translate(TOO_MANY_SOCKETS, {"max": cap}, language))
        was_online = member["id"] in store.online_member_ids(db, member["workshop_id"])
        patches = isinstance(auth, dict) and auth.get("patches") is True
        store.add_connection(
            db, request.sid, member["id"], member["workshop_id"], INSTANCE_ID, patches
        )
    join_room(member_room(member["id"]))
    join_room(patch_room(member["id"]) if patches else state_room(member["id"]))
    join_room(workshop_room(member["workshop_id"]))
    socketio.emit("state", snapshot_for(db, member), to=request.sid)
    if not was_online:
        broadcast.presence_changed(member["workshop_id"])


def _language(db, member):
    return member["language"] or store.workshop_by_id(db, member["workshop_id"])["language"]


@socketio.on("disconnect")
def on_disconnect(*_args):
    """Sent when a socket goes away. If it was the person's last, everyone in the
    workshop gets a small `presence` event."""
    db = get_db()
    row = store.connection(db, request.sid)
    if row is None:
        return
    with db.atomic():
        store.remove_connection(db, request.sid)
    if row["member_id"] not in store.online_member_ids(db, row["workshop_id"]):
        broadcast.presence_changed(row["workshop_id"])


@socketio.on("command")
def on_command(payload=None, *_extra):
    """Sent by any person: one change {type, ...}. The sender gets an ack; if the change
    is applied, everyone in the workshop receives the new `state`."""
    db = get_db()
    row = store.connection(db, request.sid)
    if row is None:
        # A socket whose presence row is gone (e.g. after a restart): reconnecting heals it.
        disconnect()
        exc = CommandError("forbidden", N_("You are not connected: reconnecting…"))
        return error_body(exc, current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))
    ack, _ = run_command(db, row["member_id"], payload, limiter_key=request.sid)
    return ack


@socketio.on("sync")
def on_sync(*_args):
    """Sent by a client that wants a fresh `state` (after a missed update). Only it is told.
    Each costs a snapshot: it counts against the socket's command rate like a command."""
    if not command_bucket_allows(request.sid):
        return
    db = get_db()
    row = store.connection(db, request.sid)
    if row is not None:
        member = store.member_by_id(db, row["member_id"])
        socketio.emit("state", snapshot_for(db, member), to=request.sid)


def start_presence(app):
    """Keep this process's presence rows alive; forget processes that died.

    Alone (no message queue) this process owns every connection, so rows left by a
    previous run, killed or not, are cleared at once instead of after the TTL."""
    database = app.config["DATABASE"]
    server = socketio.server
    if app.config.get("MESSAGE_QUEUE") and not server.manager_initialized:
        # Subscribe to the queue now, not on the first connect: a broadcast another process
        # publishes before this one listens would be lost.
        server.manager_initialized = True
        server.manager.initialize()
    if not app.config.get("MESSAGE_QUEUE"):
        db = connect(database)
        with db.atomic():
            store.clear_connections(db)
        db.close()

    def beat():
        while True:
            db = connect(database)
            try:
                store.heartbeat(db, INSTANCE_ID)
                dead = store.forget_dead_instances(db)
            finally:
                db.close()
            if dead:
                # A full state, not only presence: a process killed between a command's ack
                # and its broadcast leaves a stored change the others have not seen yet.
                with app.app_context():
                    for workshop_id in store.workshops_with_connections(get_db()):
                        broadcast.changed(workshop_id)
            time.sleep(HEARTBEAT_SECONDS)

    thread = threading.Thread(target=beat, name="presence-heartbeat", daemon=True)
    thread.start()
    return thread


def init_app(app):
    socketio.init_app(
        app,
        async_mode=app.config.get("ASYNC_MODE", "threading"),  # gevent under `make run`
        message_queue=app.config.get("MESSAGE_QUEUE") or None,
        max_http_buffer_size=64 * 1024,
        cors_allowed_origins=None,  # same origin only: the Origin check stays on
        # Too deeply nested events are answered, not dropped; snapshots serialised once.
        json=broadcast.StateJSON,
    )
