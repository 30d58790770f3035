"""Reviews after sign-off, run live: the facilitator (or a person the signed SLA names as a
KPI's owner) opens one; it starts with the open actions of earlier reviews, walks the red and
amber KPIs and the open escalations, and records attendees, notes, decisions and new actions.
Actions can be closed with a note at any time. Closing the review keeps its scorecard."""

import json
from datetime import date

from ..dashboard import board
from ..i18n import N_
from ..reviews import data as reviews
from ..store import now_iso
from ..validation import Date, Id, Text
from . import ANYONE, CommandError, command


def _runner(ctx):
    if not reviews.may_run(ctx.db, ctx.actor.workshop_id, ctx.actor.role, ctx.actor.name):
        raise CommandError(
            "forbidden", N_("Only the facilitator or a KPI's named owner runs a review.")
        )


def _signed(ctx):
    version = board.signed_version(ctx.db, ctx.actor.workshop_id)
    if version is None:
        raise CommandError("conflict", N_("Reviews start once the SLA is signed."))
    return version


def _open_review(ctx):
    review = reviews.current(ctx.db, ctx.actor.workshop_id)
    if review is None:
        raise CommandError("conflict", N_("There is no review open."))
    return review


@command("open_review", ANYONE, while_finalized=True)
def open_review(ctx):
    """Opens the next review (or, when one is open already, answers with that one: a double
    click or a second person opens nothing new)."""
    _runner(ctx)
    version = _signed(ctx)
    review = reviews.current(ctx.db, ctx.actor.workshop_id)
    if review is None:
        number = 1 + ctx.db.execute(
            "SELECT COUNT(*) FROM reviews WHERE workshop_id = ?", [ctx.actor.workshop_id]
        ).fetchone()[0]
        ctx.db.execute(
            "INSERT INTO reviews (workshop_id, number, status, signed_version, opened_by,"
            " opened_at) VALUES (?, ?, 'open', ?, ?, ?)",
            [ctx.actor.workshop_id, number, version["version"], ctx.actor.member_id, now_iso()],
        )
    else:
        number = review["number"]
    return {"ack": {"review_number": number}}


@command(
    "update_review",
    ANYONE,
    while_finalized=True,
    attendees=Text(max_len=2000, min_len=0, optional=True, multiline=True),
    notes=Text(max_len=20000, min_len=0, optional=True, multiline=True),
)
def update_review(ctx, attendees=None, notes=None):
    """Who attends, and the notes of the open review."""
    _runner(ctx)
    review = _open_review(ctx)
    if attendees is None and notes is None:
        raise CommandError("invalid", N_("Nothing to change."))
    ctx.db.execute(
        "UPDATE reviews SET attendees = ?, notes = ? WHERE id = ?",
        [
            review["attendees"] if attendees is None else attendees,
            review["notes"] if notes is None else notes,
            review["id"],
        ],
    )


@command("add_decision", ANYONE, while_finalized=True, text=Text(max_len=1000, multiline=True))
def add_decision(ctx, text):
    """A decision the open review took."""
    _runner(ctx)
    review = _open_review(ctx)
    ctx.db.execute(
        "INSERT INTO review_decisions (review_id, text, created_by, created_at)"
        " VALUES (?, ?, ?, ?)",
        [review["id"], text, ctx.actor.member_id, now_iso()],
    )


@command(
    "add_action",
    ANYONE,
    while_finalized=True,
    text=Text(max_len=500),
    owner=Text(max_len=120),
    due=Date(),
)
def add_action(ctx, text, owner, due):
    """An action item with an owner and a due date; in the open review, it belongs to it."""
    _signed(ctx)
    if not due:
        raise CommandError("invalid", N_("Give the action a due date."))
    if date.fromisoformat(due) < date.today():
        raise CommandError("invalid", N_("The due date has passed already."))
    review = reviews.current(ctx.db, ctx.actor.workshop_id)
    ctx.db.execute(
        "INSERT INTO actions (workshop_id, review_id, text, owner, due, status, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
        [
            ctx.actor.workshop_id,
            review["id"] if review else None,
            text,
            owner,
            due,
            ctx.actor.member_id,
            now_iso(),
        ],
    )


@command(
    "close_action",
    ANYONE,
    while_finalized=True,
    action_id=Id(),
    note=Text(max_len=1000, multiline=True),
)
def close_action(ctx, action_id, note):
    """An action is done; the note says how. From the dashboard or in a review."""
    rows = list(
        ctx.db.query(
            "SELECT * FROM actions WHERE id = ? AND workshop_id = ?",
            [action_id, ctx.actor.workshop_id],
        )
    )
    if not rows:
        raise CommandError("not_found", N_("There is no such action."))
    if rows[0]["status"] != "open":
        raise CommandError("conflict", N_("This action is closed already."))
    review = reviews.current(ctx.db, ctx.actor.workshop_id)
    ctx.db.execute(
        "UPDATE actions SET status = 'done', closed_note = ?, closed_by = ?, closed_at = ?,"
        " closed_in_review = ? WHERE id = ?",
        [note, ctx.actor.member_id, now_iso(), review["id"] if review else None, action_id],
    )


@command("close_review", ANYONE, while_finalized=True)
def close_review(ctx):
    """Ends the open review and keeps what it was held on (the scorecard, escalations,
    decisions and actions as they are now): its report is made from that, never again from
    live data."""
    _runner(ctx)
    review = _open_review(ctx)
    scorecard = reviews.scorecard(ctx.db, ctx.actor.workshop_id, review)
    ctx.db.execute(
        "UPDATE reviews SET status = 'closed', closed_at = ?, scorecard = ? WHERE id = ?",
        [now_iso(), json.dumps(scorecard, ensure_ascii=False), review["id"]],
    )
    return {"ack": {"review_number": review["number"]}}
