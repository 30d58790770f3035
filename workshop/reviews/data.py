"""What a review shows and keeps: its agenda (open actions from earlier reviews, red and
amber KPIs, open escalations), its decisions and actions, and the scorecard kept when it
closes, from which its report is made."""

import json
from datetime import date

from ..dashboard import board
from ..document import versions
from ..domain.names import normalise_name

ATTENTION = ("red", "amber")


def may_run(db, workshop_id, role, name):
    """The facilitator, or a delegate whose name the signed SLA gives a KPI as its person."""
    if role == "facilitator":
        return True
    people = {
        normalise_name(k["person"]).casefold()
        for k in board.signed_kpis(db, workshop_id).values()
        if k["person"]
    }
    return normalise_name(name).casefold() in people


def current(db, workshop_id):
    """The open review, or None."""
    rows = list(
        db.query(
            "SELECT * FROM reviews WHERE workshop_id = ? AND status = 'open'"
            " ORDER BY id DESC LIMIT 1",
            [workshop_id],
        )
    )
    return rows[0] if rows else None


def all_reviews(db, workshop_id):
    return list(
        db.query("SELECT * FROM reviews WHERE workshop_id = ? ORDER BY number DESC", [workshop_id])
    )


def by_number(db, workshop_id, number):
    rows = list(
        db.query(
            "SELECT * FROM reviews WHERE workshop_id = ? AND number = ?", [workshop_id, number]
        )
    )
    return rows[0] if rows else None


def actions(db, workshop_id):
    """Every action item with who made and who closed it, open ones first (by due date)."""
    return [
        dict(row)
        for row in db.query(
            "SELECT a.*, r.number AS review_number, c.name AS closed_by_name,"
            " m.name AS created_by_name FROM actions a"
            " LEFT JOIN reviews r ON r.id = a.review_id"
            " LEFT JOIN members c ON c.id = a.closed_by"
            " LEFT JOIN members m ON m.id = a.created_by"
            " WHERE a.workshop_id = ? ORDER BY a.status = 'done', a.due, a.id",
            [workshop_id],
        )
    ]


def decisions(db, review_id):
    return [
        dict(row)
        for row in db.query(
            "SELECT d.*, m.name AS created_by_name FROM review_decisions d"
            " LEFT JOIN members m ON m.id = d.created_by WHERE d.review_id = ? ORDER BY d.id",
            [review_id],
        )
    ]


def agenda(db, workshop_id, review, today=None):
    """The review's walk: first the actions still open from before it, then each red or
    amber KPI, then each active escalation; and what it has recorded so far."""
    today = today or date.today()
    dashboard = board.dashboard(db, workshop_id, today)
    everything = actions(db, workshop_id)
    earlier = [
        a
        for a in everything
        if a["review_id"] != review["id"]
        and (a["status"] == "open" or a["closed_in_review"] == review["id"])
    ]
    return {
        "earlier_actions": earlier,
        "kpis": [k for k in dashboard["kpis"] if k["status"] in ATTENTION],
        "escalations": [e for e in dashboard["escalations"] if e["status"] != "resolved"],
        "new_actions": [a for a in everything if a["review_id"] == review["id"]],
        "decisions": decisions(db, review["id"]),
        "all_kpis": dashboard["kpis"],
    }


def scorecard(db, workshop_id, review, today=None):
    """What a review was held on, kept when it closes: every KPI with its status, latest
    actual and trend points, the active escalations, the decisions and the actions."""
    today = today or date.today()
    walk = agenda(db, workshop_id, review, today)
    kpis = []
    changed = versions.target_changes(db, workshop_id)
    for kpi in walk["all_kpis"]:
        points = board.trend_points(kpi, kpi["actuals"], today, changed.get(kpi["id"]))
        kpis.append(
            {
                k: kpi[k]
                for k in (
                    "id",
                    "text",
                    "unit",
                    "direction",
                    "target",
                    "period",
                    "tolerance",
                    "owner",
                    "person",
                    "status",
                    "pace",
                    "latest",
                    "additive",
                    "currency",
                )
            }  # fmt: skip
            | {"trend": points}
        )
    return {
        "held_on": today.isoformat(),
        "kpis": kpis,
        "escalations": walk["escalations"],
        "decisions": walk["decisions"],
        "earlier_actions": walk["earlier_actions"],
        "new_actions": walk["new_actions"],
    }


def report_data(db, workshop, review):
    """A review's report data: the kept scorecard of a closed review, or the live one of the
    review in progress."""
    if review["status"] == "closed" and review["scorecard"]:
        card = json.loads(review["scorecard"])
    else:
        card = scorecard(db, workshop["id"], review)
    return {"workshop": dict(workshop), "review": dict(review), **card}
