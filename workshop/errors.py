"""Error answers: JSON {"error", "code"} on the API, a translated page everywhere else."""

from flask import jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from .validation import N_

CODES = {400: "invalid", 401: "forbidden", 403: "forbidden", 404: "not_found", 405: "invalid",
         409: "conflict", 413: "invalid", 429: "rate_limited"}

PAGES = {
    400: (N_("That did not work"),
          N_("The form was out of date or incomplete. Go back, reload the page and try again.")),
    403: (N_("Not for you"),
          N_("This link does not sign you in here. Ask the facilitator for the join link.")),
    404: (N_("Not found"),
          N_("There is no such page or workshop. Check the code or the link you were given.")),
    405: (N_("That did not work"), N_("This page cannot be used like that.")),
    413: (N_("Too large"), N_("The request is too large.")),
    429: (N_("Slow down"), N_("Too many attempts: wait a minute.")),
    500: (N_("Something went wrong"),
          N_("The server could not finish this. Nothing you confirmed earlier is lost.")),
}


def refusal(message, code, status):
    """An error answer: JSON for the API, the error page for people."""
    text = gettext(message)
    if request.path.startswith("/api/") or request.path.startswith("/socket.io"):
        return jsonify({"error": text, "code": code}), status
    heading, _ = PAGES.get(status, PAGES[500])
    return render_template("error.html", status=status, heading=gettext(heading),
                           message=text), status


def http_error(exc):
    status = exc.code or 500
    _, message = PAGES.get(status, PAGES[500])
    return refusal(message, CODES.get(status, "invalid"), status)


def server_error(_exc):
    return refusal(PAGES[500][1], "invalid", 500)


def init_app(app):
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
