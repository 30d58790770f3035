"""Is the SLA ready to sign? The open points a facilitator sees before finalizing. Pure.

Each point is a small dict with a `kind` and what a sentence about it needs; the document
and the page word it in their language. Owners follow the point: a sales capacity gap is
sales's to solve, a figure in a KPI is the KPI owner's, everything else is joint.
"""

from . import figures as rules
from .stages import SECTIONS as SLA_SECTIONS  # the agenda's order, which is the document's

# Captured values count as agreed content for these sections.
FIELD_SECTIONS = {"targets", "process", "governance", "goals"}
COUNT_WORDS = ("mqls", "sals", "sqls", "opportunities", "deals_won", "new_leads")


def _section_rank(section):
    return SLA_SECTIONS.index(section) if section in SLA_SECTIONS else len(SLA_SECTIONS)


def open_points(data):
    """[point] for the document data: undecided items, empty sections, warnings, figures that
    disagree. data: {items, fields, figures, targets, balance, language}."""
    points = []
    items = data.get("items") or []
    # In the document's order (items come grouped by section key, alphabetically).
    in_order = sorted(items, key=lambda i: _section_rank(i["section"]))
    for item in in_order:
        if item["status"] in ("open", "revealed"):
            points.append(
                {
                    "kind": "undecided",
                    "section": item["section"],
                    "item_id": item["id"],
                    "text": item["text"],
                    "status": item["status"],
                    "owner": _owner(item),
                }
            )
    agreed = [i for i in items if i["status"] == "agreed"]
    fields = data.get("fields") or {}
    for section in SLA_SECTIONS:
        has_fields = section in FIELD_SECTIONS and any(
            v not in (None, "") for v in (fields.get(section) or {}).values()
        )
        if not has_fields and not any(i["section"] == section for i in agreed):
            points.append({"kind": "empty_section", "section": section, "owner": "joint"})
    targets = data.get("targets") or {}
    if (targets.get("capacity_gap") or 0) > 0:
        points.append(
            {
                "kind": "capacity_gap",
                "gap": targets["capacity_gap"],
                "capacity": targets.get("capacity_per_month"),
                "mqls": targets.get("mql_per_month"),
                "owner": "sales",
            }
        )
    balance = data.get("balance") or {}
    for department in ("marketing", "sales"):
        if balance.get(department) == 0:
            points.append(
                {"kind": "missing_department", "department": department, "owner": "joint"}
            )
    points += figure_mismatches(agreed, fields, data.get("figures") or {}, data.get("language"))
    return points


def figure_mismatches(agreed, fields, figures, language):
    """KPIs, sub-goals and agreed texts that state another number than the SLA computes."""
    points = []
    for item in agreed:
        details = item.get("details") or {}
        if item["section"] in ("kpis", "targets"):
            measure = details.get("measure") or rules.infer_measure(
                " ".join(str(details.get(k) or "") for k in ("metric",)) + " " + item["text"]
            )
            point = _measure_mismatch(item, measure, details.get("target"), figures, language)
            if point:
                points.append(point)
        texts = [item["text"], *(str(details.get(k) or "") for k in ("definition", "target"))]
        for field, hours in {c for t in texts for c in rules.hour_claims(t)}:
            expected = (fields.get("process") or {}).get(field)
            if expected is not None and not rules.agrees(hours, expected):
                points.append(
                    {
                        "kind": "field_mismatch",
                        "section": item["section"],
                        "item_id": item["id"],
                        "text": item["text"],
                        "field": field,
                        "stated": hours,
                        "expected": expected,
                        "owner": _owner(item),
                    }
                )
    return points


def _measure_mismatch(item, measure, target_text, figures, language):
    if measure not in figures or measure not in rules.MEASURES:
        return None
    unit = rules.MEASURES[measure][0]
    stated = rules.first_stated(target_text or "", unit, language)
    if stated is None and unit == "count":
        return None
    if stated is None or rules.agrees(stated, figures[measure]):
        return None
    return {
        "kind": "figure_mismatch",
        "section": item["section"],
        "item_id": item["id"],
        "text": item["text"],
        "measure": measure,
        "unit": unit,
        "stated": stated,
        "expected": figures[measure],
        "linked": bool((item.get("details") or {}).get("measure")),
        "owner": _owner(item),
    }


def _owner(item):
    owner = (item.get("details") or {}).get("owner")
    return owner if owner in ("marketing", "sales", "joint") else "joint"


def linked_kpi_targets(agreed, figures):
    """{item id: {measure, value, unit, direction}} for KPIs whose measure the SLA computes:
    their target comes from that figure and follows it."""
    linked = {}
    for item in agreed:
        measure = (item.get("details") or {}).get("measure")
        if item["section"] == "kpis" and measure in figures and measure in rules.MEASURES:
            unit, direction = rules.MEASURES[measure]
            linked[item["id"]] = {
                "measure": measure,
                "value": figures[measure],
                "unit": unit,
                "direction": direction,
            }
    return linked
