"""The single path for every change: authorise, validate, apply in one transaction, audit.

HTTP routes and socket handlers call `execute` (through `service.run_command`), which
broadcasts the new state afterwards. Handlers register with `@command`.
"""

from dataclasses import dataclass

from ..i18n import N_
from ..store import bump_version, member_by_id, record_audit, workshop_by_id
from ..validation import Invalid, check_payload

FACILITATOR = frozenset({"facilitator"})
DELEGATE = frozenset({"participant"})
ANYONE = FACILITATOR | DELEGATE

ERROR_CODES = ("forbidden", "invalid", "not_found", "conflict", "rate_limited")


class CommandError(Exception):
    """A refused command: code is one of ERROR_CODES, message an untranslated msgid;
    extra: more keys for the ack (e.g. the open points that stopped a finalize)."""

    def __init__(self, code, message, extra=None, **params):
        super().__init__(message % params if params else message)
        self.code, self.message, self.params = code, message, params
        self.extra = extra or {}


@dataclass(frozen=True)
class Actor:
    member_id: int
    workshop_id: int
    role: str
    name: str
    department: str | None
    language: str

    @classmethod
    def from_rows(cls, member, workshop):
        return cls(
            member_id=member["id"],
            workshop_id=member["workshop_id"],
            role=member["role"],
            name=member["name"],
            department=member["department"],
            language=member["language"] or workshop["language"],
        )


@dataclass
class Context:
    """What a handler sees: the open transaction, who acts, the workshop row, the new version."""

    db: object
    actor: Actor
    workshop: dict
    version: int


@dataclass(frozen=True)
class Command:
    name: str
    handler: object
    who: frozenset
    specs: dict
    while_finalized: bool


REGISTRY: dict[str, Command] = {}


def command(name, who, while_finalized=False, **specs):
    """Registers a handler(ctx, **arguments). while_finalized: allowed on a frozen document."""

    def register(handler):
        REGISTRY[name] = Command(name, handler, who, specs, while_finalized)
        return handler

    return register


def execute(db, member_id, payload):
    """Runs one command for a member; returns (version, result dict). Raises CommandError."""
    if not isinstance(payload, dict):
        raise CommandError("invalid", N_("A command must be an object with a type."))
    cmd = REGISTRY.get(payload.get("type")) if isinstance(payload.get("type"), str) else None
    if cmd is None:
        raise CommandError("invalid", N_("Unknown command."))
    # Authorise: the caller's role is read from the database on every command,
    # so a removed delegate or a stale session can do nothing.
    member = member_by_id(db, member_id)
    if member is None or member["removed"]:
        raise CommandError("forbidden", N_("You are no longer part of this workshop."))
    if member["role"] not in cmd.who:
        raise CommandError("forbidden", N_("Only the facilitator can do that."))
    try:
        arguments = check_payload(payload, cmd.specs)
    except Invalid as exc:
        raise CommandError("invalid", exc.message, **exc.params) from None
    with db.atomic():
        version = bump_version(db, member["workshop_id"])
        workshop = workshop_by_id(db, member["workshop_id"])
        actor = Actor.from_rows(member, workshop)
        if workshop["signoff_status"] != "open" and not cmd.while_finalized:
            raise CommandError(
                "conflict", N_("The document is finalized: the facilitator must reopen it first.")
            )
        ctx = Context(db, actor, workshop, version)
        result = cmd.handler(ctx, **arguments) or {}
        record_audit(db, actor.workshop_id, actor.member_id, cmd.name, arguments, version)
    return version, result


# Register the handlers.
from . import actuals, escalations, facilitation, items, lobby, reviews, signoff  # noqa: E402,F401
