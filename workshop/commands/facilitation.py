"""The facilitator's controls: agenda, captured values, locks, timer, settings."""

import time

from ..domain import codes
from ..domain.sections import FIELDS
from ..domain.stages import SECTIONS, STAGES
from ..i18n import N_
from ..store import from_json, set_field, to_json
from ..validation import Bool, Id, Int, Invalid, OneOf, Spec, Text, kind_spec
from . import FACILITATOR, CommandError, command

FIELD_TEXT_MAX = 2000  # a captured text value (set_field); the page's inputs read it too


class AnyValue(Spec):
    """Checked against the field's kind in the handler."""

    def __call__(self, value, name):
        return value


@command("goto_stage", FACILITATOR, while_finalized=True, stage=OneOf(STAGES))
def goto_stage(ctx, stage):
    """The facilitator moves the group forward or back; everyone follows. The clock starts
    when the group first leaves the lobby; each stage's own clock when it is entered."""
    now = time.time()
    started = None if stage == "lobby" else now
    ctx.db.execute(
        "UPDATE workshops SET stage = ?, stage_started_at = ?,"
        " started_at = COALESCE(started_at, ?) WHERE id = ?",
        [stage, now, started, ctx.actor.workshop_id],
    )


@command(
    "set_field", FACILITATOR, section=OneOf(tuple(FIELDS)), field=Text(max_len=60), value=AnyValue()
)
def set_field_command(ctx, section, field, value):
    """The facilitator captures an agreed value, e.g. process.follow_up_hours = 24."""
    if field not in FIELDS[section]:
        raise CommandError("invalid", N_("Unknown field: %(field)s."), field=field[:40])
    if section in (from_json(ctx.workshop["locked_sections"]) or []):
        raise CommandError("conflict", N_("This section is locked."))
    try:
        value = kind_spec(FIELDS[section][field], max_len=FIELD_TEXT_MAX)(value, field)
    except Invalid as exc:
        raise CommandError("invalid", exc.message, **exc.params) from None
    set_field(ctx.db, ctx.actor.workshop_id, section, field, value)


def _set_lock(ctx, section, locked):
    sections = set(from_json(ctx.workshop["locked_sections"]) or [])
    sections = sections | {section} if locked else sections - {section}
    ctx.db.execute(
        "UPDATE workshops SET locked_sections = ? WHERE id = ?",
        [to_json(sorted(sections)), ctx.actor.workshop_id],
    )


@command("lock_section", FACILITATOR, section=OneOf(SECTIONS))
def lock_section(ctx, section):
    """The facilitator locks a section: no proposals, votes or edits until unlocked."""
    _set_lock(ctx, section, True)


@command("unlock_section", FACILITATOR, section=OneOf(SECTIONS))
def unlock_section(ctx, section):
    """The facilitator unlocks a section again."""
    _set_lock(ctx, section, False)


@command("start_timer", FACILITATOR, while_finalized=True, seconds=Int(low=5, high=3 * 60 * 60))
def start_timer(ctx, seconds):
    """The facilitator starts a countdown everyone sees, with an alarm at zero."""
    ctx.db.execute(
        "UPDATE workshops SET timer_ends_at = ?, timer_seconds = ? WHERE id = ?",
        [time.time() + seconds, seconds, ctx.actor.workshop_id],
    )


@command("stop_timer", FACILITATOR, while_finalized=True)
def stop_timer(ctx):
    """The facilitator stops the countdown."""
    ctx.db.execute(
        "UPDATE workshops SET timer_ends_at = NULL, timer_seconds = NULL WHERE id = ?",
        [ctx.actor.workshop_id],
    )


@command("set_anonymous", FACILITATOR, anonymous=Bool())
def set_anonymous(ctx, anonymous):
    """The facilitator chooses whether revealed votes show who voted what."""
    ctx.db.execute(
        "UPDATE workshops SET anonymous_votes = ? WHERE id = ?",
        [int(anonymous), ctx.actor.workshop_id],
    )


@command("create_projector_link", FACILITATOR, while_finalized=True)
def create_projector_link(ctx):
    """The facilitator makes the projector's own read-only link: it shows the room's screen
    and can change nothing. A new link ends the previous one. Its token is in the ack only."""
    token = codes.new_token()
    ctx.db.execute(
        "UPDATE workshops SET projector_token_hash = ? WHERE id = ?",
        [codes.token_hash(token), ctx.actor.workshop_id],
    )
    return {"ack": {"projector_path": f"/w/{ctx.workshop['code']}/present?view={token}"}}


@command("spotlight", FACILITATOR, while_finalized=True, item_id=Id(optional=True))
def spotlight(ctx, item_id=None):
    """The facilitator puts one item on the projector, large, with its live vote count and,
    after the reveal, its result; `null` (or no item_id) goes back to the section overview."""
    if item_id is not None:
        rows = list(
            ctx.db.query(
                "SELECT id FROM items WHERE id = ? AND workshop_id = ?",
                [item_id, ctx.actor.workshop_id],
            )
        )
        if not rows:
            raise CommandError("not_found", N_("There is no such item in this workshop."))
    ctx.db.execute(
        "UPDATE workshops SET spotlight_item_id = ? WHERE id = ?",
        [item_id, ctx.actor.workshop_id],
    )
