"""Frozen document versions: what `finalize` stored is what is signed, exported and verified.

A version row keeps the data the document was made from and its canonical Markdown, whose
SHA-256 is the signed hash. Nothing live (presence, removals, a language switch, a restart,
another draft) reaches a stored version; signatures live beside it, outside the hash.
"""

import json

from .canonical import canonical_markdown, document_hash

SIGNATURE_KEYS = ("participant_id", "name", "department", "job_title", "signed_at")


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


def listing(db, workshop_id):
    """Every stored version, oldest first: {version, document_hash, status, finalized_at,
    final_pdf_hash, signatures}. A reopened version's signatures were voided: none count."""
    rows = db.query(
        "SELECT version, status, document_hash, finalized_at, final_pdf_hash"
        " FROM document_versions WHERE workshop_id = ? ORDER BY version",
        [workshop_id],
    )
    return [
        {
            **dict(row),
            "signatures": [
                {k: s[k] for k in SIGNATURE_KEYS}
                for s in signatures(db, workshop_id, row["version"])
                if not s["voided"]
            ],
        }
        for row in list(rows)
    ]


def latest_signed(db, workshop_id, below=None):
    """The latest signed version's row (below a version number, if given), or None."""
    rows = list(
        db.query(
            "SELECT version FROM document_versions WHERE workshop_id = ? AND status = 'signed'"
            " AND version < ? ORDER BY version DESC LIMIT 1",
            [workshop_id, below if below is not None else 1 << 62],
        )
    )
    return stored(db, workshop_id, rows[0]["version"]) if rows else None


def kpi_targets_by_version(db, workshop_id):
    """{KPI item id: [{version, signed_at, target, direction, unit, period, text}]}, one entry
    per signed version that holds the KPI, oldest first: what a trend chart needs to show
    where a target changed. `signed_at` is when that version's last signature came, so the
    target applies from then on."""
    from ..dashboard.board import kpi_of  # the dashboard's reading of a KPI, one rule

    history = {}
    for row in listing(db, workshop_id):
        if row["status"] != "signed":
            continue
        data = stored(db, workshop_id, row["version"])["data"]
        linked = data.get("kpi_targets") or {}
        signed_at = max((s["signed_at"] for s in row["signatures"]), default=None)
        for item in data.get("agreed") or []:
            if item.get("section") != "kpis":
                continue
            kpi = kpi_of(item, linked.get(str(item["id"])), data)
            history.setdefault(item["id"], []).append(
                {"version": row["version"], "signed_at": signed_at,
                 **{k: kpi[k] for k in ("target", "direction", "unit", "period", "text")}}
            )  # fmt: skip
    return history


def target_changes(db, workshop_id):
    """{KPI item id: [{version, signed_at, target, ...}]} for the KPIs whose target differs
    between signed versions (each entry where it took a new value, the first included)."""
    changed = {}
    for item_id, steps in kpi_targets_by_version(db, workshop_id).items():
        kept = [s for n, s in enumerate(steps) if n == 0 or s["target"] != steps[n - 1]["target"]]
        if len(kept) > 1:
            changed[item_id] = kept
    return changed


def amendment(db, workshop, data):
    """{since_version, changes} while the workshop amends a signed version (the latest signed
    one below its current version), else None: what `data` changes, item by item."""
    from ..versions.changes import changes_between

    if workshop["signoff_status"] == "signed":
        return None
    base = latest_signed(db, workshop["id"], below=workshop["signoff_version"])
    if base is None:
        return None
    return {"since_version": base["version"], "changes": changes_between(base["data"], data)}


def target_at(steps, day):
    """The target in force on `day` (a date) from one KPI's `kpi_targets_by_version` steps:
    the latest version signed on or before that day; before the first signature, the first
    version's. A trend chart asks it for each period's first day."""
    from datetime import datetime

    in_force = steps[0]
    for step in steps:
        if step["signed_at"] and datetime.fromisoformat(step["signed_at"]).date() <= day:
            in_force = step
    return in_force["target"]
