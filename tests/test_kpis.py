"""KPI periods, status and pace: the pure rules of the dashboard, table-driven."""

from datetime import date

import pytest

from workshop.domain import kpis


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-W47", "week", date(2026, 11, 16), date(2026, 11, 22)),
        ("2026-W01", "week", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 3)),
        ("2026-11", "month", date(2026, 11, 1), date(2026, 11, 30)),
        ("2028-02", "month", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", "month", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_periods_parse(text, kind, start, end):
    period = kpis.parse_period(text, kind)
    assert (period.start, period.end, period.label) == (start, end, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("2026-11", "week"), ("2026-W47", "month"), ("2026-13", "month"), ("2026-Q5", "quarter"),
     ("2025-W53", "week"), ("2026-W00", "week"), ("26-11", "month"), ("", "month"),
     ("2026-11", "year"), (None, "month")],
)  # fmt: skip
def test_wrong_periods_are_refused(text, kind):
    assert kpis.parse_period(text, kind) is None


@pytest.mark.parametrize(
    ("day", "kind", "labels"),
    [
        (date(2026, 11, 27), "month", ["2026-09", "2026-10", "2026-11"]),
        (date(2026, 1, 2), "month", ["2025-11", "2025-12", "2026-01"]),
        (date(2026, 11, 27), "quarter", ["2026-Q2", "2026-Q3", "2026-Q4"]),
        (date(2026, 1, 2), "week", ["2025-W52", "2026-W01"]),
    ],
)
def test_recent_periods(day, kind, labels):
    assert kpis.recent_periods(day, kind, len(labels)) == labels


@pytest.mark.parametrize(
    ("actual", "target", "direction", "tolerance", "expected"),
    [
        (140, 140, "higher", 10, "green"),
        (150, 140, "higher", 10, "green"),
        (126, 140, "higher", 10, "amber"),
        (125.9, 140, "higher", 10, "red"),
        (None, 140, "higher", 10, "grey"),
        (4, 4, "lower", 10, "green"),
        (4.4, 4, "lower", 10, "amber"),
        (5, 4, "lower", 10, "red"),
        (90, 100, "higher", 0, "red"),
        (30, 30, "higher", 10, "green"),
    ],
)
def test_status(actual, target, direction, tolerance, expected):
    assert kpis.status(actual, target, direction, tolerance) == expected


NOVEMBER = kpis.parse_period("2026-11", "month")


@pytest.mark.parametrize(
    ("actual", "today", "unit", "expected"),
    [
        (70, date(2026, 11, 15), "count", "on_pace"),  # half the month, half the target
        (50, date(2026, 11, 15), "count", "behind_pace"),
        (50, date(2026, 11, 30), "count", None),  # the last day: the period's status counts
        (50, date(2026, 12, 2), "count", None),
        (20, date(2026, 11, 15), "percent", None),  # a rate has no pace
        (None, date(2026, 11, 15), "count", None),
    ],
)
def test_pace(actual, today, unit, expected):
    assert kpis.pace(actual, 140, NOVEMBER, today, unit) == expected


@pytest.mark.parametrize(
    ("statuses", "count"),
    [(["green", "red", "red"], 2), (["red", "amber", "red"], 3), (["red", "green"], 0), ([], 0)],
)
def test_consecutive(statuses, count):
    assert kpis.consecutive(statuses, {"red", "amber"}) == count


def trend(points, target=140, direction="higher"):
    from workshop.dashboard.trend import trend_svg

    labels = {"title": "MQLs <a month>", "value": lambda v: f"{v:,.0f}", "period": str}
    return trend_svg(points, target, direction, 10, labels)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [{"period": "2026-11", "value": None, "status": "grey"}],
        [{"period": "2026-10", "value": 140, "status": "green"},
         {"period": "2026-11", "value": 140, "status": "green"}],
        [{"period": "2026-09", "value": 90, "status": "red", "escalated": True},
         {"period": "2026-10", "value": 130, "status": "amber"},
         {"period": "2026-11", "value": 150, "status": "green"}],
    ],
)  # fmt: skip
def test_trend_chart_is_well_formed_and_marks_statuses_by_shape(points):
    import xml.etree.ElementTree as ET

    svg = ET.fromstring(trend(points))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").text == "MQLs <a month>"
    texts = [t.text for t in svg.iter(f"{ns}text")]
    assert "140" in texts  # the target line is labelled
    for point in points:
        assert point["period"] in texts
    shapes = {"red": f"{ns}rect", "amber": f"{ns}polygon", "green": f"{ns}circle"}
    for point in points:
        if point["value"] is not None:
            assert any(e.get("fill") for e in svg.iter(shapes.get(point["status"], f"{ns}circle")))
    assert ("!" in texts) == any(p.get("escalated") for p in points)


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ([130, 140, 126], (120.0, 145.0)),  # 123.9 … 142.1 before rounding
        ([27.0, 30.0], (26.0, 31.0)),  # a rate in percent
        ([4.0, 4.4], (3.8, 4.6)),  # hours: 3.94 … 4.46, in steps of 0.2
        ([140], (120.0, 160.0)),  # one value: its tolerance either side, then round
        ([0, 10], (0.0, 15.0)),  # counts from zero never go below it
        ([-5, 5], (-10.0, 10.0)),
        ([], (0.0, 1.0)),
    ],
)
def test_the_chart_axis_ends_on_round_numbers(values, bounds):
    from workshop.dashboard.trend import _scale

    low, high = _scale(values, 10)
    assert (low, high) == bounds
    assert low <= min(values, default=0) and high >= max(values, default=1)


@pytest.mark.parametrize(
    ("language", "value", "currency", "shown"),
    [
        ("en", 20000, "EUR", "€20,000"),
        ("nl", 20000, "EUR", "€ 20.000"),
        ("nl", 1234.5, "EUR", "€ 1.234,50"),
        ("en", 250000, "GBP", "£250,000"),
        ("en", 30, None, "30"),  # a count: no sign
    ],
)
def test_money_on_the_dashboard_has_its_currency(app, language, value, currency, shown):
    """An amount (a deal size, revenue won) is written as the document writes money."""
    from flask import g

    from workshop.dashboard.views import value_text

    with app.test_request_context():
        g.language = language
        unit = "currency" if currency else "count"
        assert value_text(value, unit, currency).replace("\xa0", " ") == shown
