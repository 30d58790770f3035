"""Every string the page script shows, translated on the server and embedded in the page."""

import inspect

from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from .commands import REGISTRY
from .commands.facilitation import FIELD_TEXT_MAX
from .commands.items import DEFAULT_DOTS
from .domain import consent, stages
from .domain.sections import FIELDS, ITEM_DETAILS, MONEY_FIELDS, PROJECTOR_FIELDS
from .validation import check_mapping


def stage_texts():
    return {
        "lobby": (
            _("Welcome"),
            _(
                "Everyone joins and says which department they are from. Check that marketing and "
                "sales are both in the room; the facilitator starts when the group is ready."
            ),
        ),
        "funnel": (
            _("Your funnel"),
            _(
                "Walk through the funnel from first inquiry to customer. Agree what each stage "
                "means, how many leads reach it per month and how many move on to the next."
            ),
        ),
        "journey": (
            _("The buyer's journey"),
            _(
                "Follow your prospect through each buying phase: what they do and ask, and what "
                "marketing and sales do. Mark gaps and moments of truth, then spend your dots on "
                "the ones that matter most."
            ),
        ),
        "goals": (
            _("Joint goals"),
            _(
                "Agree the goals both departments share: revenue or margin, and longer-term goals "
                "such as retention and customer satisfaction, each with a metric and a target."
            ),
        ),
        "targets": (
            _("Targets"),
            _(
                "Work back from the revenue target to the leads each team must deliver, check "
                "that sales can follow them up, and give every sub-goal an owner."
            ),
        ),
        "definitions": (
            _("Definitions"),
            _(
                "Agree what makes a lead marketing-qualified and sales-qualified, when a lead is "
                "disqualified, and what an opportunity is and which stages it goes through."
            ),
        ),
        "process": (
            _("Lead & opportunity process"),
            _(
                "Agree how leads are handed over, how fast and how often sales follows up, what "
                "is recorded where, and what happens to leads that are not ready yet."
            ),
        ),
        "kpis": (
            _("KPIs"),
            _(
                "Choose the measures that show whether the SLA works. Every KPI gets a "
                "definition, a target, an owner, a frequency and a data source."
            ),
        ),
        "governance": (
            _("Governance & escalation"),
            _(
                "Agree how often you review the SLA, how it is monitored, and who is called in, "
                "and how fast, when an agreement is missed."
            ),
        ),
        "review": (
            _("Review"),
            _(
                "Look over everything agreed so far. Settle the open items before the document "
                "is drawn up."
            ),
        ),
        "signoff": (
            _("Sign-off"),
            _(
                "The facilitator finalizes the document; each delegate reads it and signs "
                "exactly that version."
            ),
        ),
    }


def section_names():
    return {
        "funnel": _("Funnel stages"),
        "journey": _("Buyer's journey"),
        "goals": _("Joint goals"),
        "targets": _("Sub-goals and dependencies"),
        "mql": _("MQL criteria"),
        "sql": _("SQL criteria"),
        "disqualification": _("Disqualification reasons"),
        "opportunity": _("Opportunity criteria and stages"),
        "process": _("Process agreements"),
        "kpis": _("KPIs"),
        "escalation": _("Escalation ladder"),
        "governance": _("Governance"),
    }


def labels():
    """Labels of item details, captured fields and their choices."""
    return {
        "definition": _("Definition"),
        "volume": _("Volume per month"),
        "conversion": _("Conversion to next stage (%)"),
        "kind": _("Kind"),
        "phase": _("Phase"),
        "prospect": _("What the prospect does and asks"),
        "marketing": _("Marketing"),
        "sales": _("Sales"),
        "joint": _("Joint"),
        "approach": _("Agreed approach"),
        "metric": _("Metric"),
        "target": _("Target"),
        "period": _("Period"),
        "owner": _("Owner"),
        "depends_on": _("Depends on"),
        "points": _("Lead-score points"),
        "framework": _("Framework"),
        "note": _("Note"),
        "probability": _("Win probability (%)"),
        "frequency": _("Frequency"),
        "source": _("Data source"),
        "trigger": _("Trigger"),
        "who": _("Who"),
        "response_time": _("Response time"),
        "trigger_status": _("Fires on KPI status"),
        "red_only": _("Red (beyond the amber margin)"),
        "amber_or_red": _("Amber or red"),
        "trigger_periods": _("For how many periods in a row"),
        "trigger_measure": _("For which KPIs"),
        "any": _("Every KPI"),
        "response_days": _("Respond within (working days)"),
        "revenue_target": _("Revenue target"),
        "average_deal_size": _("Average deal size"),
        "currency": _("Currency"),
        "sales_reps": _("Sales reps following up leads"),
        "follow_ups_per_rep_week": _("Follow-ups per rep per week"),
        "handoff_method": _("Hand-off method"),
        "accept_hours": _("Accept or reject within (hours)"),
        "first_contact_hours": _("First contact within (hours)"),
        "attempts": _("Contact attempts"),
        "attempt_days": _("Over how many working days"),
        "crm_fields": _("What is recorded where (CRM fields)"),
        "recycling": _("Leads that do not convert"),
        "opportunity_support": _("How marketing supports open opportunities"),
        "follow_up_quality": _("Expected follow-up quality"),
        "review_cadence": _("Review cadence"),
        "attendees": _("Attendees"),
        "monitoring": _("How it is monitored"),
        "summary": _("Summary"),
        "dots_per_delegate": _("Dots per delegate"),
        "gap": _("Gap"),
        "moment": _("Moment of truth"),
        "criterion": _("Criterion"),
        "stage": _("Stage"),
        "daily": _("Daily"),
        "weekly": _("Weekly"),
        "monthly": _("Monthly"),
        "quarterly": _("Quarterly"),
        "month": _("Month"),
        "quarter": _("Quarter"),
        "year": _("Year"),
        "EUR": "EUR",
        "USD": "USD",
        "GBP": "GBP",
        "half_year": _("Half year"),
        "unit": _("Unit"),
        "direction": _("Better when"),
        "target_value": _("Target (number)"),
        "tolerance": _("Amber margin (percent of the target)"),
        "person": _("Named person"),
        "count": _("Count"),
        "percent": _("Percentage"),
        "hours": _("Hours"),
        "higher": _("Higher"),
        "lower": _("Lower"),
        "week": _("Week"),
        "revision_period": _("Revise the SLA every"),
        "effective_date": _("Takes effect on (blank: when the last delegate signs)"),
        "measure": _("What it measures"),
        "new_leads": _("New leads a month"),
        "mqls": _("MQLs a month"),
        "sals": _("SALs a month"),
        "sqls": _("SQLs a month"),
        "opportunities": _("Opportunities a month"),
        "deals_won": _("Deals won a month"),
        "revenue_won": _("Revenue won a month"),
        "mql_to_sql_rate": _("MQL → SQL rate (%)"),
        "sql_to_opportunity_rate": _("SQL → opportunity rate (%)"),
        "win_rate": _("Win rate (%)"),
        "contacted_within_sla": _("MQLs contacted within the agreed hours (%)"),
        "first_response_hours": _("Median first response (hours)"),
        "manual": _("Something else (entered by hand)"),
    }


def ui():
    return {
        "linked_hint": _("(follows the funnel and the captured values)"),
        "target_worded": _("Worded as: %(wording)s"),
        "n_hours": _("%(n)s hours"),
        "n_a_month": _("%(n)s a month"),
        "connecting": _("Connecting…"),
        "online": _("Live"),
        "offline": _("Reconnecting…"),
        "progress": _("Progress"),
        "stage_of": _("Stage %(n)s of %(total)s"),
        "minutes": _("about %(n)s minutes"),
        "previous": _("Previous stage"),
        "next": _("Next stage"),
        "agenda": _("Agenda"),
        "people": _("People"),
        "facilitator": _("Facilitator"),
        "you": _("you"),
        "is_online": _("online"),
        "is_offline": _("offline"),
        "ready": _("ready"),
        "not_ready": _("not ready yet"),
        "i_am_ready": _("I'm ready"),
        "not_ready_button": _("I'm not ready"),
        "remove": _("Remove"),
        "remove_confirm": _("Remove %(name)s from the workshop?"),
        "join_code": _("Join code"),
        "join_link": _("Join link"),
        "copy": _("Copy"),
        "copied": _("Copied"),
        "qr_alt": _("QR code of the join link"),
        "present": _("Open the projector view"),
        "delegates_count": _("%(n)s of 8 delegates"),
        "balance_missing": _("One department is missing: consent needs both marketing and sales."),
        "balance_lopsided": _(
            "The group is lopsided: invite more people from the smaller department."
        ),
        "no_delegates": _("Nobody has joined yet. Share the code, the link or the QR code."),
        "propose": _("Propose"),
        "proposal": _("Your proposal"),
        "add_details": _("Details"),
        "agree": _("Agree"),
        "abstain": _("Abstain"),
        "disagree": _("Disagree"),
        "block": _("Block"),
        "your_vote": _("Your vote: %(choice)s"),
        "not_voted": _("Not voted yet"),
        "votes_cast": _("%(n)s of %(total)s voted"),
        "waiting_for": _("Waiting for: %(names)s"),
        "everyone_voted": _("Everyone has voted"),
        "reveal": _("Reveal votes"),
        "votes_hidden": _("Votes stay hidden until the facilitator reveals them."),
        "status_open": _("Open"),
        "status_revealed": _("Revealed"),
        "status_agreed": _("Agreed"),
        "status_rejected": _("Rejected"),
        "consensus_consent": _("Consent of both departments"),
        "consensus_no_consent": _("No consent"),
        "consensus_blocked": _("Blocked"),
        "decide_agree": _("Agree item"),
        "decide_reject": _("Reject item"),
        "reason": _("Reason"),
        "reason_needed": _("Agreeing without consent needs a reason."),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "reopen_item": _("Vote again"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "reveal_all": _("Reveal all votes"),
        "agree_consented": _("Agree all with consent"),
        "lock": _("Lock section"),
        "unlock": _("Unlock section"),
        "locked": _("Locked: no changes until the facilitator unlocks it."),
        "timer": _("Timer"),
        "start_timer": _("Start"),
        "stop_timer": _("Stop"),
        "minutes_short": _("min"),
        "time_up": _("Time is up!"),
        "captured": _("Agreed values"),
        "capture_hint": _("The facilitator captures what the group agrees."),
        "anonymous": _("Anonymous voting"),
        "from_draft": _("draft"),
        "dots_left": _("You have %(n)s of %(total)s dots left"),
        "add_dot": _("Add a dot"),
        "remove_dot": _("Remove a dot"),
        "dots": _("%(n)s dots"),
        "phases": _("Phases"),
        "gaps_moments": _("Gaps and moments of truth"),
        "reverse_funnel": _("Reverse funnel: needed per month"),
        "per_month": _("per month"),
        "monthly_revenue": _("Revenue needed per month"),
        "capacity": _("Sales capacity per month"),
        "capacity_warning": _(
            "Marketing's MQL target (%(mql)s per month) exceeds what sales can follow up "
            "(%(capacity)s per month): %(gap)s leads would wait."
        ),
        "capacity_ok": _(
            "Sales can follow up the MQLs needed (%(mql)s of %(capacity)s per month)."
        ),
        "reverse_funnel_empty": _(
            "Enter a revenue target, a deal size and the funnel's conversion rates to see "
            "what is needed."
        ),
        "funnel_diagram": _("Funnel diagram"),
        "journey_map": _("Journey map"),
        "full_size": _("Open the picture full size"),
        "nothing_yet": _("No proposals yet."),
        "open_items": _("Still open"),
        "agreed_items": _("Agreed"),
        "rejected_items": _("Rejected"),
        "review_table": _("Items per section"),
        "review_ready": _("Everything is decided: ready for sign-off."),
        "review_items_decided": _("Every item is decided."),
        "review_open": _("%(n)s items are still open."),
        "language": _("Language"),
        "removed": _("The facilitator removed you from this workshop."),
        "error": _("Something went wrong"),
        "reveal_first": _("Reveal the votes first, or give a reason."),
        "tally": _("Votes"),
        "who_voted": _("Who voted what"),
        "waiting_room": _("Waiting for the facilitator to start."),
        "group_ready": _("%(n)s of %(total)s ready"),
        "kind_phase": _("Phase"),
        "section": _("Section"),
        "export_md": _("Download Markdown"),
        "export_pdf": _("Download PDF"),
        "exporting": _("Preparing the PDF…"),
        "draft_mark": _("DRAFT"),
        # Sign-off (the stage's page script used these keys before they existed here).
        "signoff_open": _("Open: not finalized yet"),
        "signoff_finalized": _("Finalized: waiting for signatures"),
        "signoff_signed": _("Signed by every delegate"),
        "document_version": _("Version %(n)s"),
        "finalize": _("Finalize the document"),
        "finalize_hint": _(
            "Finalizing freezes the document: nothing can change until you reopen it. "
            "Each delegate then signs this exact version."
        ),
        "reopen": _("Reopen the document"),
        "reopen_confirm": _("Reopen the document? Every signature on this version becomes void."),
        "sign_hint": _("Read the document below, then sign exactly this version at the end."),
        "sign": _("Sign the SLA"),
        "you_signed": _("You signed on %(at)s."),
        "all_signed": _("Every delegate has signed: the SLA is agreed."),
        "signatures": _("Signatures"),
        "signed": _("signed"),
        "not_signed": _("not signed yet"),
        # The document in the page (review and sign-off), the readiness check, finalizing
        # with open points and signing what is shown.
        "document_title": _("The SLA document"),
        "contents": _("Contents"),
        "back_to_contents": _("Back to the contents"),
        "document_loading": _("Loading the document…"),
        "document_updating": _("Updating…"),
        "document_error": _("The document could not be loaded: %(error)s"),
        "hash_pending": _(
            "The fingerprint (SHA-256) is fixed when the facilitator finalizes the document."
        ),
        "changed_since": _("Changed since version %(n)s"),
        "changed_parts": _("Parts changed since version %(n)s:"),
        "nothing_changed": _("Nothing has changed since version %(n)s."),
        "version_history": _("Version history"),
        "amending": _(
            "Amendment of signed version %(n)s: it stays in force until this version is signed."
        ),
        "no_amendment_changes": _("Nothing changed yet since version %(n)s."),
        "amend_added": _("Added"),
        "amend_removed": _("Removed"),
        "amend_changed": _("Changed"),
        "amend_reopened": _("Under discussion again"),
        "amend_field": _("Captured value changed"),
        "start_amendment": _("Start an amendment"),
        "amend_confirm": _(
            "Open the workshop again to amend signed version %(n)s? It stays in force until "
            "the new version is signed."
        ),
        "what_changed": _("What changed"),
        "change_added": _("Added"),
        "change_removed": _("Removed"),
        "readiness": _("Readiness check"),
        "open_point_one": _("1 open point"),
        "open_points_n": _("%(n)s open points"),
        "no_open_points": _("No open points: the document is ready to finalize."),
        "open_points_hint": _(
            "Settle these points, or finalize with a reason: they are then recorded in the "
            "document as actions, each with an owner and a due date."
        ),
        "open_points_list": _("Open points"),
        "go_to_stage": _("Go to %(stage)s"),
        "finalize_with_points": _("Finalize with open points"),
        "finalize_reason": _("Why finalize now?"),
        "finalize_reason_hint": _(
            "Your reason is printed in the document with the open points (at most %(max)s "
            "characters).",
            max=format_number(limits()["finalize_reason"]),
        ),
        "finalize_confirm": _("Finalize with these open points"),
        "finalizing": _("Finalizing…"),
        "finalize_moves_on": _("After finalizing, everyone moves on to %(stage)s."),
        "sign_heading": _("Sign this version"),
        "sign_exact": _(
            "You sign exactly the text shown above, version %(n)s, with this fingerprint (SHA-256):"
        ),
        "sign_loading": _("Loading the version to sign…"),
        "jump_to_sign": _("Go to the signature"),
        "signing": _("Signing…"),
        # Issue 11: the room at the pace of a half-day.
        "delegates_of_max": _("%(n)s of %(max)s delegates"),
        "lacking_support": _("No support yet from: %(departments)s"),
        "lacking_support_decided": _("No support from: %(departments)s"),
        "edited_vote_again": _("edited — vote again"),
        "removed_title": _("You were removed from this workshop"),
        "removed_hint": _(
            "Your votes on open items were withdrawn. Ask the facilitator for a new "
            "invitation if you should take part again."
        ),
        "second_screen": _("Second screen"),
        "second_screen_hint": _(
            "Open the console on another machine with your own link, or give the projector "
            "a link that can only show the room's screen."
        ),
        "show_my_link": _("Show my facilitator link"),
        "hide_link": _("Hide"),
        "my_link_warning": _(
            "This link signs anyone in as you, the facilitator: open it only on your own machines."
        ),
        "my_link_qr": _("QR code of your facilitator link"),
        "make_projector_link": _("Make a projector link"),
        "projector_link_hint": _(
            "Read-only: it shows the projector view and changes nothing. A new link ends this one."
        ),
        "left_to_vote": _("%(n)s of %(total)s left to vote on in %(stage)s"),
        "all_voted_stage": _("You have voted on every open item of this stage."),
        "view_mode": _("Show items as"),
        "view_cards": _("Cards"),
        "view_list": _("Quick list"),
        "quick_keys": _(
            "Keys on a row: 1 agree · 2 abstain · 3 disagree · 4 block · ↓ ↑ next and "
            "previous item."
        ),
        "spotlight_on": _("On the projector"),
        "spotlight_off": _("Off the projector"),
        "progress_counts": _(
            "%(agreed)s agreed · %(revealed)s revealed · %(open)s open of %(total)s"
        ),
        "plan_left": _("plan: %(n)s min left"),
        "clock": _("%(elapsed)s of %(total)s"),
        "on_plan": _("on plan"),
        "agenda_plan": _("The half-day"),
        "starts_at": _("Starts"),
        "stage_column": _("Stage"),
        "break": _("Break"),
        "agenda_total": _("%(total)s in all, breaks included (a half-day is %(max)s)."),
        "plan_minutes_for": _("Planned minutes for %(stage)s"),
        "reopened_note": _(
            "The facilitator reopened the document after version %(n)s: its signatures are "
            "void. Version %(next)s is finalized and signed again once the changes are agreed."
        ),
    }


def plurals():
    """Strings whose words follow a number, as {one, other} from ngettext (English and Dutch
    both have these two forms); the page picks one with `tn`."""
    forms = {
        "dots": lambda n: ngettext("%(n)s dot", "%(n)s dots", n, n="%(n)s"),
        "review_open": lambda n: ngettext(
            "%(n)s item is still open.", "%(n)s items are still open.", n, n="%(n)s"
        ),
        "review_open_points": lambda n: ngettext(
            "%(n)s open point in the document: the facilitator settles it or finalizes "
            "with a reason.",
            "%(n)s open points in the document: the facilitator settles them or finalizes "
            "with a reason.",
            n,
            n="%(n)s",
        ),
        "next_open_items": lambda n: ngettext(
            "%(n)s item of this stage is still open.",
            "%(n)s items of this stage are still open.",
            n,
            n="%(n)s",
        ),
        "minutes_behind": lambda n: ngettext(
            "%(n)s minute behind plan", "%(n)s minutes behind plan", n, n="%(n)s"
        ),
        "minutes_ahead": lambda n: ngettext(
            "%(n)s minute ahead of plan", "%(n)s minutes ahead of plan", n, n="%(n)s"
        ),
        "reveal_skipped": lambda n: ngettext(
            "%(n)s item has fewer than half of the votes and stays hidden: reveal it on its "
            "own when you are ready.",
            "%(n)s items have fewer than half of the votes and stay hidden: reveal them on "
            "their own when you are ready.",
            n,
            n="%(n)s",
        ),
    }
    # n="%(n)s": the page fills in the number (`tn` in static/js/lib.js).
    return {key: {"one": form(1), "other": form(2)} for key, form in forms.items()}


def max_delegates():
    from .service import MAX_DELEGATES  # service imports the pages' helpers

    return MAX_DELEGATES


def limits():
    """What the commands accept, for the page's inputs (maxlength, max): read from the
    commands' own specs, so a limit changed on the server changes the page with it."""
    specs = {name: cmd.specs for name, cmd in REGISTRY.items()}
    return {
        "item_text": specs["propose"]["text"].max_len,
        "decide_reason": specs["decide"]["reason"].max_len,
        "finalize_reason": specs["finalize"]["reason"].max_len,
        # An item's text details are checked with check_mapping's default length.
        "detail_text": inspect.signature(check_mapping).parameters["max_len"].default,
        "field_text": FIELD_TEXT_MAX,
        "timer_minutes": specs["start_timer"]["seconds"].high // 60,
        "stage_minutes": specs["set_stage_plan"]["minutes"].high,
    }


def schema():
    """The workshop's shape as the server defines it: stages and sections in order, vote
    choices, departments, defaults and limits. The page reads these (static/js never retypes
    them); tests/test_client_schema.py holds them equal to the server's constants."""
    return {
        "stage_order": list(stages.STAGES),
        "minutes": stages.MINUTES,
        "sections_by_stage": {k: list(v) for k, v in stages.SECTIONS_BY_STAGE.items()},
        "section_order": list(stages.SECTIONS),
        "document_stages": list(stages.DOCUMENT_STAGES),
        "vote_choices": list(consent.CHOICES),
        "departments": list(consent.DEPARTMENTS),
        "max_delegates": max_delegates(),
        "default_dots": DEFAULT_DOTS,
        "item_details": {
            s: {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
            for s, d in ITEM_DETAILS.items()
        },
        "fields": {
            s: {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
            for s, d in FIELDS.items()
        },
        "money_fields": {s: list(v) for s, v in MONEY_FIELDS.items()},
        "projector_fields": list(PROJECTOR_FIELDS),
        "limits": limits(),
    }


def client_strings():
    """Everything the page script needs, in the request's language: the words, and the
    schema (schema() above) at the top level beside them."""
    return {
        "stages": {sid: {"title": t, "text": d} for sid, (t, d) in stage_texts().items()},
        "sections": section_names(),
        "labels": labels(),
        "ui": ui(),
        "plurals": plurals(),
        **schema(),
    }
