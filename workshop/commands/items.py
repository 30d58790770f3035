"""Proposals, hidden votes, dots and decisions on items."""

import json
from datetime import UTC, datetime, timedelta

from ..domain import consent
from ..domain.sections import ITEM_DETAILS, JOURNEY_KINDS
from ..domain.stages import SECTIONS
from ..i18n import N_
from ..store import from_json, now_iso, to_json
from ..validation import Id, Int, Invalid, OneOf, Spec, Text, check_mapping
from . import ANYONE, DELEGATE, FACILITATOR, CommandError, command

ITEM_TEXT_MAX = 2000
DEFAULT_DOTS = 3  # dots per delegate unless the facilitator sets journey.dots_per_delegate
REASON_MAX = 1000


class Details(Spec):
    """Free-form object here; checked against the section's fields in the handler."""

    def __init__(self, optional=True):
        self.optional = optional

    def __call__(self, value, name):
        if not isinstance(value, dict) or len(value) > 20:
            raise Invalid(N_("%(name)s must be an object."), name=name)
        return value


def checked_details(section, details):
    try:
        return check_mapping(details or {}, ITEM_DETAILS[section], "details")
    except Invalid as exc:
        raise CommandError("invalid", exc.message, **exc.params) from None


def item_in_workshop(ctx, item_id):
    rows = list(
        ctx.db.query(
            "SELECT * FROM items WHERE id = ? AND workshop_id = ?", [item_id, ctx.actor.workshop_id]
        )
    )
    if not rows:
        raise CommandError("not_found", N_("There is no such item in this workshop."))
    item = rows[0]
    item["details"] = json.loads(item["details"])
    return item


def ensure_unlocked(ctx, section):
    if section in (from_json(ctx.workshop["locked_sections"]) or []):
        raise CommandError("conflict", N_("This section is locked."))


def ends_with_draft_outcome(ctx):
    """Whether the funnel's last stage is the draft's outcome (customers): no rate onwards."""
    rows = list(
        ctx.db.query(
            "SELECT details, from_draft FROM items WHERE workshop_id = ? AND section = 'funnel'"
            " ORDER BY position DESC LIMIT 1",
            [ctx.actor.workshop_id],
        )
    )
    return (
        bool(rows)
        and bool(rows[0]["from_draft"])
        and ("conversion" not in json.loads(rows[0]["details"]))
    )


DOUBLE_CLICK_SECONDS = 10


def same_proposal_just_now(ctx, section, text, details):
    """The id of the same proposal by the same person a few seconds ago: a double click
    (or a resent command) proposes once."""
    since = datetime.now(UTC) - timedelta(seconds=DOUBLE_CLICK_SECONDS)
    since = since.isoformat(timespec="seconds")
    rows = list(
        ctx.db.query(
            "SELECT id, details FROM items WHERE workshop_id = ? AND section = ? AND text = ?"
            " AND created_by = ? AND created_at >= ? ORDER BY id DESC LIMIT 1",
            [ctx.actor.workshop_id, section, text, ctx.actor.member_id, since],
        )
    )
    if rows and json.loads(rows[0]["details"]) == details:
        return rows[0]["id"]
    return None


@command(
    "propose",
    ANYONE,
    section=OneOf(SECTIONS),
    text=Text(max_len=ITEM_TEXT_MAX, multiline=True),
    details=Details(),
)
def propose(ctx, section, text, details=None):
    """Anyone proposes an item; it is open for votes until the facilitator decides."""
    ensure_unlocked(ctx, section)
    details = checked_details(section, details)
    if section == "journey":
        details.setdefault("kind", "gap")
    count = next(
        ctx.db.query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS last FROM items"
            " WHERE workshop_id = ? AND section = ?",
            [ctx.actor.workshop_id, section],
        )
    )
    twin = same_proposal_just_now(ctx, section, text, details)
    if twin is not None:
        return {"item_id": twin, "ack": {"duplicate": True}}
    if count["n"] >= 200:
        raise CommandError("conflict", N_("This section has too many items already."))
    position = count["last"] + 1
    if section == "funnel" and ends_with_draft_outcome(ctx):
        # The draft's customer stage stays at the bottom: a new stage goes in above it.
        position = count["last"]
        ctx.db.execute(
            "UPDATE items SET position = position + 1 WHERE workshop_id = ? AND section = 'funnel'"
            " AND position = ?",
            [ctx.actor.workshop_id, count["last"]],
        )
    cursor = ctx.db.execute(
        "INSERT INTO items (workshop_id, section, text, details, position, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ctx.actor.workshop_id,
            section,
            text,
            to_json(details),
            position,
            ctx.actor.member_id,
            now_iso(),
        ],
    )
    return {"item_id": cursor.lastrowid}


@command("vote", DELEGATE, item_id=Id(), choice=OneOf(consent.CHOICES))
def vote(ctx, item_id, choice):
    """A delegate votes, and may change the vote until the reveal."""
    item = item_in_workshop(ctx, item_id)
    ensure_unlocked(ctx, item["section"])
    if item["status"] != "open":
        raise CommandError("conflict", N_("Voting on this item has closed."))
    ctx.db.execute(
        "INSERT INTO votes (item_id, member_id, choice, cast_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(item_id, member_id) DO UPDATE SET choice = excluded.choice,"
        " cast_at = excluded.cast_at",
        [item_id, ctx.actor.member_id, choice, now_iso()],
    )


@command("reveal", FACILITATOR, item_id=Id())
def reveal(ctx, item_id):
    """The facilitator reveals the votes: everyone sees the tally and the consensus."""
    item = item_in_workshop(ctx, item_id)
    if item["status"] != "open":
        raise CommandError("conflict", N_("The votes on this item are already revealed."))
    ctx.db.execute(
        "UPDATE items SET status = 'revealed', revealed_at = ?, edited_at = NULL WHERE id = ?",
        [now_iso(), item_id],
    )


def consensus_of(ctx, item_id):
    votes = ctx.db.query(
        "SELECT m.department, v.choice FROM votes v JOIN members m ON m.id = v.member_id"
        " WHERE v.item_id = ?",
        [item_id],
    )
    present = {
        r["department"]
        for r in ctx.db.query(
            "SELECT department FROM members WHERE workshop_id = ? AND role = 'participant'"
            " AND removed = 0",
            [ctx.actor.workshop_id],
        )
    }
    return consent.consent_for([(v["department"], v["choice"]) for v in votes], present)


@command(
    "decide",
    FACILITATOR,
    item_id=Id(),
    outcome=OneOf(("agreed", "rejected")),
    reason=Text(max_len=REASON_MAX, optional=True, multiline=True),
)
def decide(ctx, item_id, outcome, reason=None):
    """The facilitator agrees or rejects an item; agreeing without consent needs a reason."""
    item = item_in_workshop(ctx, item_id)
    if item["status"] in ("agreed", "rejected"):
        raise CommandError("conflict", N_("This item has been decided already."))
    if (
        outcome == "agreed"
        and not reason
        and (item["status"] != "revealed" or consensus_of(ctx, item_id) != "consent")
    ):
        raise CommandError("invalid", N_("Agreeing an item without consent needs a reason."))
    ctx.db.execute(
        "UPDATE items SET status = ?, revealed_at = COALESCE(revealed_at, ?), decided_by = ?,"
        " decided_at = ?, decision_reason = ? WHERE id = ?",
        [outcome, now_iso(), ctx.actor.member_id, now_iso(), reason, item_id],
    )


@command("reopen_item", FACILITATOR, item_id=Id())
def reopen_item(ctx, item_id):
    """The facilitator puts an item to the vote again: its votes and decision are cleared."""
    item = item_in_workshop(ctx, item_id)
    ensure_unlocked(ctx, item["section"])
    put_to_the_vote_again(ctx, item_id, edited=False)


def put_to_the_vote_again(ctx, item_id, edited):
    """Votes and decision cleared, open again; `edited` marks "edited — vote again"."""
    ctx.db.execute("DELETE FROM votes WHERE item_id = ?", [item_id])
    ctx.db.execute(
        "UPDATE items SET status = 'open', revealed_at = NULL, decided_by = NULL,"
        " decided_at = NULL, decision_reason = NULL, edited_at = ? WHERE id = ?",
        [now_iso() if edited else None, item_id],
    )


@command(
    "edit_item",
    FACILITATOR,
    item_id=Id(),
    text=Text(max_len=ITEM_TEXT_MAX, optional=True, multiline=True),
    details=Details(),
)
def edit_item(ctx, item_id, text=None, details=None):
    """The facilitator edits an item's text or details (e.g. the wording the group agreed).

    Votes were cast on the old wording: an item with votes, revealed or decided goes back
    to the vote (open, no votes, "edited — vote again"), so nothing new reads as agreed."""
    item = item_in_workshop(ctx, item_id)
    ensure_unlocked(ctx, item["section"])
    if text is None and details is None:
        raise CommandError("invalid", N_("Nothing to change."))
    merged = {**item["details"], **(details or {})}
    merged = {k: v for k, v in merged.items() if v not in (None, "")}
    merged = checked_details(item["section"], merged)
    new_text = text if text is not None else item["text"]
    if new_text == item["text"] and merged == item["details"]:
        return {"ack": {"votes_reset": False}}
    ctx.db.execute(
        "UPDATE items SET text = ?, details = ? WHERE id = ?", [new_text, to_json(merged), item_id]
    )
    has_votes = next(ctx.db.query("SELECT COUNT(*) AS n FROM votes WHERE item_id = ?", [item_id]))[
        "n"
    ]
    if item["status"] != "open" or has_votes:
        put_to_the_vote_again(ctx, item_id, edited=True)
        return {"ack": {"votes_reset": True}}
    return {"ack": {"votes_reset": False}}


NEIGHBOUR_ABOVE = (
    "SELECT id, position FROM items WHERE workshop_id = ? AND section = ? AND position < ?"
    " ORDER BY position DESC LIMIT 1"
)
NEIGHBOUR_BELOW = (
    "SELECT id, position FROM items WHERE workshop_id = ? AND section = ? AND position > ?"
    " ORDER BY position ASC LIMIT 1"
)


@command("move_item", FACILITATOR, item_id=Id(), direction=OneOf(("up", "down")))
def move_item(ctx, item_id, direction):
    """The facilitator reorders an item within its section (funnel stages are in order)."""
    item = item_in_workshop(ctx, item_id)
    ensure_unlocked(ctx, item["section"])
    rows = list(
        ctx.db.query(
            NEIGHBOUR_ABOVE if direction == "up" else NEIGHBOUR_BELOW,
            [ctx.actor.workshop_id, item["section"], item["position"]],
        )
    )
    if not rows:
        raise CommandError("conflict", N_("The item cannot move further."))
    ctx.db.execute("UPDATE items SET position = ? WHERE id = ?", [rows[0]["position"], item_id])
    ctx.db.execute("UPDATE items SET position = ? WHERE id = ?", [item["position"], rows[0]["id"]])


@command("place_dots", DELEGATE, item_id=Id(), count=Int(low=0, high=20))
def place_dots(ctx, item_id, count):
    """A delegate puts dots on journey gaps and moments; the total is capped per delegate."""
    item = item_in_workshop(ctx, item_id)
    ensure_unlocked(ctx, item["section"])
    if item["section"] != "journey" or item["details"].get("kind") == JOURNEY_KINDS[0]:
        raise CommandError("invalid", N_("Dots go on gaps and moments of truth."))
    budget_rows = list(
        ctx.db.query(
            "SELECT value FROM fields WHERE workshop_id = ? AND section = 'journey'"
            " AND field = 'dots_per_delegate'",
            [ctx.actor.workshop_id],
        )
    )
    budget = json.loads(budget_rows[0]["value"]) if budget_rows else DEFAULT_DOTS
    used = next(
        ctx.db.query(
            "SELECT COALESCE(SUM(d.count), 0) AS n FROM dots d JOIN items i ON i.id = d.item_id"
            " WHERE i.workshop_id = ? AND d.member_id = ? AND d.item_id != ?",
            [ctx.actor.workshop_id, ctx.actor.member_id, item_id],
        )
    )["n"]
    if used + count > budget:
        raise CommandError("conflict", N_("You have no dots left (%(n)s per person)."), n=budget)
    ctx.db.execute(
        "INSERT INTO dots (item_id, member_id, count) VALUES (?, ?, ?)"
        " ON CONFLICT(item_id, member_id) DO UPDATE SET count = excluded.count",
        [item_id, ctx.actor.member_id, count],
    )


@command("reveal_section", FACILITATOR, section=OneOf(SECTIONS))
def reveal_section(ctx, section):
    """The facilitator reveals every open item of a section at once (after a round of votes).

    Items fewer than half of the delegates voted on stay hidden; the ack names them."""
    ensure_unlocked(ctx, section)
    delegates = next(
        ctx.db.query(
            "SELECT COUNT(*) AS n FROM members WHERE workshop_id = ? AND role = 'participant'"
            " AND removed = 0",
            [ctx.actor.workshop_id],
        )
    )["n"]
    rows = ctx.db.query(
        "SELECT i.id, COUNT(v.member_id) AS votes_cast FROM items i"
        " LEFT JOIN votes v ON v.item_id = i.id"
        " WHERE i.workshop_id = ? AND i.section = ? AND i.status = 'open' GROUP BY i.id",
        [ctx.actor.workshop_id, section],
    )
    revealed, skipped = [], []
    for row in rows:
        enough = consent.enough_votes_to_reveal(row["votes_cast"], delegates)
        (revealed if enough else skipped).append(row["id"])
    for item_id in revealed:
        ctx.db.execute(
            "UPDATE items SET status = 'revealed', revealed_at = ?, edited_at = NULL WHERE id = ?",
            [now_iso(), item_id],
        )
    return {"ack": {"revealed": len(revealed), "skipped": skipped}}


@command("agree_consented", FACILITATOR, section=OneOf(SECTIONS))
def agree_consented(ctx, section):
    """The facilitator agrees every revealed item of a section that has consent of both
    departments; items without consent stay for discussion."""
    ensure_unlocked(ctx, section)
    revealed = [
        r["id"]
        for r in ctx.db.query(
            "SELECT id FROM items WHERE workshop_id = ? AND section = ? AND status = 'revealed'",
            [ctx.actor.workshop_id, section],
        )
    ]
    agreed = [item_id for item_id in revealed if consensus_of(ctx, item_id) == "consent"]
    for item_id in agreed:
        ctx.db.execute(
            "UPDATE items SET status = 'agreed', decided_by = ?, decided_at = ? WHERE id = ?",
            [ctx.actor.member_id, now_iso(), item_id],
        )
    return {"agreed": len(agreed)}
