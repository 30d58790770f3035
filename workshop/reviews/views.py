"""Reviews over HTTP: the live review page, its JSON, and each review's report PDF."""

from datetime import date

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_babel import format_date

from ..api import member_required
from ..dashboard import board
from ..dashboard.views import moment, value_text, viewer_or_403
from ..db import get_db
from . import data, report

bp = Blueprint("reviews", __name__)


@bp.get("/w/<code>/review")
def review_page(code):
    """The review, live for the workshop's members: the open one, or the way to open one."""
    workshop, member = viewer_or_403(code)
    if member is None:
        abort(403)
    db = get_db()
    review = data.current(db, workshop["id"])
    return render_template(
        "review.html",
        workshop=workshop,
        member=member,
        review=review,
        walk=data.agenda(db, workshop["id"], review) if review else None,
        reviews=data.all_reviews(db, workshop["id"]),
        actions=data.actions(db, workshop["id"]),
        signed=board.signed_version(db, workshop["id"]) is not None,
        may_run=data.may_run(db, workshop["id"], member["role"], member["name"]),
        moment=lambda iso: moment(iso, workshop),
        day=lambda iso: format_date(date.fromisoformat(iso), "medium"),
        value_text=value_text,
        today=date.today().isoformat(),
    )


@bp.get("/w/<code>/reviews/<int:number>/report.pdf")
def review_report(code, number):
    """A review's report for leadership; a read-only dashboard link may read it too."""
    workshop, _ = viewer_or_403(code)
    db = get_db()
    review = data.by_number(db, workshop["id"], number)
    if review is None:
        abort(404)
    pdf = report.render_report(data.report_data(db, workshop, review))
    response = Response(pdf, mimetype="application/pdf")
    name = report.filename(workshop, review)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/workshops/<code>/reviews")
@member_required
def reviews_json(workshop, member):
    """Every review with its decisions, and every action item."""
    db = get_db()
    fields = ("number", "status", "signed_version", "attendees", "notes", "opened_at",
              "closed_at")  # fmt: skip
    return jsonify(
        {
            "reviews": [
                {k: r[k] for k in fields}
                | {"decisions": [d["text"] for d in data.decisions(db, r["id"])]}
                for r in data.all_reviews(db, workshop["id"])
            ],
            "actions": [
                {
                    "id": a["id"],
                    "text": a["text"],
                    "owner": a["owner"],
                    "due": a["due"],
                    "status": a["status"],
                    "review": a["review_number"],
                    "closed_note": a["closed_note"],
                    "closed_at": a["closed_at"],
                }
                for a in data.actions(db, workshop["id"])
            ],
        }
    )
