"""Actuals from a plain CSV file (`kpi,period,value`): read all, report every bad line, and
record either every row or none, each through the one command path."""

import csv
import io

from ..commands import CommandError, execute

COLUMNS = ("kpi", "period", "value")


def read_actuals(text, kpis):
    """(rows, problems) from CSV text. kpis: {id: KPI} of the signed version; a row names its
    KPI by id or by its exact text. problems: [(line, column, message)]; rows only when none."""
    rows, problems = [], []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [(1, ", ".join(missing), "missing column")]
    reader.fieldnames = header
    by_text = {k["text"].strip().lower(): k for k in kpis.values()}
    for line, row in enumerate(reader, start=2):
        name = (row.get("kpi") or "").strip()
        kpi = kpis.get(int(name)) if name.isdigit() else by_text.get(name.lower())
        if kpi is None:
            problems.append((line, "kpi", f"no KPI {name!r} in the signed SLA"))
            continue
        try:
            value = float((row.get("value") or "").strip().replace(",", "."))
        except ValueError:
            problems.append((line, "value", f"{row.get('value')!r} is not a number"))
            continue
        rows.append({"line": line, "kpi_id": kpi["id"], "period": (row.get("period") or "").strip(),
                     "value": value})  # fmt: skip
    return ([] if problems else rows), problems


def record_all(db, member_id, rows):
    """Records every row in one transaction, or none: [(line, column, message)] on failure."""
    try:
        with db.atomic():
            for row in rows:
                payload = {"type": "record_actual", "kpi_id": row["kpi_id"],
                           "period": row["period"], "value": row["value"]}  # fmt: skip
                try:
                    execute(db, member_id, payload)
                except CommandError as exc:
                    raise RowRefused(row["line"], exc) from None
    except RowRefused as refused:
        exc = refused.error
        return [
            (refused.line, "period, value", exc.message % exc.params if exc.params else exc.message)
        ]
    return []


class RowRefused(Exception):
    def __init__(self, line, error):
        super().__init__(line)
        self.line, self.error = line, error
