"""What an amendment changed, item by item, against the signed version it started from. Pure.

Items are matched by id (an amendment keeps the signed items and their ids): an agreed item
that was not agreed before is added, one no longer agreed is removed (or "reopened" while it
is back to the vote after an edit), and an item agreed in both whose text, details or linked
target differ is changed, with each difference. Captured
fields (revenue target, hours, cadence, ...) are compared value by value.
"""

from ..domain.stages import SECTIONS as SECTION_ORDER  # the agenda's, the document's order


def _ordered(items):
    return sorted(items, key=lambda i: (i.get("position") or 0, i.get("id") or 0))


def _linked(data, item_id):
    link = (data.get("kpi_targets") or {}).get(str(item_id))
    return link.get("value") if link else None


def item_differences(old, new, before, after):
    """[{key, before, after}]: "text", each detail key, and "linked_target" for a KPI whose
    computed target moved."""
    found = []
    if old.get("text") != new.get("text"):
        found.append({"key": "text", "before": old.get("text"), "after": new.get("text")})
    old_details, new_details = old.get("details") or {}, new.get("details") or {}
    for key in sorted(set(old_details) | set(new_details)):
        if old_details.get(key) != new_details.get(key):
            found.append(
                {"key": key, "before": old_details.get(key), "after": new_details.get(key)}
            )
    was, now = _linked(before, old.get("id")), _linked(after, new.get("id"))
    if was != now:
        found.append({"key": "linked_target", "before": was, "after": now})
    return found


def changes_between(before, after):
    """[{kind: added|changed|reopened|removed, item_id, section, text, differences}, ...] in
    document order, then [{kind: "field", section, field, before, after}] for captured values.
    "reopened": agreed in the signed version, now back to the vote (not decided)."""
    old = {i["id"]: i for i in before.get("agreed") or []}
    new = {i["id"]: i for i in after.get("agreed") or []}
    pending = {i["id"]: i for i in after.get("undecided") or []}
    changes = []
    for section in SECTION_ORDER:
        for item in _ordered(i for i in new.values() if i.get("section") == section):
            entry = {"item_id": item["id"], "section": section, "text": item.get("text")}
            if item["id"] not in old:
                changes.append({"kind": "added", **entry, "differences": []})
            elif differences := item_differences(old[item["id"]], item, before, after):
                changes.append({"kind": "changed", **entry, "differences": differences})
        for item in _ordered(i for i in old.values() if i.get("section") == section):
            if item["id"] in new:
                continue
            entry = {"item_id": item["id"], "section": section, "text": item.get("text")}
            if item["id"] in pending:
                # Edited, so back to the vote: changed, but not agreed (yet).
                differences = item_differences(item, pending[item["id"]], before, after)
                changes.append({"kind": "reopened", **entry, "differences": differences})
            else:
                changes.append({"kind": "removed", **entry, "differences": []})
    old_fields, new_fields = before.get("fields") or {}, after.get("fields") or {}
    for section in sorted(set(old_fields) | set(new_fields)):
        was, now = old_fields.get(section) or {}, new_fields.get(section) or {}
        for field in sorted(set(was) | set(now)):
            if was.get(field) != now.get(field):
                changes.append({"kind": "field", "section": section, "field": field,
                                "before": was.get(field), "after": now.get(field)})  # fmt: skip
    return changes
