"""A command from a socket or an HTTP route: run it (service.run_command, which never
touches a socket), then do what its commit left to do (service.AfterCommit): close a removed
person's sockets, send the workshop its new state, render the final PDF in the background."""

from flask import current_app

from . import broadcast, service
from .extensions import background


def run_command(db, member_id, payload, limiter_key=None):
    """The ack for the sender and the command's result; the effects are under way."""
    ack, result, after = service.run_command(db, member_id, payload, limiter_key)
    if after is not None:
        apply(after)
    return ack, result


def apply(after):
    if after.removed_member:
        broadcast.disconnect_member(after.removed_member)
    broadcast.changed(after.workshop_id)
    if after.final_pdf:
        background(
            service.final_pdf_task, current_app._get_current_object(), after.workshop_id
        )
