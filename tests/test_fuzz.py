"""Issue 5: random payloads at every command through the Socket.IO test client.

Whatever arrives, the server answers {ok: true, version} or {ok: false, code, error} with a
known code and a message, and a refused command leaves every table exactly as it was.
"""

import json
import math
import os
import sqlite3

import pytest
from conftest import Workshops, fresh_state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.commands import ERROR_CODES, REGISTRY
from workshop.domain.sections import FIELDS, ITEM_DETAILS
from workshop.domain.stages import SECTIONS
from workshop.validation import Bool, Id, Int, Number, OneOf, Text

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
COMMANDS = sorted(REGISTRY)

# Any JSON a client can send. Ints stop at 100 characters: engine.io refuses longer ones
# while decoding the packet, before the app sees anything.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=20)  # lone surrogates too
EDGES = st.sampled_from(
    ["", "   ", "\x00", "a\ud800b", "x" * 2000, "x" * 2001, -1, 0, 1, 2**62, 2**63, 10**99,
     -(10**98), 1.5, math.nan, math.inf, -math.inf, True, False, None, [], {}, "agree"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**98), 10**99)
    | st.floats()
    | ANY_TEXT
    | EDGES
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=6,
)
WORDS = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=40)


class Room:
    """A workshop of its own in the module's database: a facilitator, a connected delegate,
    a second delegate to be removed, and an item in every section."""

    def __init__(self, app):
        self.db = sqlite3.connect(app.config["DATABASE"])
        self.people = Workshops(app, app.test_client())
        created = self.people.create(start_from="empty")
        self.code = created["code"]
        self.facilitator = self.people.socket(created["facilitator_token"])
        self.delegate = None
        self.ensure_delegate()
        self.people.join(self.code, "To remove", "sales")
        for section in SECTIONS:
            self.send(self.facilitator, {"type": "propose", "section": section, "text": "Seed"})
        self.send(self.facilitator, {"type": "propose", "section": "journey", "text": "Phase",
                                     "details": {"kind": "phase"}})
        state = fresh_state(self.facilitator)
        self.ids = [i["id"] for i in state["items"]] + [p["id"] for p in state["participants"]]
        self.ids.append(state["facilitator"]["id"])

    def ensure_delegate(self):
        """A fuzzed remove_participant may remove our delegate: another one joins."""
        if self.delegate is None or not self.delegate.is_connected():
            joined = self.people.join(self.code, "Delegate", "marketing")
            self.delegate = self.people.socket(joined["token"])

    def send(self, sio, payload):
        ack = sio.emit("command", payload, callback=True)
        sio.get_received()  # nobody reads these snapshots; keep memory flat
        return ack

    def after_change(self):
        """Undo what would stop later examples from reaching their handler: locks, a frozen
        document, a removed delegate."""
        locked, status = self.db.execute(
            "SELECT locked_sections, signoff_status FROM workshops WHERE code = ?", [self.code]
        ).fetchone()
        for section in json.loads(locked):
            self.send(self.facilitator, {"type": "unlock_section", "section": section})
        if status != "open":
            self.send(self.facilitator, {"type": "reopen"})
        self.ensure_delegate()


@pytest.fixture
def room(module_app):
    room = Room(module_app)
    yield room
    room.db.close()


ACK_EXTRAS = {"document_hash", "open_points", "dashboard_path", "review_number"}
# Issue 11: what edit_item, reveal_section, propose and create_projector_link add to the ack.
ACK_EXTRAS |= {"votes_reset", "revealed", "skipped", "duplicate", "projector_path"}


def check(room, dump, sender, payload):
    """The single promise of the command path, for one payload."""
    sio = room.facilitator if sender == "facilitator" else room.delegate
    before = dump()
    ack = room.send(sio, payload)
    assert isinstance(ack, dict), ack
    if ack.get("ok") is True:
        # finalize also answers with the hash and the open points it recorded (protocol.md).
        assert {"ok", "version"} <= set(ack) <= {"ok", "version", *ACK_EXTRAS}, ack
        assert type(ack["version"]) is int, ack
        room.after_change()
        return ack
    assert {"ok", "code", "error"} <= set(ack) <= {"ok", "code", "error", "open_points"}, ack
    assert ack["ok"] is False, ack
    assert ack["code"] in ERROR_CODES, ack
    assert isinstance(ack["error"], str) and ack["error"].strip(), ack
    assert dump() == before, f"refused but changed: {payload!r} -> {ack!r}"
    return ack


SENDERS = st.sampled_from(["facilitator", "delegate"])


@FUZZ
@given(payload=JSON, sender=SENDERS)
def test_random_json_values_are_refused_cleanly(room, module_dump, payload, sender):
    check(room, module_dump, sender, payload)


def random_fields(name):
    """The right type, the command's own field names with random values, maybe extra keys."""
    fields = {field: JSON for field in REGISTRY[name].specs}
    return st.builds(
        lambda known, extra: {**extra, **known, "type": name},
        st.fixed_dictionaries({}, optional=fields),
        st.dictionaries(ANY_TEXT, JSON, max_size=2),
    )


def value_of_kind(kind):
    if isinstance(kind, tuple):
        return st.sampled_from(kind)
    return {
        "text": WORDS,
        "int": st.integers(0, 1000),
        "percent": st.integers(0, 100) | st.floats(0, 100),
        "number": st.integers(0, 10**6) | st.floats(0, 1e9),
        "date": st.dates().map(lambda d: d.isoformat()) | st.just(""),
    }[kind]


def details_for(section):
    return st.fixed_dictionaries(
        {}, optional={key: value_of_kind(kind) for key, kind in ITEM_DETAILS[section].items()}
    )


def valid_value(spec, room):
    if isinstance(spec, Id):
        return st.sampled_from(room.ids)
    if isinstance(spec, Int):
        return st.integers(spec.low, min(spec.high, spec.low + 1000))
    if isinstance(spec, Number):
        return st.integers(int(spec.low), int(min(spec.high, 10**6)))
    if isinstance(spec, Bool):
        return st.booleans()
    if isinstance(spec, OneOf):
        return st.sampled_from(spec.values)
    if isinstance(spec, Text):
        return st.text(
            st.characters(categories=["L", "N"]),
            min_size=max(1, spec.min_len),
            max_size=min(40, spec.max_len),
        )
    return SCALARS


@st.composite
def valid_payload(draw, name, room):
    """A payload that passes the checks (whether it then applies depends on the state)."""
    specs = REGISTRY[name].specs
    payload = {"type": name}
    for field, spec in specs.items():
        if spec.optional and draw(st.booleans()):
            continue
        payload[field] = draw(valid_value(spec, room))
    if name == "set_field":
        section = draw(st.sampled_from(sorted(FIELDS)))
        field = draw(st.sampled_from(sorted(FIELDS[section])))
        value = draw(value_of_kind(FIELDS[section][field]))
        payload.update(section=section, field=field, value=value)
    if "details" in payload:
        section = payload.get("section") or draw(st.sampled_from(SECTIONS))
        payload["details"] = draw(details_for(section))
    return payload


@st.composite
def near_valid(draw, name, room):
    """A valid payload with exactly one thing wrong (or, by chance, still right)."""
    payload = draw(valid_payload(name, room))
    keys = sorted(payload)
    how = draw(st.sampled_from(["drop", "replace", "edge", "extra", "type"]))
    if how == "drop":
        payload.pop(draw(st.sampled_from(keys)))
    elif how in ("replace", "edge"):
        payload[draw(st.sampled_from(keys))] = draw(JSON if how == "replace" else EDGES)
    elif how == "extra":
        payload[draw(ANY_TEXT.filter(lambda k: k not in payload))] = draw(JSON)
    else:
        payload["type"] = draw(st.sampled_from(COMMANDS) | ANY_TEXT)
    return payload


@pytest.mark.parametrize("name", COMMANDS)
@FUZZ
@given(data=st.data(), sender=SENDERS)
def test_random_payloads_at_every_command(room, module_dump, name, data, sender):
    """Half random values in the command's own fields, half valid payloads with one flaw."""
    payload = data.draw(random_fields(name) | near_valid(name, room))
    check(room, module_dump, sender, payload)
