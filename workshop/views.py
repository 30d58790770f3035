"""Server-rendered pages: home, join, the facilitator console, the participant view."""

import hmac
import io

import flask_babel
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from . import service, store
from .client_strings import client_strings
from .commands import CommandError
from .db import get_db
from .document import pictures
from .domain.codes import display_code, is_well_formed, normalise_code, token_hash
from .errors import STATUS, error_text
from .i18n import LANGUAGES, N_, translate
from .security import (
    TOO_MANY_ATTEMPTS,
    client_allows,
    csrf_token,
    identity,
    set_identity_cookie,
    signed_in_member,
    token_for,
)
from .state import for_recipient, shared_state

bp = Blueprint("views", __name__)


@bp.app_context_processor
def page_globals():
    return {
        "csrf_token": csrf_token,
        "locale": str(get_locale()),
        "display_code": display_code,
        "time_zones": service.COMMON_TIME_ZONES,
    }


@bp.get("/")
def home():
    """Start a workshop or join one by code."""
    return render_template("home.html", form={}, error=None, join_error=None)


@bp.post("/workshops")
def create():
    """The home page's form: create a workshop and sign this browser in as facilitator."""
    form = request.form.to_dict()
    payload = {
        "title": form.get("title", ""),
        "facilitator_name": form.get("facilitator_name", ""),
        "organisation": form.get("organisation", ""),
        "language": form.get("language", ""),
        "start_from": form.get("start_from", "draft"),
        "time_zone": form.get("time_zone") or service.DEFAULT_TIME_ZONE,
    }
    if not client_allows("join"):
        exc = CommandError("rate_limited", TOO_MANY_ATTEMPTS)
        return render_template(
            "home.html", form=form, error=error_text(exc), join_error=None
        ), STATUS[exc.code]
    try:
        workshop, token = service.create_workshop(get_db(), payload)
    except CommandError as exc:
        return render_template(
            "home.html", form=form, error=error_text(exc), join_error=None
        ), STATUS[exc.code]
    response = redirect(url_for("views.workshop", code=workshop["code"]))
    set_identity_cookie(response, workshop["code"], token)
    return response


@bp.post("/join")
def join_by_code():
    """The home page's join box: a typed code leads to that workshop's join page."""
    code = normalise_code(request.form.get("code", ""))
    exc = None
    if not client_allows("lookup"):
        exc = CommandError("rate_limited", TOO_MANY_ATTEMPTS)
    elif not is_well_formed(code) or store.workshop_by_code(get_db(), code) is None:
        exc = CommandError("not_found", N_("There is no workshop with this code."))
    if exc is not None:
        page = render_template("home.html", form={}, error=None, join_error=error_text(exc))
        return page, STATUS[exc.code]
    return redirect(url_for("views.join", code=code))


def workshop_or_404():
    """The workshop in the URL (security.identity), or 404."""
    workshop, _ = identity()
    if workshop is None:
        abort(404)
    return workshop


def removed_member(workshop):
    """The removed delegate whose token this browser still holds, or None."""
    token = token_for(workshop["code"])
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    rows = list(
        get_db().query(
            "SELECT * FROM members WHERE token_hash = ? AND workshop_id = ? AND removed = 1",
            [token_hash(token), workshop["id"]],
        )
    )
    return rows[0] if rows else None


def removed_page(workshop, member):
    """A removed delegate's token is dead: a clear page, not a silent new join."""
    g.language = member["language"] or workshop["language"]
    return render_template(
        "error.html",
        status=403,
        heading=_("You were removed from this workshop"),
        message=_(
            "The facilitator removed you from %(title)s. Ask the facilitator for a new "
            "invitation if you should take part again.",
            title=workshop["title"],
        ),
    ), 403


@bp.route("/w/<code>/join", methods=["GET", "POST"])
def join(code):
    """A delegate enters name and department; the 9th is told the workshop is full.
    A browser whose delegate was removed is told so; `?again=1` is a deliberate new join."""
    workshop = workshop_or_404()
    g.language = workshop["language"] if "lang" not in request.cookies else None
    member = signed_in_member()
    if member is not None:
        return redirect(url_for("views.workshop", code=workshop["code"]))
    gone = removed_member(workshop)
    if gone is not None and request.args.get("again") != "1":
        return removed_page(workshop, gone)
    form, error, status = {}, None, 200
    if request.method == "POST":
        form = request.form.to_dict()
        payload = {
            "name": form.get("name", ""),
            "department": form.get("department", ""),
            "job_title": form.get("job_title", ""),
        }
        try:
            if not client_allows("join"):
                raise CommandError("rate_limited", TOO_MANY_ATTEMPTS)
            _, token = service.join_workshop(get_db(), workshop["code"], payload)
        except CommandError as exc:
            error, status = error_text(exc), STATUS[exc.code]
        else:
            response = redirect(url_for("views.workshop", code=workshop["code"]))
            set_identity_cookie(response, workshop["code"], token)
            return response
    full = len(store.delegates(get_db(), workshop["id"])) >= service.MAX_DELEGATES
    return render_template(
        "join.html", workshop=workshop, form=form, error=error, full=full
    ), status


@bp.get("/w/<code>/facilitate")
def facilitate(code):
    """The secret facilitator link: signs this browser in as the facilitator, from anywhere."""
    workshop = workshop_or_404()
    member = store.member_by_token(get_db(), request.args.get("key", ""))
    if member is None or member["workshop_id"] != workshop["id"] or member["role"] != "facilitator":
        abort(403)
    response = redirect(url_for("views.workshop", code=workshop["code"]))
    set_identity_cookie(response, workshop["code"], request.args["key"])
    return response


def render_workshop(workshop, member, view, view_token=""):
    g.language = member["language"] or workshop["language"]
    if "lang" in request.args and request.args["lang"] in LANGUAGES:
        g.language = request.args["lang"]
    # A string translated earlier in this request (the projector's name) fixed the locale
    # from the browser: the page speaks the person's or the workshop's language.
    flask_babel.refresh()
    response = make_response(
        render_template(
            "workshop.html",
            workshop=workshop,
            member=member,
            view=view,
            view_token=view_token,
            strings=client_strings(),
            join_url=url_for("views.join", code=workshop["code"], _external=True),
        )
    )
    if view_token:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def projector_allowed(workshop, token):
    """Whether token is the workshop's live read-only projector link."""
    stored = workshop.get("projector_token_hash")
    return (
        isinstance(token, str)
        and 0 < len(token) <= 200
        and token.isascii()
        and stored is not None
        and hmac.compare_digest(stored, token_hash(token))
    )


def projector_viewer(workshop):
    """The projector as a recipient of snapshots: nobody's votes, nobody's rights."""
    return {
        "id": 0,
        "role": "viewer",
        "name": translate(N_("Projector"), {}, workshop["language"]),
        "department": None,
        "language": workshop["language"],
    }


@bp.get("/w/<code>")
def workshop(code):
    """The facilitator console or the participant view, whichever this browser is."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None:
        gone = removed_member(workshop)
        if gone is not None:
            return removed_page(workshop, gone)
        return redirect(url_for("views.join", code=workshop["code"]))
    view = "console" if member["role"] == "facilitator" else "participant"
    return render_workshop(workshop, member, view)


@bp.get("/w/<code>/present")
def present(code):
    """The projector view: large type, the stage, the timer, revealed results. The
    facilitator opens it signed in; another machine with the projector link (`?view=`)."""
    workshop = workshop_or_404()
    member = signed_in_member()
    view_token = request.args.get("view")
    if view_token is not None:
        if not projector_allowed(workshop, view_token):
            abort(403)
        return render_workshop(workshop, projector_viewer(workshop), "present", view_token)
    if member is None or member["role"] != "facilitator":
        abort(403)
    return render_workshop(workshop, member, "present")


@bp.get("/w/<code>/present/state")
def projector_state(code):
    """The projector link's snapshot, polled: the shared state only (no one's own votes);
    204 while the version is still `since`."""
    workshop = workshop_or_404()
    if not projector_allowed(workshop, request.args.get("view")):
        abort(403)
    since = request.args.get("since", type=int)
    if since is not None and since == workshop["version"]:
        return Response(status=204, headers={"Cache-Control": "no-store"})
    state, private = shared_state(get_db(), workshop["id"])
    snapshot = for_recipient(state, private, projector_viewer(workshop))
    response = jsonify(snapshot)
    response.headers["Cache-Control"] = "no-store"
    return response


def facilitator_or_403():
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None or member["role"] != "facilitator":
        abort(403)
    return workshop


def own_facilitator_url(workshop):
    """The facilitator's secret link, from the token this browser signed in with."""
    key = token_for(workshop["code"])
    return url_for("views.facilitate", code=workshop["code"], key=key, _external=True)


@bp.get("/w/<code>/facilitator-link")
def facilitator_link(code):
    """The facilitator's own secret link, to sign in on a second machine (never cached)."""
    workshop = facilitator_or_403()
    response = jsonify({"facilitator_url": own_facilitator_url(workshop)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/w/<code>/facilitator-qr.svg")
def facilitator_qr(code):
    """The facilitator's own secret link as a QR code, for a phone or a second laptop."""
    workshop = facilitator_or_403()
    out = io.BytesIO()
    segno.make(own_facilitator_url(workshop), error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False
    )
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/w/<code>/qr.svg")
def qr_code(code):
    """The join link as a QR code, for the console and the projector."""
    workshop = workshop_or_404()
    out = io.BytesIO()
    url = url_for("views.join", code=workshop["code"], _external=True)
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return Response(out.getvalue(), mimetype="image/svg+xml")


def is_local_path(target):
    """Only paths on this site: browsers drop tabs and newlines and read backslashes as
    slashes, so "/<tab>/evil.example" would leave the site."""
    return (
        target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and not any(ch in target for ch in "\\ ")
    )


@bp.post("/lang")
def choose_language():
    """The language switch on pages without a signed-in person."""
    language = request.form.get("language")
    target = request.form.get("next") or ""
    if not is_local_path(target):
        target = url_for("views.home")
    response = make_response(redirect(target))
    if language in LANGUAGES:
        response.set_cookie(
            "lang", language, max_age=60 * 60 * 24 * 365, samesite="Lax", httponly=True
        )
    return response


def member_or_403(code):
    """A member of the workshop, or the projector link (`?view=`: pictures only, member None)."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None:
        if not projector_allowed(workshop, request.args.get("view")):
            abort(403)
        lang = request.args.get("lang")
        g.language = lang if lang in LANGUAGES else workshop["language"]
        return workshop, None
    g.language = member["language"] or workshop["language"]
    return workshop, member


def svg_response(svg):
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/w/<code>/funnel.svg")
def funnel_picture(code):
    """The funnel as the group has it now, for the page, the projector and the PDF."""
    workshop, _member = member_or_403(code)
    return svg_response(pictures.funnel_for(get_db(), workshop))


@bp.get("/w/<code>/journey.svg")
def journey_picture(code):
    """The journey map: phases, and beneath each its gaps and moments of truth with dots."""
    workshop, _member = member_or_403(code)
    per_row = request.args.get("cols", type=int)
    per_row = per_row if per_row and 1 <= per_row <= 12 else None
    return svg_response(pictures.journey_for(get_db(), workshop, per_row=per_row))


@bp.get("/w/<code>/items/<int:item_id>/votes.svg")
def vote_bars(code, item_id):
    """Vote bars of a revealed item; hidden votes have no picture."""
    workshop, _member = member_or_403(code)
    svg = pictures.vote_bars_for(get_db(), workshop, item_id)
    if svg is None:
        abort(404)
    return svg_response(svg)
