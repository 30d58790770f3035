"""The review calendar (issue 13): the next review follows from the agreed cadence, and the
.ics download holds one recurring event that calendars read back."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import send
from icalendar import Calendar
from test_versions import bearer, signed

from workshop.versions import calendar


@pytest.mark.parametrize(
    ("text", "revision", "rule"),
    [
        ("Monthly joint review; quarterly revision of definitions and targets", None,
         ("MONTHLY", 1)),
        ("Maandelijkse gezamenlijke review; elk kwartaal herziening", None, ("MONTHLY", 1)),
        ("Quarterly business review, monthly dashboard check", None, ("MONTHLY", 3)),
        ("Elk kwartaal", None, ("MONTHLY", 3)),
        ("Weekly stand-up of both teams", None, ("WEEKLY", 1)),
        ("Wekelijks overleg", None, ("WEEKLY", 1)),
        ("Every two weeks", None, ("WEEKLY", 2)),
        ("Tweewekelijks", None, ("WEEKLY", 2)),
        ("Twice a year, half-yearly", None, ("MONTHLY", 6)),
        ("Once a year", None, ("YEARLY", 1)),
        ("When needed", "quarter", ("MONTHLY", 3)),
        ("", None, ("MONTHLY", 1)),
    ],
)  # fmt: skip
def test_cadence_rule(text, revision, rule):
    assert calendar.cadence_rule(text, revision) == rule


@pytest.mark.parametrize(
    ("start", "rule", "today", "expected"),
    [
        (date(2026, 1, 31), ("MONTHLY", 1), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 31), ("MONTHLY", 1), date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 11, 27), ("MONTHLY", 3), date(2026, 11, 27), date(2027, 2, 27)),
        (date(2026, 11, 27), ("WEEKLY", 2), date(2026, 12, 12), date(2026, 12, 25)),
        (date(2026, 11, 27), ("YEARLY", 1), date(2028, 1, 1), date(2028, 11, 27)),
    ],
)  # fmt: skip
def test_next_review(start, rule, today, expected):
    assert calendar.next_on_or_after(start, rule, today) == expected


def test_review_ics_is_a_recurring_event_from_the_agreed_cadence(app, client, workshops):
    workshop, fac, people, _ = signed(workshops, "nl")
    code = workshop["code"]
    assert client.get(f"/w/{code}/review.ics").status_code == 403  # members only
    response = client.get(f"/w/{code}/review.ics", headers=bearer(people[0][0]["token"]))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].endswith(f'filename="{code}-review.ics"')
    parsed = Calendar.from_ical(response.data)
    (event,) = parsed.walk("VEVENT")
    # The draft's cadence is "Maandelijkse gezamenlijke review; ...": monthly.
    assert dict(event["RRULE"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [1]}
    start = event.decoded("DTSTART")
    amsterdam = ZoneInfo("Europe/Amsterdam")
    signed_on = datetime.now(amsterdam).date()
    assert start.date() == calendar.occurrence(signed_on, ("MONTHLY", 1), 1)
    assert (start.hour, start.minute) == (10, 0)
    assert start.utcoffset() == datetime.combine(start.date(), start.time(), amsterdam).utcoffset()
    assert event.decoded("DTEND") - start == timedelta(hours=1)
    assert str(event["SUMMARY"]) == "SLA-review: SLA 2027"
    assert "versie 1" in str(event["DESCRIPTION"]) and code in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"review-{code}-v1@sla-workshop"
    assert parsed.walk("VTIMEZONE"), "the time zone travels with the event"
    # The history page shows the next review and links the download.
    page = client.get(f"/w/{code}/versions", headers=bearer(people[0][0]["token"])).data.decode()
    assert "De volgende review is op" in page and f"/w/{code}/review.ics" in page


def test_the_cadence_and_start_follow_the_signed_version(client, workshops):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    code = workshop["code"]
    for field, value in (("review_cadence", "Quarterly review of the SLA"),
                         ("effective_date", "2026-01-15")):  # fmt: skip
        ack = send(fac, {"type": "set_field", "section": "governance", "field": field,
                         "value": value})  # fmt: skip
        assert ack["ok"], ack
    token = workshop["facilitator_token"]
    assert client.get(f"/w/{code}/review.ics", headers=bearer(token)).status_code == 404
    from conftest import fresh_state

    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    ack = send(fac, {"type": "finalize"})
    assert ack["ok"], ack
    assert client.get(f"/w/{code}/review.ics", headers=bearer(token)).status_code == 404
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": ack["document_hash"]})["ok"]
    event = Calendar.from_ical(
        client.get(f"/w/{code}/review.ics", headers=bearer(token)).data
    ).walk("VEVENT")[0]
    assert dict(event["RRULE"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [3]}
    assert event.decoded("DTSTART").date() == date(2026, 4, 15)
    assert str(event["SUMMARY"]) == "SLA review: SLA 2027"
