"""The SLA document as Markdown: pure and deterministic, with every user text escaped.

`canonical_markdown` is what the delegates sign, so it leaves out everything that changes
while they sign (status, signatures, hash) and never says "today". `document_markdown` is
the export: the canonical text alone once finalized (exactly the signed bytes), and for a
draft a draft notice, the text and a signature sheet.
"""

import calendar
import hashlib
from datetime import date, timedelta

from . import format as fmt
from . import parts
from .format import escape_markdown as esc
from .parts import SECTION_ORDER, agreed, detail, fields, ordered, overrides
from .strings import strings

REVISION_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
OPEN_POINT_DAYS = 30  # open points are due a month after finalizing


def document_hash(markdown: str) -> str:
    """SHA-256 hex of the document's UTF-8 bytes: what a delegate signs."""
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def canonical_markdown(data) -> str:
    """The signed content: title, summary, the agreement's frame, the parts, open points and
    the appendix."""
    t = _strings(data)
    data = parts.with_overrides(data)
    builders = (_title_block, _summary, _frame, _changes, *parts.BODY, _open_points, _appendix)
    blocks = [block for build in builders for block in build(data, t) if block]
    return "\n\n".join(blocks) + "\n"


def document_markdown(data, draft: bool) -> str:
    """The Markdown download. Finalized: exactly the stored, signed bytes. A draft: a notice,
    the text, and a signature sheet with the draft's hash."""
    if data.get("canonical"):
        return data["canonical"]
    t = _strings(data)
    blocks = [f"> **{t['draft_mark']}**: {t['draft_notice']}"] if draft else []
    text = canonical_markdown(data)
    blocks.append(text.rstrip("\n"))
    blocks.extend(signature_blocks(data, text))
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
    stamp = signoff.get("finalized_at") or workshop.get("created_at")
    return fmt.local_date(stamp, workshop.get("time_zone"))


def status_text(data):
    """One wording of the sign-off status for the cover, the signature page and the page."""
    t = _strings(data)
    return t["status_" + ((data.get("signoff") or {}).get("status") or "open")]


def contract_dates(data):
    """(effective date or None, next revision date or None, open points due date or None)."""
    governance = fields(data, "governance")
    base = document_date(data)
    effective = None
    if governance.get("effective_date"):
        effective = date.fromisoformat(governance["effective_date"])
    months = REVISION_MONTHS.get(governance.get("revision_period"))
    start = effective or base
    revision = add_months(start, months) if start and months else None
    due = base + timedelta(days=OPEN_POINT_DAYS) if base else None
    return effective, revision, due


def add_months(day, months):
    """The same day `months` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _strings(data):
    return strings((data.get("workshop") or {}).get("language"))


# --- Around the parts --------------------------------------------------------------------


def _title_block(data, t):
    facts = cover_facts(data)
    meta = f"{t['date']}: {facts['date']} · {t['version']} {facts['version']}"
    return [
        f"# {esc(facts['title']) or 'SLA'}",
        t["subtitle"],
        f"**{esc(facts['organisation'])}**" if facts["organisation"].strip() else None,
        meta,
    ]


def _summary(data, t):
    """Page one: the revenue bridge, the capacity verdict, what each department commits to."""
    blocks = [f"## {t['summary']}", t["summary_intro"]]
    needs = (data.get("targets") or {}).get("reverse_funnel") or []
    volumes = {i["text"]: detail(i, "volume") for i in agreed(data, "funnel")}
    rows = []
    for need in needs:
        now, needed = volumes.get(need["stage"]), need["per_month"]
        gap = "—" if now is None else _signed(now - needed, t)
        rows.append([esc(need["stage"]), fmt.number(now, t) if now is not None else "—",
                     fmt.number(needed, t), gap])  # fmt: skip
    monthly = (data.get("targets") or {}).get("monthly_revenue")
    blocks.append(f"### {t['bridge']}")
    if rows:
        blocks += [
            t["bridge_intro"].format(revenue=fmt.money(monthly or 0, parts.currency(data), t)),
            fmt.table([t["stage"], t["now"], t["per_month"], t["difference"]], rows, (1, 2, 3)),
        ]
    else:
        blocks.append(t["not_agreed"])
    blocks.append(parts.capacity_verdict(data, t))
    blocks.append(f"### {t['commitments']}")
    committed = [
        block
        for department in ("marketing", "sales", "joint")
        if (lines := _commitments(data, department, t))
        for block in (f"**{t['labels'][department]}**", fmt.bullets(lines))
    ]
    return blocks + (committed or [t["not_agreed"]])


def _signed(value, t):
    if value == 0:
        return "0"
    text = fmt.number(abs(value), t)
    return f"+{text}" if value > 0 else f"−{text}"


def _commitments(data, department, t):
    """The department's sub-goals, then its KPIs with their targets: at most five lines."""
    lines = [
        parts.item_text(i, data, t)
        for i in agreed(data, "targets")
        if detail(i, "owner") == department
    ]
    lines += [
        f"{parts.item_text(i, data, t)}: {parts.kpi_target(i, data, t)}"
        for i in agreed(data, "kpis")
        if detail(i, "owner") == department
        and (detail(i, "target") or parts.kpi_target(i, data, t))
    ]
    return lines[:4]  # the summary stays one page


def _frame(data, t):
    """The agreement as a contract: parties, dates, term, amendments, who signs."""
    workshop = data.get("workshop") or {}
    effective, revision, _ = contract_dates(data)
    organisation = esc(workshop.get("organisation"))
    rows = [
        [
            t["parties"],
            t["parties_of"].format(org=organisation) if organisation else t["parties_plain"],
        ],
        [t["effective"], fmt.date_text(effective, t) if effective else t["effective_on_signing"]],
        [t["term"], t["term_text"]],
    ]
    if revision:
        rows.append([t["next_revision"], fmt.date_text(revision, t)])
    rows += [
        [t["amendments"], t["amendments_text"]],
        [t["time_zone"], esc(workshop.get("time_zone") or "UTC")],
    ]
    people = [
        [fmt.name(p.get("name")), esc(p.get("job_title")) or "—", fmt.label(p.get("department"), t)]
        for p in data.get("participants") or []
    ]
    return [
        f"## {t['frame']}",
        fmt.table([t["topic"], t["agreement"]], rows),
        f"### {t['signatories']}",
        fmt.table([t["name"], t["job_title"], t["department"]], people) or t["no_participants"],
        t["facilitator"].format(name=fmt.name(data.get("facilitator")) or "—"),
    ]


def _changes(data, t):
    """An amendment's "Changes since version N": each added, removed or changed item with
    what changed, then the captured values that changed. Only in an amendment's versions."""
    amendment = data.get("amendment")
    if not amendment:
        return []
    since = amendment.get("since_version")
    rows = [_change_row(change, data, t) for change in amendment.get("changes") or []]
    return [
        f"## {t['changes_since'].format(n=since)}",
        t["changes_intro"].format(n=since) if rows else t["no_changes"].format(n=since),
        fmt.table([t["section"], t["item"], t["change"]], rows),
    ]


def _change_row(change, data, t):
    section = t["sections"].get(change.get("section"), esc(change.get("section")))
    if change.get("kind") == "field":
        key = change.get("field")
        step = _change_step(key, change.get("before"), change.get("after"), data, t)
        return [section, _key_label(key, t), f"{t['change_field']}: {step.split(': ', 1)[1]}"]
    kind = t["change_" + change.get("kind", "changed")]
    steps = [
        _change_step(d.get("key"), d.get("before"), d.get("after"), data, t)
        for d in change.get("differences") or []
    ]
    return [section, esc(change.get("text")), "; ".join([kind, *steps]) if steps else kind]


def _key_label(key, t):
    label = t["change_keys"].get(key) or t.get(key)
    return label if isinstance(label, str) else esc(key)


def _change_step(key, before, after, data, t):
    def value(v):
        if v is None or v == "":
            return "—"
        if isinstance(v, bool) or not isinstance(v, int | float):
            text = fmt.label(v, t) if isinstance(v, str) else esc(v)
            return f"“{text}”" if key == "text" else text
        if key in ("revenue_target", "average_deal_size"):
            return fmt.money(v, parts.currency(data), t)
        if key in ("conversion", "probability", "tolerance"):
            return fmt.percent(v, t)
        return fmt.number(v, t)

    return t["change_step"].format(key=_key_label(key, t), before=value(before), after=value(after))


def _open_points(data, t):
    from .open_points import describe

    points = data.get("open_points") or []
    if not points:
        return []
    _, _, due = contract_dates(data)
    reason = (data.get("finalize") or {}).get("reason")
    rows = [
        [
            str(n),
            esc(describe(point, t, parts.currency(data))),
            fmt.label(point.get("owner") or "joint", t),
            fmt.date_text(due, t),
        ]
        for n, point in enumerate(points, start=1)
    ]
    return [
        f"## {t['open_points']}",
        # A draft's points are not actions yet: the document says what will make them so.
        t["open_points_intro"] if data.get("finalize") else t["open_points_intro_draft"],
        fmt.table(["#", t["open_point"], t["owner"], t["due"]], rows, right=(0,)),
        f"**{t['finalize_reason']}:** {esc(reason)}" if reason else None,
    ]


def _tally(item):
    tally = item.get("tally") or {}
    return " / ".join(str(tally.get(c, 0)) for c in ("agree", "abstain", "disagree", "block"))


def _unanimous(item):
    tally = item.get("tally") or {}
    return (
        item.get("status") == "agreed"
        and item.get("consensus") == "consent"
        and tally.get("agree", 0) > 0
        and not any(tally.get(c) for c in ("abstain", "disagree", "block"))
    )


def _appendix(data, t):
    """Contested decisions in full, unanimous ones compactly, then what was left open or
    rejected, and every override with its reason."""
    decided = [*(data.get("agreed") or []), *(data.get("rejected") or [])]
    blocks = [f"## {t['appendix']}", t["decisions_intro"] if decided else t["no_decisions"]]
    marks = overrides(data)
    contested = [
        [
            esc(i["text"]) + (f" *({marks[i['id']]})*" if i.get("id") in marks else ""),
            t["sections"][section],
            fmt.label(i.get("status"), t),
            _tally(i) if i.get("tally") else "—",
            fmt.label(i.get("consensus") or "not_voted", t),
        ]
        for section in SECTION_ORDER
        for i in ordered(x for x in decided if x.get("section") == section)
        if not _unanimous(i)
    ]
    headers = [t["item"], t["section"], t["decision"], t["votes_legend"], t["consensus"]]
    blocks += [f"### {t['contested']}", fmt.table(headers, contested) or t["none"]]
    unanimous = []
    for section in SECTION_ORDER:
        names = [esc(i["text"]) for i in agreed(data, section) if _unanimous(i)]
        if names:
            unanimous.append(f"**{t['sections'][section]}:** " + "; ".join(names))
    blocks += [f"### {t['unanimous']}", fmt.bullets(unanimous) or t["none"]]
    rejected = [
        [esc(i["text"]), t["sections"][i["section"]], esc(i.get("decision_reason")) or "—"]
        for section in SECTION_ORDER
        for i in ordered(x for x in data.get("rejected") or [] if x.get("section") == section)
    ]
    blocks += [
        f"### {t['rejected_items']}",
        fmt.table([t["item"], t["section"], t["reason"]], rejected) or t["none"],
    ]
    undecided = [
        [esc(i["text"]), t["sections"][i["section"]], t["undecided_" + i["status"]]]
        for section in SECTION_ORDER
        for i in ordered(x for x in data.get("undecided") or [] if x.get("section") == section)
    ]
    blocks += [
        f"### {t['undecided']}",
        fmt.table([t["item"], t["section"], t["status"]], undecided) or t["none"],
    ]
    by_id = {i["id"]: i for i in data.get("agreed") or []}
    override_rows = [
        [
            ref,
            esc(by_id[item_id]["text"]),
            fmt.label(by_id[item_id].get("consensus") or "not_voted", t),
            esc(by_id[item_id].get("decision_reason")) or "—",
        ]
        for item_id, ref in marks.items()
    ]
    blocks.append(f"### {t['overrides']}")
    if override_rows:
        headers = ["#", t["item"], t["consensus"], t["reason"]]
        blocks += [t["overrides_intro"], fmt.table(headers, override_rows)]
    else:
        blocks.append(t["no_overrides"])
    return blocks


# --- Outside the signed text -------------------------------------------------------------


def signature_blocks(data, text=None):
    """Status, who signed when (or left unsigned), the hash and how to check it. `text`: the
    canonical_markdown(data) a caller already has (so the hash does not build it again)."""
    t = _strings(data)
    signoff = data.get("signoff") or {}
    tz = (data.get("workshop") or {}).get("time_zone")
    signed = {s.get("participant_id"): s for s in signoff.get("signatures") or []}
    left = set(signoff.get("left") or [])
    rows = []
    for person in data.get("participants") or []:
        if person.get("id") in signed:
            when = fmt.moment_text(signed[person["id"]].get("signed_at"), t, tz)
        else:
            when = t["left_unsigned"] if person.get("id") in left else t["not_signed"]
        rows.append(
            [
                fmt.name(person.get("name")),
                esc(person.get("job_title")) or "—",
                fmt.label(person.get("department"), t),
                when,
            ]  # fmt: skip
        )
    status = signoff.get("status") or "open"
    final = status in ("finalized", "signed") and signoff.get("document_hash")
    digest = signoff.get("document_hash") or document_hash(
        canonical_markdown(data) if text is None else text
    )
    filename = f"{(data.get('workshop') or {}).get('code')}-v{signoff.get('version') or 1}.md"
    headers = [t["delegate"], t["job_title"], t["department"], t["signed_at"]]
    return [
        f"## {t['signatures']}",
        fmt.table(headers, rows) or t["no_participants"],
        f"**{t['status']}:** {status_text(data)}",
        f"**{t['hash_final'] if final else t['hash_draft']}:** {fmt.code_span(digest)}",
        t["hash_check"].format(file=esc(filename)) if final else t["hash_note"],
    ]
