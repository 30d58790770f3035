"""One SQLite connection per app context (flaskr style), WAL, named migrations."""

import sqlite3

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


def get_db() -> Database:
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


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
