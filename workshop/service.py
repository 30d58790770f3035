"""Entry points that change a workshop; routes and socket handlers stay thin and call these."""

import fcntl
import hashlib
import os
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from . import offload, store
from .broadcast import changed
from .commands import CommandError, execute
from .db import get_db
from .domain import codes
from .domain.draft import draft_fields, draft_items
from .domain.names import clashes
from .errors import error_body
from .i18n import DEFAULT_TIME_ZONE, N_
from .safejson import UNREADABLE
from .security import command_bucket_allows, command_retry_after
from .validation import Invalid, OneOf, PersonName, Text, TimeZone, check_payload

MAX_DELEGATES = 8
TIME_ZONES = tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))
# The home page offers these; the API takes any IANA name.
COMMON_TIME_ZONES = (
    "Europe/Amsterdam", "Europe/Brussels", "Europe/London", "Europe/Dublin", "Europe/Berlin",
    "Europe/Paris", "Europe/Madrid", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
    "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
    "Australia/Sydney", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "America/Sao_Paulo", "America/Paramaribo", "America/Curacao", "UTC",
)  # fmt: skip

CREATE_SPECS = {
    "title": Text(max_len=120),
    "facilitator_name": PersonName(max_len=80),
    "organisation": Text(max_len=120, min_len=0, optional=True),
    "language": OneOf(("en", "nl")),
    "start_from": OneOf(("draft", "empty"), optional=True),
    "time_zone": TimeZone(TIME_ZONES, optional=True),
}
JOIN_SPECS = {
    "name": PersonName(max_len=80),
    "department": OneOf(("marketing", "sales")),
    "job_title": Text(max_len=80, min_len=0, optional=True),
}


UNREADABLE_JSON = N_("The request is not valid JSON, or it is nested too deeply.")


def readable(payload):
    """The payload, unless its JSON could not be read (safejson.UNREADABLE): invalid."""
    if payload is UNREADABLE:
        raise CommandError("invalid", UNREADABLE_JSON)
    return payload


def checked(payload, specs):
    """The validated arguments of a request body, or an `invalid` CommandError."""
    readable(payload)
    try:
        return check_payload(payload if isinstance(payload, dict) else {}, specs)
    except Invalid as exc:
        raise CommandError("invalid", exc.message, **exc.params) from None


def create_workshop(db, payload):
    """A facilitator opens a workshop: returns (workshop row, facilitator token)."""
    data = checked(payload, CREATE_SPECS)
    token = codes.new_token()
    with db.atomic():
        code = _unused_code(db)
        workshop_id = db.execute(
            "INSERT INTO workshops (code, title, organisation, language, time_zone, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                code,
                data["title"],
                data.get("organisation", ""),
                data["language"],
                data.get("time_zone") or DEFAULT_TIME_ZONE,
                store.now_iso(),
            ],
        ).lastrowid
        member_id = store.add_member(
            db, workshop_id, "facilitator", data["facilitator_name"], None, token
        )
        if data.get("start_from", "draft") == "draft":
            seed_draft(db, workshop_id, data["language"])
        store.record_audit(db, workshop_id, member_id, "create_workshop", data, 1)
    return store.workshop_by_id(db, workshop_id), token


def seed_draft(db, workshop_id, language):
    """The strong draft: proposals like any other, nothing agreed until the group agrees."""
    positions = {}
    for item in draft_items(language):
        position = positions.get(item["section"], 0) + 1
        positions[item["section"]] = position
        db.execute(
            "INSERT INTO items"
            " (workshop_id, section, text, details, position, from_draft, created_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?)",
            [
                workshop_id,
                item["section"],
                item["text"],
                store.to_json(item["details"]),
                position,
                store.now_iso(),
            ],
        )
    for section, values in draft_fields(language).items():
        for field, value in values.items():
            store.set_field(db, workshop_id, section, field, value)


def _unused_code(db):
    while True:
        code = codes.new_join_code()
        if store.workshop_by_code(db, code) is None:
            return code


def join_workshop(db, code, payload):
    """A delegate joins: returns (member id, token). Refuses the 9th delegate."""
    workshop = store.workshop_by_code(db, code)
    if workshop is None:
        raise CommandError("not_found", N_("There is no workshop with this code."))
    data = checked(payload, JOIN_SPECS)
    token = codes.new_token()
    with db.atomic():
        version = store.bump_version(db, workshop["id"])
        if store.workshop_by_id(db, workshop["id"])["signoff_status"] != "open":
            raise CommandError(
                "conflict",
                N_("The SLA is finalized: ask the facilitator to reopen it before you join."),
            )
        # Counted inside the write transaction: two simultaneous joins cannot both be 8th.
        if len(store.delegates(db, workshop["id"])) >= MAX_DELEGATES:
            raise CommandError(
                "conflict",
                N_("This workshop is full: at most %(max)s delegates can join."),
                max=MAX_DELEGATES,
            )
        ensure_name_free(db, workshop["id"], data["name"])
        member_id = store.add_member(
            db,
            workshop["id"],
            "participant",
            data["name"],
            data["department"],
            token,
            job_title=data.get("job_title", ""),
        )
        store.record_audit(db, workshop["id"], member_id, "join", data, version)
    broadcast(workshop["id"])
    return member_id, token


def ensure_name_free(db, workshop_id, name):
    """Nobody else in the workshop (the facilitator included; removed delegates are gone)
    may have the same name or one that looks the same. Inside the write transaction."""
    taken = [m["name"] for m in store.members(db, workshop_id) if not m["removed"]]
    if clashes(name, taken):
        raise CommandError(
            "conflict",
            N_(
                "Someone in this workshop already has this name, or one that looks the same: "
                "add an initial or your surname."
            ),
        )


@dataclass(frozen=True)
class AfterCommit:
    """What a committed command leaves for the transport layer (transport.py) to do: tell
    the workshop, close a removed person's sockets, render the final PDF."""

    workshop_id: int
    removed_member: int | None = None
    final_pdf: bool = False


def run_command(db, member_id, payload, limiter_key=None):
    """One command from a signed-in person: returns (ack, result, AfterCommit or None).
    The ack is {ok, version} or the error; limiter_key: whose command bucket pays (the
    socket, or the member over HTTP). Nothing here touches a socket."""
    try:
        if limiter_key is not None and not command_bucket_allows(limiter_key):
            raise CommandError("rate_limited", N_("Too many commands at once: wait a moment."),
                               extra={"retry_after": command_retry_after(limiter_key)})
        version, result = execute(db, member_id, readable(payload))
    except CommandError as exc:
        member = store.member_by_id(db, member_id)
        language = _language_of(db, member)
        return error_body(exc, language), None, None
    member = store.member_by_id(db, member_id)
    after = AfterCommit(
        member["workshop_id"],
        removed_member=result.get("removed_member"),
        # The signature is acknowledged now; the final PDF renders in the background.
        final_pdf=bool(result.get("all_signed")),
    )
    return {"ok": True, "version": version, **result.get("ack", {})}, result, after


def final_pdf_task(app, workshop_id):
    with app.app_context():
        write_final_pdf(get_db(), workshop_id)


def write_final_pdf(db, workshop_id):
    """Writes <code>-v<version>.pdf to the export folder and records its hash. Idempotent."""
    workshop = store.workshop_by_id(db, workshop_id)
    if workshop["signoff_status"] != "signed":
        return None
    final_pdf(db, workshop)
    return Path(current_app.config["EXPORT_DIR"]) / final_name(workshop)


def final_name(workshop):
    return f"{workshop['code']}-v{workshop['signoff_version']}.pdf"


def final_pdf(db, workshop):
    """The signed version's PDF, rendered once: the background render after the last
    signature and a download meanwhile share a file lock, so the second waits and reads
    the file the first wrote (also across processes)."""
    from .document import versions
    from .document.render import document_for, render_pdf

    folder = Path(current_app.config["EXPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / final_name(workshop)
    with open(path.with_suffix(".pdf.lock"), "a") as lock:
        # Waiting for another render holds a thread, not the event loop (offload.py).
        offload.blocking(fcntl.flock, lock, fcntl.LOCK_EX)
        try:
            version = versions.stored(db, workshop["id"], workshop["signoff_version"])
            recorded = version["final_pdf_hash"] if version else workshop["final_pdf_hash"]
            if recorded and path.exists():
                pdf = path.read_bytes()
                if hashlib.sha256(pdf).hexdigest() == recorded:
                    return pdf
            pdf = render_pdf(document_for(db, workshop), draft=False)
            _write_atomically(path, pdf)
            _record_final_pdf(db, workshop, path.name, hashlib.sha256(pdf).hexdigest())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    broadcast(workshop["id"])
    return pdf


def _write_atomically(path, content):
    partial = path.with_suffix(".pdf.partial")
    with open(partial, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def _record_final_pdf(db, workshop, name, digest):
    with db.atomic():
        store.bump_version(db, workshop["id"])
        db.execute(
            "UPDATE workshops SET final_pdf = ?, final_pdf_hash = ? WHERE id = ?"
            " AND signoff_status = 'signed' AND signoff_version = ?",
            [name, digest, workshop["id"], workshop["signoff_version"]],
        )
        db.execute(
            "UPDATE document_versions SET final_pdf = ?, final_pdf_hash = ?"
            " WHERE workshop_id = ? AND version = ?",
            [name, digest, workshop["id"], workshop["signoff_version"]],
        )


def finish_interrupted_work(app):
    """At start-up: a crash between the last signature and the final PDF leaves the file to
    write; the signatures themselves were committed before they were acknowledged."""
    with app.app_context():
        db = get_db()
        pending = db.query(
            "SELECT id FROM workshops WHERE signoff_status = 'signed' AND final_pdf IS NULL"
        )
        for row in list(pending):
            write_final_pdf(db, row["id"])


def _language_of(db, member):
    if member is None:
        return current_app.config.get("DEFAULT_LANGUAGE", "en")
    if member["language"]:
        return member["language"]
    return store.workshop_by_id(db, member["workshop_id"])["language"]


def broadcast(workshop_id):
    """Everyone connected gets the new state (coalesced per workshop: broadcast.py)."""
    changed(workshop_id)
