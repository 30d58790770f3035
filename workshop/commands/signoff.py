"""Sign-off: freeze the document, sign its exact hash, reopen (which voids the signatures)."""

import re

from ..document import versions
from ..document.data import live_data
from ..document.open_points import for_person
from ..i18n import N_
from ..store import now_iso, workshop_by_id
from ..validation import Text
from . import DELEGATE, FACILITATOR, CommandError, command

HASH = re.compile(r"^[0-9a-f]{64}$")


def live_document(ctx):
    """The document data as the workshop stands inside this transaction."""
    return live_data(ctx.db, workshop_by_id(ctx.db, ctx.actor.workshop_id))


@command("finalize", FACILITATOR, reason=Text(max_len=1000, optional=True, multiline=True))
def finalize(ctx, reason=None):
    """The facilitator freezes the document as a version; every delegate is asked to sign its
    hash. With open points (undecided items, contradictions, warnings) it needs a reason."""
    if ctx.workshop["signoff_status"] != "open":
        raise CommandError("conflict", N_("The document is finalized already."))
    # The date is part of the signed text, so it is fixed before the content is frozen.
    finalized_at = now_iso()
    ctx.db.execute(
        "UPDATE workshops SET finalized_at = ? WHERE id = ?", [finalized_at, ctx.actor.workshop_id]
    )
    data = live_document(ctx)
    currency = (data["fields"].get("targets") or {}).get("currency")
    points = for_person(data["open_points"], ctx.actor.language, currency)
    if points and not reason:
        raise CommandError(
            "conflict",
            N_(
                "%(n)s open points: settle them, or finalize with a reason to record them as "
                "actions in the document."
            ),
            extra={"open_points": points},
            n=len(points),
        )
    if points:
        data["finalize"] = {"reason": reason}
    version = ctx.workshop["signoff_version"]
    digest = versions.freeze(
        ctx.db, ctx.actor.workshop_id, version, data, finalized_at, ctx.actor.member_id
    )
    ctx.db.execute(
        "UPDATE workshops SET signoff_status = 'finalized', document_hash = ? WHERE id = ?",
        [digest, ctx.actor.workshop_id],
    )
    return {"document_hash": digest, "ack": {"document_hash": digest, "open_points": points}}


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
        versions.set_status(ctx.db, ctx.actor.workshop_id, version, "signed")
        return {"all_signed": True}
    return {}


@command("reopen", FACILITATOR, while_finalized=True)
def reopen(ctx):
    """The facilitator reopens the document: signatures are void and the version goes up.
    A signed SLA is never voided: reopening it starts an amendment."""
    if ctx.workshop["signoff_status"] == "open":
        raise CommandError("conflict", N_("The document is open already."))
    if ctx.workshop["signoff_status"] == "signed":
        return open_amendment(ctx, stage=ctx.workshop["stage"])
    versions.set_status(ctx.db, ctx.actor.workshop_id, ctx.workshop["signoff_version"], "reopened")
    # Only this version's signatures: an earlier signed version keeps its own.
    ctx.db.execute(
        "UPDATE signatures SET voided = 1 WHERE workshop_id = ? AND signoff_version = ?"
        " AND voided = 0",
        [ctx.actor.workshop_id, ctx.workshop["signoff_version"]],
    )
    ctx.db.execute(
        "UPDATE workshops SET signoff_status = 'open', signoff_version = signoff_version + 1,"
        " document_hash = NULL, finalized_at = NULL, final_pdf = NULL, final_pdf_hash = NULL"
        " WHERE id = ?",
        [ctx.actor.workshop_id],
    )


@command("start_amendment", FACILITATOR, while_finalized=True)
def start_amendment(ctx):
    """The facilitator starts an amendment of the signed SLA: the workshop opens again at
    version N + 1 with the signed content as its starting point (items keep their agreed
    state and ids); version N stays signed and in force until N + 1 is signed."""
    if ctx.workshop["signoff_status"] != "signed":
        raise CommandError(
            "conflict",
            N_("Only a signed SLA can be amended: every delegate signs the current version first."),
        )
    # The review stage shows the signed text and, as the group works, what changed.
    return open_amendment(ctx, stage="review")


def open_amendment(ctx, stage):
    """Version N + 1, open; version N keeps its status and signatures."""
    ctx.db.execute(
        "UPDATE workshops SET signoff_status = 'open', signoff_version = signoff_version + 1,"
        " document_hash = NULL, finalized_at = NULL, final_pdf = NULL, final_pdf_hash = NULL,"
        " stage = ? WHERE id = ?",
        [stage, ctx.actor.workshop_id],
    )
