"""CRM exports to measures per period (workshop/domain/crm.py): pure, table-driven."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.domain import crm

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 27, 12, 0)


def table(text, delimiter=","):
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    return reader.fieldnames, rows


def fixture(name, delimiter=","):
    return table((FIXTURES / name).read_text(encoding="utf-8-sig"), delimiter)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["Record ID", "Email", "Create Date", "Became a Marketing Qualified Lead Date"],
         "hubspot_contacts"),
        (["Record ID", 'Date entered "Marketing Qualified Lead (Lifecycle Stage Pipeline)"'],
         "hubspot_contacts"),
        (["hs_object_id", "createdate", "hs_first_outreach_date"], "hubspot_contacts"),
        (["hs_object_id", "hs_lifecyclestage_salesqualifiedlead_date"], "hubspot_contacts"),
        (["Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date"], "hubspot_deals"),
        (["dealname", "dealstage", "amount", "closedate", "createdate"], "hubspot_deals"),
        (["Id", "CreatedDate", "IsConverted", "ConvertedDate", "Status"], "salesforce_leads"),
        (["Lead ID", "Created Date", "Converted", "Converted Date", "Lead Status"],
         "salesforce_leads"),
        (["Id", "StageName", "Amount", "CloseDate", "IsWon", "IsClosed", "CreatedDate"],
         "salesforce_opportunities"),
        (["Opportunity Name", "Stage", "Amount", "Close Date", "Won", "Closed"],
         "salesforce_opportunities"),
        (["OPPORTUNITY NAME", "stage", "AMOUNT", "close date", "won"],
         "salesforce_opportunities"),
        (["Lead ID", "Created Date", "Lead Status"], "salesforce_leads"),  # by its marks
    ],
)  # fmt: skip
def test_the_kind_of_export_from_its_header(header, kind):
    assert crm.detect(header)[0] == kind


@pytest.mark.parametrize(
    "header",
    [
        ["kpi", "period", "value"],
        ["Name", "Email"],
        [],
        ["Amount", "Close Date"],
        ["Record ID", "Create Date"],
    ],  # fmt: skip
)
def test_an_unknown_header_is_refused_with_a_clear_message(header):
    with pytest.raises(crm.ExportError) as refused:
        crm.detect(header)
    assert "HubSpot" in refused.value.problems[0].message


def test_columns_are_matched_by_aliases_first_match_per_row():
    kind, columns = crm.detect(
        ['Date entered "Marketing Qualified Lead (Lifecycle Stage Pipeline)"',
         "Became a Marketing Qualified Lead Date", "Create Date"]
    )  # fmt: skip
    assert kind == "hubspot_contacts"
    assert columns["mql_date"][0].startswith("Date entered")
    header = ['Date entered "Marketing Qualified Lead (Lifecycle Stage Pipeline)"',
              "Became a Marketing Qualified Lead Date"]  # fmt: skip
    rows = [{header[0]: "", header[1]: "2026-10-05"}, {header[0]: "2026-10-06", header[1]: ""}]
    export = crm.read_export(header, rows)
    assert [r["mql_date"].day for r in export.records] == [5, 6]


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2026-11-23", None, datetime(2026, 11, 23)),
        ("2026-11-23 14:05", None, datetime(2026, 11, 23, 14, 5)),
        ("2026-11-23T14:05:09Z", None, datetime(2026, 11, 23, 14, 5, 9)),
        ("2026-11-23T14:05:09.123+01:00", None, datetime(2026, 11, 23, 13, 5, 9, 123000)),
        ("2026-11-23T14:05:00.000+0000", None, datetime(2026, 11, 23, 14, 5)),
        ("23/11/2026", None, datetime(2026, 11, 23)),
        ("23/11/2026", "dmy", datetime(2026, 11, 23)),
        ("11/23/2026", "mdy", datetime(2026, 11, 23)),
        ("03/04/2026", "dmy", datetime(2026, 4, 3)),
        ("03/04/2026", "mdy", datetime(2026, 3, 4)),
        ("3/4/2026 2:05 PM", "mdy", datetime(2026, 3, 4, 14, 5)),
        ("3/4/2026 12:30 AM", "mdy", datetime(2026, 3, 4, 0, 30)),
        ("23.11.2026 09:30", "dmy", datetime(2026, 11, 23, 9, 30)),
        ("23-11-2026", None, datetime(2026, 11, 23)),
        ("1795435200000", None, datetime(2026, 11, 23, 12, 0)),
        (1795435200000, None, datetime(2026, 11, 23, 12, 0)),
        (datetime(2026, 11, 23, 8, 0), None, datetime(2026, 11, 23, 8, 0)),
    ],
)
def test_dates_in_the_formats_exports_use(raw, order, expected):
    assert crm.parse_date(raw, order) == expected


@pytest.mark.parametrize(
    ("raw", "order"),
    [("soon", None), ("2026-13-01", None), ("31/02/2026", "dmy"), ("11/23/2026", "dmy"),
     ("03/04/2026", None), ("46000", None), (46000, None), ("13:00", None)],
)  # fmt: skip
def test_not_a_date(raw, order):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is a msgid, checked below
        crm.parse_date(raw, order)


@pytest.mark.parametrize(
    ("raw", "order", "message"),
    [
        ("11/23/2026", "dmy", "%(value)s does not fit the order of the dates in this file."),
        ("23/11/2026", "mdy", "%(value)s does not fit the order of the dates in this file."),
        ("03/04/2026", None, "%(value)s can be day/month or month/day: say which."),
        ("23/11/2026 25:00", "dmy", "%(value)s is not a date."),
        ("3/4/2026 13:00 PM", "mdy", "%(value)s is not a date."),
        ("31/31/2026", "dmy", "%(value)s is not a date."),
    ],
)
def test_why_a_date_is_refused(raw, order, message):
    with pytest.raises(ValueError) as refused:  # noqa: PT011
        crm.parse_date(raw, order)
    assert refused.value.args[0] == message


@pytest.mark.parametrize(
    ("dates", "order"),
    [
        (["23/11/2026", "01/02/2026"], "dmy"),
        (["11/23/2026", "01/02/2026"], "mdy"),
        (["2026-11-23", "1795435200000"], None),
        (["05/05/2026"], None),  # the same either way
    ],
)
def test_the_date_order_is_decided_per_file(dates, order):
    rows = [{"Close Date": d, "Deal Stage": "closedwon"} for d in dates]
    export = crm.read_export(["Close Date", "Deal Stage"], rows)
    assert export.date_order == order


def test_dates_that_fit_both_orders_ask_a_question():
    rows = [{"Close Date": "03/04/2026", "Deal Stage": "closedwon"},
            {"Close Date": "04/05/2026", "Deal Stage": "closedlost"}]  # fmt: skip
    with pytest.raises(crm.ExportError) as asked:
        crm.read_export(["Close Date", "Deal Stage"], rows)
    assert asked.value.question == "date_order"
    assert asked.value.problems[0].params == {"example": "03/04/2026"}
    # The answer decides: April or March.
    for order, month in (("dmy", 4), ("mdy", 3)):
        export = crm.read_export(["Close Date", "Deal Stage"], rows, date_order=order)
        assert export.records[0]["close_date"].month == month


def test_a_file_with_both_orders_names_the_line_and_column():
    rows = [{"Close Date": "23/11/2026", "Deal Stage": "closedwon"},
            {"Close Date": "11/24/2026", "Deal Stage": "closedwon"}]  # fmt: skip
    with pytest.raises(crm.ExportError) as refused:
        crm.read_export(["Close Date", "Deal Stage"], rows)
    problem = refused.value.problems[0]
    assert (problem.line, problem.column) == (3, "Close Date")
    assert refused.value.question is None


def test_every_bad_cell_is_named_by_line_and_column():
    header = ["Deal Name", "Deal Stage", "Amount", "Close Date", "Is Closed Won"]
    rows = [
        {"Deal Name": "a", "Deal Stage": "closedwon", "Amount": "100", "Close Date": "2026-10-01",
         "Is Closed Won": "true"},
        {"Deal Name": "b", "Deal Stage": "closedwon", "Amount": "lots", "Close Date": "2026-10-01",
         "Is Closed Won": "maybe"},
        {"Deal Name": "c", "Deal Stage": "closedwon", "Amount": "", "Close Date": "yesterday",
         "Is Closed Won": ""},
    ]  # fmt: skip
    with pytest.raises(crm.ExportError) as refused:
        crm.read_export(header, rows, lines=[2, 3, 7])
    found = {(p.line, p.column, p.params["value"]) for p in refused.value.problems}
    assert found == {(3, "Amount", "lots"), (3, "Is Closed Won", "maybe"),
                     (7, "Close Date", "yesterday")}  # fmt: skip
    assert all("%(value)s" in p.message for p in refused.value.problems)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12500", 12500), ("12,500.00", 12500), ("12.500,00", 12500), ("€ 12.500", 12500),
     ("$1,250,000", 1250000), ("1.250.000", 1250000), ("EUR 99,95", 99.95), ("99.5", 99.5),
     ("1 250,50", 1250.5), ("-300", -300), ("(300)", -300), (4200, 4200), (99.9, 99.9)],
)  # fmt: skip
def test_amounts(raw, value):
    assert crm.parse_amount(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["lots", "12a", "--", "€"])
def test_not_an_amount(raw):
    with pytest.raises(ValueError):  # noqa: PT011
        crm.parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("true", True), ("TRUE", True), ("1", True), ("Yes", True), ("ja", True), (True, True),
     (1, True), ("false", False), ("0", False), ("No", False), ("nee", False), (False, False)],
)  # fmt: skip
def test_flags(raw, flag):
    assert crm.parse_flag(raw) is flag


@pytest.mark.parametrize(
    ("record", "state"),
    [
        ({"stage": "Closed Won"}, "won"),
        ({"stage": "closedwon"}, "won"),
        ({"stage": "Closed Lost"}, "lost"),
        ({"stage": "Contract Sent"}, "open"),
        ({"stage": "Closed Won", "won": False, "closed": False}, "open"),  # the flags decide
        ({"stage": "Custom stage 7", "won": True}, "won"),
        ({"stage": "Custom stage 7", "won": False, "closed": True}, "lost"),
        ({"stage": "Custom stage 7", "closed": True}, "lost"),
        ({"won": False}, "open"),
        ({}, "open"),
    ],
)
def test_the_state_of_a_deal(record, state):
    assert crm._deal_state(record) == state


CONTACTS_MONTH = {
    "new_leads": {"2026-10": 6.0, "2026-11": 3.0},
    "mqls": {"2026-10": 5.0, "2026-11": 3.0},
    "sqls": {"2026-10": 2.0, "2026-11": 3.0},
    "opportunities": {"2026-10": 1.0, "2026-11": 2.0},
    "mql_to_sql_rate": {"2026-10": 60.0, "2026-11": 66.7},
    "sql_to_opportunity_rate": {"2026-10": 50.0, "2026-11": 66.7},
    "first_response_hours": {"2026-10": 2.5, "2026-11": 1.0},
    "contacted_within_sla": {"2026-10": 60.0, "2026-11": 66.7},
}
CONTACTS_WEEK = {
    "mqls": {"2026-W41": 3.0, "2026-W42": 2.0, "2026-W43": 0.0, "2026-W44": 0.0,
             "2026-W45": 2.0, "2026-W46": 1.0},
    "first_response_hours": {"2026-W41": 3.0, "2026-W42": 2.0, "2026-W45": 3.0, "2026-W46": 1.0},
    "contacted_within_sla": {"2026-W41": 66.7, "2026-W42": 50.0, "2026-W45": 50.0,
                             "2026-W46": 100.0},
}  # fmt: skip
DEALS_MONTH = {
    "opportunities": {"2026-09": 4.0, "2026-10": 3.0, "2026-11": 2.0},
    "deals_won": {"2026-10": 2.0, "2026-11": 2.0},
    "revenue_won": {"2026-10": 50000.0, "2026-11": 40000.0},
    "average_deal_size": {"2026-10": 25000.0, "2026-11": 20000.0},
    "win_rate": {"2026-10": 50.0, "2026-11": 66.7},
}
DEALS_QUARTER = {
    "opportunities": {"2026-Q3": 4.0, "2026-Q4": 5.0},
    "deals_won": {"2026-Q4": 4.0},
    "revenue_won": {"2026-Q4": 90000.0},
    "average_deal_size": {"2026-Q4": 22500.0},
    "win_rate": {"2026-Q4": 57.1},
}


@pytest.mark.parametrize(
    ("name", "delimiter", "kind", "period", "expected"),
    [
        ("hubspot_contacts.csv", ",", "hubspot_contacts", "month", CONTACTS_MONTH),
        ("hubspot_contacts.csv", ",", "hubspot_contacts", "week", CONTACTS_WEEK),
        ("hubspot_deals.csv", ";", "hubspot_deals", "month", DEALS_MONTH),
        ("hubspot_deals.csv", ";", "hubspot_deals", "quarter", DEALS_QUARTER),
    ],
)
def test_measures_per_period_from_the_fixtures(name, delimiter, kind, period, expected):
    header, rows = fixture(name, delimiter)
    export = crm.read_export(header, rows)
    assert export.kind == kind
    found = crm.measures(export, period, agreed_hours=4, now=NOW)
    assert {m: found[m] for m in expected} == expected


def test_salesforce_leads_need_the_date_order_and_count_conversions_as_sqls():
    text = (FIXTURES / "salesforce_leads.csv").read_text(encoding="utf-8-sig")
    header, rows = table(text.split("\n\n")[0])  # the report's footer: imports.py drops it
    with pytest.raises(crm.ExportError) as asked:
        crm.read_export(header, rows)
    assert asked.value.question == "date_order"
    export = crm.read_export(header, rows, date_order="dmy")
    assert export.kind == "salesforce_leads"
    found = crm.measures(export, "month", now=NOW)
    assert found["mqls"] == {"2026-10": 5.0, "2026-11": 3.0}
    assert found["mql_to_sql_rate"] == {"2026-10": 60.0, "2026-11": 66.7}
    assert found["sqls"] == {"2026-10": 2.0, "2026-11": 3.0}
    assert found["new_leads"] == {"2026-09": 5.0, "2026-10": 4.0}
    assert "win_rate" not in found
    # Read month first, the same file tells another story.
    other = crm.measures(crm.read_export(header, rows, date_order="mdy"), "month", now=NOW)
    assert other["mqls"] != found["mqls"]


def test_contacted_within_the_agreed_hours_counts_only_mqls_that_are_due():
    header = ["Became a Marketing Qualified Lead Date", "First outreach date"]
    rows = [
        {header[0]: "2026-11-27 08:00", header[1]: "2026-11-27 09:00"},  # within 4 h
        {header[0]: "2026-11-27 07:00", header[1]: ""},  # 5 h ago, nobody called: late
        {header[0]: "2026-11-27 11:00", header[1]: ""},  # 1 h ago: not due yet
        {header[0]: "2026-11-26 08:00", header[1]: "2026-11-26 20:00"},  # 12 h: late
    ]
    export = crm.read_export(header, rows)
    found = crm.measures(export, "month", agreed_hours=4, now=NOW)
    assert found["contacted_within_sla"] == {"2026-11": 33.3}
    assert found["first_response_hours"] == {"2026-11": 6.5}
    # Without agreed hours the SLA's share cannot be computed; the median still can.
    without = crm.measures(export, "month", agreed_hours=None, now=NOW)
    assert "contacted_within_sla" not in without and "first_response_hours" in without


def test_outreach_before_the_mql_date_counts_as_no_wait():
    header = ["Became a Marketing Qualified Lead Date", "First outreach date"]
    rows = [{header[0]: "2026-11-10 10:00", header[1]: "2026-11-09 10:00"}]
    export = crm.read_export(header, rows)
    assert crm.measures(export, "month", agreed_hours=4, now=NOW)["first_response_hours"] == {
        "2026-11": 0.0
    }


def test_supported_measures_name_their_columns():
    header, rows = fixture("hubspot_deals.csv", ";")
    supported = crm.read_export(header, rows).supported()
    assert set(supported) == {"opportunities", "deals_won", "revenue_won", "average_deal_size",
                              "win_rate"}  # fmt: skip
    assert supported["revenue_won"] == ["Close Date", "Amount", "Deal Stage"]
    assert "mqls" not in supported


def test_empty_cells_are_no_events():
    header = ["Deal Name", "Deal Stage", "Close Date", "Amount"]
    rows = [{"Deal Name": "x", "Deal Stage": "", "Close Date": "", "Amount": ""}]
    export = crm.read_export(header, rows)
    assert crm.measures(export, "month", now=NOW) == {}


CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}( [AP]M)?)?", fullmatch=True),
    st.from_regex(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?Z?)?", fullmatch=True),
    st.from_regex(r"\d{11,14}", fullmatch=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(),
)
HEADERS = ["Deal Stage", "Amount", "Close Date", "Create Date", "Is Closed Won", "IsWon",
           "Became a Marketing Qualified Lead Date", "First outreach date", "ConvertedDate",
           "IsConverted", "MQL Date", "Stage", "Closed"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True),
    cells=st.lists(st.lists(CELLS, min_size=6, max_size=6), max_size=6),
    order=st.sampled_from([None, "dmy", "mdy"]),
    period=st.sampled_from(["week", "month", "quarter"]),
)
def test_any_cells_give_measures_or_named_problems(header, cells, order, period):
    rows = [dict(zip(header, values, strict=False)) for values in cells]
    try:
        export = crm.read_export(header, rows, date_order=order)
    except crm.ExportError as refused:
        for problem in refused.problems:
            assert problem.message % problem.params  # every problem can be worded
            assert problem.line is None or 1 <= problem.line <= len(rows) + 1
        return
    found = crm.measures(export, period, agreed_hours=4, now=NOW)
    for values in found.values():
        assert all(isinstance(v, float) for v in values.values())
