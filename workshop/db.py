"""One SQLite connection per app context (flaskr style), WAL, named migrations."""

import sqlite3
import threading

import click
from flask import current_app, g
from sqlite_utils import Database

from .migrations import migrations

BUSY_TIMEOUT_SECONDS = 15


def connect(path) -> Database:
    # check_same_thread stays on: a connection belongs to the thread that opened it.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a commit is on disk before the client gets its acknowledgement.
    conn.execute("PRAGMA synchronous = FULL")
    return Database(conn)


# Under gevent every request and socket event runs in one OS thread, and opening a
# connection (with its pragmas) costs about 0.7 ms, twice per vote: connections an app
# context gave back wait here for the next one, per database and OS thread (a connection
# belongs to the thread that opened it). SQLite calls do not yield, so one greenlet's
# connection is never used by another meanwhile. Under threads (`make dev`, the tests) each
# context opens and closes its own, as before.
REUSED_PER_THREAD = 16
_free = {}


def get_db() -> Database:
    if "db" not in g:
        path = current_app.config["DATABASE"]
        free = _free.get((path, threading.get_native_id())) if _reusing() else None
        g.db = free.pop() if free else connect(path)
    return g.db


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is None:
        return
    if _reusing() and not db.conn.in_transaction:
        key = (current_app.config["DATABASE"], threading.get_native_id())
        free = _free.setdefault(key, [])
        if len(free) < REUSED_PER_THREAD:
            free.append(db)
            return
    db.close()


def _reusing():
    from .server import gevent_patched

    return gevent_patched()


def migrate(path):
    """Apply pending migrations; WAL is switched on once, outside any transaction."""
    db = connect(path)
    try:
        db.enable_wal()
        migrations.apply(db)
        return [m.name for m in migrations.applied(db)]
    finally:
        db.close()


@click.command("migrate")
def migrate_command():
    """Create or upgrade the database."""
    names = migrate(current_app.config["DATABASE"])
    click.echo(f"Database {current_app.config['DATABASE']}: {', '.join(names)}")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(migrate_command)
