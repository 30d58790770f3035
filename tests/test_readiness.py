"""Before signing: the readiness check finds what the SLA leaves open or contradicts."""

import pytest
from conftest import fresh_state, last_state, send
from hypothesis import given
from hypothesis import strategies as st

from workshop.domain import figures, readiness


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("≥ 60 %", "en", [(60.0, "percent")]),
        ("≥ 60%", "nl", [(60.0, "percent")]),
        ("≥ € 20.000", "nl", [(20000.0, "money")]),
        ("≥ €20,000", "en", [(20000.0, "money")]),
        ("€ 2,4 mln", "nl", [(2400000.0, "money")]),
        ("€2.4 million", "en", [(2400000.0, "money")]),
        ("≥ 140 MQLs per month", "en", [(140.0, "count")]),
        ("within 48 h", "en", [(48.0, "hours")]),
        ("binnen 24 uur", "nl", [(24.0, "hours")]),
        ("≥ 100 % of goal (140 a month)", "en", [(100.0, "percent"), (140.0, "count")]),
        ("3–4×", "en", [(3.0, "count"), (4.0, "count")]),
        ("no numbers", "en", []),
        ("2,4 hours", "en", [(2.4, "hours")]),
        ("1.000.000", "en", [(1000000.0, "count")]),
    ],
)
def test_stated_numbers(text, language, expected):
    assert figures.stated_numbers(text, language) == expected


@given(st.text(alphabet=st.sampled_from("0123456789.,%€ hmuur-→"), max_size=40),
       st.sampled_from(["en", "nl"]))  # fmt: skip
def test_any_text_reads_without_error(text, language):
    """The readiness check runs on every change: no text may break it."""
    figures.stated_numbers(text, language)
    figures.hour_claims(text)


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("SQL → opportunity rate", "sql_to_opportunity_rate"),
        ("Conversie SQL → opportunity", "sql_to_opportunity_rate"),
        ("MQL → SQL rate", "mql_to_sql_rate"),
        ("Win rate", "win_rate"),
        ("Winratio", "win_rate"),
        ("Average deal value", "average_deal_size"),
        ("Gemiddelde dealwaarde", "average_deal_size"),
        ("Speed-to-lead", "first_response_hours"),
        ("MQL volume vs goal", "mqls"),
        ("New MQLs per month", "mqls"),
        ("Aantal MQL's t.o.v. doel", "mqls"),
        ("Customer churn", None),
    ],
)
def test_infer_measure(text, measure):
    assert figures.infer_measure(text) == measure


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Sales accepts or rejects every MQL within 24 hours", [("accept_hours", 24.0)]),
        ("Sales accepteert of weigert elke MQL binnen 48 uur", [("accept_hours", 48.0)]),
        ("First contact within 4 hours; within 1 hour for demo requests",
         [("first_contact_hours", 4.0)]),
        ("Share of MQLs contacted within 4 hours", [("first_contact_hours", 4.0)]),
        ("Hold the demo within 3 working days", []),
    ],
)  # fmt: skip
def test_hour_claims(text, claims):
    assert figures.hour_claims(text) == claims


STAGES = [
    {"name": "Inquiry", "conversion": 15},
    {"name": "MQL", "conversion": 50},
    {"name": "SAL", "conversion": 60},
    {"name": "SQL", "conversion": 60},
    {"name": "Opportunity", "conversion": 40},
    {"name": "Customer", "conversion": None},
]


def test_figures_from_the_funnel_and_fields():
    needed = [934, 140, 70, 42, 25, 10]
    needs = [{"stage": s["name"], "per_month": n} for s, n in zip(STAGES, needed, strict=True)]
    fields = {"targets": {"average_deal_size": 20000}, "process": {"first_contact_hours": 4}}
    computed = figures.computed_figures(STAGES, fields, needs, 200000)
    assert computed == {
        "mql_to_sql_rate": 30.0, "sql_to_opportunity_rate": 60.0, "win_rate": 40.0,
        "new_leads": 934, "deals_won": 10, "mqls": 140, "sals": 70, "sqls": 42,
        "opportunities": 25, "revenue_won": 200000, "average_deal_size": 20000,
        "first_response_hours": 4,
    }  # fmt: skip


def _agreed(i, section, text, **details):
    return {"id": i, "section": section, "text": text, "details": details, "status": "agreed"}


@pytest.mark.parametrize(
    ("item", "kind", "stated", "expected"),
    [
        (_agreed(1, "kpis", "SQL → opportunity rate", target="≥ 60 %"), "figure_mismatch", 60, 50),
        (_agreed(2, "kpis", "MQL volume", target="≥ 140 MQLs per month"),
         "figure_mismatch", 140, 120),
        (_agreed(3, "kpis", "Average deal value", target="≥ € 20.000"),
         "figure_mismatch", 20000, 30000),
        (_agreed(4, "process", "Sales accepts every MQL within 24 hours"),
         "field_mismatch", 24, 48),
        (_agreed(5, "targets", "Marketing delivers MQLs", metric="New MQLs per month",
                 target="≥ 140 a month"), "figure_mismatch", 140, 120),
        (_agreed(6, "kpis", "SQL → opportunity rate", target="≥ 50 %"), None, None, None),
        (_agreed(7, "kpis", "Customer churn", target="≤ 8 %"), None, None, None),
    ],
)  # fmt: skip
def test_figures_that_disagree(item, kind, stated, expected):
    computed = {"sql_to_opportunity_rate": 50.0, "mqls": 120, "average_deal_size": 30000}
    fields = {"process": {"accept_hours": 48}}
    points = readiness.figure_mismatches([item], fields, computed, "nl")
    if kind is None:
        assert points == []
    else:
        assert [(p["kind"], p["stated"], p["expected"]) for p in points] == [
            (kind, stated, expected)
        ]


def test_open_points_of_an_empty_sla():
    data = {"items": [], "fields": {}, "targets": {"capacity_gap": 20, "capacity_per_month": 80,
            "mql_per_month": 100}, "balance": {"marketing": 2, "sales": 0}}  # fmt: skip
    points = readiness.open_points(data)
    kinds = [p["kind"] for p in points]
    assert kinds.count("empty_section") == len(readiness.SLA_SECTIONS)
    assert {"capacity_gap", "missing_department"} <= set(kinds)
    assert next(p for p in points if p["kind"] == "capacity_gap")["owner"] == "sales"


def test_the_draft_is_ready_once_everything_is_agreed(workshops):
    """The strong draft itself contradicts nothing: agreeing all of it leaves no open point."""
    _, fac, _ = workshops.room(marketing=1, sales=1)
    for item in last_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    assert last_state(fac)["readiness"]["open_points"] == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_readiness_finds_every_contradiction_and_finalize_records_them(
    app, workshops, client, language
):
    workshop, fac, people = workshops.room(language, marketing=2, sales=2)
    state = fresh_state(fac)
    items = state["items"]

    sql = next(i for i in items if i["section"] == "funnel" and i["text"].startswith("SQL"))
    gap = next(i for i in items if i["section"] == "journey" and i["details"].get("kind") == "gap")
    # The funnel says 50 % of SQLs become opportunities; a new KPI says 60 %.
    assert send(fac, {"type": "edit_item", "item_id": sql["id"],
                      "details": {"conversion": 50}})["ok"]  # fmt: skip
    words = {"en": ("SQL → opportunity rate", "Average deal value", "MQL volume", "Sales accepts "
                    "or rejects every MQL within 24 hours"),
             "nl": ("Conversie SQL → opportunity", "Gemiddelde dealwaarde", "Aantal MQL's",
                    "Sales accepteert of weigert elke MQL binnen 24 uur")}[language]  # fmt: skip
    targets = {"en": ("≥ 60 %", "≥ €20,000", "≥ 140 a month"),
               "nl": ("≥ 60 %", "≥ € 20.000", "≥ 140 per maand")}[language]  # fmt: skip
    for text, target in zip(words[:3], targets, strict=True):
        ack = send(people[0][1], {"type": "propose", "section": "kpis", "text": text,
                                  "details": {"target": target}})  # fmt: skip
        assert ack["ok"], ack
    assert send(people[1][1], {"type": "propose", "section": "process", "text": words[3]})["ok"]
    # The captured values: deal size 30,000 (the funnel then needs fewer MQLs), accept in 48 h,
    # and too few follow-ups for the MQLs needed.
    for field, value in (("average_deal_size", 30000), ("follow_ups_per_rep_week", 3)):
        assert send(fac, {"type": "set_field", "section": "targets", "field": field,
                          "value": value})["ok"]  # fmt: skip
    assert send(fac, {"type": "set_field", "section": "process", "field": "accept_hours",
                      "value": 48})["ok"]  # fmt: skip
    # Everything is agreed except one journey gap, revealed and left undecided, and one
    # rejected goal with a reason.
    goal = next(i for i in fresh_state(fac)["items"] if i["section"] == "goals")
    assert send(fac, {"type": "decide", "item_id": goal["id"], "outcome": "rejected",
                      "reason": "Margin is not ours to promise"})["ok"]  # fmt: skip
    assert send(fac, {"type": "reveal", "item_id": gap["id"]})["ok"]
    for i in fresh_state(fac)["items"]:
        if i["status"] == "open" and i["id"] != gap["id"]:
            send(fac, {"type": "decide", "item_id": i["id"], "outcome": "agreed", "reason": "ok"})

    points = fresh_state(fac)["readiness"]["open_points"]
    found = {(p["kind"], p.get("measure") or p.get("field")) for p in points}
    assert {
        ("figure_mismatch", "sql_to_opportunity_rate"),
        ("figure_mismatch", "average_deal_size"),
        ("figure_mismatch", "mqls"),
        ("field_mismatch", "accept_hours"),
        ("capacity_gap", None),
        ("undecided", None),
    } <= found, found
    assert all(p["message"] and p["owner"] for p in points)
    delegate_points = fresh_state(people[0][1])["readiness"]["open_points"]
    assert len(delegate_points) == len(points)

    # Finalizing needs a reason; the refusal carries the points in the facilitator's language.
    from workshop.document.strings import strings

    words = strings(language)
    url = f"/api/workshops/{workshop['code']}/export.md"
    draft = client.get(url, headers={"Authorization": f"Bearer {workshop['facilitator_token']}"})
    # The draft says what finalizing would make of its points; the finalized version what it did.
    assert words["open_points_intro_draft"] in draft.text
    assert words["open_points_intro"] not in draft.text
    refused = send(fac, {"type": "finalize"})
    assert refused["code"] == "conflict" and len(refused["open_points"]) == len(points)
    assert fresh_state(fac)["signoff"]["status"] == "open"
    ack = send(fac, {"type": "finalize", "reason": "Capacity is solved in January"})
    assert ack["ok"], ack
    md = client.get(f"/api/workshops/{workshop['code']}/export.md",
                    headers={"Authorization": f"Bearer {workshop['facilitator_token']}"}).text
    heading = {"en": "## Open points and actions", "nl": "## Open punten en acties"}[language]
    assert heading in md
    assert words["open_points_intro"] in md and words["open_points_intro_draft"] not in md
    assert "Capacity is solved in January" in md
    open_part = md.split(heading)[1].split("\n## ")[0]
    assert open_part.count("\n| ") >= len(points) + 1  # header and one row a point
    # The undecided gap and the rejection's reason are in the appendix.
    appendix = md.split("\n## ")[-1]
    assert gap["text"] in appendix
    assert "Margin is not ours to promise" in appendix
    # Agreeing without consent is marked in the main text.
    marker = {"en": "no consent, O1", "nl": "geen instemming, O1"}
    assert marker[language] in md.split("\n## ")[3]


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (["disqualification", "escalation", "funnel"],
         ["funnel", "disqualification", "escalation"]),
        (["governance", "escalation", "kpis", "mql"], ["mql", "kpis", "escalation", "governance"]),
        (["sql", "journey", "sql"], ["journey", "sql", "sql"]),
    ],
)  # fmt: skip
def test_undecided_items_come_in_the_documents_order(sections, expected):
    """The store hands items over grouped by section key (alphabetically); the open points
    follow the agenda, as the document's parts do, and keep the order within a section."""
    items = [{"id": n, "section": s, "text": f"{s} {n}", "details": {}, "status": "open"}
             for n, s in enumerate(sections)]  # fmt: skip
    points = [p for p in readiness.open_points({"items": items}) if p["kind"] == "undecided"]
    assert [p["section"] for p in points] == expected
    same = [p["item_id"] for p in points if p["section"] == "sql"]
    assert same == sorted(same)
