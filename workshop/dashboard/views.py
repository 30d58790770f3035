"""The dashboard over HTTP: its JSON, recording actuals, the page and the trend charts."""

from datetime import date
from urllib.parse import urlsplit

import click
from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from flask.cli import with_appcontext
from flask_babel import format_date, format_decimal, format_percent, get_locale, gettext

from .. import i18n, service, store, transport, webhooks
from ..api import json_body, member_required
from ..commands import CommandError
from ..commands.actuals import dashboard_link_valid
from ..db import get_db
from ..document import versions
from ..document.format import money
from ..document.strings import strings
from ..domain import crm
from ..domain.codes import normalise_code
from ..errors import STATUS, api_error
from ..i18n import N_, translate
from ..reviews import data as reviews
from ..security import LARGE_UPLOADS, command_bucket_allows, signed_in_member
from ..versions import calendar
from ..views import workshop_or_404
from . import board, imports, trend

bp = Blueprint("dashboard", __name__)


@bp.get("/api/workshops/<code>/dashboard")
@member_required
def dashboard_json(workshop, member):
    """The signed SLA's KPIs with targets, actuals and statuses; escalations."""
    return jsonify(board.dashboard(get_db(), workshop["id"]))


@bp.post("/api/workshops/<code>/kpis/<int:item_id>/actuals")
@member_required
def record_actual(workshop, member, item_id):
    """An actual for one KPI and period, through the same command path as the socket."""
    body = json_body()
    payload = body
    if isinstance(body, dict):
        payload = {**body, "type": "record_actual", "kpi_id": item_id}
    ack, _ = transport.run_command(
        get_db(), member["id"], payload, limiter_key=f"member:{member['id']}"
    )
    if not ack["ok"]:
        return jsonify(ack), STATUS[ack["code"]]
    return jsonify({"kpi_id": item_id, "period": body["period"], "value": body["value"]}), 201


def viewer_or_403(code):
    """(workshop, member or None): a member of the workshop, or anyone holding a live
    read-only dashboard link (`?view=<token>`), who gets no forms and no socket."""
    workshop = workshop_or_404()
    member = signed_in_member()
    if member is not None:
        g.language = member["language"] or workshop["language"]
        return workshop, member
    if not dashboard_link_valid(get_db(), workshop["id"], request.args.get("view")):
        abort(403)
    g.language = workshop["language"]
    return workshop, None


@bp.get("/w/<code>/dashboard")
def dashboard_page(code):
    """The live dashboard for the workshop's members; read-only with a dashboard link."""
    workshop, member = viewer_or_403(code)
    db = get_db()
    data = board.dashboard(db, workshop["id"])
    facilitator = member is not None and member["role"] == "facilitator"
    return render_template(
        "dashboard.html",
        workshop=workshop,
        member=member,
        board=data,
        value_text=value_text,
        kpi_names={k["id"]: k["text"] for k in data["kpis"]},
        moment=lambda iso: moment(iso, workshop),
        now_iso=store.now_iso(),
        webhook=webhook_status(db, workshop["id"]) if facilitator else {},
        # Who recorded what: for the workshop's members, not for a read-only link.
        history=board.history(db, workshop["id"]) if member is not None else {},
        actions=[a for a in reviews.actions(db, workshop["id"]) if a["status"] == "open"],
        review=reviews.current(db, workshop["id"]),
        today=date.today().isoformat(),
        day=lambda iso: format_date(date.fromisoformat(iso), "medium"),
        next_review=calendar.next_review(db, workshop) if data["signed_version"] else None,
    )


def moment(iso, workshop):
    """A stored UTC moment in the reader's language and the workshop's time zone."""
    return i18n.moment(iso, workshop["time_zone"])


def webhook_status(db, workshop_id):
    """For the facilitator: where the webhook posts (host only: the path is a secret) and
    how the last message fared."""
    url = webhooks.url_of(db, workshop_id)
    if url is None:
        return {}
    last = list(
        db.query(
            "SELECT delivered_at, failed_at, last_error FROM webhook_outbox"
            " WHERE workshop_id = ? ORDER BY id DESC LIMIT 1",
            [workshop_id],
        )
    )
    last = dict(last[0]) if last else None
    if last:
        last["last_error"] = webhooks.error_text(last["last_error"], str(get_locale()))
    return {"url": url, "host": urlsplit(url).hostname, "last": last}


@bp.get("/w/<code>/kpis/<int:item_id>/trend.svg")
def trend_picture(code, item_id):
    """One KPI's trend over its recent periods."""
    workshop, _ = viewer_or_403(code)
    db = get_db()
    kpi = board.signed_kpis(db, workshop["id"]).get(item_id)
    if kpi is None:
        abort(404)
    rows = board.actuals(db, workshop["id"]).get(item_id, {})
    series = [{"period": p, "value": r["value"]} for p, r in rows.items()]
    # An amendment may have changed the target: each period shows the one then in force.
    steps = versions.target_changes(db, workshop["id"]).get(item_id)
    points = board.trend_points(kpi, series, date.today(), steps)
    # The periods whose statuses opened (or moved up) an escalation that is still active.
    escalated = {
        row["period"]
        for row in db.query(
            "SELECT period FROM escalations WHERE workshop_id = ? AND kpi_id = ?"
            " AND status != 'resolved'",
            [workshop["id"], item_id],
        )
    }
    for point in points:
        point["escalated"] = point["period"] in escalated
    labels = {
        "title": gettext("Trend of %(kpi)s", kpi=kpi["text"]),
        "value": lambda v: value_text(v, kpi["unit"], kpi.get("currency")),
        "period": str,
        "version": lambda n: gettext("v%(n)s", n=n),
    }
    svg = trend.trend_svg(points, kpi["target"], kpi["direction"], kpi["tolerance"], labels)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Imports: a file (a plain `kpi,period,value` table or a CRM export, CSV or XLSX) is
# previewed, then recorded as a whole (imports.py). Larger than the 64 KB of other bodies.
LARGE_UPLOADS.update({f"dashboard.{name}": imports.MAX_BYTES + 64 * 1024
                      for name in ("import_preview", "import_commit")})  # fmt: skip
# Raw bodies for scripts; none of these types can be sent cross-site without CORS.
RAW_TYPES = ("text/csv", "application/csv", "application/octet-stream", "application/vnd.ms-excel",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


@bp.post("/api/workshops/<code>/imports/preview")
@member_required
def import_preview(workshop, member):
    """What a file would record: nothing is written."""
    return _import(workshop, member, commit=False)


@bp.post("/api/workshops/<code>/imports")
@member_required
def import_commit(workshop, member):
    """Records what the preview showed (its `confirm`), every row in one transaction or none."""
    return _import(workshop, member, commit=True)


def _import(workshop, member, commit):
    g.language = member["language"] or workshop["language"]
    db = get_db()
    try:
        if not command_bucket_allows(f"member:{member['id']}"):
            raise CommandError("rate_limited", N_("Too many commands at once: wait a moment."))
        filename, data, date_order, confirm = _upload()
        if commit:
            result = imports.commit(db, member["id"], workshop["id"], filename, data, confirm,
                                    date_order)  # fmt: skip
        else:
            result = imports.plan(db, member["id"], workshop["id"], filename, data, date_order)
    except CommandError as exc:
        return api_error(exc)
    except imports.ImportRefused as exc:
        return jsonify(_refusal(exc)), 400
    if commit and result["recorded"]:
        service.broadcast(workshop["id"])
    return jsonify(_shown(result)), (201 if commit and result["recorded"] else 200)


def _upload():
    """(filename, bytes, date_order, confirm): a multipart form with `file` (browsers, with
    csrf_token), or the file as the body with ?filename=&date_order=&confirm= (scripts)."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise CommandError("invalid", N_("Choose a file to import."))
        filename, data, fields = upload.filename, upload.read(), request.form
    elif request.is_json:
        service.readable(json_body())  # too deep to read: the API's usual answer
        raise CommandError("invalid", N_("Send the file as multipart/form-data or as the body."))
    elif request.mimetype in RAW_TYPES:
        filename, data, fields = request.args.get("filename", ""), request.get_data(), request.args
    else:
        raise CommandError("invalid", N_("Send the file as multipart/form-data or as the body."))
    date_order = fields.get("date_order") or None
    if date_order not in (None, *imports.DATE_ORDERS):
        raise CommandError("invalid", N_("date_order is dmy or mdy."))
    return filename, data, date_order, fields.get("confirm") or None


def _refusal(exc):
    """The JSON of a refused import: the first problem as `error`, all of them in `problems`;
    a question (the date order) with its choices."""
    language = str(get_locale())
    problems = [
        {"line": line, "column": column, "error": translate(message, params, language)}
        for line, column, message, params in exc.problems
    ]
    first = problems[0]
    error = first["error"]
    if first["line"] is not None:
        error = gettext("Line %(line)s, %(column)s: %(problem)s", line=first["line"],
                        column=first["column"], problem=first["error"])  # fmt: skip
    body = {"error": error, "code": "invalid", "problems": problems[:200]}
    if exc.question:
        body["question"] = exc.question
        body["choices"] = [
            {"value": "dmy", "label": gettext("Day first: day/month/year")},
            {"value": "mdy", "label": gettext("Month first: month/day/year")},
        ]
    return body


KIND_LABELS = {"actuals": N_("KPI, period, value"), **crm.KIND_LABELS}


def _shown(result):
    """An import's plan or result for people and scripts: values also as the reader's text."""
    language = str(get_locale())
    rows = [
        {
            **row,
            "value_text": value_text(row["value"], row["unit"], row.get("currency")),
            "old_text": value_text(row["old_value"], row["unit"], row.get("currency")),
        }  # fmt: skip
        for row in result["rows"]
    ]
    skipped = [{**s, "reason": translate(s["reason"], {}, language)} for s in result["skipped"]]
    return {**result, "kind_label": translate(KIND_LABELS[result["kind"]], {}, language),
            "rows": rows, "skipped": skipped}  # fmt: skip


def value_text(value, unit, currency=None):
    """A KPI value in the reader's language, by its unit; money with its currency sign
    (whole amounts without cents), as the document writes it."""
    if value is None:
        return "—"
    if unit == "currency" and currency:
        return money(value, currency, strings(str(get_locale())))
    if unit == "percent":
        return format_percent(value / 100, "#,##0.#%")
    if unit == "hours":
        return gettext("%(n)s h", n=format_decimal(value, "#,##0.#"))
    return format_decimal(value, "#,##0.#")


@click.command("import-actuals")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--date-order",
    type=click.Choice(imports.DATE_ORDERS),
    default=None,
    help="dmy or mdy, for a CRM export whose dates fit both orders.",
)
@click.option("--preview", is_flag=True, help="Show what would be recorded; record nothing.")
@with_appcontext
def import_actuals_command(code, file, date_order, preview):
    """Record actuals from a file, as the facilitator: a `kpi,period,value` table or a HubSpot
    or Salesforce export (CSV or XLSX). Every row or, when one is wrong, none (each wrong line
    is named)."""
    db = get_db()
    workshop = store.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        raise click.ClickException(f"There is no workshop with code {code}.")
    facilitator = next(m for m in store.members(db, workshop["id"]) if m["role"] == "facilitator")
    with open(file, "rb") as handle:
        data = handle.read(imports.MAX_BYTES + 1)
    try:
        planned = imports.plan(db, facilitator["id"], workshop["id"], file, data, date_order)
        if not preview:
            planned = imports.record_planned(db, facilitator["id"], planned, file)
    except imports.ImportRefused as exc:
        for line, column, message, params in exc.problems:
            where = f"line {line}, {column}: " if line is not None else (
                f"{column}: " if column else "")  # fmt: skip
            click.echo(where + (message % params if params else message), err=True)
        if exc.question:
            click.echo("Run again with --date-order dmy or --date-order mdy.", err=True)
        raise SystemExit(1) from None
    for row in planned["rows"]:
        old = "" if row["old_value"] is None else f" (was {row['old_value']:g})"
        click.echo(f"{row['kpi']}\t{row['period']}\t{row['value']:g}{old}\t{row['change']}")
    if preview:
        click.echo(f"{planned['to_record']} actuals would be recorded ({planned['kind']}).")
    else:
        click.echo(f"{planned['recorded']} actuals recorded ({planned['kind']}).")
