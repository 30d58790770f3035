"""Markdown formatting for the SLA document: escaping, and Babel's numbers and dates. Pure.

Escaping is as light as safety allows, so the Markdown download reads well in a plain
viewer: only characters that would become markup where they stand get a backslash.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

# Emphasis, code, links, table cells and backslashes anywhere.
_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*[]|"})
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# Raw HTML starts with "<" and a letter, "/", "!" or "?"; an entity with "&name;" or "&#".
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;)")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+>#=~])")


# Bidi isolates: user text may not carry them, so the ones name() adds are always balanced.
FSI, PDI = "\u2068", "\u2069"
_ISOLATES = str.maketrans({c: None for c in "\u2066\u2067\u2068\u2069"})


def escape_markdown(value):
    """User text as literal, single-line Markdown: safe in a paragraph, list or table cell."""
    if value is None:
        return ""
    text = " ".join(str(value).translate(_ISOLATES).split()).translate(_ESCAPES)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub("&amp;", text)
    text = _TAG_START.sub("&lt;", text)
    # "1." or "-" or "#" at the start would open a list, a quote or a heading.
    return _LINE_START.sub(_escape_start, text)


def _escape_start(match):
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(3)


def parse_moment(stamp):
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except (TypeError, ValueError):
        return None


def zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(stamp, time_zone):
    """The calendar date of an ISO moment in the workshop's time zone."""
    moment = parse_moment(stamp)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(time_zone)).date()


def date_text(day, t):
    return format_date(day, "d MMMM y", locale=t["locale"]) if day else "—"


def moment_text(stamp, t, time_zone=None):
    moment = parse_moment(stamp)
    if moment is None:
        return escape_markdown(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(
        moment, "d MMMM y, HH:mm zzz", tzinfo=zone(time_zone), locale=t["locale"]
    )


def number(value, t):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return escape_markdown(value)
    pattern = "#,##0" if float(value).is_integer() else "#,##0.##"
    return format_decimal(value, pattern, locale=t["locale"])


def percent(value, t):
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return escape_markdown(value)
    return format_percent(value / 100, "#,##0.#%", locale=t["locale"])


def money(value, currency, t):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return escape_markdown(value)
    currency = currency if currency in ("EUR", "USD", "GBP") else "EUR"
    whole = float(value).is_integer()
    pattern = t["money_pattern"] if whole else t["money_pattern"] + ".00"
    return format_currency(value, currency, pattern, locale=t["locale"], currency_digits=False)


def hours(value, t):
    return t["n_hours"].format(n=number(value, t))


def name(value):
    """A person's name, isolated so right-to-left text cannot reorder what follows it.
    The HTML turns the isolate marks into <bdi>."""
    text = escape_markdown(value)
    return f"{FSI}{text}{PDI}" if text else ""


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


def bullets(lines):
    return "\n".join(f"- {line}" for line in lines) or None


def code_span(digest):
    """A hash as a code span; anything that is not plain hex stays escaped text."""
    return f"`{digest}`" if re.fullmatch(r"[0-9a-f]{64}", str(digest)) else escape_markdown(digest)


def paragraphs(text):
    """Longer captured text as one quoted block: its paragraphs kept, everything literal, and
    never a line that reads like the document's own words."""
    parts = re.split(r"\n\s*\n", str(text or "").strip())
    return "\n>\n".join(f"> {escape_markdown(p)}" for p in parts if p.strip()) or None
