"""The HTTP JSON API. Every error is {"error": "<human message>", "code"} in the caller's
language (errors.py)."""

import functools

from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import BadRequest

from . import service, transport
from .commands import CommandError
from .db import get_db
from .domain.codes import normalise_code
from .errors import STATUS, UNAUTHORISED, api_error
from .i18n import N_
from .safejson import UNREADABLE
from .security import TOO_MANY_ATTEMPTS, client_allows, identity, member_of
from .state import for_recipient, shared_state

bp = Blueprint("api", __name__)


def json_body():
    """The request's JSON, or None when it is not sent as JSON; UNREADABLE when it cannot
    be parsed or is nested too deeply (safejson.py)."""
    if not request.is_json:
        return None
    try:
        return request.get_json()
    except BadRequest:
        return UNREADABLE


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers and the database is readable."""
    next(get_db().query("SELECT 1 AS ok"))
    return jsonify({"ok": True})


@bp.post("/api/workshops")
def create_workshop():
    """A facilitator creates a workshop; the answer holds the secret facilitator link."""
    try:
        if not client_allows("join"):
            raise CommandError("rate_limited", TOO_MANY_ATTEMPTS)
        workshop, token = service.create_workshop(get_db(), json_body())
    except CommandError as exc:
        return api_error(exc)
    code = workshop["code"]
    return jsonify(
        {
            "code": code,
            "facilitator_token": token,
            "facilitator_url": url_for("views.facilitate", code=code, key=token, _external=True),
            "join_url": url_for("views.join", code=code, _external=True),
        }
    ), 201


@bp.post("/api/workshops/<code>/participants")
def join_workshop(code):
    """A delegate joins by code; 404 unknown code, 409 when 8 delegates have joined or the
    name is taken."""
    try:
        if not client_allows("join"):
            raise CommandError("rate_limited", TOO_MANY_ATTEMPTS)
        member_id, token = service.join_workshop(get_db(), normalise_code(code), json_body())
    except CommandError as exc:
        return api_error(exc)
    return jsonify({"participant_id": member_id, "token": token}), 201


def signed_in():
    """(workshop, member) of this request: 404 unknown code, None for the member without
    a token, 403 for a sign-in of another workshop."""
    workshop, member = identity()
    if workshop is None:
        raise CommandError("not_found", N_("There is no workshop with this code."))
    if member is not None and member_of(workshop, member) is None:
        raise CommandError("forbidden", N_("Your sign-in is for another workshop."))
    return workshop, member


def member_required(view):
    """Runs view(workshop, member) for a member of the workshop in the URL: 404 for an unknown
    code, 401 without a valid token, 403 for a token of another workshop."""

    @functools.wraps(view)
    def wrapped(code, **path):
        try:
            workshop, member = signed_in()
        except CommandError as exc:
            return api_error(exc)
        if member is None:
            exc = CommandError("forbidden", N_("Sign in to this workshop first."))
            return api_error(exc, UNAUTHORISED)
        return view(workshop, member, **path)

    return wrapped


@bp.get("/api/workshops/<code>/state")
@member_required
def workshop_state(workshop, member):
    """The caller's own `state` snapshot, as the socket sends it."""
    state, private = shared_state(get_db(), workshop["id"])
    return jsonify(for_recipient(state, private, member))


@bp.post("/api/workshops/<code>/commands")
@member_required
def workshop_command(workshop, member):
    """The socket's `command` over HTTP, for scripts: same checks, same ack."""
    ack, _ = transport.run_command(
        get_db(), member["id"], json_body(), limiter_key=f"member:{member['id']}"
    )
    if ack["ok"]:
        return jsonify(ack), 200
    headers = {"Retry-After": str(ack["retry_after"])} if "retry_after" in ack else {}
    return jsonify(ack), STATUS[ack["code"]], headers
