"""The body of the SLA: the funnel, the journey and the six parts, as Markdown blocks. Pure.

Each builder takes the document data and the language's strings and returns blocks; an
item agreed without consent carries a marker that points to its reason in the appendix.
"""

from ..domain.stages import SECTIONS as SECTION_ORDER  # the agenda's order
from . import format as fmt
from .format import escape_markdown as esc

PROCESS_TEXT_FIELDS = (
    "crm_fields", "recycling", "opportunity_support", "follow_up_quality",
)  # fmt: skip
OVERRIDES = "_overrides"  # with_overrides' key: not a field of the data


# --- Reading the data ----------------------------------------------------------------------


def detail(item, key):
    return (item.get("details") or {}).get(key)


def fields(data, section):
    return (data.get("fields") or {}).get(section) or {}


def ordered(items):
    return sorted(items, key=lambda i: (i.get("position") or 0, i.get("id") or 0))


def agreed(data, section, kinds=None):
    return ordered(
        i
        for i in data.get("agreed") or []
        if i.get("section") == section and (kinds is None or detail(i, "kind") in kinds)
    )


def overrides(data):
    """{item id: "O1", ...}: agreed items without consent, numbered in document order.
    Worked out once per document when canonical.py passes it along (with_overrides): every
    item's text asks for it."""
    if OVERRIDES in data:
        return data[OVERRIDES]
    marked = [
        i["id"]
        for section in SECTION_ORDER
        for i in agreed(data, section)
        if i.get("consensus") != "consent"
    ]
    return {item_id: f"O{n}" for n, item_id in enumerate(marked, start=1)}


def with_overrides(data):
    """A shallow copy of the data that carries its overrides, for one document's builders."""
    return {**data, OVERRIDES: overrides(data)}


def currency(data):
    return fields(data, "targets").get("currency")


def item_text(item, data, t):
    """An agreed item's text, with the override marker where consent was missing."""
    mark = overrides(data).get(item.get("id"))
    text = esc(item.get("text"))
    return f"{text} *({t['override_mark'].format(ref=mark)})*" if mark else text


def or_missing(block, t):
    return block or t["not_agreed"]


# --- The parts -------------------------------------------------------------------------------


def funnel(data, t):
    items = agreed(data, "funnel")
    if not items:
        return [f"## {t['funnel']}", t["not_agreed"]]
    period, in_text = fields(data, "funnel").get("period"), t["period_in_text"]
    rows = [
        [
            item_text(i, data, t),
            esc(detail(i, "definition")),
            fmt.number(detail(i, "volume"), t),
            fmt.percent(detail(i, "conversion"), t),
        ]
        for i in items
    ]
    return [
        f"## {t['funnel']}",
        t["funnel_intro"].format(period=in_text.get(period, in_text["month"])),
        f"![{t['funnel_picture']}](funnel.svg)",
        fmt.table([t["stage"], t["definition"], t["volume"], t["conversion"]], rows, right=(2, 3)),
    ]


def journey(data, t):
    phases = agreed(data, "journey", kinds={"phase"})
    moments = [i for i in agreed(data, "journey") if i not in phases]
    if not phases and not moments:
        return [f"## {t['journey']}", t["not_agreed"]]
    phase_rows = [
        [item_text(i, data, t)] + [esc(detail(i, k)) for k in ("prospect", "marketing", "sales")]
        for i in phases
    ]
    moment_rows = [
        [
            fmt.label(detail(i, "kind"), t),
            item_text(i, data, t),
            esc(detail(i, "phase")),
            esc(detail(i, "approach")),
        ]
        for i in moments
    ]
    sales, marketing = t["labels"]["sales"], t["labels"]["marketing"]
    return [
        f"## {t['journey']}",
        t["journey_intro"],
        f"![{t['journey_picture']}](journey.svg)",
        f"### {t['phases']}",
        or_missing(fmt.table([t["phase"], t["prospect"], marketing, sales], phase_rows), t),
        f"### {t['moments']}",
        or_missing(
            fmt.table([t["kind"], t["moment_or_gap"], t["phase"], t["approach"]], moment_rows), t
        ),
    ]


def goals(data, t):
    rows = [
        [
            item_text(i, data, t),
            esc(detail(i, "metric")),
            esc(detail(i, "target")),
            fmt.label(detail(i, "period"), t),
        ]
        for i in agreed(data, "goals")
    ]
    summary = fmt.paragraphs(fields(data, "goals").get("summary"))
    table = fmt.table([t["goal"], t["metric"], t["target"], t["period"]], rows)
    return [f"## {t['part1']}", summary, table if summary or table else t["not_agreed"]]


def targets(data, t):
    captured, money = fields(data, "targets"), currency(data)
    period = captured.get("period")
    in_text = t["period_in_text"].get(period)
    rows = []
    if captured.get("revenue_target") is not None:
        amount = fmt.money(captured["revenue_target"], money, t)
        rows.append(
            [t["revenue_target"], t["per_period"].format(amount=amount, period=in_text)]
            if in_text
            else [t["revenue_target"], amount]
        )
    if captured.get("average_deal_size") is not None:
        rows.append([t["average_deal_size"], fmt.money(captured["average_deal_size"], money, t)])
    for key, name in (("sales_reps", "sales_reps"), ("follow_ups_per_rep_week", "follow_ups")):
        if captured.get(key) is not None:
            rows.append([t[name], fmt.number(captured[key], t)])
    blocks = [f"## {t['part2']}", or_missing(fmt.table([t["topic"], t["agreement"]], rows), t)]
    blocks += [f"### {t['reverse_funnel']}", *reverse_funnel(data, t)]
    subgoal_rows = [
        [
            item_text(i, data, t),
            fmt.label(detail(i, "owner"), t),
            esc(detail(i, "metric")),
            esc(detail(i, "target")),
            esc(detail(i, "depends_on")),
        ]
        for i in agreed(data, "targets")
    ]
    headers = [t["subgoal"], t["owner"], t["metric"], t["target"], t["depends_on"]]
    return blocks + [f"### {t['subgoals']}", or_missing(fmt.table(headers, subgoal_rows), t)]


def reverse_funnel(data, t):
    needs = (data.get("targets") or {}).get("reverse_funnel") or []
    if not needs:
        return [t["not_agreed"]]
    monthly = (data.get("targets") or {}).get("monthly_revenue") or 0
    rows = [[esc(n.get("stage")), fmt.number(n.get("per_month"), t)] for n in needs]
    return [
        t["reverse_intro"].format(revenue=fmt.money(monthly, currency(data), t)),
        fmt.table([t["stage"], t["per_month"]], rows, right=(1,)),
        capacity_verdict(data, t),
    ]


def capacity_verdict(data, t):
    """One sentence: can sales follow up what the funnel needs?"""
    targets_ = data.get("targets") or {}
    capacity, mqls = targets_.get("capacity_per_month"), targets_.get("mql_per_month")
    if not capacity or not mqls:
        return None
    gap = targets_.get("capacity_gap") or 0
    words = {"capacity": fmt.number(capacity, t), "mql": fmt.number(mqls, t)}
    if gap > 0:
        return t["capacity_short"].format(gap=fmt.number(gap, t), **words)
    return t["capacity_ok"].format(spare=fmt.number(capacity - mqls, t), **words)


def definitions(data, t):
    def rows(section, key, show=esc, kinds=None):
        return [[item_text(i, data, t), show(detail(i, key))] for i in agreed(data, section, kinds)]

    def number(value):
        return fmt.number(value, t)

    def percent(value):
        return fmt.percent(value, t)

    disqualification = fmt.table([t["reason"], t["note"]], rows("disqualification", "note"))
    criteria = [
        f"- {item_text(i, data, t)}"
        for i in agreed(data, "opportunity")
        if detail(i, "kind") != "stage"
    ]
    mql = fmt.table([t["criterion"], t["points"]], rows("mql", "points", number), right=(1,))
    sql = fmt.table([t["criterion"], t["framework"]], rows("sql", "framework"))
    stages = fmt.table(
        [t["stage"], t["probability"]],
        rows("opportunity", "probability", percent, {"stage"}),
        right=(1,),
    )
    return [
        f"## {t['part3']}",
        f"### {t['mql']}",
        or_missing(mql, t),
        f"### {t['sql']}",
        or_missing(sql, t),
        f"### {t['disqualification']}",
        t["disqualification_intro"] if disqualification else None,
        or_missing(disqualification, t),
        f"### {t['opportunity_criteria']}",
        "\n".join(criteria) or t["not_agreed"],
        f"### {t['opportunity_stages']}",
        or_missing(stages, t),
    ]


def process(data, t):
    captured = fields(data, "process")
    rows = []
    if captured.get("handoff_method"):
        rows.append([t["handoff_method"], esc(captured["handoff_method"])])
    for key in ("accept_hours", "first_contact_hours"):
        if captured.get(key) is not None:
            rows.append([t[key], t["within_hours"].format(n=fmt.number(captured[key], t))])
    if captured.get("attempts") is not None:
        n, days = fmt.number(captured["attempts"], t), captured.get("attempt_days")
        value = (
            t["attempts_value"].format(n=n, days=fmt.number(days, t))
            if days is not None
            else t["attempts_only"].format(n=n)
        )
        rows.append([t["attempts"], value])
    rows += [[t[key], esc(captured[key])] for key in PROCESS_TEXT_FIELDS if captured.get(key)]
    further = fmt.table(
        [t["agreement"], t["owner"]],
        [
            [item_text(i, data, t), fmt.label(detail(i, "owner"), t)]
            for i in agreed(data, "process")
        ],
    )
    blocks = [f"## {t['part4']}", or_missing(fmt.table([t["topic"], t["agreement"]], rows), t)]
    return blocks + ([f"### {t['further_agreements']}", further] if further else [])


def kpi_target(item, data, t):
    """A linked KPI prints the figure the SLA computes; any other its agreed wording."""
    link = (data.get("kpi_targets") or {}).get(str(item.get("id")))
    if not link:
        return esc(detail(item, "target"))
    sign = "≥" if link["direction"] == "higher" else "≤"
    value, unit = link["value"], link["unit"]
    shown = {
        "percent": lambda: fmt.percent(value, t),
        "money": lambda: fmt.money(value, currency(data), t),
        "hours": lambda: fmt.hours(value, t),
    }.get(unit, lambda: t["a_month"].format(n=fmt.number(value, t)))()
    return f"{sign} {shown} ({t['linked']})"


def kpis(data, t):
    rows = [
        [
            item_text(i, data, t),
            esc(detail(i, "definition")),
            kpi_target(i, data, t),
            fmt.label(detail(i, "owner"), t),
            fmt.label(detail(i, "frequency"), t),
            esc(detail(i, "source")),
        ]
        for i in agreed(data, "kpis")
    ]
    headers = [t["kpi"], t["definition"], t["target"], t["owner"], t["frequency"], t["source"]]
    blocks = [f"## {t['part5']}", or_missing(fmt.table(headers, rows), t)]
    if data.get("kpi_targets"):
        blocks.append(t["linked_note"])
    return blocks


def governance(data, t):
    captured = fields(data, "governance")
    keys = ("review_cadence", "attendees", "monitoring")
    rows = [[t[key], esc(captured[key])] for key in keys if captured.get(key)]
    further = [
        [item_text(i, data, t), fmt.label(detail(i, "owner"), t)]
        for i in agreed(data, "governance")
    ]
    ladder = [
        [item_text(i, data, t)] + [esc(detail(i, k)) for k in ("trigger", "who", "response_time")]
        for i in agreed(data, "escalation")
    ]
    further_table = fmt.table([t["agreement"], t["owner"]], further)
    return [
        f"## {t['part6']}",
        or_missing(fmt.table([t["topic"], t["agreement"]], rows), t),
        *([f"### {t['further_agreements']}", further_table] if further_table else []),
        f"### {t['ladder']}",
        or_missing(fmt.table([t["rung"], t["trigger"], t["who"], t["response_time"]], ladder), t),
    ]


BODY = (funnel, journey, goals, targets, definitions, process, kpis, governance)
