"""The document to read in the page before signing: the same sanitised HTML as the PDF,
part by part, with what changed since the previous version after a reopen."""

import difflib
import re

from . import versions
from .canonical import canonical_markdown, status_text
from .data import document_for
from .memo import Memo
from .render import _embed_pictures, _sanitised_html, _toc_entries, body_markdown

_H2 = re.compile(r"^## ", re.MULTILINE)
_MARKUP = re.compile(r"\\([\\`*_\[\]|#+\-.>!])|[*`]|^#+ |^\|[\s\-:|]+\|$")


_views = Memo(32)


def reading_view(db, workshop):
    """The view for everyone in the workshop: the same for every member, so it is built once
    per change (the workshop's version grows with every change) and served from memory."""
    key = (workshop["id"], workshop["version"])
    return _views.get(key, lambda: _reading_view(db, workshop))


def _reading_view(db, workshop):
    """{version, status, status_text, document_hash, draft, previous_version, toc, parts}."""
    data = document_for(db, workshop)
    signoff = data.get("signoff") or {}
    body = body_markdown(data)
    before = versions.previous(db, workshop["id"], signoff.get("version") or 1)
    old_parts = _parts(before["markdown"]) if before else {}
    clean, toc = _sanitised_html(body)
    pictures = data.get("pictures") or {}
    chunks = re.split(r"(?=<h2[ >])", clean)[1:]
    signed_titles = _parts(data.get("canonical") or canonical_markdown(data))
    parts = []
    for (title, text), chunk in zip(_parts(body).items(), chunks, strict=False):
        heading = re.search(r'<h2 id="([^"]+)"', chunk)
        compare = before is not None and title in signed_titles
        changes = _changes(old_parts.get(title), text) if compare else []
        parts.append(
            {
                "id": heading.group(1) if heading else "",
                "title": title,
                "html": _embed_pictures(chunk, pictures, drop_missing=True),
                "changed": bool(changes) or (compare and title not in old_parts),
                "changes": changes,
            }
        )
    return {
        "version": signoff.get("version"),
        "status": signoff.get("status"),
        "status_text": status_text(data),
        "document_hash": signoff.get("document_hash"),
        "draft": signoff.get("status") != "signed",
        "previous_version": before["version"] if before else None,
        "toc": _toc_entries(toc),
        "parts": parts,
    }


def _parts(markdown_text):
    """{h2 title: its Markdown} in document order."""
    parts = {}
    for block in _H2.split(markdown_text)[1:]:
        title, _, text = block.partition("\n")
        parts[title.strip()] = text
    return parts


# An open point's number ("O54") shifts for every line after one that was settled: such a
# shift is not a change in what was agreed, so lines are compared without the numbers.
_POINT_REF = re.compile(r"\bO\d+\b")


def _changes(old, new):
    """[{kind: "added"|"removed", text}] lines that differ, as plain text."""
    if old is None:
        return []
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(
        None, [_POINT_REF.sub("O", x) for x in before], [_POINT_REF.sub("O", x) for x in after],
        autojunk=False,
    )  # fmt: skip
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes += [{"kind": "removed", "text": _plain(x)} for x in before[i1:i2]]
        changes += [{"kind": "added", "text": _plain(x)} for x in after[j1:j2]]
    return [c for c in changes if c["text"]][:40]


def _plain(line):
    """A Markdown line as readable text: table pipes become separators, escapes go."""
    line = _MARKUP.sub(lambda m: m.group(1) or "", line.strip())
    cells = [c.strip() for c in line.strip("|").split("|")]
    return " · ".join(c for c in cells if c and c != "—")
