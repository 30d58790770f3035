"""The dashboard over HTTP: its JSON, recording actuals, the page and the trend charts."""

from datetime import date

import click
from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from flask.cli import with_appcontext
from flask_babel import format_decimal, format_percent, gettext

from .. import service, store
from ..api import json_body, member_required
from ..commands.actuals import dashboard_link_valid
from ..db import get_db
from ..domain.codes import normalise_code
from ..errors import STATUS
from ..security import signed_in_member
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
    ack, _ = service.run_command(
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
    data = board.dashboard(get_db(), workshop["id"])
    return render_template("dashboard.html", workshop=workshop, member=member, board=data,
                           value_text=value_text)  # fmt: skip


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
    points = board.trend_points(kpi, series, date.today())
    labels = {
        "title": gettext("Trend of %(kpi)s", kpi=kpi["text"]),
        "value": lambda v: value_text(v, kpi["unit"]),
        "period": str,
    }
    svg = trend.trend_svg(points, kpi["target"], kpi["direction"], kpi["tolerance"], labels)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def value_text(value, unit):
    """A KPI value in the reader's language, by its unit."""
    if value is None:
        return "—"
    if unit == "percent":
        return format_percent(value / 100, "#,##0.#%")
    if unit == "hours":
        return gettext("%(n)s h", n=format_decimal(value, "#,##0.#"))
    return format_decimal(value, "#,##0.#")


@click.command("import-actuals")
@click.argument("code")
@click.argument("file", type=click.File(encoding="utf-8-sig"))
@with_appcontext
def import_actuals_command(code, file):
    """Record actuals from a `kpi,period,value` CSV file, as the facilitator: every row or,
    when one line is wrong, none (each wrong line is named)."""
    db = get_db()
    workshop = store.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        raise click.ClickException(f"There is no workshop with code {code}.")
    rows, problems = imports.read_actuals(file.read(), board.signed_kpis(db, workshop["id"]))
    if not problems:
        facilitator = next(
            m for m in store.members(db, workshop["id"]) if m["role"] == "facilitator"
        )
        problems = imports.record_all(db, facilitator["id"], rows)
    for line, column, message in problems:
        click.echo(f"line {line}, {column}: {message}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(rows)} actuals recorded.")
