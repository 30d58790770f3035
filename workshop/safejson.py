"""JSON from clients, refused when nested deeper than any command needs.

Python's decoder recurses: "[" * 1000 + "]" * 1000 raises RecursionError, which no caller
expects. The depth is counted first, without recursion. Over HTTP a too deep body is a
ValueError like any unparsable one (400); on the socket the event arrives with UNREADABLE
as its argument, so the command gets an ack ({ok: false, code: "invalid"}).
"""

import json
import re

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class Unreadable:
    """Stands for JSON that could not be read: a socket event's argument nested too deeply,
    an HTTP command's unparsable body. A command made of it is refused as invalid."""

    def __repr__(self):
        return "UNREADABLE"


UNREADABLE = Unreadable()


def too_deep(text, limit=MAX_DEPTH):
    """Whether JSON text opens more than `limit` arrays or objects inside each other."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def loads(text, **kwargs):
    """json.loads, with a ValueError for JSON nested more than MAX_DEPTH deep."""
    if too_deep(text):
        raise ValueError(f"JSON nested more than {MAX_DEPTH} levels deep")
    return json.loads(text, **kwargs)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with the depth limit."""

    def loads(self, s, **kwargs):
        return loads(s, **kwargs)


class SocketJSON:
    """The json module for Socket.IO packets: a too deep event keeps its name and gets
    UNREADABLE as its one argument; anything else too deep (a connect's auth) is UNREADABLE."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text, *args, **kwargs):
        if not too_deep(text):
            return json.loads(text, *args, **kwargs)
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8", "replace")
        rest = text.lstrip()[1:].lstrip() if text.lstrip().startswith("[") else ""
        if rest.startswith('"'):  # a string decodes without recursion
            try:
                event, _ = json.JSONDecoder().raw_decode(rest)
            except ValueError:
                return UNREADABLE
            return [event, UNREADABLE]
        return UNREADABLE
