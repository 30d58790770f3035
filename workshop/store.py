"""Reads and small writes on the workshop tables. Callers group writes in db.atomic()."""

import json
import time
from datetime import UTC, datetime

from .domain import codes


def now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds")


def workshop_by_code(db, code):
    rows = list(db.query("SELECT * FROM workshops WHERE code = ?", [code]))
    return rows[0] if rows else None


def workshop_by_id(db, workshop_id):
    return next(db.query("SELECT * FROM workshops WHERE id = ?", [workshop_id]))


def member_by_token(db, token):
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    rows = list(
        db.query(
            "SELECT * FROM members WHERE token_hash = ? AND removed = 0",
            [codes.token_hash(token)],
        )
    )
    return rows[0] if rows else None


def member_by_id(db, member_id):
    rows = list(db.query("SELECT * FROM members WHERE id = ?", [member_id]))
    return rows[0] if rows else None


def members(db, workshop_id):
    return list(db.query("SELECT * FROM members WHERE workshop_id = ? ORDER BY id", [workshop_id]))


def delegates(db, workshop_id):
    return list(
        db.query(
            "SELECT * FROM members WHERE workshop_id = ? AND role = 'participant' AND removed = 0"
            " ORDER BY id",
            [workshop_id],
        )
    )


def bump_version(db, workshop_id):
    """First write of every change: takes SQLite's write lock before anything is read."""
    return next(
        db.query(
            "UPDATE workshops SET version = version + 1 WHERE id = ? RETURNING version",
            [workshop_id],
        )
    )["version"]


def add_member(db, workshop_id, role, name, department, token, language=None, job_title=""):
    cursor = db.execute(
        "INSERT INTO members"
        " (workshop_id, role, name, department, token_hash, language, job_title, joined_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            workshop_id,
            role,
            name,
            department,
            codes.token_hash(token),
            language,
            job_title,
            now_iso(),
        ],
    )
    return cursor.lastrowid


def record_audit(db, workshop_id, member_id, command, payload, version):
    db.execute(
        "INSERT INTO audit (workshop_id, member_id, command, payload, version, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            workshop_id,
            member_id,
            command,
            json.dumps(payload, ensure_ascii=False),
            version,
            now_iso(),
        ],
    )


# Presence: rows per socket, owned by a server instance that keeps a heartbeat.
INSTANCE_TTL_SECONDS = 30


def heartbeat(db, instance_id):
    db.execute(
        "INSERT INTO instances (id, last_seen) VALUES (?, ?)"
        " ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
        [instance_id, time.time()],
    )


def forget_dead_instances(db):
    """Connections of a process that died (kill -9 included) stop counting as online."""
    cutoff = time.time() - INSTANCE_TTL_SECONDS
    with db.atomic():
        dead = [r["id"] for r in db.query("SELECT id FROM instances WHERE last_seen < ?", [cutoff])]
        for instance_id in dead:
            db.execute("DELETE FROM connections WHERE instance_id = ?", [instance_id])
            db.execute("DELETE FROM instances WHERE id = ?", [instance_id])
    return dead


def online_member_ids(db, workshop_id):
    cutoff = time.time() - INSTANCE_TTL_SECONDS
    return {
        r["member_id"]
        for r in db.query(
            "SELECT DISTINCT c.member_id FROM connections c"
            " JOIN instances i ON i.id = c.instance_id"
            " WHERE c.workshop_id = ? AND i.last_seen >= ?",
            [workshop_id, cutoff],
        )
    }


def add_connection(db, sid, member_id, workshop_id, instance_id, patches=False):
    db.execute(
        "INSERT OR REPLACE INTO connections"
        " (sid, member_id, workshop_id, instance_id, connected_at, patches)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [sid, member_id, workshop_id, instance_id, time.time(), int(patches)],
    )


def connection(db, sid):
    """The socket's row ({member_id, workshop_id}), or None when it has none (any more)."""
    rows = list(db.query("SELECT member_id, workshop_id FROM connections WHERE sid = ?", [sid]))
    return rows[0] if rows else None


def remove_connection(db, sid):
    db.execute("DELETE FROM connections WHERE sid = ?", [sid])


def member_connections(db, member_id):
    return list(
        db.query("SELECT sid, workshop_id FROM connections WHERE member_id = ?", [member_id])
    )


def remove_member_connections(db, member_id):
    db.execute("DELETE FROM connections WHERE member_id = ?", [member_id])


def clear_connections(db):
    """At start-up of a lone process: every row is left over from an earlier run."""
    db.execute("DELETE FROM connections")
    db.execute("DELETE FROM instances")


def live_sockets(db, member_id):
    """This person's sockets on server processes that are alive."""
    cutoff = time.time() - INSTANCE_TTL_SECONDS
    return next(
        db.query(
            "SELECT count(*) AS n FROM connections c JOIN instances i ON i.id = c.instance_id"
            " WHERE c.member_id = ? AND i.last_seen >= ?",
            [member_id, cutoff],
        )
    )["n"]


def workshops_with_connections(db):
    return [r["workshop_id"] for r in db.query("SELECT DISTINCT workshop_id FROM connections")]


def connected_members(db, workshop_id):
    """{member id: (has a socket wanting full `state`, has one wanting `state_patch`)}."""
    return {
        r["member_id"]: (bool(r["full"]), bool(r["patches"]))
        for r in db.query(
            "SELECT member_id, max(patches = 0) AS full, max(patches) AS patches"
            " FROM connections WHERE workshop_id = ? GROUP BY member_id",
            [workshop_id],
        )
    }


def to_json(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def set_field(db, workshop_id, section, field, value):
    db.execute(
        "INSERT INTO fields (workshop_id, section, field, value) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(workshop_id, section, field) DO UPDATE SET value = excluded.value",
        [workshop_id, section, field, to_json(value)],
    )


def fields(db, workshop_id):
    captured = {}
    for row in db.query(
        "SELECT section, field, value FROM fields WHERE workshop_id = ? ORDER BY section, field",
        [workshop_id],
    ):
        captured.setdefault(row["section"], {})[row["field"]] = json.loads(row["value"])
    return captured


def items(db, workshop_id):
    rows = list(
        db.query(
            "SELECT * FROM items WHERE workshop_id = ? ORDER BY section, position, id",
            [workshop_id],
        )
    )
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows


def votes(db, workshop_id):
    return list(
        db.query(
            "SELECT v.item_id, v.member_id, v.choice FROM votes v JOIN items i ON i.id = v.item_id"
            " WHERE i.workshop_id = ?",
            [workshop_id],
        )
    )


def dots(db, workshop_id):
    return list(
        db.query(
            "SELECT d.item_id, d.member_id, d.count FROM dots d JOIN items i ON i.id = d.item_id"
            " WHERE i.workshop_id = ? AND d.count > 0",
            [workshop_id],
        )
    )


def from_json(text):
    return json.loads(text) if text else None
