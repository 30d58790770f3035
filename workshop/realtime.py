"""Socket.IO: connect with a token, receive `state`, send `command`.

Each person's sockets join the room "m:<member id>", so a snapshot meant for one
person reaches all their tabs, on whichever server process they are connected.
"""

import threading
import time
import uuid

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, disconnect, join_room

from . import broadcast, store
from .broadcast import member_room, snapshot_for, workshop_room
from .commands import CommandError
from .db import connect, get_db
from .errors import error_body
from .extensions import socketio
from .i18n import N_, select_locale, translate
from .security import connect_allowed, token_from_socket_request
from .service import run_command

INSTANCE_ID = uuid.uuid4().hex
HEARTBEAT_SECONDS = 10
TOO_MANY_CONNECTS = N_("Too many connections at once: wait a minute, then reload the page.")
TOO_MANY_SOCKETS = N_(
    "This workshop is open in too many windows for you (at most %(max)s): close one, then"
    " reload the page."
)


def room_of(member_id):
    return member_room(member_id)


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
        if _live_sockets(db, member["id"]) >= cap:
            raise ConnectionRefusedError(translate(TOO_MANY_SOCKETS, {"max": cap}, language))
        was_online = member["id"] in store.online_member_ids(db, member["workshop_id"])
        db.execute(
            "INSERT OR REPLACE INTO connections"
            " (sid, member_id, workshop_id, instance_id, connected_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [request.sid, member["id"], member["workshop_id"], INSTANCE_ID, time.time()],
        )
    join_room(member_room(member["id"]))
    join_room(workshop_room(member["workshop_id"]))
    socketio.emit("state", snapshot_for(db, member), to=request.sid)
    if not was_online:
        broadcast.presence_changed(member["workshop_id"])


def _language(db, member):
    return member["language"] or store.workshop_by_id(db, member["workshop_id"])["language"]


def _live_sockets(db, member_id):
    """This person's sockets on server processes that are alive."""
    cutoff = time.time() - store.INSTANCE_TTL_SECONDS
    return next(
        db.query(
            "SELECT count(*) AS n FROM connections c JOIN instances i ON i.id = c.instance_id"
            " WHERE c.member_id = ? AND i.last_seen >= ?",
            [member_id, cutoff],
        )
    )["n"]


@socketio.on("disconnect")
def on_disconnect(*_args):
    """Sent when a socket goes away. If it was the person's last, everyone in the
    workshop gets a small `presence` event."""
    db = get_db()
    rows = list(
        db.query("SELECT member_id, workshop_id FROM connections WHERE sid = ?", [request.sid])
    )
    if not rows:
        return
    with db.atomic():
        db.execute("DELETE FROM connections WHERE sid = ?", [request.sid])
    if rows[0]["member_id"] not in store.online_member_ids(db, rows[0]["workshop_id"]):
        broadcast.presence_changed(rows[0]["workshop_id"])


@socketio.on("command")
def on_command(payload=None, *_extra):
    """Sent by any person: one change {type, ...}. The sender gets an ack; if the change
    is applied, everyone in the workshop receives the new `state`."""
    db = get_db()
    rows = list(db.query("SELECT member_id FROM connections WHERE sid = ?", [request.sid]))
    if not rows:
        # A socket whose presence row is gone (e.g. after a restart): reconnecting heals it.
        disconnect()
        exc = CommandError("forbidden", N_("You are not connected: reconnecting…"))
        return error_body(exc, current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))
    ack, _ = run_command(db, rows[0]["member_id"], payload, limiter_key=request.sid)
    return ack


@socketio.on("sync")
def on_sync(*_args):
    """Sent by a client that wants a fresh `state` (after a missed update). Only it is told."""
    db = get_db()
    rows = list(
        db.query("SELECT member_id, workshop_id FROM connections WHERE sid = ?", [request.sid])
    )
    if rows:
        member = store.member_by_id(db, rows[0]["member_id"])
        socketio.emit("state", snapshot_for(db, member), to=request.sid)


def broadcast_state(workshop_id):
    """Send every member of the workshop their own snapshot of the current state."""
    broadcast.changed(workshop_id)


REMOVAL_GRACE_SECONDS = 1.5


def disconnect_member(member_id):
    """Tell a removed delegate, then close every socket of theirs, on any server process.

    Their presence rows go at once (a command from such a socket is refused) and this
    process's sockets leave the workshop's rooms; the sockets close after a short grace, so
    the page can close its own first (it does on `removed`): a socket cut while a frame is
    on its way shows the browser a broken connection instead of the message."""
    db = get_db()
    rows = list(
        db.query("SELECT sid, workshop_id FROM connections WHERE member_id = ?", [member_id])
    )
    socketio.emit("removed", {}, to=room_of(member_id))
    with db.atomic():
        db.execute("DELETE FROM connections WHERE member_id = ?", [member_id])
    for row in rows:
        try:
            socketio.server.leave_room(row["sid"], workshop_room(row["workshop_id"]), namespace="/")
        except (KeyError, ValueError):  # a socket of another process, or gone already
            pass
    socketio.start_background_task(_close_later, [r["sid"] for r in rows])


def _close_later(sids):
    socketio.sleep(REMOVAL_GRACE_SECONDS)
    for sid in sids:
        socketio.server.disconnect(sid)


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
            db.execute("DELETE FROM connections")
            db.execute("DELETE FROM instances")
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
                with app.app_context():
                    for workshop_id in _all_workshops_with_connections():
                        broadcast.presence_changed(workshop_id)
            time.sleep(HEARTBEAT_SECONDS)

    thread = threading.Thread(target=beat, name="presence-heartbeat", daemon=True)
    thread.start()
    return thread


def _all_workshops_with_connections():
    return [
        r["workshop_id"] for r in get_db().query("SELECT DISTINCT workshop_id FROM connections")
    ]


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
