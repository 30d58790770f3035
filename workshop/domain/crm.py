"""CRM exports to KPI actuals: a HubSpot contacts or deals export, or a Salesforce leads or
opportunities report, turned into the app's measures per period. Pure: no Flask, no sqlite.

`read_export(header, rows)` finds the kind of export from its column names (case and
punctuation ignored, known aliases: HubSpot's labels and internal names, Salesforce's API
names and labels), parses every cell it needs and reports each bad one by line and column.
`measures(export, kind, ...)` counts and rates per period (`2026-W47`, `2026-11`, `2026-Q4`).

Dates come as ISO (`2026-11-23`, `2026-11-23 14:05`, `2026-11-23T14:05:00Z`), `dd/mm/yyyy`
or `mm/dd/yyyy` (with an optional time; the order is decided per file, and when every date
fits both the caller asks the person), Unix milliseconds, or as date cells from XLSX.

Decisions (docs/dashboard.md): a period is that of the date as written (times with an offset
are taken in UTC); counts are filled with 0 between the first and last period the file has
for them; a rate belongs to the period of its starting stage (the MQLs of November and how
many of them became SQL); a deal is closed when the export says so (won/closed flags) or its
stage is a closed-won or closed-lost stage; first response is counted from the MQL date.
"""

import math
import re
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from . import kpis


def N_(message):
    """Marks a message for translation (translated where it is shown)."""
    return message


def header_key(name):
    """'Close Date', 'CloseDate' and 'close_date' are one column: letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name or "").lower())


def _keys(*names):
    return tuple(dict.fromkeys(header_key(n) for n in names))


def _lifecycle(stage, legacy, internal):
    """A HubSpot lifecycle date: the pipeline's "Date entered" (newer) before the older one."""
    return _keys(
        f'Date entered "{stage} (Lifecycle Stage Pipeline)"',
        f"hs_v2_date_entered_{internal}",
        legacy,
        f"hs_lifecyclestage_{internal}_date",
    )


# Each kind: its columns (role -> aliases, first match wins per row) and the column names
# that tell it from the others.
KINDS = {
    "hubspot_contacts": {
        "columns": {
            "created": _keys("Create Date", "createdate"),
            "mql_date": _lifecycle(
                "Marketing Qualified Lead",
                "Became a Marketing Qualified Lead Date",
                "marketingqualifiedlead",
            ),
            "sal_date": _lifecycle(
                "Sales Accepted Lead", "Became a Sales Accepted Lead Date", "salesacceptedlead"
            ) + _keys("SAL Date"),
            "sql_date": _lifecycle(
                "Sales Qualified Lead", "Became a Sales Qualified Lead Date", "salesqualifiedlead"
            ),
            "opportunity_date": _lifecycle(
                "Opportunity", "Became an Opportunity Date", "opportunity"
            ),
            "customer_date": _lifecycle("Customer", "Became a Customer Date", "customer"),
            "first_outreach": _keys("First outreach date", "hs_first_outreach_date"),
        },
        "signature": ("mql_date", "sal_date", "sql_date", "opportunity_date", "customer_date",
                      "first_outreach"),
        "marks": _keys("Lifecycle Stage", "lifecyclestage", "Email", "First Name"),
    },
    "hubspot_deals": {
        "columns": {
            "created": _keys("Create Date", "createdate"),
            "close_date": _keys("Close Date", "closedate"),
            "amount": _keys("Amount in company currency", "amount_in_home_currency", "Amount",
                            "amount"),
            "stage": _keys("Deal Stage", "dealstage"),
            "won": _keys("Is Closed Won", "hs_is_closed_won"),
            "closed": _keys("Is Deal Closed?", "Is Closed", "hs_is_closed"),
        },
        "signature": ("stage", "won", "closed"),
        "marks": _keys("Deal Name", "dealname", "Pipeline", "Deal owner"),
    },
    "salesforce_leads": {
        "columns": {
            "created": _keys("CreatedDate", "Created Date", "Create Date"),
            "converted": _keys("IsConverted", "Converted"),
            "converted_date": _keys("ConvertedDate", "Converted Date"),
            "mql_date": _keys("MQL Date", "MQL_Date__c", "Marketing Qualified Date"),
            "sal_date": _keys("SAL Date", "SAL_Date__c", "Sales Accepted Date"),
            "sql_date": _keys("SQL Date", "SQL_Date__c", "Sales Qualified Date"),
            "first_outreach": _keys("First Response Date", "First_Response_Date__c",
                                    "First Contact Date", "First_Contact_Date__c"),
        },
        "signature": ("converted", "converted_date"),
        "marks": _keys("Lead ID", "Lead Status", "Lead Source", "LeadSource", "Lead Owner"),
    },
    "salesforce_opportunities": {
        "columns": {
            "created": _keys("CreatedDate", "Created Date", "Create Date"),
            "close_date": _keys("CloseDate", "Close Date"),
            "amount": _keys("Amount"),
            "stage": _keys("StageName", "Stage"),
            "won": _keys("IsWon", "Won"),
            "closed": _keys("IsClosed", "Closed"),
        },
        "signature": ("stage", "won", "closed"),
        "marks": _keys("Opportunity Name", "Opportunity ID", "Opportunity Owner",
                       "Account Name", "Probability (%)"),
    },
}  # fmt: skip

KIND_LABELS = {
    "hubspot_contacts": N_("HubSpot contacts"),
    "hubspot_deals": N_("HubSpot deals"),
    "salesforce_leads": N_("Salesforce leads"),
    "salesforce_opportunities": N_("Salesforce opportunities"),
}

DATE_ROLES = ("created", "mql_date", "sal_date", "sql_date", "opportunity_date",
              "customer_date", "first_outreach", "converted_date", "close_date")  # fmt: skip
FLAG_ROLES = ("won", "closed", "converted")

# measure -> the roles it needs (any one of the tuples), per kind of export.
_LEADS = {
    "new_leads": (("created",),),
    "mqls": (("mql_date",),),
    "sals": (("sal_date",),),
    "mql_to_sql_rate": (("mql_date", "sql_date"), ("mql_date", "converted"),
                        ("mql_date", "converted_date")),
    "contacted_within_sla": (("mql_date", "first_outreach"),),
    "first_response_hours": (("mql_date", "first_outreach"),),
}  # fmt: skip
_DEALS = {
    "opportunities": (("created",),),
    "deals_won": (("close_date", "won"), ("close_date", "stage")),
    "revenue_won": (("close_date", "amount", "won"), ("close_date", "amount", "stage")),
    "average_deal_size": (("close_date", "amount", "won"), ("close_date", "amount", "stage")),
    "win_rate": (("close_date", "won"), ("close_date", "stage")),
}
NEEDS = {
    "hubspot_contacts": {
        **_LEADS,
        "sqls": (("sql_date",),),
        "opportunities": (("opportunity_date",),),
        "sql_to_opportunity_rate": (("sql_date", "opportunity_date"),),
    },
    "salesforce_leads": {**_LEADS, "sqls": (("sql_date",), ("converted_date",))},
    "hubspot_deals": _DEALS,
    "salesforce_opportunities": _DEALS,
}
COUNTS = ("new_leads", "mqls", "sals", "sqls", "opportunities", "deals_won")

DATE_ORDERS = ("dmy", "mdy")
DATE_ORDER_QUESTION = N_(
    "The dates in this file can be read as day/month/year or as month/day/year (for "
    "example %(example)s). Which is it?"
)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?$")  # fmt: skip
_SLASHED = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_MILLIS = re.compile(r"^\d{11,14}(?:\.0+)?$")
_TRUE = {"true", "1", "yes", "y", "ja", "waar", "x"}
_FALSE = {"false", "0", "no", "n", "nee", "onwaar", ""}
WON_STAGES = {"closedwon", "won", "gewonnen", "dealwon"}
LOST_STAGES = {"closedlost", "lost", "verloren", "deallost"}


@dataclass
class Problem:
    """A bad cell or file: line (None for the file), column as written, message (a msgid)."""

    line: int | None
    column: str
    message: str
    params: dict = field(default_factory=dict)


class ExportError(Exception):
    """The export cannot be used: problems, or a question for the person (date order)."""

    def __init__(self, problems, question=None):
        super().__init__("; ".join(p.message % p.params for p in problems))
        self.problems, self.question = problems, question


@dataclass
class Export:
    kind: str
    columns: dict  # role -> [headers as written, in the file], those present
    records: list  # [{role: value}] per data row, dates as datetime (naive, UTC)
    lines: list  # the line of each record
    date_order: str | None = None

    def has(self, role):
        return bool(self.columns.get(role))

    def supported(self):
        """{measure: [columns it comes from]} this export can compute."""
        found = {}
        for measure, options in NEEDS[self.kind].items():
            for roles in options:
                if all(self.has(r) for r in roles):
                    found[measure] = [h for r in roles for h in self.columns[r]]
                    break
        return found


def detect(header):
    """(kind, {role: [headers]}) of an export from its header, or raise ExportError."""
    present = {}
    for name in header:
        present.setdefault(header_key(name), name)
    scores = {}
    for kind, spec in KINDS.items():
        columns = {
            role: [present[k] for k in aliases if k in present]
            for role, aliases in spec["columns"].items()
        }
        columns = {role: names for role, names in columns.items() if names}
        signature = sum(1 for role in spec["signature"] if role in columns)
        marks = sum(1 for k in spec["marks"] if k in present)
        scores[kind] = (signature, marks, columns)
    ranked = sorted(scores.items(), key=lambda kv: kv[1][:2], reverse=True)
    best, (signature, marks, columns) = ranked[0]
    # A kind is known by its own columns, or by its marks when it has a column to count.
    if (signature == 0 and not (marks and columns)) or ranked[1][1][:2] == (signature, marks):
        raise ExportError([Problem(1, "", N_(
            "This file is not an export the app knows. Use a HubSpot contacts or deals export, "
            "a Salesforce leads or opportunities report, or a file with the columns kpi, "
            "period, value."))])  # fmt: skip
    return best, columns


def read_export(header, rows, date_order=None, lines=None):
    """An Export from a header and rows (dicts by header, as csv.DictReader or an XLSX reader
    gives them). lines: the line of each row in the file (default: 2, 3, ...). date_order:
    "dmy" or "mdy" for slashed dates, None to decide from the file. Raises ExportError with
    every bad cell, or with the date-order question."""
    kind, columns = detect(header)
    lines = list(lines) if lines is not None else list(range(2, len(rows) + 2))
    order = date_order or _date_order(columns, rows, lines)
    problems, records = [], []
    for row, line in zip(rows, lines, strict=True):
        record = {}
        for role, names in columns.items():
            for name in names:
                raw = row.get(name)
                if _blank(raw):
                    continue
                try:
                    record[role] = _cell(role, raw, order)
                except ValueError as exc:
                    problems.append(Problem(line, name, exc.args[0], {"value": _shown(raw)}))
                break
        records.append(record)
    if problems:
        raise ExportError(problems)
    return Export(kind, columns, records, lines, order)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value):
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _cell(role, raw, order):
    if role in DATE_ROLES:
        return parse_date(raw, order)
    if role in FLAG_ROLES:
        return parse_flag(raw)
    if role == "amount":
        return parse_amount(raw)
    return str(raw).strip()


def _date_order(columns, rows, lines):
    """dmy or mdy from the slashed dates of the file; None when it has none. Raises the
    question when every slashed date fits both, a problem when they fit neither order."""
    day_first = month_first = None  # the first cell that only fits that order
    example = None
    for row, line in zip(rows, lines, strict=True):
        for role, names in columns.items():
            if role not in DATE_ROLES:
                continue
            for name in names:
                raw = row.get(name)
                match = _SLASHED.match(raw.strip()) if isinstance(raw, str) else None
                if not match:
                    continue
                first, second = int(match.group(1)), int(match.group(2))
                if first > 12 and second <= 12:
                    day_first = day_first or (line, name, raw)
                elif second > 12 and first <= 12:
                    month_first = month_first or (line, name, raw)
                elif first != second:
                    example = example or raw.strip()
    if day_first and month_first:
        line, name, raw = month_first
        raise ExportError([Problem(line, name, N_(
            "%(value)s is month/day/year, while %(other)s (line %(line)s) is day/month/year: "
            "one file, one order."), {"value": raw.strip(), "other": day_first[2].strip(),
                                      "line": day_first[0]})])  # fmt: skip
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if example is not None:
        raise ExportError(
            [Problem(None, "", DATE_ORDER_QUESTION, {"example": example})], question="date_order"
        )
    return None


def parse_date(raw, order=None):
    """A naive datetime (UTC when the text has an offset); ValueError with a msgid."""
    if isinstance(raw, datetime):
        return _naive(raw)
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if raw >= 1e10:
            return _from_millis(raw)
        raise ValueError(NOT_A_DATE)
    text = str(raw).strip()
    match = _SLASHED.match(text)
    if match:
        return _slashed(match, order)
    try:
        if _ISO.match(text):
            return _naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
        if _MILLIS.match(text):
            return _from_millis(float(text))
    except (ValueError, OverflowError, OSError):
        pass
    raise ValueError(NOT_A_DATE)


NOT_A_DATE = N_("%(value)s is not a date.")


def _naive(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _from_millis(millis):
    try:
        return datetime.fromtimestamp(millis / 1000, UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):  # NaN, or beyond the year 9999
        raise ValueError(NOT_A_DATE) from None


def _slashed(match, order):
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if order is None:
        if first <= 12 and second <= 12 and first != second:
            raise ValueError(N_("%(value)s can be day/month or month/day: say which."))
        order = "mdy" if second > 12 else "dmy"
    day, month = (first, second) if order == "dmy" else (second, first)
    hour, minute = int(match.group(4) or 0), int(match.group(5) or 0)
    seconds = int(match.group(6) or 0)
    meridiem = (match.group(7) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(NOT_A_DATE)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, seconds)
    except ValueError:
        pass
    try:
        datetime(year, day, month, hour, minute, seconds)  # it would fit the other order
    except ValueError:
        raise ValueError(NOT_A_DATE) from None
    raise ValueError(N_("%(value)s does not fit the order of the dates in this file."))


def parse_flag(raw):
    """True or False from true/false, 1/0, yes/no (also Dutch) or an XLSX boolean."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise ValueError(N_("%(value)s is not yes or no."))
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(N_("%(value)s is not yes or no."))


def parse_amount(raw):
    """An amount: 12500, 12,500.00, € 12.500,00, USD 1,250 or an XLSX number."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not math.isfinite(raw) or abs(raw) > 1e12:
            raise ValueError(N_("%(value)s is not an amount."))
        return float(raw)
    text = re.sub(r"[\s\u00a0\u202f']|[€$£]|\b(?:EUR|USD|GBP)\b", "", str(raw), flags=re.I)
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("-()")
    if not re.fullmatch(r"\d[\d.,]*", text):
        raise ValueError(N_("%(value)s is not an amount."))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif text.count(",") + text.count(".") == 1:
        mark = "," if "," in text else "."
        decimal = None if re.search(rf"\{mark}\d{{3}}$", text) else mark
    else:
        decimal = None  # 1.250.000 or 1,250,000
    if decimal is None:
        number = re.sub(r"[.,]", "", text)
    else:
        whole, _, fraction = text.rpartition(decimal)
        number = re.sub(r"[.,]", "", whole) + "." + fraction
    value = float(number)
    if value > 1e12:  # what record_actual takes
        raise ValueError(N_("%(value)s is not an amount."))
    return -value if negative else value


# --- measures ---------------------------------------------------------------------------


def measures(export, kind, agreed_hours=None, now=None):
    """{measure: {period label: value}} for KPIs measured per `kind` (week, month, quarter).
    agreed_hours: the SLA's first-contact hours (for contacted_within_sla); now: naive UTC,
    for MQLs whose agreed time has not run out yet (not counted)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    supported = export.supported()
    records = export.records

    def label(moment):
        return kpis.period_label(moment.date(), kind)

    found = {}
    for measure in supported:
        if measure in COUNTS:
            found[measure] = _counts(label, _events(export, measure))
        elif measure in ("mql_to_sql_rate", "sql_to_opportunity_rate"):
            start, end = ("mql_date", "sql") if measure == "mql_to_sql_rate" else (
                "sql_date", "opportunity_date")  # fmt: skip
            found[measure] = _rates(
                label, [(r[start], _reached(export, r, end)) for r in records if start in r]
            )
        elif measure in ("first_response_hours", "contacted_within_sla"):
            found[measure] = _response(label, records, measure, agreed_hours, now)
        else:
            found[measure] = _deals(label, records, measure)
    return {m: v for m, v in found.items() if v}


def _events(export, measure):
    """The moments a count measure counts."""
    role = {"new_leads": "created", "mqls": "mql_date", "sals": "sal_date",
            "opportunities": "opportunity_date" if export.kind == "hubspot_contacts" else "created",
            }.get(measure)  # fmt: skip
    if measure == "sqls":
        if export.has("sql_date"):
            return [r["sql_date"] for r in export.records if "sql_date" in r]
        return [r["converted_date"] for r in export.records
                if "converted_date" in r and r.get("converted", True)]  # fmt: skip
    if measure == "deals_won":
        return [r["close_date"] for r in export.records if "close_date" in r
                and _deal_state(r) == "won"]  # fmt: skip
    return [r[role] for r in export.records if role in r]


def _reached(export, record, end):
    """Whether a lead went on to the end stage (any time)."""
    if end == "sql":
        if export.has("sql_date"):
            return "sql_date" in record
        if export.has("converted"):
            return record.get("converted", False)
        return "converted_date" in record
    return end in record


def _counts(label, moments):
    """Counts per period, with 0 for the periods between the first and the last."""
    if not moments:
        return {}
    counted = {}
    for moment in moments:
        counted[label(moment)] = counted.get(label(moment), 0) + 1
    return {p: float(counted.get(p, 0)) for p in _span(label, min(moments), max(moments))}


def _span(label, first, last):
    """Every period label from first's to last's."""
    labels, day = [], first.date()
    while day <= last.date():
        current = label(datetime(day.year, day.month, day.day))
        if not labels or labels[-1] != current:
            labels.append(current)
        day += timedelta(days=1)
    return labels


def _rates(label, pairs):
    """[(start moment, reached)] -> {period: % reached}."""
    groups = {}
    for moment, reached in pairs:
        groups.setdefault(label(moment), []).append(bool(reached))
    return {p: round(100 * sum(g) / len(g), 1) for p, g in sorted(groups.items())}


def _response(label, records, measure, agreed_hours, now):
    groups = {}
    for record in records:
        if "mql_date" not in record:
            continue
        start, outreach = record["mql_date"], record.get("first_outreach")
        hours = None if outreach is None else max(0.0, (outreach - start).total_seconds() / 3600)
        groups.setdefault(label(start), []).append((start, hours))
    found = {}
    for period, items in sorted(groups.items()):
        if measure == "first_response_hours":
            answered = [h for _, h in items if h is not None]
            if answered:
                found[period] = round(statistics.median(answered), 1)
            continue
        if agreed_hours is None:
            return {}
        limit = timedelta(hours=agreed_hours)
        # An MQL not contacted yet whose agreed time has not run out is not counted.
        due = [(s, h) for s, h in items if h is not None or s + limit <= now]
        if due:
            within = sum(1 for _, h in due if h is not None and h <= agreed_hours)
            found[period] = round(100 * within / len(due), 1)
    return found


def _deal_state(record):
    """won, lost or open: the won/closed flags when the export has them, else the stage."""
    stage = header_key(record.get("stage"))
    stage_won = stage in WON_STAGES or "closedwon" in stage
    stage_lost = stage in LOST_STAGES or "closedlost" in stage
    if "won" in record:
        if record["won"]:
            return "won"
        return "lost" if record.get("closed") is True or stage_lost else "open"
    if stage_won:
        return "won"
    if stage_lost or record.get("closed") is True:
        return "lost"
    return "open"


def _deals(label, records, measure):
    """revenue_won, average_deal_size and win_rate per period of the close date; revenue is 0
    in the periods between the first and last closed deal that won nothing."""
    closed = [(r["close_date"], _deal_state(r), r.get("amount")) for r in records
              if "close_date" in r and _deal_state(r) != "open"]  # fmt: skip
    if not closed:
        return {}
    groups = {}
    for moment, state, amount in closed:
        groups.setdefault(label(moment), []).append((state, amount))
    if measure == "revenue_won":
        moments = [moment for moment, _, _ in closed]
        return {
            p: round(sum(a or 0 for s, a in groups.get(p, []) if s == "won"), 2)
            for p in _span(label, min(moments), max(moments))
        }
    found = {}
    for period, deals in sorted(groups.items()):
        won = [amount for state, amount in deals if state == "won"]
        if measure == "win_rate":
            found[period] = round(100 * len(won) / len(deals), 1)
        else:
            amounts = [a for a in won if a is not None]
            if amounts:
                found[period] = round(sum(amounts) / len(amounts), 2)
    return found
