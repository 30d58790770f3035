"""Access and error log lines without secrets: the facilitator link's key, tokens, session
ids. app.py's request handler sends every line through redact_secrets."""

import re
from urllib.parse import unquote_plus

# Query parameters whose short plain values may be logged: engine.io's and the language.
LOGGED_PARAMS = {"EIO", "transport", "t", "lang"}
_QUERY = re.compile(r"\?([^\s\"]*)")
_SECRET_ANYWHERE = re.compile(r"(?i)(key|token|sid)(=|%3D)[^&\s\"]*")
_BEARER = re.compile(r"(?i)(bearer\s+)\S+")


def _redact_query(match):
    parts = re.split(r"([&;])", match.group(1))  # the separators are kept at odd places
    for i in range(0, len(parts), 2):
        name, equals, value = parts[i].partition("=")
        plain = re.fullmatch(r"[A-Za-z0-9._-]{0,16}", value) is not None
        if equals and not (unquote_plus(name) in LOGGED_PARAMS and plain):
            parts[i] = name + equals + "…"
    return "?" + "".join(parts)


def redact_secrets(line):
    """A log line without secrets: every query value but a few harmless ones, anything
    like key=/token=/sid= (also percent-encoded), and bearer tokens become "…"."""
    line = _QUERY.sub(_redact_query, line)
    line = _SECRET_ANYWHERE.sub(lambda m: m.group(1) + m.group(2) + "…", line)
    return _BEARER.sub(lambda m: m.group(1) + "…", line)
