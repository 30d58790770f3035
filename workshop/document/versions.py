"""Frozen document versions: what `finalize` stored is what is signed, exported and verified.

A version row keeps the data the document was made from and its canonical Markdown, whose
SHA-256 is the signed hash. Nothing live (presence, removals, a language switch, a restart,
another draft) reaches a stored version; signatures live beside it, outside the hash.
"""

import json

from .canonical import canonical_markdown, document_hash


def freeze(db, workshop_id, version, data, finalized_at, finalized_by):
    """Stores the version inside the caller's transaction; returns its hash."""
    # Round-trip through JSON first: the stored data must give exactly the hashed bytes.
    stored = json.dumps(data, ensure_ascii=False, sort_keys=True)
    markdown = canonical_markdown(json.loads(stored))
    digest = document_hash(markdown)
    db.execute(
        "INSERT INTO document_versions (workshop_id, version, data, markdown, document_hash,"
        " finalized_at, finalized_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(workshop_id, version) DO UPDATE SET status = 'finalized',"
        " data = excluded.data, markdown = excluded.markdown,"
        " document_hash = excluded.document_hash, finalized_at = excluded.finalized_at,"
        " finalized_by = excluded.finalized_by, final_pdf = NULL, final_pdf_hash = NULL",
        [workshop_id, version, stored, markdown, digest, finalized_at, finalized_by],
    )
    return digest


def stored(db, workshop_id, version):
    """The version row with its data parsed, or None."""
    rows = list(
        db.query(
            "SELECT * FROM document_versions WHERE workshop_id = ? AND version = ?",
            [workshop_id, version],
        )
    )
    return _parsed(rows[0]) if rows else None


def current(db, workshop):
    """The frozen version a finalized or signed workshop is at, or None while open."""
    if workshop["signoff_status"] == "open":
        return None
    return stored(db, workshop["id"], workshop["signoff_version"])


def previous(db, workshop_id, before_version):
    """The latest stored version below before_version, or None: what a reopen changed."""
    rows = list(
        db.query(
            "SELECT * FROM document_versions WHERE workshop_id = ? AND version < ?"
            " ORDER BY version DESC LIMIT 1",
            [workshop_id, before_version],
        )
    )
    return _parsed(rows[0]) if rows else None


def set_status(db, workshop_id, version, status):
    db.execute(
        "UPDATE document_versions SET status = ? WHERE workshop_id = ? AND version = ?",
        [status, workshop_id, version],
    )


def matching(db, digest):
    """Version rows whose Markdown hash or final PDF hash is digest."""
    return [
        _parsed(row)
        for row in db.query(
            "SELECT * FROM document_versions WHERE document_hash = ? OR final_pdf_hash = ?"
            " ORDER BY id",
            [digest, digest],
        )
    ]


def signatures(db, workshop_id, version):
    """[{participant_id, name, department, job_title, signed_at}] for a version, voided or not
    (a reopened version's signatures are void: the caller says so)."""
    return [
        dict(row)
        for row in db.query(
            "SELECT s.member_id AS participant_id, m.name, m.department, m.job_title,"
            " s.signed_at, s.voided FROM signatures s JOIN members m ON m.id = s.member_id"
            " WHERE s.workshop_id = ? AND s.signoff_version = ? ORDER BY s.signed_at, s.id",
            [workshop_id, version],
        )
    ]


def _parsed(row):
    row = dict(row)
    row["data"] = json.loads(row["data"])
    return row
