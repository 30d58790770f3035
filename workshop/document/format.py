"""Markdown formatting for the SLA document: escaping, numbers, dates and tables. Pure."""

import re
from datetime import UTC, datetime

CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£"}

# Backslash escapes that CommonMark and Python-Markdown both honour; <, > and & become
# entities because Python-Markdown leaves "\<" alone and would pass the tag through.
_ESCAPES = str.maketrans(
    {**{c: "\\" + c for c in "\\`*_[](){}!|#+"}, "<": "&lt;", ">": "&gt;", "&": "&amp;"}
)
_LIST_START = re.compile(r"^(\d+)\.")


def escape_markdown(value):
    """User text as literal, single-line Markdown: safe in a paragraph, list or table cell."""
    if value is None:
        return ""
    text = " ".join(str(value).split()).translate(_ESCAPES)
    # "1." or "-" at the start would open a list.
    text = _LIST_START.sub(r"\1\\.", text)
    return "\\" + text if text.startswith("-") else text


def parse_moment(stamp):
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except (TypeError, ValueError):
        return None


def date_text(day, t):
    return f"{day.day} {t['months'][day.month - 1]} {day.year}" if day else "—"


def moment_text(stamp, t):
    moment = parse_moment(stamp)
    if moment is None:
        return escape_markdown(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{date_text(moment.date(), t)}, {moment:%H:%M} UTC"


def number(value, t):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return escape_markdown(value)
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text.replace(",", "\0").replace(".", t["decimal"]).replace("\0", t["thousands"])


def percent(value, t):
    return f"{number(value, t)}%" if value is not None else ""


def money(value, currency, t):
    sign = CURRENCY_SIGNS.get(currency, escape_markdown(currency or ""))
    gap = " " if t["decimal"] == "," or len(sign) > 1 else ""
    return f"{sign}{gap}{number(value, t)}".strip()


def label(value, t):
    """An id (owner, frequency, kind, ...) as its translated label; anything else escaped."""
    if isinstance(value, str) and value in t["labels"]:
        return t["labels"][value]
    return escape_markdown(value)


def table(headers, rows, right=()):
    """A Markdown table, or None for no rows: an empty table would render broken."""
    if not rows:
        return None
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---:" if i in right else "---" for i in range(len(headers))) + " |",
    ]
    lines += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def code_span(digest):
    """A hash as a code span; anything that is not plain hex stays escaped text."""
    return f"`{digest}`" if re.fullmatch(r"[0-9a-f]{64}", str(digest)) else escape_markdown(digest)


def paragraphs(text):
    """Longer captured text: paragraphs kept, everything else literal."""
    parts = re.split(r"\n\s*\n", str(text or "").strip())
    return "\n\n".join(escape_markdown(p) for p in parts if p.strip()) or None
