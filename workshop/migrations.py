"""The schema, changed only through these named migrations, in order."""

import json

from sqlite_utils.migrations import Migrations

from .domain.figures import MEASURES

migrations = Migrations("workshop")


@migrations(name="0001_workshops_and_members")
def workshops_and_members(db):
    db.executescript(
        """
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL,
            stage TEXT NOT NULL DEFAULT 'lobby',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            role TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
            name TEXT NOT NULL,
            department TEXT CHECK (department IN ('marketing', 'sales')),
            token_hash TEXT NOT NULL UNIQUE,
            language TEXT,
            ready INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            joined_at TEXT NOT NULL
        );
        CREATE INDEX members_workshop ON members(workshop_id);
        -- Presence lives here, not in a process: any server process can tell who is online.
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            last_seen REAL NOT NULL
        );
        CREATE TABLE connections (
            sid TEXT PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id),
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            instance_id TEXT NOT NULL,
            connected_at REAL NOT NULL
        );
        CREATE INDEX connections_workshop ON connections(workshop_id);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            member_id INTEGER REFERENCES members(id),
            command TEXT NOT NULL,
            payload TEXT NOT NULL,
            version INTEGER NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX audit_workshop ON audit(workshop_id);
        """
    )


@migrations(name="0002_items_votes_fields")
def items_votes_fields(db):
    db.executescript(
        """
        ALTER TABLE workshops ADD COLUMN anonymous_votes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE workshops ADD COLUMN locked_sections TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE workshops ADD COLUMN timer_ends_at REAL;
        ALTER TABLE workshops ADD COLUMN timer_seconds INTEGER;
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            section TEXT NOT NULL,
            text TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'revealed', 'agreed', 'rejected')),
            position INTEGER NOT NULL,
            from_draft INTEGER NOT NULL DEFAULT 0,
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL,
            revealed_at TEXT,
            decided_by INTEGER REFERENCES members(id),
            decided_at TEXT,
            decision_reason TEXT
        );
        CREATE INDEX items_workshop ON items(workshop_id, section, position);
        CREATE TABLE votes (
            item_id INTEGER NOT NULL REFERENCES items(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            choice TEXT NOT NULL CHECK (choice IN ('agree', 'abstain', 'disagree', 'block')),
            cast_at TEXT NOT NULL,
            PRIMARY KEY (item_id, member_id)
        );
        CREATE TABLE dots (
            item_id INTEGER NOT NULL REFERENCES items(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (item_id, member_id)
        );
        CREATE TABLE fields (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            section TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (workshop_id, section, field)
        );
        """
    )


@migrations(name="0003_signoff")
def signoff(db):
    db.executescript(
        """
        ALTER TABLE workshops ADD COLUMN signoff_status TEXT NOT NULL DEFAULT 'open'
            CHECK (signoff_status IN ('open', 'finalized', 'signed'));
        ALTER TABLE workshops ADD COLUMN signoff_version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE workshops ADD COLUMN document_hash TEXT;
        ALTER TABLE workshops ADD COLUMN finalized_at TEXT;
        ALTER TABLE workshops ADD COLUMN final_pdf TEXT;
        ALTER TABLE workshops ADD COLUMN final_pdf_hash TEXT;
        CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            signoff_version INTEGER NOT NULL,
            document_hash TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            voided INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX signatures_once
            ON signatures(workshop_id, member_id, signoff_version) WHERE voided = 0;
        """
    )


@migrations(name="0004_document_versions")
def document_versions(db):
    """Each finalized version's content, frozen: what was signed never changes afterwards."""
    db.executescript(
        """
        CREATE TABLE document_versions (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'finalized'
                CHECK (status IN ('finalized', 'signed', 'reopened')),
            data TEXT NOT NULL,
            markdown TEXT NOT NULL,
            document_hash TEXT NOT NULL,
            finalized_at TEXT NOT NULL,
            finalized_by INTEGER REFERENCES members(id),
            final_pdf TEXT,
            final_pdf_hash TEXT,
            UNIQUE (workshop_id, version)
        );
        CREATE INDEX document_versions_hash ON document_versions(document_hash);
        CREATE INDEX document_versions_pdf ON document_versions(final_pdf_hash);
        ALTER TABLE members ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshops ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Amsterdam';
        """
    )


@migrations(name="0005_anonymous_at_reveal")
def anonymous_at_reveal(db):
    """Whether an item's votes were revealed anonymously, fixed at its reveal: switching
    anonymity off later does not show who voted what. The trigger fixes it whenever an item
    is revealed, whichever command reveals it (reveal, reveal_section, decide); items
    revealed before this migration keep the workshop's current setting."""
    db.executescript(
        """
        ALTER TABLE items ADD COLUMN anonymous_at_reveal INTEGER NOT NULL DEFAULT 0;
        UPDATE items SET anonymous_at_reveal = (
            SELECT anonymous_votes FROM workshops WHERE workshops.id = items.workshop_id
        ) WHERE revealed_at IS NOT NULL;
        CREATE TRIGGER items_anonymous_at_reveal
            AFTER UPDATE OF revealed_at ON items
            WHEN old.revealed_at IS NULL AND new.revealed_at IS NOT NULL
        BEGIN
            UPDATE items SET anonymous_at_reveal = (
                SELECT anonymous_votes FROM workshops WHERE workshops.id = new.workshop_id
            ) WHERE id = new.id;
        END;
        """
    )


@migrations(name="0006_kpi_actuals")
def kpi_actuals(db):
    """Actuals per KPI and period after sign-off; a correction is a new row, so the history
    stays. KPIs of earlier workshops get the structure the dashboard reads: a period from
    their frequency, a tolerance, and a unit and direction from their measure."""
    db.executescript(
        """
        CREATE TABLE kpi_actuals (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            item_id INTEGER NOT NULL REFERENCES items(id),
            period TEXT NOT NULL,
            value REAL NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            recorded_by INTEGER REFERENCES members(id),
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX kpi_actuals_item ON kpi_actuals(item_id, period, id);
        """
    )
    periods = {"daily": "week", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
    units = {"money": "currency"}
    for row in list(db.query("SELECT id, details FROM items WHERE section = 'kpis'")):
        details = json.loads(row["details"])
        details.setdefault("period", periods.get(details.get("frequency"), "month"))
        details.setdefault("tolerance", 10)
        if details.get("measure") in MEASURES and details["measure"] != "manual":
            unit, direction = MEASURES[details["measure"]]
            details.setdefault("unit", units.get(unit, unit))
            details.setdefault("direction", direction)
        db.execute(
            "UPDATE items SET details = ? WHERE id = ?",
            [json.dumps(details, ensure_ascii=False, sort_keys=True), row["id"]],
        )


@migrations(name="0007_dashboard_links")
def dashboard_links(db):
    """Read-only links to a workshop's dashboard, each with its own token (stored hashed),
    revocable by the facilitator."""
    db.executescript(
        """
        CREATE TABLE dashboard_links (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            token_hash TEXT NOT NULL UNIQUE,
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX dashboard_links_workshop ON dashboard_links(workshop_id);
        """
    )


@migrations(name="0008_escalations")
def escalations(db):
    """The escalation ladder at work: escalations per KPI with their history, a webhook per
    workshop and its outbox (written in the same transaction as the event it announces, so
    a crash loses no message). Rungs of earlier workshops get a structured trigger: rung n
    after n red periods in a row."""
    db.executescript(
        """
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            kpi_id INTEGER NOT NULL REFERENCES items(id),
            rung INTEGER NOT NULL,
            rung_item_id INTEGER REFERENCES items(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
            period TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            due TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE INDEX escalations_workshop ON escalations(workshop_id, status);
        CREATE TABLE escalation_events (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            kind TEXT NOT NULL
                CHECK (kind IN ('opened', 'moved_up', 'acknowledged', 'resolved')),
            rung INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            member_id INTEGER REFERENCES members(id),
            at TEXT NOT NULL
        );
        CREATE INDEX escalation_events_escalation ON escalation_events(escalation_id);
        CREATE TABLE webhooks (
            workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id),
            url TEXT NOT NULL,
            set_by INTEGER REFERENCES members(id),
            set_at TEXT NOT NULL
        );
        CREATE TABLE webhook_outbox (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT,
            failed_at TEXT,
            last_error TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX webhook_outbox_due ON webhook_outbox(delivered_at, failed_at, next_attempt_at);
        """
    )
    days = (2, 5, 10)
    rows = db.query(
        "SELECT id, workshop_id, details FROM items WHERE section = 'escalation'"
        " ORDER BY workshop_id, position, id"
    )
    rank = {}
    for row in list(rows):
        number = rank[row["workshop_id"]] = rank.get(row["workshop_id"], 0) + 1
        details = json.loads(row["details"])
        details.setdefault("trigger_status", "red_only")
        details.setdefault("trigger_periods", number)
        details.setdefault("trigger_measure", "any")
        details.setdefault("response_days", days[min(number, 3) - 1])
        db.execute(
            "UPDATE items SET details = ? WHERE id = ?",
            [json.dumps(details, ensure_ascii=False, sort_keys=True), row["id"]],
        )


@migrations(name="0009_room_pace")
def room_pace(db):
    """The room at the pace of a half-day: an item edited after votes shows "edited — vote
    again"; a read-only projector token (stored hashed); the planned minutes per stage
    (JSON, the agenda's defaults where absent), when the workshop and its stage began, and
    the item the facilitator puts in the projector's spotlight."""
    db.executescript(
        """
        ALTER TABLE items ADD COLUMN edited_at TEXT;
        ALTER TABLE workshops ADD COLUMN projector_token_hash TEXT;
        ALTER TABLE workshops ADD COLUMN stage_plan TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE workshops ADD COLUMN started_at REAL;
        ALTER TABLE workshops ADD COLUMN stage_started_at REAL;
        ALTER TABLE workshops ADD COLUMN spotlight_item_id INTEGER REFERENCES items(id);
        CREATE UNIQUE INDEX workshops_projector_token ON workshops(projector_token_hash);
        """
    )


@migrations(name="0012_reviews")
def reviews(db):
    """Reviews after sign-off, run live: attendees, notes, decisions, and action items that
    outlive the review they came from (closed with a note, any time). A closed review keeps
    the scorecard it was held on, so its report never changes."""
    db.executescript(
        """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            number INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            signed_version INTEGER NOT NULL,
            attendees TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            opened_by INTEGER REFERENCES members(id),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            scorecard TEXT,
            UNIQUE (workshop_id, number)
        );
        CREATE TABLE review_decisions (
            id INTEGER PRIMARY KEY,
            review_id INTEGER NOT NULL REFERENCES reviews(id),
            text TEXT NOT NULL,
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX review_decisions_review ON review_decisions(review_id);
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            review_id INTEGER REFERENCES reviews(id),
            text TEXT NOT NULL,
            owner TEXT NOT NULL,
            due TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done')),
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL,
            closed_note TEXT NOT NULL DEFAULT '',
            closed_by INTEGER REFERENCES members(id),
            closed_at TEXT,
            closed_in_review INTEGER REFERENCES reviews(id)
        );
        CREATE INDEX actions_workshop ON actions(workshop_id, status);
        """
    )


@migrations(name="0013_connection_patches")
def connection_patches(db):
    """Sockets that asked for `state_patch` (the difference to the last broadcast) instead
    of a full `state` with every change (docs/protocol.md)."""
    db.executescript(
        """
        ALTER TABLE connections ADD COLUMN patches INTEGER NOT NULL DEFAULT 0;
        """
    )
