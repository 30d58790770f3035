"""After sign-off, in the background of every server process: escalations that were not
acknowledged in time move up the ladder, and webhook messages are delivered (with retries).

Both read their work from the database, so any process may do it and a restarted one picks
up where a killed one stopped; a row is claimed before it is worked on.
"""

import logging
import os

from .. import webhooks
from ..db import connect

log = logging.getLogger(__name__)


def interval(app):
    return float(
        app.config.get("AFTERCARE_INTERVAL") or os.environ.get("AFTERCARE_INTERVAL") or 2
    )


def tick(app):
    """One round: move late escalations up, then deliver what is due. Returns the ids of
    workshops whose state changed."""
    from ..commands import escalations

    db = connect(app.config["DATABASE"])
    try:
        changed = escalations.sweep(db)
        with app.app_context():
            webhooks.deliver_due(db)
        return changed
    finally:
        db.close()


def run(app):
    """The loop a server process starts next to its presence heartbeat."""
    from .. import service
    from ..extensions import socketio

    while True:
        try:
            changed = tick(app)
            with app.app_context():
                for workshop_id in changed:
                    service.broadcast(workshop_id)
        except Exception:  # the loop must outlive one bad round
            log.exception("after-sign-off tick failed")
        socketio.sleep(interval(app))


def start(app):
    from ..extensions import socketio

    socketio.start_background_task(run, app)
