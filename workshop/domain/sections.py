"""What each SLA section collects: item details and captured fields, with their kinds.

Kinds: "text" (a line or paragraph), "int", "percent" (0-100, may be fractional),
"number" (>= 0), "owner" (marketing | sales | joint), or a tuple of allowed values.
"""

OWNERS = ("marketing", "sales", "joint")
JOURNEY_KINDS = ("phase", "gap", "moment")
OPPORTUNITY_KINDS = ("criterion", "stage")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly")
PERIODS = ("month", "quarter", "year")

# Structured fields an item of a section may carry in `details`.
ITEM_DETAILS = {
    "funnel": {"definition": "text", "volume": "number", "conversion": "percent"},
    "journey": {
        "kind": JOURNEY_KINDS,
        "phase": "text",  # for gaps and moments: which phase they belong to
        "prospect": "text",  # what the prospect does and asks
        "marketing": "text",  # what marketing does
        "sales": "text",  # what sales does
        "approach": "text",  # the agreed approach at a moment of truth
    },
    "goals": {"metric": "text", "target": "text", "period": PERIODS},
    "targets": {"owner": OWNERS, "metric": "text", "target": "text", "depends_on": "text"},
    "mql": {"points": "int"},
    "sql": {"framework": "text"},
    "disqualification": {"note": "text"},
    "opportunity": {"kind": OPPORTUNITY_KINDS, "probability": "percent"},
    "process": {"owner": OWNERS},
    "kpis": {
        "definition": "text",
        "target": "text",
        "owner": OWNERS,
        "frequency": FREQUENCIES,
        "source": "text",
    },
    "escalation": {"trigger": "text", "who": "text", "response_time": "text"},
    "governance": {"owner": OWNERS},
}

# Values the facilitator captures with set_field, per section.
FIELDS = {
    "funnel": {"period": PERIODS},
    "targets": {
        "revenue_target": "number",
        "average_deal_size": "number",
        "period": PERIODS,
        "currency": ("EUR", "USD", "GBP"),
        "sales_reps": "int",
        "follow_ups_per_rep_week": "int",
    },
    "process": {
        "handoff_method": "text",
        "accept_hours": "int",
        "first_contact_hours": "int",
        "attempts": "int",
        "attempt_days": "int",
        "crm_fields": "text",
        "recycling": "text",
        "opportunity_support": "text",
        "follow_up_quality": "text",
    },
    "governance": {
        "review_cadence": "text",
        "attendees": "text",
        "monitoring": "text",
    },
    "goals": {"summary": "text"},
    "journey": {"dots_per_delegate": "int"},
}
