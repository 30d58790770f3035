"""The escalation ladder at work: a KPI whose statuses meet a rung's trigger opens an
escalation (or moves it up); people acknowledge and resolve it; one that is not acknowledged
in time moves to the next rung (`sweep`, from the background task). Every step is kept in
`escalation_events` and announced on the workshop's webhook."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from .. import webhooks
from ..dashboard import board
from ..domain import escalations as ladder
from ..i18n import N_, translate
from ..store import bump_version, now_iso, record_audit
from ..validation import Id, Text
from . import ANYONE, FACILITATOR, CommandError, command


@command(
    "acknowledge_escalation",
    ANYONE,
    while_finalized=True,
    escalation_id=Id(),
    note=Text(max_len=1000, min_len=0, optional=True, multiline=True),
)
def acknowledge_escalation(ctx, escalation_id, note=""):
    """Someone involved takes the escalation on: it stops moving up the ladder."""
    escalation = _active(ctx, escalation_id)
    if escalation["status"] == ladder.ACKNOWLEDGED:
        return  # a double click, or two people at once: already taken on
    ctx.db.execute(
        "UPDATE escalations SET status = ? WHERE id = ?", [ladder.ACKNOWLEDGED, escalation_id]
    )
    _event(ctx.db, escalation, "acknowledged", escalation["rung"], note, ctx.actor.member_id)


@command(
    "resolve_escalation",
    ANYONE,
    while_finalized=True,
    escalation_id=Id(),
    note=Text(max_len=1000, multiline=True),
)
def resolve_escalation(ctx, escalation_id, note):
    """The escalation is dealt with; the note says how."""
    escalation = _active(ctx, escalation_id)
    ctx.db.execute(
        "UPDATE escalations SET status = ?, closed_at = ? WHERE id = ?",
        [ladder.RESOLVED, now_iso(), escalation_id],
    )
    _event(ctx.db, escalation, "resolved", escalation["rung"], note, ctx.actor.member_id)


@command("set_webhook", FACILITATOR, while_finalized=True, url=Text(max_len=2000, min_len=0))
def set_webhook(ctx, url):
    """The facilitator sets (or, with an empty url, removes) the workshop's webhook."""
    url = url.strip()
    if not url:
        ctx.db.execute("DELETE FROM webhooks WHERE workshop_id = ?", [ctx.actor.workshop_id])
        return
    try:
        webhooks.check_url(url)
    except webhooks.WebhookError as exc:
        raise CommandError("invalid", exc.message, **exc.params) from None
    ctx.db.execute(
        "INSERT OR REPLACE INTO webhooks (workshop_id, url, set_by, set_at) VALUES (?, ?, ?, ?)",
        [ctx.actor.workshop_id, url, ctx.actor.member_id, now_iso()],
    )


def _active(ctx, escalation_id):
    rows = list(
        ctx.db.query(
            "SELECT * FROM escalations WHERE id = ? AND workshop_id = ?",
            [escalation_id, ctx.actor.workshop_id],
        )
    )
    if not rows:
        raise CommandError("not_found", N_("There is no such escalation."))
    if rows[0]["status"] not in ladder.ACTIVE:
        raise CommandError("conflict", N_("This escalation is already resolved."))
    return rows[0]


def after_actual(db, workshop, kpi_id, today=None, now=None):
    """After an actual is recorded (in its transaction): opens an escalation, or moves the
    KPI's open one up, when the KPI's recent statuses meet a rung's trigger."""
    now = now or datetime.now(UTC)
    kpi = board.signed_kpis(db, workshop["id"]).get(kpi_id)
    rungs = ladder_of(db, workshop["id"])
    if kpi is None or not rungs:
        return
    series = board.series_of(board.actuals(db, workshop["id"]).get(kpi_id, {}), kpi)
    statuses = board.period_statuses(kpi, series, today or now.date())
    rung = ladder.triggered(rungs, kpi, [s for _, s in statuses])
    if rung is None:
        return
    period = statuses[-1][0]
    active = active_for(db, workshop["id"], kpi_id)
    due = ladder.due_after(now, rung.response_days).isoformat(timespec="seconds")
    if active is None:
        escalation_id = db.execute(
            "INSERT INTO escalations (workshop_id, kpi_id, rung, rung_item_id, status, period,"
            " opened_at, due) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
            [workshop["id"], kpi_id, rung.number, rung.item_id, period, now_iso(), due],
        ).lastrowid
        escalation = {"id": escalation_id, "workshop_id": workshop["id"], "kpi_id": kpi_id}
        _event(db, escalation, "opened", rung.number, "", None, workshop, kpi, rung, due)
    elif rung.number > active["rung"]:
        _move(db, active, rung, due, period, workshop, kpi)


def sweep(db, now=None):
    """Moves every open escalation not acknowledged in time to the next rung; returns the
    ids of the workshops that changed (to broadcast). One transaction per workshop."""
    now = now or datetime.now(UTC)
    changed = []
    late = list(
        db.query(
            "SELECT workshop_id FROM escalations WHERE status = 'open' AND due <= ?"
            " GROUP BY workshop_id",
            [now.isoformat(timespec="seconds")],
        )
    )
    for row in late:
        if not _movable(db, row["workshop_id"], now):
            continue
        try:
            changed.append(_sweep_workshop(db, row["workshop_id"], now))
        except _Nothing:
            continue  # every late one is on the top rung already: nothing changed
    return changed


def _sweep_workshop(db, workshop_id, now):
    """One workshop's late escalations, moved up in one transaction; its id."""
    with db.atomic():
        version = bump_version(db, workshop_id)
        workshop = db["workshops"].get(workshop_id)
        rungs = ladder_of(db, workshop_id)
        kpis = board.signed_kpis(db, workshop_id)
        moved = 0
        for escalation in list(_late(db, workshop_id, now)):
            rung = ladder.next_rung(rungs, escalation["rung"])
            if rung is None:
                continue  # the top of the ladder: it stays overdue until resolved
            due = ladder.due_after(now, rung.response_days).isoformat(timespec="seconds")
            kpi = kpis.get(escalation["kpi_id"]) or {"text": "", "id": escalation["kpi_id"]}
            _move(db, escalation, rung, due, escalation["period"], workshop, kpi)
            moved += 1
        if not moved:
            raise _Nothing  # rolls the version bump back
        record_audit(db, workshop_id, None, "escalation_moved_up", {"moved": moved}, version)
    return workshop_id


def _late(db, workshop_id, now):
    return db.query(
        "SELECT * FROM escalations WHERE workshop_id = ? AND status = 'open' AND due <= ?",
        [workshop_id, now.isoformat(timespec="seconds")],
    )


def _movable(db, workshop_id, now):
    """Whether a late escalation of the workshop has a rung above it (read only)."""
    top = len(ladder_of(db, workshop_id))
    return any(e["rung"] < top for e in _late(db, workshop_id, now))


class _Nothing(Exception):
    pass


def _when(iso, workshop):
    """A due moment in the workshop's language and time zone."""
    if not iso:
        return ""
    zone = ZoneInfo(workshop.get("time_zone") or "Europe/Amsterdam")
    return format_datetime(datetime.fromisoformat(iso), "medium", tzinfo=zone,
                           locale=workshop["language"])  # fmt: skip


def _move(db, escalation, rung, due, period, workshop, kpi, note=""):
    db.execute(
        "UPDATE escalations SET rung = ?, rung_item_id = ?, status = 'open', due = ?, period = ?"
        " WHERE id = ?",
        [rung.number, rung.item_id, due, period, escalation["id"]],
    )
    _event(db, escalation, "moved_up", rung.number, note, None, workshop, kpi, rung, due)


def ladder_of(db, workshop_id):
    """The rungs of the latest signed version."""
    version = board.signed_version(db, workshop_id)
    if version is None:
        return []
    items = [i for i in version["data"].get("agreed") or [] if i["section"] == "escalation"]
    return ladder.ladder(items)


def active_for(db, workshop_id, kpi_id):
    rows = list(
        db.query(
            "SELECT * FROM escalations WHERE workshop_id = ? AND kpi_id = ?"
            " AND status IN ('open', 'acknowledged') ORDER BY id DESC LIMIT 1",
            [workshop_id, kpi_id],
        )
    )
    return rows[0] if rows else None


# What the webhook says, in the workshop's language.
_WEBHOOK_TEXT = {
    "opened": N_(
        "Escalation, rung %(rung)s (%(title)s): %(kpi)s. Involve: %(who)s. Respond by %(due)s."
    ),
    "moved_up": N_(
        "Escalation moved up to rung %(rung)s (%(title)s): %(kpi)s. Involve: %(who)s."
        " Respond by %(due)s."
    ),
    "acknowledged": N_("Escalation acknowledged: %(kpi)s (rung %(rung)s)."),
    "resolved": N_("Escalation resolved: %(kpi)s (rung %(rung)s)."),
}  # fmt: skip


def _event(db, escalation, kind, rung_number, note, member_id, workshop=None, kpi=None,
           rung=None, due=None):  # fmt: skip
    """Keeps the step in the history and queues its webhook message (same transaction)."""
    db.execute(
        "INSERT INTO escalation_events (escalation_id, kind, rung, note, member_id, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [escalation["id"], kind, rung_number, note, member_id, now_iso()],
    )
    workshop = workshop or db["workshops"].get(escalation["workshop_id"])
    if kpi is None:
        kpi = board.signed_kpis(db, workshop["id"]).get(escalation["kpi_id"]) or {"text": ""}
    if rung is None:
        rung = next((r for r in ladder_of(db, workshop["id"]) if r.number == rung_number), None)
    params = {
        "rung": rung_number,
        "title": rung.title if rung else "",
        "who": rung.who if rung else "",
        "kpi": kpi.get("text", ""),
        "due": _when(due or escalation.get("due"), workshop),
    }
    webhooks.enqueue(
        db,
        workshop["id"],
        {
            "text": translate(_WEBHOOK_TEXT[kind], params, workshop["language"]),
            "event": f"escalation.{kind}",
            "workshop": workshop["code"],
            "escalation": {
                "id": escalation["id"],
                "kpi_id": escalation["kpi_id"],
                "rung": rung_number,
                "due": due or escalation.get("due"),
                "note": note,
            },
        },
    )
