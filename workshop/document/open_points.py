"""Open points (domain/readiness.py) worded for people, in the document's or a person's
language. Pure: plain text; the document escapes it, the page shows it as text."""

from . import format as fmt
from .strings import strings


def describe(point, t, currency=None):
    """One sentence for an open point."""
    kind = point.get("kind")
    section = t["sections"].get(point.get("section"), point.get("section") or "")
    if kind == "undecided":
        status = t["undecided_" + point.get("status", "open")]
        return t["op_undecided"].format(text=point.get("text"), section=section, status=status)
    if kind == "empty_section":
        return t["op_empty_section"].format(section=section)
    if kind == "capacity_gap":
        return t["op_capacity_gap"].format(
            gap=fmt.number(point.get("gap"), t),
            mqls=fmt.number(point.get("mqls") or 0, t),
            capacity=fmt.number(point.get("capacity") or 0, t),
        )
    if kind == "missing_department":
        return t["op_missing_department"].format(department=t["labels"][point["department"]])
    if kind == "figure_mismatch":
        template = t["op_figure_linked"] if point.get("linked") else t["op_figure_mismatch"]
        return template.format(
            text=point.get("text"),
            stated=_value(point["stated"], point.get("unit"), t, currency),
            expected=_value(point["expected"], point.get("unit"), t, currency),
        )
    if kind == "field_mismatch":
        return t["op_field_mismatch"].format(
            text=point.get("text"),
            stated=fmt.hours(point["stated"], t),
            field=t[point["field"]],
            expected=fmt.hours(point["expected"], t),
        )
    return str(kind)


def _value(value, unit, t, currency):
    if unit == "percent":
        return fmt.percent(value, t)
    if unit == "money":
        return fmt.money(value, currency, t)
    if unit == "hours":
        return fmt.hours(value, t)
    return t["a_month"].format(n=fmt.number(value, t))


def for_person(points, language, currency=None):
    """The open points with a `message` in the person's language, for the state snapshot."""
    t = strings(language)
    return [{**point, "message": describe(point, t, currency)} for point in points]
