"""The escalation ladder at work. Pure: which rung a KPI's recent statuses trigger, and when
a rung's response is due.

A rung is an agreed item of the "escalation" section, in ladder order. Its trigger: the KPI
statuses that count (`red_only` or `amber_or_red`), for how many periods in a row, and
optionally only for KPIs of one measure; its response time in working days. Rungs agreed
before the trigger had a structure (or left blank) fall back to: rung n fires after n red
periods in a row, with 2, 5, then 10 working days to respond.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

TRIGGER_STATUSES = {"red_only": frozenset({"red"}), "amber_or_red": frozenset({"amber", "red"})}
FALLBACK_DAYS = (2, 5, 10)
ANY_MEASURE = "any"
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
ACTIVE = (OPEN, ACKNOWLEDGED)


@dataclass(frozen=True)
class Rung:
    number: int  # 1 is the first rung
    item_id: int
    title: str
    who: str
    statuses: frozenset
    periods: int
    measure: str | None  # only KPIs of this measure; None: every KPI
    response_days: int

    def applies_to(self, kpi):
        return self.measure is None or kpi.get("measure") == self.measure


def ladder(items):
    """The rungs of the agreed escalation items, ordered as the ladder is agreed."""
    ordered = sorted(items, key=lambda i: (i.get("position") or 0, i["id"]))
    return [rung_of(item, number) for number, item in enumerate(ordered, start=1)]


def rung_of(item, number):
    details = item.get("details") or {}
    periods = details.get("trigger_periods")
    days = details.get("response_days")
    measure = details.get("trigger_measure")
    return Rung(
        number=number,
        item_id=item["id"],
        title=item.get("text") or "",
        who=details.get("who") or "",
        statuses=TRIGGER_STATUSES.get(details.get("trigger_status"), TRIGGER_STATUSES["red_only"]),
        periods=periods if isinstance(periods, int) and periods > 0 else number,
        measure=None if measure in (None, "", ANY_MEASURE) else measure,
        response_days=days
        if isinstance(days, int) and days >= 0
        else FALLBACK_DAYS[min(number, len(FALLBACK_DAYS)) - 1],
    )


def in_a_row(statuses, wanted):
    """How many of the latest periods in a row have a status in `wanted`; statuses are the
    KPI's consecutive periods, oldest first (a period without an actual is grey and breaks
    the run)."""
    count = 0
    for status in reversed(statuses):
        if status not in wanted:
            break
        count += 1
    return count


def triggered(rungs, kpi, statuses):
    """The highest rung whose trigger fires for this KPI, or None."""
    fired = [
        rung
        for rung in rungs
        if rung.applies_to(kpi) and in_a_row(statuses, rung.statuses) >= rung.periods
    ]
    return fired[-1] if fired else None


def next_rung(rungs, number):
    """The rung above `number`, or None at the top of the ladder."""
    return next((rung for rung in rungs if rung.number == number + 1), None)


def due_after(start, working_days):
    """`start` plus a number of working days (Monday to Friday); 0 means the same moment."""
    due = start
    left = working_days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() < 5:
            left -= 1
    return due


def overdue(escalation, now):
    """An open (not acknowledged) escalation whose response time has passed."""
    return escalation["status"] == OPEN and datetime.fromisoformat(escalation["due"]) <= now
