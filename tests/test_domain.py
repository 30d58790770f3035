"""Pure domain rules, table-driven: consent, balance, reverse funnel, capacity, stages, codes."""

import pytest

from workshop.domain import codes, consent, funnel, stages

M, S = "marketing", "sales"


@pytest.mark.parametrize(
    "votes, present, expected",
    [
        ([], {M, S}, "no_consent"),
        ([(M, "agree"), (S, "agree")], {M, S}, "consent"),
        ([(M, "agree"), (S, "agree"), (S, "block")], {M, S}, "blocked"),
        ([(M, "block")], {M, S}, "blocked"),
        ([(M, "agree"), (M, "agree"), (S, "disagree")], {M, S}, "no_consent"),
        # agree must outnumber disagree within each department, not overall
        ([(M, "agree"), (M, "agree"), (M, "agree"), (S, "agree"), (S, "disagree")], {M, S},
         "no_consent"),
        ([(M, "agree"), (M, "disagree"), (M, "agree"), (S, "agree")], {M, S}, "consent"),
        # a tie is not a majority
        ([(M, "agree"), (M, "disagree"), (S, "agree")], {M, S}, "no_consent"),
        # abstentions count for neither side
        ([(M, "agree"), (M, "abstain"), (M, "abstain"), (S, "agree"), (S, "abstain")], {M, S},
         "consent"),
        # a department that only abstained has not supported the item
        ([(M, "agree"), (S, "abstain")], {M, S}, "no_consent"),
        # a department present that did not vote has not supported it either
        ([(M, "agree"), (M, "agree")], {M, S}, "no_consent"),
        # with only one department in the room, that department decides
        ([(M, "agree"), (M, "agree")], {M}, "consent"),
        ([(S, "disagree")], {S}, "no_consent"),
        # 4 + 4: a clear majority on both sides
        ([(M, "agree")] * 3 + [(M, "disagree")] + [(S, "agree")] * 2 + [(S, "abstain")] * 2,
         {M, S}, "consent"),
    ],
)
def test_consent_needs_both_departments(votes, present, expected):
    assert consent.consent_for(votes, present) == expected


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({}, None),
        ({M: 4, S: 4}, None),
        ({M: 3, S: 2}, None),
        ({M: 5, S: 3}, None),
        ({M: 6, S: 2}, "lopsided"),
        ({M: 1, S: 3}, "lopsided"),
        ({M: 3, S: 0}, "missing"),
        ({M: 0, S: 1}, "missing"),
    ],
)
def test_balance_warning(counts, expected):
    assert consent.balance_warning(counts) == expected


def test_tally_counts_every_choice():
    assert consent.tally(["agree", "agree", "block"]) == {
        "agree": 2, "abstain": 0, "disagree": 0, "block": 1}


CONVERSIONS = [("Inquiry", 0.15), ("MQL", 0.5), ("SAL", 0.6), ("SQL", 0.6), ("Opportunity", 0.4)]


@pytest.mark.parametrize(
    "revenue, deal, conversions, expected",
    [
        (200_000, 20_000, CONVERSIONS,
         [("Inquiry", 934), ("MQL", 140), ("SAL", 70), ("SQL", 42), ("Opportunity", 25),
          ("customer", 10)]),
        (100_000, 30_000, [("SQL", 0.25)], [("SQL", 16), ("customer", 4)]),
        (50_000, 50_000, [("Lead", 1.0)], [("Lead", 1), ("customer", 1)]),
        (0, 20_000, CONVERSIONS, []),
        (100_000, 0, CONVERSIONS, []),
        (100_000, 20_000, [("MQL", 0)], []),
        (100_000, 20_000, [("MQL", 1.5)], []),
    ],
)
def test_reverse_funnel(revenue, deal, conversions, expected):
    needs = funnel.reverse_funnel(revenue, deal, conversions)
    assert [(n.stage, n.needed) for n in needs] == expected


@pytest.mark.parametrize(
    "reps, per_week, capacity",
    [(6, 25, 649), (1, 10, 43), (0, 25, 0), (3, 0, 0), (None, 10, 0)],
)
def test_sales_capacity(reps, per_week, capacity):
    assert funnel.sales_capacity(reps, per_week) == capacity


@pytest.mark.parametrize("mql, capacity, gap", [(140, 649, 0), (700, 649, 51), (0, 0, 0)])
def test_capacity_gap(mql, capacity, gap):
    assert funnel.capacity_gap(mql, capacity) == gap


def test_stages_in_order_and_progress():
    assert stages.STAGES[0] == "lobby" and stages.STAGES[-1] == "signoff"
    assert len(stages.STAGES) == 11
    assert stages.progress("lobby") == 0 and stages.progress("signoff") == 1
    assert stages.stage_of_section("mql") == "definitions"
    assert set(stages.SECTIONS) == {
        "funnel", "journey", "goals", "targets", "mql", "sql", "disqualification", "opportunity",
        "process", "kpis", "escalation", "governance"}


@pytest.mark.parametrize(
    "typed, canonical",
    [("abcde-fghjk", "ABCDEFGHJK"), (" AB CDE fghjk ", "ABCDEFGHJK"), ("", ""), (None, "")],
)
def test_codes_are_normalised(typed, canonical):
    assert codes.normalise_code(typed) == canonical


def test_join_codes_have_at_least_40_bits():
    import math

    assert len(codes.ALPHABET) ** codes.CODE_LENGTH >= 2**40
    assert math.log2(len(codes.ALPHABET)) * codes.CODE_LENGTH > 48
    assert not set("01ILOUV") & set(codes.ALPHABET)
    many = {codes.new_join_code() for _ in range(500)}
    assert len(many) == 500 and all(codes.is_well_formed(c) for c in many)
