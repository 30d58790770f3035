"""Actuals from files: a plain `kpi,period,value` table or a CRM export (HubSpot contacts or
deals, Salesforce leads or opportunities; domain/crm.py), as CSV or XLSX.

Two steps, both through the one command path. `preview` reads the file, computes the rows it
would record and tries them with `record_actual` in a transaction that is always rolled back,
so it refuses exactly what recording would refuse; nothing is written. `commit` does the same
again, checks that the rows are those the person saw (the preview's `confirm` digest), and
records every row in one transaction, or none. Rows equal to the value already recorded are
shown but not recorded again; rows of a CRM export for KPIs the person's department does not
own are shown as skipped.
"""

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import datetime

from ..commands import CommandError, execute
from ..domain import crm
from ..domain import kpis as period_kinds
from ..i18n import N_
from ..offload import blocking
from . import board

COLUMNS = ("kpi", "period", "value")
DATE_ORDERS = crm.DATE_ORDERS
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024  # an XLSX is a zip: what it may unpack to
MAX_ROWS = 100_000  # rows of the file
MAX_RECORDS = 2_000  # actuals one import records
HEADER_SEARCH = 20  # an XLSX report may have title rows above its header
NOTE_NAME = re.compile(r"[^\w .()+-]")


class ImportRefused(Exception):
    """problems: [(line or None, column, msgid, params)]; question: "date_order" or None."""

    def __init__(self, problems, question=None):
        super().__init__(repr(problems))
        self.problems, self.question = problems, question


def refused(message, line=None, column="", **params):
    return ImportRefused([(line, column, message, params)])


# --- reading a file ---------------------------------------------------------------------


def read_table(filename, data):
    """(header, rows as dicts, line of each row) from CSV or XLSX bytes."""
    if len(data) > MAX_BYTES:
        raise refused(N_("The file is too large (at most 10 MB)."))
    if data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith((".xlsx", ".xlsm")):
        table = _xlsx_rows(data)
    else:
        table = _csv_rows(data)
    table = [(line, cells) for line, cells in table if any(not _blank(c) for c in cells)]
    table = _without_footer(table)
    if not table:
        raise refused(N_("The file is empty."))
    start = _header_index(table)
    header = [str(c).strip() if c is not None else "" for c in table[start][1]]
    rows, lines = [], []
    for line, cells in table[start + 1 :]:
        cells = list(cells) + [None] * (len(header) - len(cells))
        rows.append({name: cells[i] for i, name in enumerate(header) if name})
        lines.append(line)
    return header, rows, lines


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _csv_rows(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    text = text.lstrip("\ufeff")
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, end = [], 0
    try:
        for cells in reader:
            table.append((end + 1, cells))  # a quoted cell may span lines: where the row starts
            end = reader.line_num
            if len(table) > MAX_ROWS:
                raise refused(N_("The file has too many rows (at most 100,000)."))
    except csv.Error:
        raise refused(N_("This line cannot be read as CSV."), end + 1) from None
    return table


def _xlsx_rows(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNPACKED:  # a small file that unpacks to gigabytes
            raise refused(N_("The file is too large (at most 10 MB)."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise refused(UNREADABLE_XLSX) from None
    try:
        table = []
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            table.append((number, list(cells)))
            if len(table) > MAX_ROWS:
                raise refused(N_("The file has too many rows (at most 100,000)."))
        return table
    except ImportRefused:
        raise
    except Exception:  # a damaged sheet: whatever the XML parser or openpyxl trips on
        raise refused(UNREADABLE_XLSX) from None
    finally:
        workbook.close()


UNREADABLE_XLSX = N_("This file cannot be read as an XLSX workbook.")


def _without_footer(table):
    """A Salesforce report ends with a blank line and lines of one cell (report name,
    copyright, "Generated By"): those are not rows. Blank lines are already gone."""
    end = len(table)
    while end > 1 and sum(not _blank(c) for c in table[end - 1][1]) <= 1:
        end -= 1
    if end < len(table) and table[end][0] > table[end - 1][0] + 1:
        return table[:end]  # the one-cell lines come after a gap: a footer
    return table


def _header_index(table):
    """The header row: the first that names the plain columns or a known export."""
    for index, (_, cells) in enumerate(table[:HEADER_SEARCH]):
        names = [str(c) for c in cells if not _blank(c)]
        if _plain(names):
            return index
        try:
            crm.detect(names)
            return index
        except crm.ExportError:
            continue
    return 0


def _plain(header):
    return all(c in [h.strip().lower() for h in header] for c in COLUMNS)


# --- from a table to rows to record -------------------------------------------------------


def rows_from_file(filename, data, kpis, date_order=None, agreed_hours=None, now=None):
    """(kind, rows, measures): the actuals a file names or computes. kind: "actuals" or an
    export kind; rows: [{line, kpi_id, period, value}] (line None for computed rows);
    measures: {measure: [columns]} a CRM export supports. Raises ImportRefused."""
    header, table, lines = read_table(filename, data)
    if _plain(header):
        rows, problems = read_actuals_rows(header, table, lines, kpis)
        if problems:
            raise ImportRefused(problems)
        return "actuals", rows, {}
    try:
        export = crm.read_export(header, table, date_order, lines)
    except crm.ExportError as exc:
        problems = [(p.line, p.column, p.message, p.params) for p in exc.problems]
        raise ImportRefused(problems, exc.question) from None
    rows, cache = [], {}
    for kpi in kpis.values():
        if kpi["measure"] not in crm.NEEDS[export.kind]:
            continue
        if kpi["period"] not in cache:
            cache[kpi["period"]] = crm.measures(export, kpi["period"], agreed_hours, now)
        for period, value in cache[kpi["period"]].get(kpi["measure"], {}).items():
            rows.append({"line": None, "kpi_id": kpi["id"], "period": period, "value": value})
    return export.kind, rows, export.supported()


def read_actuals_rows(header, table, lines, kpis):
    """(rows, problems) of a plain table. A row names its KPI by id or by its exact text."""
    rows, problems = [], []
    names = {h.strip().lower(): h for h in header}
    by_text = {k["text"].strip().lower(): k for k in kpis.values()}
    for line, row in zip(lines, table, strict=True):
        cell = {c: row.get(names[c]) for c in COLUMNS}
        name = _text(cell["kpi"])
        kpi = kpis.get(int(name)) if name.isdigit() else by_text.get(name.lower())
        if kpi is None:
            problems.append((line, "kpi", N_("There is no KPI %(kpi)s in the signed SLA."),
                             {"kpi": repr(name)}))  # fmt: skip
            continue
        value = cell["value"]
        try:
            if isinstance(value, bool) or not isinstance(value, int | float):
                value = float(_text(value).replace(",", "."))
        except ValueError:
            problems.append((line, "value", N_("%(value)s is not a number."),
                             {"value": repr(_text(cell['value']))}))  # fmt: skip
            continue
        rows.append({"line": line, "kpi_id": kpi["id"], "period": _period(cell["period"]),
                     "value": float(value)})  # fmt: skip
    return ([] if problems else rows), problems


def _text(value):
    return "" if value is None else str(value).strip()


def _period(value):
    """XLSX may turn a month like 2026-11 into a date cell: back to the label."""
    if isinstance(value, datetime):
        return f"{value.year}-{value.month:02d}"
    return _text(value)


def read_actuals(text, kpis):
    """(rows, problems) from the text of a plain CSV file; problems [(line, column, text)]."""
    try:
        header, table, lines = read_table("actuals.csv", text.encode("utf-8"))
    except ImportRefused as exc:
        return [], [(p[0] or 1, p[1], p[2] % p[3] if p[3] else p[2]) for p in exc.problems]
    if not _plain(header):
        return [], [(1, ", ".join(c for c in COLUMNS if c not in header), "missing column")]
    rows, problems = read_actuals_rows(header, table, lines, kpis)
    return rows, [(line, col, msg % params) for line, col, msg, params in problems]


# --- preview and commit -------------------------------------------------------------------


def plan(db, member_id, workshop_id, filename, data, date_order=None, now=None):
    """What the file would record, tried through the command path and rolled back:
    {kind, rows: [{kpi_id, kpi, measure, unit, period, value, old_value, change, line}],
    skipped: [{kpi_id, kpi, reason (msgid)}], measures, confirm}. Raises ImportRefused."""
    kpis = board.signed_kpis(db, workshop_id)
    if not kpis:
        raise refused(N_("The dashboard starts when the SLA is signed."))
    # Reading 10 MB of CSV or XLSX takes seconds: off the event loop, so the rooms on this
    # process keep moving meanwhile (offload.py).
    kind, rows, measures = blocking(
        rows_from_file, filename, data, kpis, date_order, agreed_hours(db, workshop_id), now
    )
    if not rows:
        raise refused(N_("Nothing in this file gives a value for a KPI of the signed SLA."))
    if len(rows) > MAX_RECORDS:
        raise refused(N_("The file gives more than 2,000 values: import a shorter period."))
    recorded = board.actuals(db, workshop_id)
    shown, skipped, problems = [], {}, []
    today = (now or datetime.now()).date()

    def skip(row, reason):
        row["change"] = "skipped"
        entry = {"kpi_id": row["kpi_id"], "kpi": row["kpi"], "reason": reason}
        skipped.setdefault((row["kpi_id"], reason), entry)

    for row in rows:
        old = recorded.get(row["kpi_id"], {}).get(row["period"])
        old_value = old["value"] if old else None
        change = "new" if old is None else ("same" if old_value == row["value"] else "changed")
        kpi = kpis[row["kpi_id"]]
        shown.append({**row, "kpi": kpi["text"], "measure": kpi["measure"], "unit": kpi["unit"],
                      "currency": kpi.get("currency"),
                      "old_value": old_value, "change": change})  # fmt: skip
        if (
            kind != "actuals"
            and period_kinds.parse_period(row["period"], kpi["period"]).start > today
        ):
            skip(shown[-1], NOT_STARTED)  # a deal closed "next week": not a period yet
    to_try = [row for row in shown if row["change"] in ("new", "changed")]
    for row, error in zip(to_try, _dry_run(db, member_id, to_try), strict=True):
        if error is None:
            continue
        if error.code == "forbidden" and kind != "actuals":
            skip(row, error.message)
        else:
            column = "period" if row["line"] is not None else row["kpi"]
            problems.append((row["line"], column, error.message, error.params))
    if problems:
        raise ImportRefused(problems)
    recordable = [r for r in shown if r["change"] in ("new", "changed")]
    return {
        "kind": kind,
        "rows": shown,
        "skipped": list(skipped.values()),
        "measures": measures,
        "to_record": len(recordable),
        "confirm": digest(kind, recordable),
    }


def digest(kind, rows):
    """What the person confirms: the rows that will be recorded, as a SHA-256."""
    wanted = [[r["kpi_id"], r["period"], r["value"]] for r in rows]
    return hashlib.sha256(json.dumps([kind, wanted]).encode()).hexdigest()


def commit(db, member_id, workshop_id, filename, data, confirm, date_order=None, now=None):
    """Records what `plan` shows, in one transaction, if it is still what was confirmed.
    Returns the plan with `recorded`; raises ImportRefused or CommandError (conflict)."""
    planned = plan(db, member_id, workshop_id, filename, data, date_order, now)
    if confirm != planned["confirm"]:
        raise CommandError("conflict", CHANGED_SINCE_PREVIEW)
    return record_planned(db, member_id, planned, filename)


CHANGED_SINCE_PREVIEW = N_(
    "What this file would record is not what the preview showed: preview it again."
)


def record_planned(db, member_id, planned, filename):
    """Records the new and changed rows of a plan, all or none; the plan with `recorded`."""
    rows = [r for r in planned["rows"] if r["change"] in ("new", "changed")]
    name = NOTE_NAME.sub("_", str(filename or "file").replace("\\", "/").rsplit("/", 1)[-1])
    problems = record_all(db, member_id, rows, note=f"import {planned['kind']}: {name[:80]}",
                          raw=True)  # fmt: skip
    if problems:
        raise ImportRefused(problems)
    return {**planned, "recorded": len(rows)}


def agreed_hours(db, workshop_id):
    """The signed SLA's first-contact hours, or None."""
    version = board.signed_version(db, workshop_id)
    fields = (version or {}).get("data", {}).get("fields") or {}
    return (fields.get("process") or {}).get("first_contact_hours")


NOT_STARTED = N_("That period has not started yet.")


class _Rollback(Exception):
    pass


def _dry_run(db, member_id, rows):
    """Each row's CommandError or None, as recording would answer; nothing is kept."""
    verdicts = []
    try:
        with db.atomic():
            for row in rows:
                try:
                    execute(db, member_id, _payload(row))
                    verdicts.append(None)
                except CommandError as exc:
                    verdicts.append(exc)
            raise _Rollback
    except _Rollback:
        pass
    return verdicts


def _payload(row, note=None):
    payload = {"type": "record_actual", "kpi_id": row["kpi_id"], "period": row["period"],
               "value": row["value"]}  # fmt: skip
    if note:
        payload["note"] = note
    return payload


def record_all(db, member_id, rows, note=None, raw=False):
    """Records every row in one transaction, or none. On failure the problems: raw
    [(line, column, msgid, params)], else [(line, column, English text)]."""
    try:
        with db.atomic():
            for row in rows:
                try:
                    execute(db, member_id, _payload(row, note))
                except CommandError as exc:
                    raise RowRefused(row, exc) from None
    except RowRefused as refused_row:
        row, exc = refused_row.row, refused_row.error
        line = row.get("line")
        column = "period, value" if line is not None else row.get("kpi", str(row["kpi_id"]))
        if raw:
            return [(line, column, exc.message, exc.params)]
        return [(line, column, exc.message % exc.params if exc.params else exc.message)]
    return []


class RowRefused(Exception):
    def __init__(self, row, error):
        super().__init__(row.get("line"))
        self.row, self.error = row, error
