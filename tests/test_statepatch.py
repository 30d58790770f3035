"""The snapshot difference sent as `state_patch` (workshop/statepatch.py): table-driven, and
for any two JSON documents applying the difference gives the new one."""

import copy
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.statepatch import PatchError, apply, diff

CASES = [
    ("nothing changed", {"a": 1}, {"a": 1}, []),
    ("a value", {"version": 3}, {"version": 4},
     [{"op": "replace", "path": "/version", "value": 4}]),
    (
        "one item of a list",
        {"items": [{"id": 1, "voted": []}, {"id": 2, "voted": []}]},
        {"items": [{"id": 1, "voted": []}, {"id": 2, "voted": [7]}]},
        [{"op": "replace", "path": "/items/1/voted", "value": [7]}],
    ),
    (
        "a list that grew is replaced whole",
        {"items": [1, 2]},
        {"items": [1, 3, 2]},
        [{"op": "replace", "path": "/items", "value": [1, 3, 2]}],
    ),
    ("a key added", {}, {"timer": None}, [{"op": "add", "path": "/timer", "value": None}]),
    ("a key removed", {"timer": 1}, {}, [{"op": "remove", "path": "/timer"}]),
    ("a type changed", {"timer": None}, {"timer": {"seconds": 60}},
     [{"op": "replace", "path": "/timer", "value": {"seconds": 60}}]),
    (
        "keys with / and ~ (item ids as keys)",
        {"a/b": {"~": 1}},
        {"a/b": {"~": 2}},
        [{"op": "replace", "path": "/a~1b/~0", "value": 2}],
    ),
]


@pytest.mark.parametrize(("old", "new", "ops"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diff(old, new, ops):
    assert diff(old, new) == ops
    before = copy.deepcopy(old)
    assert apply(old, ops) == new
    assert old == before, "apply changed its input"


@pytest.mark.parametrize(
    ("doc", "op"),
    [
        ({"a": 1}, {"op": "replace", "path": "/b", "value": 1}),
        ({"a": 1}, {"op": "remove", "path": "/b"}),
        ({"a": [1]}, {"op": "replace", "path": "/a/3", "value": 1}),
        ({"a": [1]}, {"op": "replace", "path": "/a/x", "value": 1}),
        ({"a": 1}, {"op": "replace", "path": "/a/b", "value": 1}),
        ({"a": 1}, {"op": "move", "path": "/a", "from": "/b"}),
        ({"a": 1}, {"op": "replace", "path": "a", "value": 1}),
        ({"a": 1}, {"op": "remove", "path": ""}),
    ],
)
def test_operations_that_do_not_fit_are_refused(doc, op):
    with pytest.raises(PatchError):
        apply(doc, [op])


def test_add_into_a_list():
    assert apply({"a": [1, 3]}, [{"op": "add", "path": "/a/1", "value": 2}]) == {"a": [1, 2, 3]}
    assert apply({"a": [1]}, [{"op": "add", "path": "/a/-", "value": 2}]) == {"a": [1, 2]}


# Python's == holds 1 and True (and 1.0) equal; no key of a snapshot changes between them,
# so the documents here mix booleans with text, not with numbers.
json_values = st.recursive(
    st.none() | st.booleans() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_applying_the_difference_gives_the_new_document(old, new):
    ops = diff(old, new)
    assert apply(old, ops) == new
    # what goes over the wire is JSON
    assert apply(json.loads(json.dumps(old)), json.loads(json.dumps(ops))) == new


def random_document(rng, depth=0):
    kind = rng.choice(["dict", "list", "leaf"] if depth < 3 else ["leaf"])
    if kind == "dict":
        keys = rng.sample(["a", "b", "x/y", "~t", "items", "12"], rng.randint(0, 4))
        return {k: random_document(rng, depth + 1) for k in keys}
    if kind == "list":
        return [random_document(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return rng.choice([None, True, False, "", "ü", 3, 2.5, "text"])


def test_the_page_applies_the_same_operations(tmp_path):
    """static/js/statepatch.js, run by Node, turns each old document into the new one."""
    node = shutil.which("node")
    assert node, "Node.js is needed (make lint installs it with ESLint)"
    rng = random.Random(20261128)
    cases = []
    for _ in range(300):
        old = random_document(rng)
        new = random_document(rng) if rng.random() < 0.3 else mutate(rng, copy.deepcopy(old))
        cases.append({"old": old, "ops": diff(old, new), "new": new})
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    module = Path(__file__).resolve().parent.parent / "static/js/statepatch.js"
    script = (
        f"import {{ applyPatch }} from {json.dumps(module.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "const frozen = JSON.stringify(cases.map((c) => c.old));\n"
        "const out = cases.map((c) => applyPatch(c.old, c.ops));\n"
        "if (JSON.stringify(cases.map((c) => c.old)) !== frozen) throw new Error('changed');\n"
        "console.log(JSON.stringify(out));\n"
    )
    (tmp_path / "apply.mjs").write_text(script)
    done = subprocess.run(  # noqa: S603 - our own script
        [node, str(tmp_path / "apply.mjs"), str(tmp_path / "cases.json")],
        capture_output=True, text=True, timeout=60, check=True,
    )
    results = json.loads(done.stdout)
    assert any(c["ops"] for c in cases) and len(results) == len(cases)
    for case, result in zip(cases, results, strict=True):
        assert result == case["new"], case


def mutate(rng, doc):
    """A small change somewhere inside, as a command makes to a snapshot."""
    if isinstance(doc, dict) and doc:
        key = rng.choice(sorted(doc))
        if rng.random() < 0.2:
            del doc[key]
        else:
            doc[key] = mutate(rng, doc[key])
        return doc
    if isinstance(doc, list) and doc:
        i = rng.randrange(len(doc))
        doc[i] = mutate(rng, doc[i])
        return doc
    return random_document(rng, 2)


def test_patches_never_come_from_another_databases_workshop(tmp_path):
    """Workshop ids and versions repeat across databases (two apps in one process, as in
    these tests): each room's patches turn what its own people hold into its own state."""
    from conftest import Workshops, fresh_state, make_app

    from workshop.realtime import socketio

    for title in ("First", "Second"):
        app = make_app(tmp_path / title)
        people = Workshops(app, app.test_client())
        created = people.create(title=title)
        joined = people.join(created["code"], "Mara", "marketing")
        sio = socketio.test_client(app, auth={"token": joined["token"], "patches": True},
                                   flask_test_client=people.client)  # fmt: skip
        held = [m["args"][0] for m in sio.get_received() if m["name"] == "state"][-1]
        facilitator = people.socket(created["facilitator_token"])
        facilitator.emit("command", {"type": "set_ready", "ready": True}, callback=True)
        (patch,) = [m["args"][0] for m in sio.get_received() if m["name"] == "state_patch"]
        assert patch["from"] == held["version"] and held["title"] == title
        patched = apply(held, patch["ops"])
        assert patched["title"] == title
        fresh = fresh_state(sio)
        for state in (patched, fresh):  # the clocks move between the two
            state["plan"] = {k: v for k, v in state["plan"].items() if "elapsed" not in k}
        assert patched == fresh
