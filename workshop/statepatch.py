"""The difference between two snapshots as JSON Patch operations (RFC 6902), and applying it.

A vote changes one item's `voted` and `votes_cast` and the `version`: a `state_patch` of a
few hundred bytes instead of a 50 KB snapshot (docs/protocol.md). Only `replace`, `add` and
`remove` are produced. Objects are compared key by key and lists of equal length element
by element; a list that grew or shrank is replaced whole (an item proposed mid-section
moves every later index, and a list of moves would be no smaller). Values are compared with
Python's ==, for which 1, 1.0 and True are equal: no key of a snapshot changes between them.

Pure: no Flask, no database. static/js/lib.js applies the same operations.
"""


def diff(old, new, path=""):
    """The operations that turn `old` into `new`."""
    ops = []
    _diff(old, new, path, ops)
    return ops


def _diff(old, new, path, ops):
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() - new.keys():
            ops.append({"op": "remove", "path": f"{path}/{_escape(key)}"})
        for key, value in new.items():
            if key in old:
                _diff(old[key], value, f"{path}/{_escape(key)}", ops)
            else:
                ops.append({"op": "add", "path": f"{path}/{_escape(key)}", "value": value})
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (before, after) in enumerate(zip(old, new, strict=True)):
            _diff(before, after, f"{path}/{i}", ops)
    else:
        ops.append({"op": "replace", "path": path, "value": new})


def _escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


class PatchError(ValueError):
    """An operation that does not fit the document (a client then asks for a full state)."""


def apply(doc, ops):
    """A new document with `ops` applied; `doc` itself is not changed (the parts the
    operations do not touch are shared with it)."""
    for op in ops:
        doc = _apply_one(doc, op)
    return doc


def _apply_one(doc, op):
    kind, path = op.get("op"), op.get("path")
    if kind not in ("add", "replace", "remove") or not isinstance(path, str):
        raise PatchError(f"unsupported operation {op!r}")
    if path == "":
        if kind == "remove":
            raise PatchError("cannot remove the whole document")
        return op["value"]
    if not path.startswith("/"):
        raise PatchError(f"bad path {path!r}")
    tokens = [_unescape(t) for t in path[1:].split("/")]
    return _set(doc, tokens, op)


def _set(node, tokens, op):
    token, rest = tokens[0], tokens[1:]
    if isinstance(node, dict):
        copy = dict(node)
        if rest:
            if token not in node:
                raise PatchError(f"no key {token!r}")
            copy[token] = _set(node[token], rest, op)
        elif op["op"] == "remove":
            if token not in copy:
                raise PatchError(f"no key {token!r}")
            del copy[token]
        else:
            if op["op"] == "replace" and token not in copy:
                raise PatchError(f"no key {token!r}")
            copy[token] = op["value"]
        return copy
    if isinstance(node, list):
        copy = list(node)
        if not rest and op["op"] == "add" and token == "-":
            copy.append(op["value"])
            return copy
        if not token.isdigit() or int(token) >= len(node) + (op["op"] == "add" and not rest):
            raise PatchError(f"no index {token!r}")
        index = int(token)
        if rest:
            copy[index] = _set(node[index], rest, op)
        elif op["op"] == "remove":
            del copy[index]
        elif op["op"] == "add":
            copy.insert(index, op["value"])
        else:
            copy[index] = op["value"]
        return copy
    raise PatchError(f"cannot go into {type(node).__name__} at {token!r}")
