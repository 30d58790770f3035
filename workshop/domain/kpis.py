"""KPIs after sign-off: periods, status against target, pace within a running period. Pure.

Periods are written the way people and the API write them: `2026-W47` (ISO week),
`2026-11` (month), `2026-Q4` (quarter). A status is green when the target is met, amber
within the tolerance, red beyond it, grey without an actual.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_KINDS = ("week", "month", "quarter")
STATUSES = ("green", "amber", "red", "grey")
DEFAULT_TOLERANCE = 10  # percent of the target
# Measures that add up over a period, so a part of the period has a part of the target.
ADDITIVE_UNITS = ("count", "money")

_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self):
        return period_label(self.start, self.kind)

    def elapsed_share(self, today):
        """0.0 before the period, 1.0 after it; the share of its days gone by, today included."""
        if today < self.start:
            return 0.0
        if today > self.end:
            return 1.0
        return ((today - self.start).days + 1) / ((self.end - self.start).days + 1)


def parse_period(text, kind):
    """The Period that `text` names for a KPI measured per `kind`, or None if it does not."""
    match = _PATTERNS.get(kind, re.compile("$^")).match(text or "")
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    try:
        if kind == "week":
            start = date.fromisocalendar(year, number, 1)
            return Period(kind, start, start + timedelta(days=6))
        if kind == "month":
            start = date(year, number, 1)
            return Period(kind, start, _month_end(year, number))
        start = date(year, 3 * (number - 1) + 1, 1)
        return Period(kind, start, _month_end(year, 3 * number))
    except ValueError:
        return None


def period_label(day, kind):
    """The period a day falls in: `2026-W47`, `2026-11` or `2026-Q4`."""
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_periods(today, kind, count):
    """The labels of the last `count` periods up to and including today's, oldest first."""
    labels, day = [], today
    while len(labels) < count:
        period = parse_period(period_label(day, kind), kind)
        labels.append(period.label)
        day = period.start - timedelta(days=1)
    return list(reversed(labels))


def _month_end(year, month):
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def status(actual, target, direction="higher", tolerance=DEFAULT_TOLERANCE):
    """green, amber or red for an actual against its target; grey without an actual."""
    if actual is None or target is None:
        return "grey"
    margin = abs(target) * tolerance / 100
    if direction == "lower":
        if actual <= target:
            return "green"
        return "amber" if actual <= target + margin else "red"
    if actual >= target:
        return "green"
    return "amber" if actual >= target - margin else "red"


def pace(actual, target, period, today, unit, direction="higher", tolerance=DEFAULT_TOLERANCE):
    """Within a running period: "behind_pace" when an additive measure is short of the elapsed
    share of its target (beyond the tolerance), "on_pace" otherwise; None when it does not
    apply (a finished period, a rate, no actual)."""
    if actual is None or target is None or unit not in ADDITIVE_UNITS or direction != "higher":
        return None
    share = period.elapsed_share(today)
    if share <= 0 or share >= 1:
        return None
    expected = target * share
    return "behind_pace" if actual < expected * (1 - tolerance / 100) else "on_pace"


def consecutive(statuses, wanted):
    """How many of the latest statuses in a row are in `wanted` (statuses oldest first)."""
    count = 0
    for value in reversed(statuses):
        if value not in wanted:
            break
        count += 1
    return count
