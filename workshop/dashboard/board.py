"""The live KPI dashboard: the signed SLA's KPIs with their actuals, targets and statuses.

The KPIs and their targets come from the latest signed version (never from the live draft):
a KPI linked to the reverse funnel takes the figure that version computed. Actuals are the
latest value recorded per period; earlier rows for that period are its history.
"""

import re
from datetime import date, datetime, timedelta

from ..document import versions
from ..domain import figures, kpis
from ..domain.sections import FIELDS

WEEKS_PER_MONTH = 52 / 12
UNITS = {"money": "currency"}  # domain/figures.py says money, the dashboard currency
TREND_PERIODS = 6
# Measures that add up within a period: only these have a pace and a target "per period".
ADDITIVE = ("new_leads", "mqls", "sals", "sqls", "opportunities", "deals_won", "revenue_won")


def signed_version(db, workshop_id):
    """The latest signed version's row, or None before the first signature round completes."""
    rows = list(
        db.query(
            "SELECT version FROM document_versions WHERE workshop_id = ? AND status = 'signed'"
            " ORDER BY version DESC LIMIT 1",
            [workshop_id],
        )
    )
    return versions.stored(db, workshop_id, rows[0]["version"]) if rows else None


def signed_kpis(db, workshop_id):
    """{item id: KPI dict} of the latest signed version, in document order."""
    version = signed_version(db, workshop_id)
    if version is None:
        return {}
    data = version["data"]
    linked = data.get("kpi_targets") or {}
    items = sorted(
        (i for i in data.get("agreed") or [] if i["section"] == "kpis"),
        key=lambda i: (i.get("position") or 0, i["id"]),
    )
    return {item["id"]: kpi_of(item, linked.get(str(item["id"])), data) for item in items}


def kpi_of(item, link, data):
    """A KPI's structure: measure, unit, direction, numeric target per its period, owner."""
    details = item.get("details") or {}
    measure = details.get("measure") or "manual"
    unit, direction = figures.MEASURES.get(measure, (None, "higher"))
    unit = details.get("unit") or UNITS.get(unit, unit) or "count"
    direction = details.get("direction") or direction
    period = details.get("period") or "month"
    target = details.get("target_value")
    if link:
        target = per_period(link["value"], measure, period)
    elif target is None:
        language = (data.get("workshop") or {}).get("language")
        wanted = {"currency": "money"}.get(unit, unit)
        target = figures.first_stated(details.get("target") or "", wanted, language)
    return {
        "id": item["id"],
        "text": item["text"],
        "measure": measure,
        "unit": unit,
        "direction": direction,
        "target": target,
        "period": period,
        "tolerance": details.get("tolerance", kpis.DEFAULT_TOLERANCE),
        "owner": details.get("owner") or "joint",
        "person": details.get("person") or "",
        "linked": bool(link),
        "additive": measure in ADDITIVE,
        # Money in the signed version's currency (targets.currency), like the document.
        "currency": _currency(data) if unit == "currency" else None,
    }


def _currency(data):
    currency = ((data.get("fields") or {}).get("targets") or {}).get("currency")
    choices = FIELDS["targets"]["currency"]
    return currency if currency in choices else choices[0]


def per_period(monthly, measure, period):
    """A monthly figure for a KPI measured per week or quarter; rates, sizes and hours stay."""
    if measure not in ADDITIVE:
        return monthly
    if period == "week":
        return round(monthly / WEEKS_PER_MONTH, 1)
    if period == "quarter":
        return monthly * 3
    return monthly


def actuals(db, workshop_id):
    """{item id: {period: latest row}} of recorded actuals."""
    latest = {}
    for row in db.query(
        "SELECT * FROM kpi_actuals WHERE workshop_id = ? ORDER BY id", [workshop_id]
    ):
        latest.setdefault(row["item_id"], {})[row["period"]] = row
    return latest


def history(db, workshop_id):
    """{item id: [every recorded actual, newest first, with who recorded it and whether a
    later value for its period replaced it]}: corrections keep their history."""
    rows = list(
        db.query(
            "SELECT a.*, m.name AS recorded_by_name FROM kpi_actuals a"
            " LEFT JOIN members m ON m.id = a.recorded_by"
            " WHERE a.workshop_id = ? ORDER BY a.id DESC",
            [workshop_id],
        )
    )
    seen, result = set(), {}
    for row in rows:
        key = (row["item_id"], row["period"])
        result.setdefault(row["item_id"], []).append({**row, "replaced": key in seen})
        seen.add(key)
    return result


def dashboard(db, workshop_id, today=None):
    """The dashboard as the API returns it: {kpis: [...], escalations: [...], signed_version}."""
    today = today or date.today()
    version = signed_version(db, workshop_id)
    recorded = actuals(db, workshop_id)
    board = []
    for kpi in signed_kpis(db, workshop_id).values():
        series = series_of(recorded.get(kpi["id"], {}), kpi)
        board.append({**kpi, **status_of(kpi, series, today), "actuals": series})
    return {
        "signed_version": version["version"] if version else None,
        "kpis": board,
        "escalations": escalations(db, workshop_id, version),
    }


def series_of(rows, kpi):
    """[{period, value}] oldest first, from {period: latest row}."""
    return [
        {"period": period, "value": rows[period]["value"]}
        for period in sorted(rows, key=lambda p: kpis.parse_period(p, kpi["period"]).start)
    ]


def period_statuses(kpi, series, today, limit=104):
    """[(period, status)] for the periods up to the latest recorded one, in a row, back to
    the first recorded (at most `limit`); a period without an actual is grey and a running
    period is judged by its pace."""
    if not series:
        return []
    values = {a["period"]: a["value"] for a in series}
    first = kpis.parse_period(series[0]["period"], kpi["period"])
    labels, day = [], kpis.parse_period(series[-1]["period"], kpi["period"]).start
    while len(labels) < limit:
        period = kpis.parse_period(kpis.period_label(day, kpi["period"]), kpi["period"])
        labels.append(period.label)
        if period.start <= first.start:
            break
        day = period.start - timedelta(days=1)
    return [
        (label, "grey" if values.get(label) is None else
         status_of(kpi, [{"period": label, "value": values[label]}], today)["status"])
        for label in reversed(labels)
    ]  # fmt: skip


def escalations(db, workshop_id, version=None):
    """Every escalation of the workshop, the active ones first, each with its rung (title and
    who to involve, from the signed ladder) and its history."""
    rows = list(
        db.query(
            "SELECT * FROM escalations WHERE workshop_id = ? ORDER BY status = 'resolved', id DESC",
            [workshop_id],
        )
    )
    if not rows:
        return []
    items = {}
    if version is not None:
        items = {i["id"]: i for i in version["data"].get("agreed") or []}
    history = {}
    for event in db.query(
        "SELECT e.*, m.name AS member_name FROM escalation_events e"
        " LEFT JOIN members m ON m.id = e.member_id"
        " WHERE e.escalation_id IN (SELECT id FROM escalations WHERE workshop_id = ?)"
        " ORDER BY e.id",
        [workshop_id],
    ):
        history.setdefault(event["escalation_id"], []).append(
            {k: event[k] for k in ("kind", "rung", "note", "member_name", "at")}
        )
    result = []
    for row in rows:
        rung = items.get(row["rung_item_id"]) or {}
        result.append(
            {
                "id": row["id"],
                "kpi_id": row["kpi_id"],
                "rung": row["rung"],
                "status": row["status"],
                "due": row["due"],
                "period": row["period"],
                "opened_at": row["opened_at"],
                "closed_at": row["closed_at"],
                # "1. Team leads" reads "Rung 1 · Team leads" beside its number.
                "rung_title": re.sub(r"^\s*\d+\s*[.):]\s*", "", rung.get("text") or ""),
                "who": (rung.get("details") or {}).get("who") or "",
                "history": history.get(row["id"], []),
            }
        )
    return result


def status_of(kpi, series, today):
    """The status of the latest actual, and the pace while its period is running."""
    if not series:
        return {"status": "grey", "pace": None, "latest": None}
    latest = series[-1]
    status = kpis.status(latest["value"], kpi["target"], kpi["direction"], kpi["tolerance"])
    period = kpis.parse_period(latest["period"], kpi["period"])
    unit = "count" if kpi["additive"] else "rate"
    pace = kpis.pace(
        latest["value"], kpi["target"], period, today, unit, kpi["direction"], kpi["tolerance"]
    )
    if pace is not None:
        # Within a running period an additive measure is judged against its pace.
        status = "green" if pace == "on_pace" else "amber"
    return {"status": status, "pace": pace, "latest": latest}


def trend_points(kpi, series, today, steps=None):
    """The last periods up to today's, each with its actual, the target then in force and
    its status, oldest first. steps: the KPI's targets per signed version (an amendment may
    have changed it; `versions.kpi_targets_by_version`)."""
    values = {a["period"]: a["value"] for a in series}
    points = []
    for label in kpis.recent_periods(today, kpi["period"], TREND_PERIODS):
        # A period is judged by the target in force at its end (today, while it runs).
        end = min(kpis.parse_period(label, kpi["period"]).end, today)
        step = step_at(steps, end) if steps else None
        target = step["target"] if step else kpi["target"]
        point = {
            "period": label,
            "value": values.get(label),
            "status": kpis.status(values.get(label), target, kpi["direction"], kpi["tolerance"]),
        }
        if step:
            point |= {"target": target, "version": step["version"]}
        points.append(point)
    return points


def step_at(steps, day):
    """The signed version's step in force on `day`: the latest signed on or before it; before
    the first signature, the first (`versions.target_at`, with the whole step)."""
    in_force = steps[0]
    for step in steps:
        if step["signed_at"] and datetime.fromisoformat(step["signed_at"]).date() <= day:
            in_force = step
    return in_force
