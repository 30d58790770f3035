"""The HTTP JSON API. Every error is {"error": "<human message>"} in the caller's language."""

import functools

from flask import Blueprint, jsonify, request, url_for
from flask_babel import get_locale

from . import service, store
from .commands import CommandError
from .db import get_db
from .domain.codes import normalise_code
from .security import client_allows, token_for
from .state import for_recipient, shared_state
from .validation import N_

bp = Blueprint("api", __name__)

STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409, "rate_limited": 429}


def error(exc, status=None):
    body = service.error_body(exc, str(get_locale()))
    return jsonify({"error": body["error"], "code": body["code"]}), status or STATUS[exc.code]


def json_body():
    return request.get_json(silent=True)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers and the database is readable."""
    next(get_db().query("SELECT 1 AS ok"))
    return jsonify({"ok": True})


@bp.post("/api/workshops")
def create_workshop():
    """A facilitator creates a workshop; the answer holds the secret facilitator link."""
    if not client_allows("join"):
        return error(CommandError("rate_limited", N_("Too many attempts: wait a minute.")))
    try:
        workshop, token = service.create_workshop(get_db(), json_body())
    except CommandError as exc:
        return error(exc)
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
    """A delegate joins by code; 404 unknown code, 409 when 8 delegates have joined."""
    if not client_allows("join"):
        return error(CommandError("rate_limited", N_("Too many attempts: wait a minute.")))
    try:
        member_id, token = service.join_workshop(get_db(), normalise_code(code), json_body())
    except CommandError as exc:
        return error(exc)
    return jsonify({"participant_id": member_id, "token": token}), 201


def signed_in(code):
    """The member behind the bearer token or cookie, if they belong to this workshop."""
    db = get_db()
    workshop = store.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        raise CommandError("not_found", N_("There is no workshop with this code."))
    token = token_for(workshop["code"])
    member = store.member_by_token(db, token) if token else None
    if member is None:
        return workshop, None
    if member["workshop_id"] != workshop["id"]:
        raise CommandError("forbidden", N_("Your sign-in is for another workshop."))
    return workshop, member


def unauthorised():
    exc = CommandError("forbidden", N_("Sign in to this workshop first."))
    return error(exc, 401)


def member_required(view):
    """Runs view(workshop, member) for a member of the workshop in the URL: 404 for an unknown
    code, 401 without a valid token, 403 for a token of another workshop."""

    @functools.wraps(view)
    def wrapped(code):
        try:
            workshop, member = signed_in(code)
        except CommandError as exc:
            return error(exc)
        if member is None:
            return unauthorised()
        return view(workshop, member)

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
    ack, _ = service.run_command(
        get_db(), member["id"], json_body(), limiter_key=f"member:{member['id']}"
    )
    if ack["ok"]:
        return jsonify(ack)
    return jsonify(ack), STATUS[ack["code"]]
