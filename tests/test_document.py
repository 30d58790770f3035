"""The SLA document's Markdown: pure and table-driven, no app needed."""

import copy
import hashlib
import re

import markdown
import pytest

from workshop.document.canonical import canonical_markdown, document_hash, document_markdown
from workshop.document.format import escape_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "![p](file:///etc/passwd)",
    "![p](http://example.com/x.png)",
    "a | b",
    "*bold* _under_ `code` # hash",
    "1. not a list",
    "- not a list",
    "&lt;b&gt;entity&lt;/b&gt;",
    "line one\nline two\n\n| x | y |",
]

# (section, text, details) of agreed items: one or more per section.
AGREED = [
    ("funnel", "Inquiry stage", {"definition": "Anyone who asks", "volume": 1000,
                                 "conversion": 15}),
    ("funnel", "Customer stage", {"definition": "Signed", "volume": 11}),
    ("journey", "Exploration phase", {"kind": "phase", "prospect": "Looks around"}),
    ("journey", "Demo request moment", {"kind": "moment", "phase": "Exploration phase",
                                        "approach": "Call within one hour"}),
    ("journey", "Silent webinar gap", {"kind": "gap", "phase": "Exploration phase"}),
    ("goals", "Grow new revenue", {"metric": "Booked revenue", "target": "2.4 m",
                                   "period": "year"}),
    ("targets", "Deliver enough MQLs", {"owner": "marketing", "metric": "MQLs",
                                        "target": "140", "depends_on": "Fast acceptance"}),
    ("mql", "Decision-maker role", {"points": 15}),
    ("sql", "Budget confirmed", {"framework": "BANT"}),
    ("disqualification", "Unable to reach", {"note": "After six attempts"}),
    ("opportunity", "Next step agreed", {"kind": "criterion"}),
    ("opportunity", "Proposal stage", {"kind": "stage", "probability": 50}),
    ("process", "Accept every MQL within a day", {"owner": "sales"}),
    ("kpis", "Speed to lead", {"definition": "Median minutes", "target": "4 h", "owner": "joint",
                               "frequency": "weekly", "source": "CRM"}),
    ("escalation", "Team leads rung", {"trigger": "Missed twice", "who": "Team leads",
                                       "response_time": "2 days"}),
    ("governance", "Monthly review meeting", {"owner": "joint"}),
]  # fmt: skip
REJECTED = [
    ("goals", "Rejected goal about world domination", {}),
    ("kpis", "Rejected vanity KPI of page views", {"owner": "marketing"}),
    ("escalation", "Rejected rung straight to the board", {}),
]
PARTS = ["1. ", "2. ", "3. ", "4. ", "5. ", "6. "]


def _item(i, status, section, text, details):
    revealed = {"agree": 3, "abstain": 1, "disagree": 0, "block": 0}
    return {
        "id": i,
        "section": section,
        "text": text,
        "details": copy.deepcopy(details),
        "status": status,
        "position": i,
        "tally": revealed,
        "consensus": "consent" if status == "agreed" else "no_consent",
        "decision_reason": None,
        "proposed_by": None,
    }


def sample(language="en", status="open", agreed=AGREED, rejected=REJECTED):
    items = [_item(i, "agreed", *row) for i, row in enumerate(agreed, 1)]
    rejects = [_item(100 + i, "rejected", *row) for i, row in enumerate(rejected, 1)]
    return {
        "workshop": {
            "code": "ABCDEFGHJK",
            "title": "SLA 2027",
            "organisation": "Acme",
            "language": language,
            "created_at": "2026-03-02T09:00:00+00:00",
        },
        "facilitator": "Fiona",
        "participants": [
            {"id": 2, "name": "Mia Marketing", "department": "marketing"},
            {"id": 3, "name": "Sam Sales", "department": "sales"},
        ],
        "agreed": items,
        "rejected": rejects,
        "fields": {
            "funnel": {"period": "month"},
            "goals": {"summary": "We share one revenue goal."},
            "targets": {
                "revenue_target": 2_400_000,
                "average_deal_size": 20_000,
                "period": "year",
                "currency": "EUR",
                "sales_reps": 1,
                "follow_ups_per_rep_week": 10,
            },
            "process": {
                "handoff_method": "CRM task",
                "accept_hours": 24,
                "first_contact_hours": 4,
                "attempts": 6,
                "attempt_days": 10,
                "crm_fields": "Status",
                "recycling": "Back to nurturing",
                "opportunity_support": "Cases",
                "follow_up_quality": "Personal",
            },
            "governance": {
                "review_cadence": "Monthly",
                "attendees": "Heads",
                "monitoring": "Dashboard",
            },
        },  # fmt: skip
        "targets": {
            "monthly_revenue": 200_000,
            "reverse_funnel": [
                {"stage": "Inquiry stage", "per_month": 934},
                {"stage": "Customer stage", "per_month": 10},
            ],
            "capacity_per_month": 43,
            "mql_per_month": 140,
            "capacity_gap": 97,
        },
        "signoff": {
            "status": status,
            "version": 3,
            "document_hash": None,
            "signatures": [],
        },
        "pictures": {"funnel": "<svg/>", "journey": "<svg/>"},
    }


def body_and_appendix(md):
    """The document split where the appendix starts."""
    head, _, appendix = md.partition("## Appendix")
    if not appendix:
        head, _, appendix = md.partition("## Bijlage")
    return head, appendix


def rendered(md):
    return markdown.markdown(md, extensions=["tables", "sane_lists"])


def test_every_agreed_item_appears_in_the_body():
    body, _ = body_and_appendix(canonical_markdown(sample()))
    for _, text, _ in AGREED:
        assert escape_markdown(text) in body, text


def test_rejected_items_appear_only_in_the_appendix():
    body, appendix = body_and_appendix(canonical_markdown(sample()))
    for _, text, _ in REJECTED:
        assert text not in body
        assert text in appendix


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_six_parts_come_in_order_with_numbered_headings(language):
    md = canonical_markdown(sample(language))
    headings = re.findall(r"^## (\d)\. ", md, flags=re.MULTILINE)
    assert headings == ["1", "2", "3", "4", "5", "6"]
    positions = [md.index(f"## {part}") for part in PARTS]
    assert positions == sorted(positions)
    assert md.index("(funnel.svg)") < positions[0]
    assert md.index("(journey.svg)") < positions[0]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("where", ["text", "detail", "field", "name", "title"])
def test_hostile_text_renders_literally(hostile, where):
    data = sample()
    if where == "text":
        data["agreed"][0]["text"] = hostile
    elif where == "detail":
        data["agreed"][-3]["details"]["definition"] = hostile  # a KPI table cell
    elif where == "field":
        data["fields"]["process"]["crm_fields"] = hostile
    elif where == "name":
        data["participants"][0]["name"] = hostile
    else:
        data["workshop"]["title"] = hostile
    html = rendered(document_markdown(data, draft=True))
    tags = "".join(re.findall(r"<[^>]*>", html))  # markup only, not the literal text
    for marker in ("<script", "onerror", "javascript:", "file:", "http:", 'src="x"'):
        assert marker not in tags, marker
    assert html.count("<img") == 2  # only the two document pictures


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>", "&lt;script>"),
        ("[x](javascript:y)", "\\[x\\](javascript:y)"),
        ("![p](file:///etc/passwd)", "!\\[p\\](file:///etc/passwd)"),
        ("R&D (Q1) 2 < 3, a+b!", "R&D (Q1) 2 < 3, a+b!"),
        ("snake_case and _under_", "snake_case and \\_under\\_"),
        ("&amp; &#60;", "&amp;amp; &amp;#60;"),
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("a | b", "a \\| b"),
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
        ("two\nlines", "two lines"),
        ("AT&T", "AT&T"),
        ("e-mail 2.4", "e-mail 2.4"),
        (None, ""),
    ],
)
def test_escape_markdown(raw, escaped):
    assert escape_markdown(raw) == escaped


def test_hostile_table_cells_do_not_break_the_table():
    data = sample()
    data["agreed"][-3]["details"]["definition"] = "a | b\n| c |"
    html = rendered(canonical_markdown(data))
    assert "a | b | c |" in html


def test_same_data_gives_the_same_bytes_and_hash():
    first, second = canonical_markdown(sample()), canonical_markdown(copy.deepcopy(sample()))
    assert first == second
    assert document_hash(first) == hashlib.sha256(first.encode("utf-8")).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", document_hash(first))


def test_canonical_text_leaves_out_what_changes_while_signing():
    data = sample(status="finalized")
    data["signoff"]["finalized_at"] = "2026-03-05T10:00:00+00:00"
    before = canonical_markdown(data)
    data["signoff"]["status"] = "signed"
    data["signoff"]["document_hash"] = "f" * 64
    data["signoff"]["signatures"] = [
        {"participant_id": 2, "name": "Mia Marketing", "department": "marketing",
         "signed_at": "2026-03-05T11:00:00+00:00"},
    ]  # fmt: skip
    assert canonical_markdown(data) == before
    assert "f" * 64 not in before and "Signatures" not in before


@pytest.mark.parametrize(
    ("finalized_at", "date"),
    [(None, "2 March 2026"), ("2026-03-05T10:00:00+00:00", "5 March 2026")],
)
def test_the_date_is_stable(finalized_at, date):
    data = sample()
    data["signoff"]["finalized_at"] = finalized_at
    md = canonical_markdown(data)
    assert f"Date: {date} · Version 3" in md


@pytest.mark.parametrize(
    ("language", "draft", "mark"),
    [("en", True, "**DRAFT**"), ("nl", True, "**CONCEPT**"), ("en", False, None)],
)
def test_draft_marker(language, draft, mark):
    md = document_markdown(sample(language), draft)
    first = md.splitlines()[0]
    if mark:
        assert first.startswith(f"> {mark}")
    else:
        assert "DRAFT" not in md and first.startswith("# ")


def test_export_contains_the_canonical_text_and_the_signature_sheet():
    data = sample(status="finalized")
    data["signoff"]["document_hash"] = "a" * 64
    data["signoff"]["signatures"] = [
        {"participant_id": 3, "name": "Sam Sales", "department": "sales",
         "signed_at": "2026-03-05T11:30:00+00:00"},
    ]  # fmt: skip
    md = document_markdown(data, draft=True)
    assert canonical_markdown(data) in md
    assert "| \u2068Mia Marketing\u2069 | — | Marketing | not signed yet |" in md
    assert "| \u2068Sam Sales\u2069 | — | Sales | 5 March 2026, 11:30 UTC |" in md
    assert "**Document hash (SHA-256):** `" + "a" * 64 + "`" in md


def test_a_draft_carries_the_hash_of_its_canonical_text():
    data = sample()
    md = document_markdown(data, draft=True)
    digest = document_hash(canonical_markdown(data))
    assert f"**Draft hash (SHA-256):** `{digest}`" in md


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1. Joint goals", "Joint", "Weekly", "Not agreed", "€2,400,000 per year",
                "6 attempts over 10 working days", "Capacity: sales can follow up 43 leads",
                "Moment of truth", "Revenue bridge"]),
        ("nl", ["1. Gezamenlijke doelen", "Gezamenlijk", "Wekelijks", "Bijlage",
                "€ 2.400.000 per jaar", "6 pogingen verspreid over 10 werkdagen",
                "Capaciteit: sales kan 43 leads", "Hiaat", "per maand", "Jaar",
                "Afgesproken aanpak", "Van omzet naar funnel"]),
    ],
)  # fmt: skip
def test_labels_follow_the_language(language, expected):
    data = sample(language)
    data["agreed"] = [i for i in data["agreed"] if i["section"] != "sql"]
    md = document_markdown(data, draft=True)
    for label in expected:
        assert label in md, label
    assert ("Not agreed yet." in md) == (language == "en")


def test_owner_and_frequency_ids_are_shown_as_labels():
    md = canonical_markdown(sample())
    assert "| Speed to lead | Median minutes | 4 h | Joint | Weekly | CRM |" in md
    assert "| Deliver enough MQLs | Marketing | MQLs | 140 | Fast acceptance |" in md


def test_overrides_list_items_agreed_without_consent_with_their_reason():
    data = sample()
    data["agreed"][0].update(consensus="blocked", decision_reason="Legal requires it")
    _, appendix = body_and_appendix(canonical_markdown(data))
    assert "| O1 | Inquiry stage | Blocked | Legal requires it |" in appendix
    body, _ = body_and_appendix(canonical_markdown(data))
    assert "Inquiry stage *(no consent, O1)*" in body


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        ({}, 17),
        ({"workshop": {"language": "nl"}}, 17),
        (sample(agreed=[], rejected=[]), 11),
        ({**sample(), "fields": {}, "targets": {}, "signoff": None, "participants": []}, 5),
    ],
)
def test_missing_data_never_crashes_nor_breaks_tables(data, missing):
    md = document_markdown(data, draft=True)
    assert md.count("Not agreed yet.") + md.count("Nog niet afgesproken.") == missing
    for table in re.findall(r"(?:^\|.*\n)+", md, flags=re.MULTILINE):
        lines = table.splitlines()
        assert len(lines) >= 3 and set(lines[1]) <= set("|-: ")


def test_signatories_and_facilitator_are_listed_in_the_frame():
    data = sample()
    data["participants"][0]["job_title"] = "Head of marketing"
    body, _ = body_and_appendix(canonical_markdown(data))
    frame = body.split("## About this agreement")[1].split("\n## ")[0]
    assert "| \u2068Mia Marketing\u2069 | Head of marketing | Marketing |" in frame
    assert "| \u2068Sam Sales\u2069 | — | Sales |" in frame
    assert "Facilitator: \u2068Fiona\u2069" in frame


def test_captured_paragraphs_stay_quoted_user_text():
    data = sample()
    data["fields"]["goals"]["summary"] = "We grow.\n\n**Status:** Signed by every delegate"
    md = canonical_markdown(data)
    assert "> We grow.\n>\n> \\*\\*Status:\\*\\* Signed by every delegate" in md
    html = rendered(md)
    assert "<blockquote>" in html and "<strong>" not in html.split("<blockquote>")[1].split(
        "</blockquote>"
    )[0]


@pytest.mark.parametrize("bad", ["\x01", "\x1b[31m", "\x7f", "\ufffe", "\ud800"])
def test_diagrams_stay_well_formed_whatever_a_stored_row_holds(bad):
    import xml.etree.ElementTree as ET

    from workshop.document import diagrams

    name = f"Stage {bad} one"
    funnel = diagrams.funnel_svg([{"name": name, "volume": 5, "conversion": 10}], title=name)
    journey = diagrams.journey_svg(
        [{"name": name, "prospect": name, "marketing": "", "sales": ""}],
        [{"name": name, "kind": "gap", "phase": name, "dots": 1}],
        title=name,
    )
    for svg in (funnel, journey):
        ET.fromstring(svg)
