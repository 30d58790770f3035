"""What each SLA section collects: item details and captured fields, with their kinds.

Kinds: "text" (a line or paragraph), "int", "percent" (0-100, may be fractional),
"number" (>= 0), "owner" (marketing | sales | joint), or a tuple of allowed values.
"""

OWNERS = ("marketing", "sales", "joint")
JOURNEY_KINDS = ("phase", "gap", "moment")
OPPORTUNITY_KINDS = ("criterion", "stage")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly")
PERIODS = ("month", "quarter", "year")
REVISION_PERIODS = ("month", "quarter", "half_year", "year")
KPI_UNITS = ("count", "percent", "currency", "hours")
KPI_DIRECTIONS = ("higher", "lower")
KPI_PERIODS = ("week", "month", "quarter")
TRIGGER_STATUSES = ("red_only", "amber_or_red")
# What a KPI measures; the app computes all but "manual" (see domain/figures.py).
KPI_MEASURES = (
    "new_leads", "mqls", "sals", "sqls", "opportunities", "deals_won", "revenue_won",
    "average_deal_size", "mql_to_sql_rate", "sql_to_opportunity_rate", "win_rate",
    "contacted_within_sla", "first_response_hours", "manual",
)  # fmt: skip

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
        "measure": KPI_MEASURES,
        # After sign-off the dashboard reads these (issue 12).
        "unit": KPI_UNITS,
        "direction": KPI_DIRECTIONS,
        "target_value": "number",
        "period": KPI_PERIODS,
        "tolerance": "percent",
        "person": "text",
    },
    "escalation": {
        "trigger": "text",
        "who": "text",
        "response_time": "text",
        # The ladder at work after sign-off (domain/escalations.py): which KPI statuses,
        # for how many periods in a row, optionally only KPIs of one measure.
        "trigger_status": TRIGGER_STATUSES,
        "trigger_periods": "int",
        "trigger_measure": ("any",) + KPI_MEASURES,
        "response_days": "int",
    },
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
        "revision_period": REVISION_PERIODS,  # how often the SLA itself is revised
        "effective_date": "date",  # when the SLA takes effect; blank: the last signature
    },
    "goals": {"summary": "text"},
    "journey": {"dots_per_delegate": "int"},
}

# Stages whose captured values the projector shows beside the items (targets shows them
# with the reverse funnel; the funnel's and journey's values are drawn in their pictures).
PROJECTOR_FIELDS = ("goals", "process", "governance")

# Captured values that are amounts of money, written in the workshop's currency
# (targets.currency): the page reads this (schema "money_fields"); the document writes the
# same two as money (document/parts.py, canonical.py).
MONEY_FIELDS = {"targets": ("revenue_target", "average_deal_size")}
