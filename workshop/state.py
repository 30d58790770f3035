"""The `state` snapshot: one shared part per change, then personalised per recipient.

Hidden votes never leave the server: before an item is revealed a snapshot carries
only how many voted and who, never a choice, except the recipient's own.
"""

import time
from collections import defaultdict

from . import store
from .document.open_points import for_person
from .domain import consent, figures, funnel, readiness, stages


def shared_state(db, workshop_id):
    """Everything that is the same for every recipient, plus the private parts to pick from."""
    workshop = store.workshop_by_id(db, workshop_id)
    members = store.members(db, workshop_id)
    online = store.online_member_ids(db, workshop_id)
    delegates = [m for m in members if m["role"] == "participant" and not m["removed"]]
    department_of = {m["id"]: m["department"] for m in members}
    departments_present = {m["department"] for m in delegates}
    votes_by_item = defaultdict(list)
    for vote in store.votes(db, workshop_id):
        votes_by_item[vote["item_id"]].append(vote)
    dots_by_item = defaultdict(list)
    for dot in store.dots(db, workshop_id):
        dots_by_item[dot["item_id"]].append(dot)
    anonymous = bool(workshop["anonymous_votes"])
    items = [
        public_item(
            item,
            votes_by_item[item["id"]],
            dots_by_item[item["id"]],
            department_of,
            departments_present,
        )
        for item in store.items(db, workshop_id)
    ]
    fields = store.fields(db, workshop_id)
    counts = {d: sum(1 for m in delegates if m["department"] == d) for d in consent.DEPARTMENTS}
    facilitator = next(m for m in members if m["role"] == "facilitator")
    state = {
        "version": workshop["version"],
        "code": workshop["code"],
        "title": workshop["title"],
        "organisation": workshop["organisation"],
        "language": workshop["language"],
        "time_zone": workshop["time_zone"],
        "stage": workshop["stage"],
        "stages": list(stages.STAGES),
        "progress": stages.progress(workshop["stage"]),
        "facilitator": {
            "id": facilitator["id"],
            "name": facilitator["name"],
            "online": facilitator["id"] in online,
        },
        "participants": [
            {
                "id": m["id"],
                "name": m["name"],
                "department": m["department"],
                "online": m["id"] in online,
                "ready": bool(m["ready"]),
            }
            for m in delegates
        ],
        "balance": {**counts, "warning": consent.balance_warning(counts)},
        "items": items,
        "fields": fields,
        "locked_sections": store.from_json(workshop["locked_sections"]),
        "anonymous_votes": anonymous,
        "timer": timer_state(workshop),
        "plan": plan_state(workshop),
        "spotlight": workshop.get("spotlight_item_id"),
        "targets": targets_state(fields, [i for i in items if i["section"] == "funnel"]),
        "signoff": signoff_state(db, workshop),
    }
    # Open points before finalizing: what the document would list, worded per recipient.
    from .document import versions as document_versions
    from .document.data import build

    document = build(state, members, workshop)
    state["readiness"] = {"open_points": document["open_points"]}
    # During an amendment: what changed since the signed version, item by item.
    state["signoff"]["amendment"] = document_versions.amendment(db, workshop, document)
    state["targets"]["kpi_targets"] = live_kpi_targets(state)
    # Each person's own votes and dots, grouped once for all recipients.
    private = {"votes": defaultdict(dict), "dots": defaultdict(dict)}
    for item_id, votes in votes_by_item.items():
        for v in votes:
            private["votes"][v["member_id"]][str(item_id)] = v["choice"]
    for item_id, dots in dots_by_item.items():
        for d in dots:
            private["dots"][d["member_id"]][str(item_id)] = d["count"]
    return state, private


def public_item(item, votes, dots, department_of, departments_present):
    revealed = item["status"] != "open" and item["revealed_at"] is not None
    public = {
        "id": item["id"],
        "section": item["section"],
        "text": item["text"],
        "details": item["details"],
        "status": item["status"],
        "position": item["position"],
        "from_draft": bool(item["from_draft"]),
        "created_by": item["created_by"],
        "votes_cast": len(votes),
        "voted": sorted(v["member_id"] for v in votes),
        "tally": None,
        "consensus": None,
        "votes": None,
        "dots": sum(d["count"] for d in dots),
        "decision_reason": item["decision_reason"],
        "edited": bool(item.get("edited_at")),
        "lacking": None,
    }
    if revealed:
        public["tally"] = consent.tally(v["choice"] for v in votes)
        pairs = [(department_of[v["member_id"]], v["choice"]) for v in votes]
        public["consensus"] = consent.consent_for(pairs, departments_present)
        public["lacking"] = consent.lacking_support(pairs, departments_present)
        # Anonymity is fixed per item at its reveal: switching it off later shows nothing.
        if not item["anonymous_at_reveal"]:
            public["votes"] = [
                {"participant_id": v["member_id"], "choice": v["choice"]}
                for v in sorted(votes, key=lambda v: v["member_id"])
            ]
    return public


def live_kpi_targets(state):
    """{item id: {measure, value, unit, direction}}: KPIs whose target follows the funnel now."""
    stages_in_use = [
        {"name": i["text"], "conversion": i["details"].get("conversion")}
        for i in state["items"]
        if i["section"] == "funnel" and i["status"] != "rejected"
    ]
    targets = state["targets"]
    computed = figures.computed_figures(
        stages_in_use, state["fields"], targets["reverse_funnel"], targets["monthly_revenue"]
    )
    kpis = [i for i in state["items"] if i["section"] == "kpis" and i["status"] != "rejected"]
    return {str(k): v for k, v in readiness.linked_kpi_targets(kpis, computed).items()}


def plan_state(workshop):
    """The half-day plan and the clock: planned minutes per stage, the agenda with breaks,
    seconds since the start and since the stage began (at the time of this snapshot)."""
    plan = store.from_json(workshop.get("stage_plan")) or {}
    now = time.time()

    def since(moment):
        return None if moment is None else max(0, round(now - moment))

    return {
        "minutes": stages.planned_minutes(plan),
        "agenda": stages.agenda(plan),
        "total_minutes": stages.agenda_total(plan),
        "half_day_minutes": stages.HALF_DAY_MINUTES,
        "elapsed_seconds": since(workshop.get("started_at")),
        "stage_elapsed_seconds": since(workshop.get("stage_started_at")),
    }


def timer_state(workshop):
    if workshop["timer_ends_at"] is None:
        return None
    return {
        "ends_at": workshop["timer_ends_at"],
        "seconds": workshop["timer_seconds"],
        "remaining": max(0, round(workshop["timer_ends_at"] - time.time())),
    }


def targets_state(fields, funnel_items):
    """The reverse funnel and the capacity check, recomputed from the current numbers."""
    targets = fields.get("targets", {})
    stages_in_use = [i for i in funnel_items if i["status"] != "rejected"]
    # A stage without a conversion rate yet (a fresh proposal) is stepped over, so the
    # reverse funnel keeps working while the group discusses it.
    conversions = [
        (i["text"], i["details"]["conversion"] / 100)
        for i in stages_in_use[:-1]
        if i["details"].get("conversion") is not None
    ]
    periods_per_year = {"year": 1, "quarter": 4, "month": 12}
    revenue = targets.get("revenue_target") or 0
    per_month = revenue * periods_per_year.get(targets.get("period", "year"), 1) / 12
    needs = []
    if stages_in_use:  # no agreed funnel yet: nothing to work back through
        needs = funnel.reverse_funnel(per_month, targets.get("average_deal_size"), conversions)
    if needs:
        needs[-1] = funnel.FunnelNeed(stages_in_use[-1]["text"], needs[-1].needed)
    capacity = funnel.sales_capacity(
        targets.get("sales_reps"), targets.get("follow_ups_per_rep_week")
    )
    mql_needed = next((n.needed for n in needs if "MQL" in n.stage.upper()), 0)
    return {
        "monthly_revenue": round(per_month, 2),
        "reverse_funnel": [{"stage": n.stage, "per_month": n.needed} for n in needs],
        "capacity_per_month": capacity,
        "mql_per_month": mql_needed,
        "capacity_gap": funnel.capacity_gap(mql_needed, capacity) if capacity else None,
    }


def signoff_state(db, workshop):
    signatures = [
        {
            "participant_id": row["member_id"],
            "name": row["name"],
            "department": row["department"],
            "signed_at": row["signed_at"],
        }
        for row in db.query(
            "SELECT s.member_id, m.name, m.department, s.signed_at FROM signatures s"
            " JOIN members m ON m.id = s.member_id WHERE s.workshop_id = ? AND s.voided = 0"
            " AND s.signoff_version = ? ORDER BY s.signed_at, s.id",
            [workshop["id"], workshop["signoff_version"]],
        )
    ]
    return {
        "status": workshop["signoff_status"],
        "version": workshop["signoff_version"],
        "document_hash": workshop["document_hash"],
        "finalized_at": workshop["finalized_at"],
        "final_pdf_hash": workshop["final_pdf_hash"],
        "signatures": signatures,
    }


def for_recipient(state, private, member):
    """The snapshot one person receives: the shared part plus only their own votes and dots."""
    you = you_of(private, member, state["language"])
    return {**state, "you": you, "readiness": readiness_in(state, you["language"])}


def you_of(private, member, workshop_language):
    """The recipient's own part: who they are, their votes and their dots."""
    member_id = member["id"]
    return {
        "id": member_id,
        "role": member["role"],
        "name": member["name"],
        "department": member["department"],
        "language": member["language"] or workshop_language,
        "vote_by_item": dict(private["votes"].get(member_id, {})),
        "dots_by_item": dict(private["dots"].get(member_id, {})),
    }


def readiness_in(state, language):
    """The open points before finalizing, worded in one language (the same for everyone
    who reads that language)."""
    currency = (state["fields"].get("targets") or {}).get("currency")
    return {"open_points": for_person(state["readiness"]["open_points"], language, currency)}
