"""The review calendar: the next review of the signed SLA follows from the agreed cadence
(`governance.review_cadence`), and an .ics file puts the recurring review in calendars.

The cadence is a sentence the group agreed ("Monthly joint review; quarterly revision of
definitions and targets"); the first rhythm it names is the review's, in English or Dutch.
Reviews start one period after the SLA takes effect (`governance.effective_date`, else the
day the last delegate signed), at 10:00 for an hour in the workshop's time zone.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext

from ..document import versions
from ..document.canonical import add_months

# (pattern, rule): the earliest match in the cadence text wins. Rules: (FREQ, INTERVAL).
CADENCES = (
    (
        r"fortnight|bi-?weekly|two weeks|2 weeks|twee\s?wek|2 weken|twice a month"
        r"|twee keer per maand",
        ("WEEKLY", 2),
    ),
    (r"week|wekelijks", ("WEEKLY", 1)),
    (
        r"half[- ]?year|semi-?annual|six months|6 months|twice a year|halfjaar|half jaar"
        r"|twee keer per jaar",
        ("MONTHLY", 6),
    ),
    (r"quarter|kwartaal", ("MONTHLY", 3)),
    (r"month|maand", ("MONTHLY", 1)),
    (r"annual|year|jaar", ("YEARLY", 1)),
)
# The SLA's revision period, when the cadence names no rhythm.
REVISION_RULES = {"month": ("MONTHLY", 1), "quarter": ("MONTHLY", 3),
                  "half_year": ("MONTHLY", 6), "year": ("YEARLY", 1)}  # fmt: skip
START = time(10, 0)
DURATION = timedelta(hours=1)


def cadence_rule(text, revision_period=None):
    """(FREQ, INTERVAL) the cadence text names first; else the revision period's; else a
    month. Pure."""
    lowered = (text or "").lower()
    found = [
        (match.start(), rule)
        for pattern, rule in CADENCES
        if (match := re.search(pattern, lowered))
    ]
    if found:
        return min(found, key=lambda f: f[0])[1]
    return REVISION_RULES.get(revision_period, ("MONTHLY", 1))


def occurrence(start, rule, n):
    """The n-th review (n >= 1) after start under rule. Pure."""
    freq, interval = rule
    if freq == "WEEKLY":
        return start + timedelta(weeks=interval * n)
    if freq == "YEARLY":
        return add_months(start, 12 * interval * n)
    return add_months(start, interval * n)


def next_on_or_after(start, rule, today):
    """The first review on or after today (never before the first one). Pure."""
    n = 1
    while occurrence(start, rule, n) < today:
        n += 1
    return occurrence(start, rule, n)


def next_review(db, workshop, today=None):
    """{date, first, rule, cadence, version, time_zone} for the latest signed version, or None
    before the SLA is signed."""
    version = versions.latest_signed(db, workshop["id"])
    if version is None:
        return None
    data = version["data"]
    governance = (data.get("fields") or {}).get("governance") or {}
    time_zone = (data.get("workshop") or {}).get("time_zone") or workshop["time_zone"]
    rule = cadence_rule(governance.get("review_cadence"), governance.get("revision_period"))
    start = _start(db, workshop, version, governance, time_zone)
    today = today or datetime.now(ZoneInfo(time_zone)).date()
    return {
        "date": next_on_or_after(start, rule, today),
        "first": occurrence(start, rule, 1),
        "rule": rule,
        "cadence": governance.get("review_cadence") or "",
        "version": version["version"],
        "time_zone": time_zone,
    }


def _start(db, workshop, version, governance, time_zone):
    if governance.get("effective_date"):
        return date.fromisoformat(governance["effective_date"])
    signed = [s["signed_at"] for s in versions.signatures(db, workshop["id"], version["version"])
              if not s["voided"]]  # fmt: skip
    stamp = max(signed) if signed else version["finalized_at"]
    return datetime.fromisoformat(stamp).astimezone(ZoneInfo(time_zone)).date()


def review_ics(db, workshop, today=None):
    """The .ics bytes: one recurring event from the first review on, or None before the SLA
    is signed. Stable per signed version (its UID names the workshop and the version)."""
    from icalendar import Calendar, Event

    review = next_review(db, workshop, today)
    if review is None:
        return None
    zone = ZoneInfo(review["time_zone"])
    begin = datetime.combine(review["first"], START, tzinfo=zone)
    freq, interval = review["rule"]
    language = workshop["language"]
    with force_locale(language):
        summary = gettext("SLA review: %(title)s", title=workshop["title"])
        description = gettext(
            "Review of the marketing–sales SLA (version %(version)s, workshop %(code)s): the "
            "KPI dashboard, open actions and escalations. Agreed cadence: %(cadence)s",
            version=review["version"], code=workshop["code"], cadence=review["cadence"] or "—",
        )  # fmt: skip
    event = Event()
    event.add("uid", f"review-{workshop['code']}-v{review['version']}@sla-workshop")
    event.add("dtstamp", datetime.fromisoformat(_signed_stamp(db, workshop, review)))
    event.add("dtstart", begin)
    event.add("dtend", begin + DURATION)
    event.add("rrule", {"freq": freq, "interval": interval})
    event.add("summary", summary)
    event.add("description", description)
    calendar = Calendar()
    calendar.add("prodid", "-//SLA workshop//review calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", summary)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _signed_stamp(db, workshop, review):
    row = versions.stored(db, workshop["id"], review["version"])
    return row["finalized_at"]
