"""Every version of the SLA over HTTP: the list, each version's PDF and Markdown (from the
stored, frozen row, never from live data), the history page, and the review calendar."""


from flask import Blueprint, Response, abort, g, jsonify, redirect, render_template, url_for
from flask_babel import format_date

from .. import service, transport
from ..api import member_required
from ..db import get_db
from ..document import render, versions
from ..document.data import stored_document
from ..i18n import moment
from ..security import signed_in_member
from ..views import workshop_or_404
from . import calendar

bp = Blueprint("versions", __name__)


@bp.get("/api/workshops/<code>/versions")
@member_required
def versions_json(workshop, member):
    """[{version, document_hash, status, signatures: [{participant_id, name, signed_at}]}]."""
    return jsonify(
        [
            {
                "version": row["version"],
                "document_hash": row["document_hash"],
                "status": row["status"],
                "finalized_at": row["finalized_at"],
                "signatures": [
                    {k: s[k] for k in ("participant_id", "name", "signed_at")}
                    for s in row["signatures"]
                ],
            }
            for row in versions.listing(get_db(), workshop["id"])
        ]
    )


@bp.get("/api/workshops/<code>/versions/<int:number>/export.<any(pdf, md):kind>")
@member_required
def version_export(workshop, member, number, kind):
    """One stored version as `<code>-v<n>.pdf` or `.md`: the Markdown is exactly its signed
    bytes; a signed version's PDF is the one issued file, any other version's a draft."""
    db = get_db()
    row = versions.stored(db, workshop["id"], number)
    if row is None:
        abort(404)
    data = stored_document(db, workshop, row)
    name = f"{workshop['code']}-v{number}.{kind}"
    if kind == "md":
        return _download(data["canonical"], "text/markdown", name)
    if data["signoff"]["status"] == "signed":
        # The render-once path of the final PDF, pointed at this version: it serves the file
        # issued when the version was signed, or renders, writes and records it once.
        pdf = service.final_pdf(
            db, {**workshop, "signoff_version": number, "signoff_status": "signed"}
        )
    else:
        pdf = render.cached_pdf(data, True)
        name = f"{workshop['code']}-v{number}-draft.pdf"
    return _download(pdf, "application/pdf", name)


@bp.get("/w/<code>/versions")
def history_page(code):
    """The version history: each version with its status, who signed when, its hash and
    downloads; the facilitator can start an amendment of a signed SLA here."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None:
        return redirect(url_for("views.join", code=workshop["code"]))
    g.language = member["language"] or workshop["language"]
    db = get_db()
    rows = versions.listing(db, workshop["id"])
    return render_template(
        "versions.html",
        workshop=workshop,
        member=member,
        versions=list(reversed(rows)),
        latest_signed=max((r["version"] for r in rows if r["status"] == "signed"), default=None),
        review=calendar.next_review(db, workshop),
        day=lambda d: format_date(d, "long"),
        moment=lambda stamp: moment(stamp, workshop["time_zone"]),
    )


@bp.post("/w/<code>/versions/amend")
def amend(code):
    """The history page's button: the facilitator starts an amendment (start_amendment)."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None:
        abort(403)
    ack, _ = transport.run_command(get_db(), member["id"], {"type": "start_amendment"},
                                 limiter_key=f"member:{member['id']}")  # fmt: skip
    if not ack["ok"]:
        abort(403 if ack["code"] == "forbidden" else 409)
    return redirect(url_for("views.workshop", code=workshop["code"]))


@bp.get("/w/<code>/review.ics")
def review_calendar(code):
    """The recurring review of the signed SLA, for people's calendars (members only)."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is None:
        abort(403)
    body = calendar.review_ics(get_db(), workshop)
    if body is None:
        abort(404)
    return _download(body, "text/calendar", f"{workshop['code']}-review.ics")


def _download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
