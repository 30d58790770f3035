"""Commands of the lobby and of the people in the room."""

from ..domain.stages import MAX_STAGE_MINUTES, STAGES
from ..i18n import N_
from ..store import from_json, member_by_id, to_json
from ..validation import Bool, Id, Int, OneOf
from . import ANYONE, FACILITATOR, CommandError, command


@command("set_ready", ANYONE, while_finalized=True, ready=Bool())
def set_ready(ctx, ready):
    """A delegate tells the room they are ready to start (or not)."""
    ctx.db.execute("UPDATE members SET ready = ? WHERE id = ?", [int(ready), ctx.actor.member_id])


@command("set_language", ANYONE, while_finalized=True, language=OneOf(("en", "nl")))
def set_language(ctx, language):
    """A person switches their own interface language."""
    ctx.db.execute("UPDATE members SET language = ? WHERE id = ?", [language, ctx.actor.member_id])


@command("remove_participant", FACILITATOR, while_finalized=True, participant_id=Id())
def remove_participant(ctx, participant_id):
    """The facilitator removes a delegate; their token stops working at once."""
    member = member_by_id(ctx.db, participant_id)
    if (
        member is None
        or member["workshop_id"] != ctx.actor.workshop_id
        or member["role"] != "participant"
        or member["removed"]
    ):
        raise CommandError("not_found", N_("There is no such delegate in this workshop."))
    ctx.db.execute("UPDATE members SET removed = 1, ready = 0 WHERE id = ?", [participant_id])
    ctx.db.execute(
        "DELETE FROM votes WHERE member_id = ? AND item_id IN"
        " (SELECT id FROM items WHERE workshop_id = ? AND status = 'open')",
        [participant_id, ctx.actor.workshop_id],
    )
    # Removing the last delegate who had not signed completes the sign-off.
    from .signoff import complete_if_everyone_signed

    return {"removed_member": participant_id, **complete_if_everyone_signed(ctx)}


@command(
    "set_stage_plan",
    FACILITATOR,
    while_finalized=True,
    stage=OneOf(STAGES),
    minutes=Int(low=0, high=MAX_STAGE_MINUTES),
)
def set_stage_plan(ctx, stage, minutes):
    """The facilitator plans a stage's minutes (in the lobby); the agenda and its breaks,
    the clock and the timer's suggestion follow."""
    plan = from_json(ctx.workshop["stage_plan"]) or {}
    plan[stage] = minutes
    ctx.db.execute(
        "UPDATE workshops SET stage_plan = ? WHERE id = ?", [to_json(plan), ctx.actor.workshop_id]
    )
