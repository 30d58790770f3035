"""Which signed SLA is this file? For the `flask verify` command and the /verify page.

A Markdown file matches when its SHA-256 is a version's document hash. A PDF matches when
it is, byte for byte, the final PDF that was issued; otherwise the Markdown it carries is
checked, so a reader learns whether its text is a signed version's (but the PDF itself is
not the issued file). Nothing is stored.
"""

import hashlib
import io

from . import versions


def verify_bytes(db, content):
    """{"match": bool, "kind": "markdown"|"pdf", "embedded": version or None,
    "versions": [version facts]} for the file's bytes."""
    digest = hashlib.sha256(content).hexdigest()
    kind = "pdf" if content.startswith(b"%PDF") else "markdown"
    found = [_facts(db, row) for row in versions.matching(db, digest)]
    if kind == "markdown":
        found = [f for f in found if f["document_hash"] == digest]
        return {"match": bool(found), "kind": kind, "versions": found, "embedded": None}
    found = [f for f in found if f["final_pdf_hash"] == digest]
    embedded = None
    if not found:
        text = embedded_markdown(content)
        if text is not None:
            inner = hashlib.sha256(text).hexdigest()
            rows = [r for r in versions.matching(db, inner) if r["document_hash"] == inner]
            embedded = _facts(db, rows[0]) if rows else None
    return {"match": bool(found), "kind": kind, "versions": found, "embedded": embedded}


def embedded_markdown(content):
    """The bytes of the first .md file attached to a PDF, or None."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        for name, files in (reader.attachments or {}).items():
            if name.endswith(".md") and files:
                return files[0]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None
    return None


def _facts(db, row):
    workshop = next(
        db.query("SELECT code, title, organisation, time_zone FROM workshops WHERE id = ?",
                 [row["workshop_id"]])
    )  # fmt: skip
    signatures = versions.signatures(db, row["workshop_id"], row["version"])
    newest = versions.latest_signed(db, row["workshop_id"])
    return {
        # An amendment signed later replaces this version (it stays valid as a record).
        "superseded_by": newest["version"]
        if newest and row["status"] == "signed" and newest["version"] > row["version"]
        else None,
        "code": workshop["code"],
        "title": workshop["title"],
        "organisation": workshop["organisation"],
        "time_zone": workshop["time_zone"],
        "version": row["version"],
        "status": row["status"],
        "document_hash": row["document_hash"],
        "final_pdf_hash": row["final_pdf_hash"],
        "finalized_at": row["finalized_at"],
        "participants": len(row["data"].get("participants") or []),
        # A reopened version's signatures were voided: they no longer count.
        "signatures": [
            {k: s[k] for k in ("name", "department", "job_title", "signed_at")}
            for s in signatures
            if row["status"] == "reopened" or not s["voided"]
        ],
    }


def report(result, language):
    """(matches, [lines]) in the given language: what a reader is told about the file."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from . import format as fmt
    from .strings import strings

    t = strings(language)
    lines = []
    with force_locale(language):
        for facts in result["versions"]:
            lines.append(
                _("This file matches version %(version)s of “%(title)s” (workshop %(code)s).",
                  version=facts["version"], title=facts["title"], code=facts["code"])
            )  # fmt: skip
            lines += _status_lines(facts, t, fmt, _)
        embedded = result.get("embedded")
        if not result["match"] and embedded:
            lines.append(
                _("This PDF is not the issued final PDF, but the Markdown inside it matches "
                  "version %(version)s of “%(title)s” (workshop %(code)s).",
                  version=embedded["version"], title=embedded["title"], code=embedded["code"])
            )  # fmt: skip
            lines += _status_lines(embedded, t, fmt, _)
        if not result["match"] and not embedded:
            lines.append(
                _("This file does not match any finalized SLA version: even one changed byte "
                  "gives a different hash.")
            )
    return result["match"], lines


def _status_lines(facts, t, fmt, _):
    lines = []
    if facts["status"] == "signed":
        lines.append(_("Signed by every delegate."))
        if facts.get("superseded_by"):
            lines.append(
                _("A later version (%(n)s) has been signed since and replaces this one.",
                  n=facts["superseded_by"])
            )  # fmt: skip
    elif facts["status"] == "finalized":
        lines.append(
            _("Finalized and awaiting signatures: %(signed)s of %(total)s have signed.",
              signed=len(facts["signatures"]), total=facts["participants"])
        )  # fmt: skip
    else:
        lines.append(_("This version was reopened after finalizing: its signatures are void."))
    for s in facts["signatures"]:
        lines.append(
            _("%(name)s (%(department)s) signed on %(when)s.",
              name=s["name"] + (f", {s['job_title']}" if s.get("job_title") else ""),
              department=t["labels"].get(s["department"], s["department"]),
              when=fmt.moment_text(s["signed_at"], t, facts["time_zone"]))
        )  # fmt: skip
    lines.append(_("Document hash (SHA-256): %(hash)s", hash=facts["document_hash"]))
    return lines
