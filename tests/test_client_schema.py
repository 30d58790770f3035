"""The page script takes the workshop's shape from the server, never from a copy of its own.

The workshop page embeds one JSON document (<script id="strings">, workshop/client_strings.py):
the words and the schema. These tests read that JSON from the served page and hold it equal
to the server's own constants, check that the server enforces what the page was told, and
scan static/js for lists of stages, sections, vote choices or departments typed in again.
"""

import json
import re
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from conftest import send

from workshop import service
from workshop.commands import REGISTRY
from workshop.commands.items import DEFAULT_DOTS
from workshop.domain import consent, stages
from workshop.domain.sections import FIELDS, ITEM_DETAILS, MONEY_FIELDS, PROJECTOR_FIELDS

ROOT = Path(__file__).resolve().parent.parent
STRINGS = re.compile(r'<script type="application/json" id="strings">(.*?)</script>', re.S)


def page_json(client, code, token, language=None):
    query = f"?lang={language}" if language else ""
    response = client.get(f"/w/{code}{query}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    found = STRINGS.search(response.get_data(as_text=True))
    assert found, "the page carries no strings JSON"
    return json.loads(found.group(1))


def as_lists(mapping):
    return {
        s: {k: list(v) if isinstance(v, tuple) else v for k, v in spec.items()}
        for s, spec in mapping.items()
    }


def test_the_page_carries_the_servers_schema(client, workshops):
    created = workshops.create()
    S = page_json(client, created["code"], created["facilitator_token"])

    assert S["stage_order"] == list(stages.STAGES)
    assert S["minutes"] == stages.MINUTES
    assert S["sections_by_stage"] == {k: list(v) for k, v in stages.SECTIONS_BY_STAGE.items()}
    assert S["section_order"] == list(stages.SECTIONS)
    assert S["document_stages"] == list(stages.DOCUMENT_STAGES) == ["review", "signoff"]
    assert S["vote_choices"] == list(consent.CHOICES)
    assert S["departments"] == list(consent.DEPARTMENTS)
    assert S["max_delegates"] == service.MAX_DELEGATES == 8
    assert S["default_dots"] == DEFAULT_DOTS
    assert S["item_details"] == as_lists(ITEM_DETAILS)
    assert S["fields"] == as_lists(FIELDS)
    assert S["money_fields"] == {s: list(keys) for s, keys in MONEY_FIELDS.items()}
    assert all(FIELDS[s][k] == "number" for s, keys in MONEY_FIELDS.items() for k in keys)
    assert S["projector_fields"] == list(PROJECTOR_FIELDS)
    assert all(stage in FIELDS and stage in S["stage_order"] for stage in PROJECTOR_FIELDS)
    # Every stage and every section the page can show has its words.
    assert set(S["stages"]) == set(stages.STAGES)
    assert set(S["sections"]) == set(stages.SECTIONS)


def test_input_limits_are_the_commands_own():
    from workshop.client_strings import limits

    specs = {name: cmd.specs for name, cmd in REGISTRY.items()}
    assert limits() == {
        "item_text": specs["propose"]["text"].max_len,
        "decide_reason": specs["decide"]["reason"].max_len,
        "finalize_reason": specs["finalize"]["reason"].max_len,
        "detail_text": 1000,
        "field_text": 2000,
        "timer_minutes": specs["start_timer"]["seconds"].high // 60,
        "stage_minutes": stages.MAX_STAGE_MINUTES,
    }


def test_the_schema_does_not_depend_on_the_language(client, workshops):
    created = workshops.create()
    en = page_json(client, created["code"], created["facilitator_token"], "en")
    nl = page_json(client, created["code"], created["facilitator_token"], "nl")
    words = {"stages", "sections", "labels", "ui", "plurals"}
    assert en["sections"] != nl["sections"]  # the words are translated ...
    assert {k: v for k, v in en.items() if k not in words} == {
        k: v for k, v in nl.items() if k not in words
    }  # ... the schema is not


def test_the_server_enforces_what_the_page_is_told(client, workshops):
    """The page's numbers are the ones the commands apply: the delegate limit, the item
    text length and the planned minutes of a stage."""
    room, facilitator, people = workshops.room(marketing=1, sales=1)
    S = page_json(client, room["code"], room["facilitator_token"])
    for i in range(S["max_delegates"] - len(people)):
        workshops.join(room["code"], f"Extra {i}", S["departments"][i % 2])
    over = client.post(
        f"/api/workshops/{room['code']}/participants",
        json={"name": "One too many", "department": S["departments"][0]},
    )
    assert over.status_code == 409

    limit = S["limits"]["item_text"]
    for text, ok in (("x" * limit, True), ("x" * (limit + 1), False)):
        ack = send(facilitator, {"type": "propose", "section": "goals", "text": text})
        assert ack["ok"] is ok, ack
    most = S["limits"]["stage_minutes"]
    for minutes, ok in ((most, True), (most + 1, False)):
        ack = send(facilitator, {"type": "set_stage_plan", "stage": "kpis", "minutes": minutes})
        assert ack["ok"] is ok, ack


# --- static/js types none of it again ------------------------------------------------------

FAMILIES = {
    "stages": set(stages.STAGES),
    "sections": set(stages.SECTIONS),
    "vote choices": set(consent.CHOICES),
    "departments": set(consent.DEPARTMENTS),
}
ARRAY = re.compile(r"\[([^\[\]]*)\]")
QUOTED = re.compile(r"""["']([a-z_]+)["']""")
NUMBER_ATTRIBUTE = re.compile(r"""\b(maxlength|max)=["']?\d+""")


def retyped_lists(source):
    """Array literals in `source` naming two or more keys of one family (stages, sections,
    vote choices, departments): a list the server already sends."""
    found = []
    for match in ARRAY.finditer(source):
        words = QUOTED.findall(match.group(1))
        for family, keys in FAMILIES.items():
            if len([w for w in words if w in keys]) >= 2:
                found.append((family, match.group(0)))
    return found


@pytest.mark.parametrize(
    "source, family",
    [
        ('sections=${["escalation", "governance"]}', "sections"),
        ('const CHOICES = ["agree", "abstain", "disagree", "block"];', "vote choices"),
        ("const DOCUMENT_STAGES = ['review', 'signoff'];", "stages"),
        ('for (const d of ["marketing", "sales"]) {}', "departments"),
    ],
)
def test_the_scan_finds_a_retyped_list(source, family):
    assert [f for f, _ in retyped_lists(source)] == [family]


def test_the_scan_leaves_other_lists_alone():
    assert retyped_lists('[".kpi-grid", "#escalations"]; ["finalize", "sign"]; [4, 3, 2, 1]') == []
    assert retyped_lists('sections=${["goals"]} S.sections_by_stage.kpis') == []


def page_scripts():
    files = sorted((ROOT / "static/js").glob("*.js"))
    assert files, "no page scripts found"
    return files


@pytest.mark.parametrize("path", page_scripts(), ids=lambda p: p.name)
def test_page_scripts_retype_no_schema_lists(path):
    source = path.read_text(encoding="utf-8")
    assert retyped_lists(source) == [], f"{path.name}: read these from S (client_strings.schema)"


@pytest.mark.parametrize("path", page_scripts(), ids=lambda p: p.name)
def test_page_scripts_take_input_limits_from_the_server(path):
    source = path.read_text(encoding="utf-8")
    assert NUMBER_ATTRIBUTE.findall(source) == [], f"{path.name}: use S.limits"


# --- the linter ---------------------------------------------------------------------------


def test_the_page_script_linter_is_pinned():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    tools = package["devDependencies"]
    assert {"eslint", "@eslint/js"} <= set(tools)
    for name, version in tools.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    config = (ROOT / "eslint.config.js").read_text(encoding="utf-8")
    assert '"static/vendor/**"' in config  # vendored libraries are not ours to lint
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "eslint" in lint and "static/js" in lint


def test_the_finalize_hint_names_the_servers_limit_in_each_language(client, workshops):
    created = workshops.create()
    for language in ("en", "nl"):
        S = page_json(client, created["code"], created["facilitator_token"], language)
        most = format_decimal(S["limits"]["finalize_reason"], locale=language)
        assert f" {most} " in S["ui"]["finalize_reason_hint"], (language, most)
