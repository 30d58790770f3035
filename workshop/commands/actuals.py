"""After sign-off: actuals per KPI and period, recorded by the people who own the KPI, and
read-only links to the dashboard."""

from datetime import date

from ..dashboard.board import signed_kpis
from ..domain import codes, kpis
from ..i18n import N_
from ..store import now_iso
from ..validation import Id, Number, Text
from . import ANYONE, FACILITATOR, CommandError, command, escalations


@command(
    "record_actual",
    ANYONE,
    while_finalized=True,
    kpi_id=Id(),
    period=Text(max_len=10),
    value=Number(low=-1e12, high=1e12),
    note=Text(max_len=500, min_len=0, optional=True),
)
def record_actual(ctx, kpi_id, period, value, note=""):
    """The facilitator, or a delegate of the department that owns the KPI, records its value
    for a period; a second value for the same period corrects it and keeps the first."""
    kpi = signed_kpis(ctx.db, ctx.actor.workshop_id).get(kpi_id)
    if kpi is None:
        raise CommandError("not_found", N_("There is no such KPI in the signed SLA."))
    if ctx.actor.role != "facilitator" and kpi["owner"] not in ("joint", ctx.actor.department):
        raise CommandError("forbidden", N_("Only the department that owns this KPI records it."))
    parsed = kpis.parse_period(period, kpi["period"])
    if parsed is None:
        example = {"week": "2026-W47", "month": "2026-11", "quarter": "2026-Q4"}[kpi["period"]]
        raise CommandError("invalid", N_("Write the period like %(example)s."), example=example)
    if parsed.start > date.today():
        raise CommandError("invalid", N_("That period has not started yet."))
    ctx.db.execute(
        "INSERT INTO kpi_actuals (workshop_id, item_id, period, value, note, recorded_by,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [ctx.actor.workshop_id, kpi_id, period, value, note, ctx.actor.member_id, now_iso()],
    )
    escalations.after_actual(ctx.db, ctx.workshop, kpi_id)


@command("create_dashboard_link", FACILITATOR, while_finalized=True)
def create_dashboard_link(ctx):
    """The facilitator makes a read-only link to the dashboard, for people outside the
    workshop. Its token is in the ack only, never in a broadcast."""
    token = codes.new_token()
    ctx.db.execute(
        "INSERT INTO dashboard_links (workshop_id, token_hash, created_by, created_at)"
        " VALUES (?, ?, ?, ?)",
        [ctx.actor.workshop_id, codes.token_hash(token), ctx.actor.member_id, now_iso()],
    )
    return {"ack": {"dashboard_path": f"/w/{ctx.workshop['code']}/dashboard?view={token}"}}


@command("revoke_dashboard_links", FACILITATOR, while_finalized=True)
def revoke_dashboard_links(ctx):
    """The facilitator ends every read-only dashboard link of the workshop at once."""
    ctx.db.execute(
        "UPDATE dashboard_links SET revoked_at = ? WHERE workshop_id = ? AND revoked_at IS NULL",
        [now_iso(), ctx.actor.workshop_id],
    )


def dashboard_link_valid(db, workshop_id, token):
    """True when token is a live read-only link of this workshop."""
    if not isinstance(token, str) or not token or len(token) > 200 or not token.isascii():
        return False
    rows = db.query(
        "SELECT 1 FROM dashboard_links WHERE workshop_id = ? AND token_hash = ?"
        " AND revoked_at IS NULL",
        [workshop_id, codes.token_hash(token)],
    )
    return bool(list(rows))
