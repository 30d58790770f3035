"""The SLA document as Markdown: pure and deterministic, with every user text escaped.

`canonical_markdown` is what the delegates sign, so it leaves out everything that changes
while they sign (status, signatures, hash) and never says "today". `document_markdown` is
the export: a draft notice, the canonical text and the signatures.
"""

import hashlib

from . import format as fmt
from .format import escape_markdown
from .strings import strings

SECTION_ORDER = (
    "funnel", "journey", "goals", "targets", "mql", "sql", "disqualification", "opportunity",
    "process", "kpis", "escalation", "governance",
)  # fmt: skip
PROCESS_TEXT_FIELDS = (
    "crm_fields", "recycling", "opportunity_support", "follow_up_quality",
)  # fmt: skip
esc = escape_markdown


def document_hash(markdown: str) -> str:
    """SHA-256 hex of the document's UTF-8 bytes: what a delegate signs."""
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def canonical_markdown(data) -> str:
    """The signed content: title block, context, the six parts and the appendix."""
    t = _strings(data)
    builders = (
        _title_block, _funnel, _journey, _goals, _targets, _definitions, _process, _kpis,
        _governance, _appendix,
    )  # fmt: skip
    blocks = [block for build in builders for block in build(data, t) if block]
    return "\n\n".join(blocks) + "\n"


def document_markdown(data, draft: bool) -> str:
    """The export: a draft notice when draft, the canonical text, then the signatures."""
    t = _strings(data)
    blocks = [f"> **{t['draft_mark']}** — {t['draft_notice']}"] if draft else []
    blocks.append(canonical_markdown(data).rstrip("\n"))
    blocks.extend(_signatures(data, t))
    return "\n\n".join(blocks) + "\n"


def cover_facts(data):
    """Plain (unescaped) facts for a cover page; the caller escapes them for its format."""
    workshop = data.get("workshop") or {}
    t = _strings(data)
    return {
        "title": workshop.get("title") or "",
        "organisation": workshop.get("organisation") or "",
        "date": fmt.date_text(document_date(data), t),
        "version": (data.get("signoff") or {}).get("version") or 1,
        "facilitator": data.get("facilitator") or "",
        "language": workshop.get("language") or "en",
    }


def document_date(data):
    """The finalization date if finalized, else the workshop's creation date: stable bytes."""
    signoff, workshop = data.get("signoff") or {}, data.get("workshop") or {}
    moment = fmt.parse_moment(signoff.get("finalized_at") or workshop.get("created_at"))
    return moment.date() if moment else None


# --- Reading the data ----------------------------------------------------------------------


def _strings(data):
    return strings((data.get("workshop") or {}).get("language"))


def _detail(item, key):
    return (item.get("details") or {}).get(key)


def _fields(data, section):
    return (data.get("fields") or {}).get(section) or {}


def _agreed(data, section, kinds=None):
    items = [
        i
        for i in data.get("agreed") or []
        if i.get("section") == section and (kinds is None or _detail(i, "kind") in kinds)
    ]
    return sorted(items, key=lambda i: (i.get("position") or 0, i.get("id") or 0))


def _or_missing(block, t):
    return block or t["not_agreed"]


# --- The document's parts --------------------------------------------------------------


def _title_block(data, t):
    facts = cover_facts(data)
    meta = f"{t['date']}: {facts['date']} · {t['version']} {facts['version']}"
    return [
        f"# {esc(facts['title']) or 'SLA'}",
        t["subtitle"],
        f"**{esc(facts['organisation'])}**" if facts["organisation"].strip() else None,
        meta,
    ]


def _funnel(data, t):
    items = _agreed(data, "funnel")
    if not items:
        return [f"## {t['funnel']}", t["not_agreed"]]
    period, in_text = _fields(data, "funnel").get("period"), t["period_in_text"]
    rows = [
        [
            esc(i["text"]),
            esc(_detail(i, "definition")),
            fmt.number(_detail(i, "volume"), t),
            fmt.percent(_detail(i, "conversion"), t),
        ]
        for i in items
    ]
    return [
        f"## {t['funnel']}",
        t["funnel_intro"].format(period=in_text.get(period, in_text["month"])),
        f"![{t['funnel_picture']}](sla-picture:funnel)",
        fmt.table([t["stage"], t["definition"], t["volume"], t["conversion"]], rows, right=(2, 3)),
    ]


def _journey(data, t):
    phases = _agreed(data, "journey", kinds={"phase"})
    moments = [i for i in _agreed(data, "journey") if i not in phases]
    if not phases and not moments:
        return [f"## {t['journey']}", t["not_agreed"]]
    phase_rows = [
        [esc(i["text"])] + [esc(_detail(i, k)) for k in ("prospect", "marketing", "sales")]
        for i in phases
    ]
    moment_rows = [
        [
            fmt.label(_detail(i, "kind"), t),
            esc(i["text"]),
            esc(_detail(i, "phase")),
            esc(_detail(i, "approach")),
        ]
        for i in moments
    ]
    sales, marketing = t["labels"]["sales"], t["labels"]["marketing"]
    return [
        f"## {t['journey']}",
        t["journey_intro"],
        f"![{t['journey_picture']}](sla-picture:journey)",
        f"### {t['phases']}",
        _or_missing(fmt.table([t["phase"], t["prospect"], marketing, sales], phase_rows), t),
        f"### {t['moments']}",
        _or_missing(
            fmt.table([t["kind"], t["moment_or_gap"], t["phase"], t["approach"]], moment_rows), t
        ),
    ]


def _goals(data, t):
    rows = [
        [
            esc(i["text"]),
            esc(_detail(i, "metric")),
            esc(_detail(i, "target")),
            fmt.label(_detail(i, "period"), t),
        ]
        for i in _agreed(data, "goals")
    ]
    summary = fmt.paragraphs(_fields(data, "goals").get("summary"))
    table = fmt.table([t["goal"], t["metric"], t["target"], t["period"]], rows)
    return [f"## {t['part1']}", summary, table if summary or table else t["not_agreed"]]


def _targets(data, t):
    fields = _fields(data, "targets")
    currency, period = fields.get("currency"), fields.get("period")
    in_text = t["period_in_text"].get(period)
    rows = []
    if fields.get("revenue_target") is not None:
        amount = fmt.money(fields["revenue_target"], currency, t)
        rows.append(
            [t["revenue_target"], t["per_period"].format(amount=amount, period=in_text)]
            if in_text
            else [t["revenue_target"], amount]
        )
    if fields.get("average_deal_size") is not None:
        rows.append([t["average_deal_size"], fmt.money(fields["average_deal_size"], currency, t)])
    for key, label in (("sales_reps", "sales_reps"), ("follow_ups_per_rep_week", "follow_ups")):
        if fields.get(key) is not None:
            rows.append([t[label], fmt.number(fields[key], t)])
    blocks = [f"## {t['part2']}", _or_missing(fmt.table([t["topic"], t["agreement"]], rows), t)]
    blocks += [f"### {t['reverse_funnel']}", *_reverse_funnel(data, currency, t)]
    subgoal_rows = [
        [
            esc(i["text"]),
            fmt.label(_detail(i, "owner"), t),
            esc(_detail(i, "metric")),
            esc(_detail(i, "target")),
            esc(_detail(i, "depends_on")),
        ]
        for i in _agreed(data, "targets")
    ]
    headers = [t["subgoal"], t["owner"], t["metric"], t["target"], t["depends_on"]]
    return blocks + [f"### {t['subgoals']}", _or_missing(fmt.table(headers, subgoal_rows), t)]


def _reverse_funnel(data, currency, t):
    targets = data.get("targets") or {}
    needs = targets.get("reverse_funnel") or []
    if not needs:
        return [t["not_agreed"]]
    rows = [[esc(n.get("stage")), fmt.number(n.get("per_month"), t)] for n in needs]
    blocks = [
        t["reverse_intro"].format(
            revenue=fmt.money(targets.get("monthly_revenue") or 0, currency, t)
        ),
        fmt.table([t["stage"], t["per_month"]], rows, right=(1,)),
    ]
    if targets.get("capacity_per_month"):
        blocks.append(
            t["capacity"].format(
                capacity=fmt.number(targets["capacity_per_month"], t),
                mql=fmt.number(targets.get("mql_per_month") or 0, t),
            )
        )
    if (targets.get("capacity_gap") or 0) > 0:
        blocks.append(t["capacity_warning"].format(gap=fmt.number(targets["capacity_gap"], t)))
    return blocks


def _definitions(data, t):
    def rows(section, detail, show=esc, kinds=None):
        return [[esc(i["text"]), show(_detail(i, detail))] for i in _agreed(data, section, kinds)]

    def number(value):
        return fmt.number(value, t)

    def percent(value):
        return fmt.percent(value, t)

    disqualification = fmt.table([t["reason"], t["note"]], rows("disqualification", "note"))
    criteria = [
        f"- {esc(i['text'])}" for i in _agreed(data, "opportunity") if _detail(i, "kind") != "stage"
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
        _or_missing(mql, t),
        f"### {t['sql']}",
        _or_missing(sql, t),
        f"### {t['disqualification']}",
        t["disqualification_intro"] if disqualification else None,
        _or_missing(disqualification, t),
        f"### {t['opportunity_criteria']}",
        "\n".join(criteria) or t["not_agreed"],
        f"### {t['opportunity_stages']}",
        _or_missing(stages, t),
    ]


def _process(data, t):
    fields = _fields(data, "process")
    rows = []
    if fields.get("handoff_method"):
        rows.append([t["handoff_method"], esc(fields["handoff_method"])])
    for key in ("accept_hours", "first_contact_hours"):
        if fields.get(key) is not None:
            rows.append([t[key], t["within_hours"].format(n=fmt.number(fields[key], t))])
    if fields.get("attempts") is not None:
        n, days = fmt.number(fields["attempts"], t), fields.get("attempt_days")
        value = (
            t["attempts_value"].format(n=n, days=fmt.number(days, t))
            if days is not None
            else t["attempts_only"].format(n=n)
        )
        rows.append([t["attempts"], value])
    rows += [[t[key], esc(fields[key])] for key in PROCESS_TEXT_FIELDS if fields.get(key)]
    agreements = fmt.table(
        [t["agreement"], t["owner"]],
        [[esc(i["text"]), fmt.label(_detail(i, "owner"), t)] for i in _agreed(data, "process")],
    )
    blocks = [f"## {t['part4']}", _or_missing(fmt.table([t["topic"], t["agreement"]], rows), t)]
    return blocks + ([f"### {t['further_agreements']}", agreements] if agreements else [])


def _kpis(data, t):
    rows = [
        [
            esc(i["text"]),
            esc(_detail(i, "definition")),
            esc(_detail(i, "target")),
            fmt.label(_detail(i, "owner"), t),
            fmt.label(_detail(i, "frequency"), t),
            esc(_detail(i, "source")),
        ]
        for i in _agreed(data, "kpis")
    ]
    headers = [t["kpi"], t["definition"], t["target"], t["owner"], t["frequency"], t["source"]]
    return [f"## {t['part5']}", _or_missing(fmt.table(headers, rows), t)]


def _governance(data, t):
    fields = _fields(data, "governance")
    keys = ("review_cadence", "attendees", "monitoring")
    rows = [[t[key], esc(fields[key])] for key in keys if fields.get(key)]
    agreements = [
        [esc(i["text"]), fmt.label(_detail(i, "owner"), t)] for i in _agreed(data, "governance")
    ]
    ladder = [
        [esc(i["text"])] + [esc(_detail(i, k)) for k in ("trigger", "who", "response_time")]
        for i in _agreed(data, "escalation")
    ]
    agreements_table = fmt.table([t["agreement"], t["owner"]], agreements)
    return [
        f"## {t['part6']}",
        _or_missing(fmt.table([t["topic"], t["agreement"]], rows), t),
        *([f"### {t['further_agreements']}", agreements_table] if agreements_table else []),
        f"### {t['ladder']}",
        _or_missing(fmt.table([t["rung"], t["trigger"], t["who"], t["response_time"]], ladder), t),
    ]


def _appendix(data, t):
    decided = [*(data.get("agreed") or []), *(data.get("rejected") or [])]
    labels = t["labels"]
    blocks = [f"## {t['appendix']}", f"### {t['decisions']}"]
    blocks.append(t["decisions_intro"] if decided else t["no_decisions"])
    choices = ("agree", "abstain", "disagree", "block")
    for section in SECTION_ORDER:
        items = sorted(
            (i for i in decided if i.get("section") == section),
            key=lambda i: (i.get("position") or 0, i.get("id") or 0),
        )
        rows = [
            [
                esc(i["text"]),
                fmt.label(i.get("status"), t),
                *(str((i.get("tally") or {}).get(c, "—")) for c in choices),
                fmt.label(i.get("consensus") or "not_voted", t),
            ]
            for i in items
        ]
        if rows:
            headers = [t["item"], t["decision"], *(labels[c] for c in choices), t["consensus"]]
            blocks += [f"#### {t['sections'][section]}", fmt.table(headers, rows, (2, 3, 4, 5))]
    overrides = [
        [
            t["sections"].get(i.get("section"), esc(i.get("section"))),
            esc(i["text"]),
            fmt.label(i.get("consensus") or "not_voted", t),
            esc(i.get("decision_reason")),
        ]
        for section in SECTION_ORDER
        for i in _agreed(data, section)
        if i.get("consensus") != "consent"
    ]
    blocks += [f"### {t['overrides']}"]
    if overrides:
        headers = [t["section"], t["item"], t["consensus"], t["reason"]]
        blocks += [t["overrides_intro"], fmt.table(headers, overrides)]
    else:
        blocks.append(t["no_overrides"])
    people = [
        [esc(p.get("name")), fmt.label(p.get("department"), t)]
        for p in data.get("participants") or []
    ]
    return blocks + [
        f"### {t['participants']}",
        fmt.table([t["name"], t["department"]], people) or t["no_participants"],
        t["facilitator"].format(name=esc(data.get("facilitator")) or "—"),
    ]


def _signatures(data, t):
    signoff = data.get("signoff") or {}
    signed = {s.get("participant_id"): s for s in signoff.get("signatures") or []}
    people = list(data.get("participants") or [])
    # Someone removed after signing still signed: keep them on the sheet.
    known = {p.get("id") for p in people}
    people += [
        {"id": s.get("participant_id"), "name": s.get("name"), "department": s.get("department")}
        for s in signoff.get("signatures") or []
        if s.get("participant_id") not in known
    ]
    rows = [
        [
            esc(p.get("name")),
            fmt.label(p.get("department"), t),
            fmt.moment_text(signed[p.get("id")].get("signed_at"), t)
            if p.get("id") in signed
            else t["not_signed"],
        ]
        for p in people
    ]
    status = signoff.get("status") or "open"
    final = status in ("finalized", "signed") and signoff.get("document_hash")
    digest = signoff.get("document_hash") or document_hash(canonical_markdown(data))
    return [
        f"## {t['signatures']}",
        fmt.table([t["delegate"], t["department"], t["signed_at"]], rows) or t["no_participants"],
        f"**{t['status']}:** {t.get('status_' + status) or esc(status)}",
        f"**{t['hash_final'] if final else t['hash_draft']}:** {fmt.code_span(digest)}",
        t["hash_note"],
    ]
