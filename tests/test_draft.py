"""The strong draft obeys the section schema and is the same draft in English and Dutch."""

import pytest

from workshop.domain.draft import draft_fields, draft_items
from workshop.domain.sections import FIELDS, ITEM_DETAILS, OWNERS

LANGUAGES = ("en", "nl")
MAX_TEXT = 160
MAX_DETAIL = 300


def fits_kind(value, kind):
    if isinstance(kind, tuple):
        return isinstance(value, str) and value in kind
    if kind == "text":
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int) and 0 <= value <= 1_000_000
    if kind == "percent":
        return isinstance(value, int | float) and 0 <= value <= 100
    if kind == "number":
        return isinstance(value, int | float) and value >= 0
    raise AssertionError(f"unknown kind {kind!r}")


def by_section(items):
    sections = {}
    for item in items:
        sections.setdefault(item["section"], []).append(item)
    return sections


def non_text(details, section):
    """The language-neutral part of an item's details: numbers and ids."""
    return {k: v for k, v in details.items() if ITEM_DETAILS[section][k] != "text"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_items_obey_the_section_schema(language):
    items = draft_items(language)
    assert items
    for item in items:
        assert set(item) == {"section", "text", "details"}
        assert item["section"] in ITEM_DETAILS, item
        assert isinstance(item["text"], str) and item["text"].strip(), item
        assert len(item["text"]) <= MAX_TEXT, item["text"]
        allowed = ITEM_DETAILS[item["section"]]
        for key, value in item["details"].items():
            assert key in allowed, (item["section"], key)
            assert fits_kind(value, allowed[key]), (item["section"], key, value)
            if allowed[key] == "text":
                assert value.strip(), (item["text"], key)
                assert len(value) <= MAX_DETAIL, value


@pytest.mark.parametrize("language", LANGUAGES)
def test_fields_obey_the_section_schema(language):
    fields = draft_fields(language)
    for section, values in fields.items():
        assert section in FIELDS, section
        for field, value in values.items():
            assert field in FIELDS[section], (section, field)
            assert fits_kind(value, FIELDS[section][field]), (section, field, value)
            if FIELDS[section][field] == "text":
                assert value.strip(), (section, field)
                assert len(value) <= MAX_DETAIL, value


@pytest.mark.parametrize(
    ("section", "field", "expected"),
    [
        ("funnel", "period", "month"),
        ("targets", "revenue_target", 2_400_000),
        ("targets", "average_deal_size", 20_000),
        ("targets", "period", "year"),
        ("targets", "currency", "EUR"),
        ("targets", "sales_reps", 6),
        ("targets", "follow_ups_per_rep_week", 25),
        ("process", "accept_hours", 24),
        ("process", "first_contact_hours", 4),
        ("process", "attempts", 6),
        ("process", "attempt_days", 10),
        ("journey", "dots_per_delegate", 3),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_captured_defaults(language, section, field, expected):
    assert draft_fields(language)[section][field] == expected


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        (
            "process",
            (
                "handoff_method",
                "crm_fields",
                "recycling",
                "opportunity_support",
                "follow_up_quality",
            ),
        ),
        ("governance", ("review_cadence", "attendees", "monitoring")),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_text_fields_present(language, section, fields):
    values = draft_fields(language)[section]
    for field in fields:
        assert isinstance(values.get(field), str) and values[field].strip(), field


@pytest.mark.parametrize(
    ("section", "low", "high"),
    [
        ("funnel", 6, 6),
        ("journey", 12, 12),
        ("goals", 3, 4),
        ("targets", 4, 5),
        ("mql", 4, 5),
        ("sql", 5, 5),
        ("disqualification", 5, 5),
        ("opportunity", 7, 8),
        ("process", 4, 6),
        ("kpis", 8, 10),
        ("escalation", 3, 3),
        ("governance", 3, 3),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_item_counts(language, section, low, high):
    assert low <= len(by_section(draft_items(language)).get(section, [])) <= high


def test_both_languages_carry_the_same_draft():
    en, nl = by_section(draft_items("en")), by_section(draft_items("nl"))
    assert en.keys() == nl.keys()
    for section in en:
        assert len(en[section]) == len(nl[section]), section
        for en_item, nl_item in zip(en[section], nl[section], strict=True):
            assert en_item["details"].keys() == nl_item["details"].keys(), en_item["text"]
            assert non_text(en_item["details"], section) == non_text(nl_item["details"], section), (
                en_item["text"]
            )


def test_both_languages_capture_the_same_numbers_and_ids():
    en, nl = draft_fields("en"), draft_fields("nl")
    assert en.keys() == nl.keys()
    for section in en:
        assert en[section].keys() == nl[section].keys(), section
        for field, kind in FIELDS[section].items():
            if field in en[section] and kind != "text":
                assert en[section][field] == nl[section][field], (section, field)


@pytest.mark.parametrize(
    ("section", "index"),
    [
        ("funnel", 0),
        ("journey", 0),
        ("journey", 6),
        ("journey", 9),
        ("goals", 0),
        ("targets", 0),
        ("mql", 0),
        ("sql", 0),
        ("disqualification", 1),
        ("opportunity", 3),
        ("process", 0),
        ("kpis", 0),
        ("escalation", 0),
        ("governance", 0),
    ],
)
def test_texts_are_translated(section, index):
    en = by_section(draft_items("en"))[section][index]
    nl = by_section(draft_items("nl"))[section][index]
    assert en["text"] != nl["text"]


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("process", "handoff_method"),
        ("process", "recycling"),
        ("governance", "review_cadence"),
        ("governance", "monitoring"),
        ("goals", "summary"),
    ],
)
def test_field_texts_are_translated(section, field):
    assert draft_fields("en")[section][field] != draft_fields("nl")[section][field]


@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_gaps_and_moments_belong_to_a_phase(language):
    journey = by_section(draft_items(language))["journey"]
    kinds = [item["details"]["kind"] for item in journey]
    assert kinds.count("phase") == 6
    assert kinds.count("gap") == 3
    assert kinds.count("moment") == 3
    phases = {item["text"] for item in journey if item["details"]["kind"] == "phase"}
    for item in journey:
        kind = item["details"]["kind"]
        if kind == "phase":
            assert {"prospect", "marketing", "sales"} <= item["details"].keys(), item["text"]
        else:
            assert item["details"]["phase"] in phases, item["text"]
        if kind == "moment":
            assert item["details"]["approach"].strip(), item["text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_funnel_is_consistent_with_the_revenue_target(language):
    funnel = by_section(draft_items(language))["funnel"]
    assert "conversion" not in funnel[-1]["details"]
    for above, below in zip(funnel, funnel[1:], strict=False):
        rate = above["details"]["conversion"] / 100
        assert below["details"]["volume"] == pytest.approx(above["details"]["volume"] * rate, abs=1)
    targets = draft_fields(language)["targets"]
    customers_per_month = targets["revenue_target"] / targets["average_deal_size"] / 12
    assert funnel[-1]["details"]["volume"] >= customers_per_month


@pytest.mark.parametrize("language", LANGUAGES)
def test_ids_are_valid(language):
    """Every detail of every draft item passes the checks a proposal would."""
    from workshop.domain.sections import ITEM_DETAILS
    from workshop.validation import check_mapping

    for item in draft_items(language):
        details = item["details"]
        if "owner" in details:
            assert details["owner"] in OWNERS
        assert check_mapping(details, ITEM_DETAILS[item["section"]], "details") == details


@pytest.mark.parametrize("language", ("", "de", "EN", None))
def test_unknown_language_is_refused(language):
    with pytest.raises(ValueError):
        draft_items(language)
    with pytest.raises(ValueError):
        draft_fields(language)


def test_each_call_returns_fresh_data():
    first = draft_items("en")
    first[0]["details"]["volume"] = -1
    assert draft_items("en")[0]["details"]["volume"] != -1
    fields = draft_fields("en")
    fields["targets"]["sales_reps"] = 0
    assert draft_fields("en")["targets"]["sales_reps"] == 6
