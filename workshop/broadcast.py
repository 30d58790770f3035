"""Telling a workshop's people about a change: coalesced per workshop, serialised once.

- `changed(workshop_id)`: the workshop changed; every connected member gets their own
  `state`. `presence_changed(workshop_id)`: only who is online changed; everyone gets a
  small `presence` event and the version stays (docs/protocol.md).
- Coalesced: the caller that finds no broadcast running for its workshop sends one and
  sends again while changes arrive meanwhile; the others return at once. With
  BROADCAST_WINDOW_MS (5 under `make run`) the broadcast waits that long in the background
  first, so a burst of changes within it goes out once; with 0 (tests on the in-process
  test client) it is sent before the command is acknowledged.
- The part of a snapshot that is the same for everyone is serialised to JSON once per
  broadcast; per recipient only their own keys (`you`, `readiness`) are (`Encoded`,
  spliced into the packet by `StateJSON`).
- Sockets that asked for patches on connect get `state_patch`: the difference to what this
  process broadcast to the workshop last (`Sent`), a few hundred bytes for a vote instead of
  a 50 KB snapshot. A client whose version is not the patch's `from` asks for a full one.
"""

import json
import logging
import secrets
import threading
from collections import OrderedDict

from flask import current_app

from . import statepatch, store
from .db import get_db
from .extensions import background, socketio
from .safejson import SocketJSON
from .state import readiness_in, shared_state, you_of

COMPACT = {"separators": (",", ":")}
log = logging.getLogger(__name__)


def member_room(member_id):
    """Every socket of one person, on whichever server process."""
    return f"m:{member_id}"


def state_room(member_id):
    """The person's sockets that take a full `state` with every change."""
    return f"s:{member_id}"


def patch_room(member_id):
    """The person's sockets that take `state_patch` (they asked for it on connect)."""
    return f"p:{member_id}"


def workshop_room(workshop_id):
    """Every socket of every member of one workshop."""
    return f"w:{workshop_id}"


class Encoded:
    """JSON text serialised already; `StateJSON` puts it into the packet as it is."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


class StateJSON(SocketJSON):
    """The json module for Socket.IO packets (and the message queue's messages): Encoded
    values are spliced in unchanged. A message that crossed the queue arrives parsed."""

    @staticmethod
    def dumps(obj, *args, **kwargs):
        texts = []
        nonce = secrets.token_hex(8)

        def splice(value):
            if isinstance(value, Encoded):
                texts.append(value.text)
                return f"\x00{nonce}:{len(texts) - 1}"
            raise TypeError(f"{type(value).__name__} is not JSON serializable")

        text = json.dumps(obj, *args, default=splice, **kwargs)
        for i, raw in enumerate(texts):
            text = text.replace(json.dumps(f"\x00{nonce}:{i}"), raw, 1)
        return text


class Snapshots:
    """Each recipient's `state` of one moment as JSON: the keys everyone shares are
    serialised once, `readiness` once per language, and only `you` per person. And each
    recipient's `state_patch` from the snapshot this process sent before (`Sent`)."""

    def __init__(self, db, workshop_id):
        self.state, self.private = shared_state(db, workshop_id)
        self.shared = {k: v for k, v in self.state.items() if k != "readiness"}
        self._shared_text = None  # serialised when a full `state` is sent
        self.readiness = {}  # language -> (readiness, its JSON)
        self.you = {}  # member id -> you

    @property
    def shared_text(self):
        if self._shared_text is None:
            self._shared_text = json.dumps(self.shared, **COMPACT)
        return self._shared_text

    def _parts(self, member):
        you = self.you.get(member["id"])
        if you is None:
            you = self.you[member["id"]] = you_of(self.private, member, self.state["language"])
        language = you["language"]
        if language not in self.readiness:
            readiness = readiness_in(self.state, language)
            self.readiness[language] = (readiness, json.dumps(readiness, **COMPACT))
        return you, language

    def for_member(self, member):
        you, language = self._parts(member)
        personal = f'"you":{json.dumps(you, **COMPACT)},"readiness":{self.readiness[language][1]}'
        return Encoded(f"{self.shared_text[:-1]},{personal}}}")

    def patches_from(self, sent):
        return Patches(self, sent) if sent is not None else None

    def sent(self, before=None):
        readiness = {language: pair[0] for language, pair in self.readiness.items()}
        if self._shared_text is not None:
            size = len(self._shared_text)
        else:
            size = before.size if before is not None else len(self.shared_text)
        return Sent(self.state["version"], self.shared, readiness, dict(self.you), size)


class Sent:
    """What this process last broadcast to a workshop: the base of the next `state_patch`,
    and the size of its shared part as JSON (measured when it was last serialised)."""

    __slots__ = ("version", "shared", "readiness", "you", "size")

    def __init__(self, version, shared, readiness, you, size):
        self.version, self.shared, self.readiness, self.you = version, shared, readiness, you
        self.size = size


class Patches:
    """`state_patch` events from `sent` to `snapshots`: the shared operations serialised
    once, the readiness operations once per language, `you`'s per person."""

    def __init__(self, snapshots, sent):
        self.snapshots, self.sent = snapshots, sent
        self.head = f'{{"from":{sent.version},"version":{snapshots.state["version"]},"ops":['
        self.shared_ops = json.dumps(statepatch.diff(sent.shared, snapshots.shared), **COMPACT)
        self.readiness_ops = {}

    def worth_it(self):
        """A patch as large as half the snapshot (a new item moves every later one) is
        sent as a full `state` instead: the client's work is smaller then."""
        return len(self.shared_ops) < self.sent.size // 2

    def for_member(self, member):
        you, language = self.snapshots._parts(member)
        before = self.sent.you.get(member["id"])
        if before is None or before["language"] != language:
            # Their readiness was worded in another language (or we do not know which).
            readiness = self.snapshots.readiness[language][0]
            ops = [{"op": "replace", "path": "/readiness", "value": readiness},
                   {"op": "replace", "path": "/you", "value": you}]  # fmt: skip
            personal = json.dumps(ops, **COMPACT)[1:-1]
        else:
            personal = ",".join(p for p in (self._readiness_ops(language), json.dumps(
                statepatch.diff(before, you, "/you"), **COMPACT)[1:-1]) if p)  # fmt: skip
        parts = (self.shared_ops[1:-1], personal)
        return Encoded(self.head + ",".join(p for p in parts if p) + "]}")

    def _readiness_ops(self, language):
        if language not in self.readiness_ops:
            before = self.sent.readiness.get(language)
            after = self.snapshots.readiness[language][0]
            if before is None:
                ops = [{"op": "replace", "path": "/readiness", "value": after}]
            else:
                ops = statepatch.diff(before, after, "/readiness")
            self.readiness_ops[language] = json.dumps(ops, **COMPACT)[1:-1]
        return self.readiness_ops[language]


def snapshot_for(db, member):
    """One person's `state` now (on connect, on `sync`)."""
    return Snapshots(db, member["workshop_id"]).for_member(member)


def presence_of(db, workshop_id):
    """The `presence` event: who is online, and the version of the state it goes with."""
    return {
        "version": store.workshop_by_id(db, workshop_id)["version"],
        "online": sorted(store.online_member_ids(db, workshop_id)),
    }


_lock = threading.Lock()
_last_sent = OrderedDict()  # (database, workshop id) -> Sent, the most recent last
LAST_SENT_KEPT = 1000
_pending = {}  # workshop id -> {"state", "presence"} waiting to be sent
_running = set()  # workshops whose broadcast some thread is sending now


def changed(workshop_id):
    """After a committed change: everyone connected gets their new `state`."""
    _request(workshop_id, "state")


def presence_changed(workshop_id):
    """Somebody came online or went offline: everyone gets the small `presence` event."""
    _request(workshop_id, "presence")


def _request(workshop_id, kind):
    with _lock:
        _pending.setdefault(workshop_id, set()).add(kind)
        if workshop_id in _running:
            return  # the running broadcast sends again for this change
        _running.add(workshop_id)
    window = current_app.config.get("BROADCAST_WINDOW_MS", 0) / 1000
    if window:
        # Under gevent nothing else runs while a broadcast is built and queued: changes
        # within the window (other greenlets' commands) join this one. The ack goes first.
        app = current_app._get_current_object()
        background(_send_later, app, workshop_id, window)
    else:
        _send_pending(workshop_id)


def _send_later(app, workshop_id, window):
    socketio.sleep(window)
    with app.app_context():
        try:
            _send_pending(workshop_id)
        except Exception:
            log.exception("broadcast to workshop %s failed", workshop_id)


def _send_pending(workshop_id):
    try:
        while True:
            with _lock:
                kinds = _pending.pop(workshop_id, None)
                if not kinds:
                    _running.discard(workshop_id)
                    return
            _send(workshop_id, kinds)
    except BaseException:
        with _lock:
            _running.discard(workshop_id)
        raise


def _send(workshop_id, kinds):
    db = get_db()
    if "state" not in kinds:
        socketio.emit("presence", presence_of(db, workshop_id), to=workshop_room(workshop_id))
        return
    snapshots = Snapshots(db, workshop_id)  # a full state carries presence too
    connected = store.connected_members(db, workshop_id)
    patches = None
    key = (current_app.config["DATABASE"], workshop_id)  # ids repeat across databases
    before = _last_sent.get(key)
    if any(wants_patch for _, wants_patch in connected.values()):
        patches = snapshots.patches_from(before)
        if patches is not None and not patches.worth_it():
            patches = None
    for member in store.members(db, workshop_id):
        # Only people with a socket somewhere need a snapshot; the rest get one on connect.
        if member["id"] not in connected or member["removed"]:
            continue
        wants_full, wants_patch = connected[member["id"]]
        if wants_patch and patches is not None:
            socketio.emit("state_patch", patches.for_member(member), to=patch_room(member["id"]))
        elif wants_patch:
            socketio.emit("state", snapshots.for_member(member), to=patch_room(member["id"]))
        if wants_full:
            socketio.emit("state", snapshots.for_member(member), to=state_room(member["id"]))
    with _lock:
        _last_sent[key] = snapshots.sent(before)
        _last_sent.move_to_end(key)
        while len(_last_sent) > LAST_SENT_KEPT:
            _last_sent.popitem(last=False)


REMOVAL_GRACE_SECONDS = 1.5


def disconnect_member(member_id):
    """Tell a removed delegate, then close every socket of theirs, on any server process.

    Their presence rows go at once (a command from such a socket is refused) and this
    process's sockets leave the workshop's rooms; the sockets close after a short grace, so
    the page can close its own first (it does on `removed`): a socket cut while a frame is
    on its way shows the browser a broken connection instead of the message."""
    db = get_db()
    rows = store.member_connections(db, member_id)
    socketio.emit("removed", {}, to=member_room(member_id))
    with db.atomic():
        store.remove_member_connections(db, member_id)
    for row in rows:
        try:
            socketio.server.leave_room(row["sid"], workshop_room(row["workshop_id"]), namespace="/")
        except (KeyError, ValueError):  # a socket of another process, or gone already
            pass
    background(_close_later, [r["sid"] for r in rows])


def _close_later(sids):
    socketio.sleep(REMOVAL_GRACE_SECONDS)
    for sid in sids:
        socketio.server.disconnect(sid)
