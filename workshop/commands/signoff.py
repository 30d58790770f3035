"""Sign-off: freeze the document, sign its exact hash, reopen (which voids the signatures)."""

import re

from ..store import now_iso
from ..validation import N_, Text
from . import DELEGATE, FACILITATOR, CommandError, command

HASH = re.compile(r"^[0-9a-f]{64}$")


def current_hash(ctx):
    """The SHA-256 of the canonical Markdown as the document stands inside this transaction."""
    from ..document.canonical import canonical_markdown, document_hash
    from ..document.render import document_for

    workshop = dict(ctx.workshop)
    return document_hash(canonical_markdown(document_for(ctx.db, workshop)))


@command("finalize", FACILITATOR)
def finalize(ctx):
    """The facilitator freezes the document; every delegate is asked to sign its hash."""
    if ctx.workshop["signoff_status"] != "open":
        raise CommandError("conflict", N_("The document is finalized already."))
    # The date is part of the signed text, so it is fixed before the hash is taken.
    ctx.db.execute(
        "UPDATE workshops SET finalized_at = ? WHERE id = ?", [now_iso(), ctx.actor.workshop_id]
    )
    document_hash = current_hash(ctx)
    ctx.db.execute(
        "UPDATE workshops SET signoff_status = 'finalized', document_hash = ? WHERE id = ?",
        [document_hash, ctx.actor.workshop_id],
    )
    return {"document_hash": document_hash}


@command("sign", DELEGATE, while_finalized=True, document_hash=Text(max_len=64))
def sign(ctx, document_hash):
    """A delegate signs exactly the finalized version; a stale or wrong hash is a conflict."""
    workshop = ctx.workshop
    if workshop["signoff_status"] == "open":
        raise CommandError("conflict", N_("The document is not finalized yet."))
    if not HASH.match(document_hash) or document_hash != workshop["document_hash"]:
        raise CommandError(
            "conflict", N_("The document has changed since you opened it: read it again and sign.")
        )
    already = list(
        ctx.db.query(
            "SELECT id FROM signatures WHERE workshop_id = ? AND member_id = ?"
            " AND signoff_version = ? AND voided = 0",
            [ctx.actor.workshop_id, ctx.actor.member_id, workshop["signoff_version"]],
        )
    )
    if already:
        raise CommandError("conflict", N_("You have signed this version already."))
    ctx.db.execute(
        "INSERT INTO signatures (workshop_id, member_id, signoff_version, document_hash, signed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            ctx.actor.workshop_id,
            ctx.actor.member_id,
            workshop["signoff_version"],
            document_hash,
            now_iso(),
        ],
    )
    return complete_if_everyone_signed(ctx)


def complete_if_everyone_signed(ctx):
    """When every remaining delegate has signed the finalized version, the SLA is signed."""
    workshop = ctx.workshop
    if workshop["signoff_status"] != "finalized":
        return {}
    version = workshop["signoff_version"]
    unsigned = next(
        ctx.db.query(
            "SELECT COUNT(*) AS n FROM members m WHERE m.workshop_id = ? AND m.role = 'participant'"
            " AND m.removed = 0 AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.member_id = m.id"
            " AND s.signoff_version = ? AND s.voided = 0)",
            [ctx.actor.workshop_id, version],
        )
    )["n"]
    signed = next(
        ctx.db.query(
            "SELECT COUNT(*) AS n FROM signatures WHERE workshop_id = ? AND signoff_version = ?"
            " AND voided = 0",
            [ctx.actor.workshop_id, version],
        )
    )["n"]
    if unsigned == 0 and signed > 0:
        ctx.db.execute(
            "UPDATE workshops SET signoff_status = 'signed' WHERE id = ?", [ctx.actor.workshop_id]
        )
        return {"all_signed": True}
    return {}


@command("reopen", FACILITATOR, while_finalized=True)
def reopen(ctx):
    """The facilitator reopens the document: signatures are void and the version goes up."""
    if ctx.workshop["signoff_status"] == "open":
        raise CommandError("conflict", N_("The document is open already."))
    ctx.db.execute(
        "UPDATE signatures SET voided = 1 WHERE workshop_id = ? AND voided = 0",
        [ctx.actor.workshop_id],
    )
    ctx.db.execute(
        "UPDATE workshops SET signoff_status = 'open', signoff_version = signoff_version + 1,"
        " document_hash = NULL, finalized_at = NULL, final_pdf = NULL, final_pdf_hash = NULL"
        " WHERE id = ?",
        [ctx.actor.workshop_id],
    )
