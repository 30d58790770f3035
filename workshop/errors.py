"""Error answers: the ack's error, JSON {"error", "code"} on the API, a translated page
everywhere else. One table from error code to HTTP status."""

from flask import jsonify, render_template, request
from flask_babel import get_locale, gettext
from werkzeug.exceptions import HTTPException

from .i18n import N_, translate

# The ack codes (commands.ERROR_CODES) and their HTTP status. A missing or unknown sign-in
# is 401 with the code "forbidden" (protocol.md).
STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409, "rate_limited": 429}
UNAUTHORISED = 401

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


def code_for(status):
    """The error code of an HTTP status: its row in STATUS; 401 is "forbidden", any other
    status "invalid"."""
    if status == UNAUTHORISED:
        return "forbidden"
    return next((code for code, s in STATUS.items() if s == status), "invalid")


def error_body(exc, language):
    """The ack of a refused command (a CommandError): {ok: false, code, error, ...extra}."""
    body = {"ok": False, "code": exc.code, "error": translate(exc.message, exc.params, language)}
    return {**body, **getattr(exc, "extra", {})}


def error_text(exc):
    """A CommandError's message in the language of this request."""
    return translate(exc.message, exc.params, str(get_locale()))


def api_error(exc, status=None):
    """A CommandError as the API's JSON error answer."""
    return jsonify({"error": error_text(exc), "code": exc.code}), status or STATUS[exc.code]


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
    return refusal(message, code_for(status), status)


def server_error(_exc):
    return refusal(PAGES[500][1], "invalid", 500)


def init_app(app):
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
