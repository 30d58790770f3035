"""Downloads of the SLA document (PDF and Markdown) and the `flask export` command."""

from pathlib import Path

import click
from flask import Blueprint, Response, jsonify, render_template, request
from flask.cli import with_appcontext
from flask_babel import get_locale

from .. import service, store
from ..api import member_required
from ..commands import CommandError
from ..db import get_db
from ..domain.codes import normalise_code
from ..i18n import N_, translate
from ..security import client_allows
from . import reading, verify
from . import render as export

bp = Blueprint("exports", __name__)


def _download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/workshops/<code>/export.pdf")
@member_required
def export_pdf(workshop, member):
    """The SLA as PDF for the facilitator and the delegates; a draft until all have signed."""
    db = get_db()
    data = export.document_for(db, workshop)
    draft = export.is_draft(data)
    filename = export.export_filename(data, draft, "pdf")
    # The signed PDF is the one issued file (its hash is recorded); drafts come from a cache.
    pdf = service.final_pdf(db, workshop) if not draft else export.cached_pdf(data, draft)
    return _download(pdf, "application/pdf", filename)


@bp.get("/api/workshops/<code>/export.md")
@member_required
def export_md(workshop, member):
    """The SLA as Markdown: once finalized exactly the signed bytes (sha256 = the hash)."""
    data = export.document_for(get_db(), workshop)
    draft = export.is_draft(data)
    filename = export.export_filename(data, draft, "md")
    body = export.markdown_export(data, draft)
    return _download(body, "text/markdown", filename)  # Flask adds charset=utf-8


@bp.get("/api/workshops/<code>/export.zip")
@member_required
def export_zip(workshop, member):
    """The Markdown with its pictures beside it, so any Markdown viewer shows them."""
    data = export.document_for(get_db(), workshop)
    draft = export.is_draft(data)
    body = export.markdown_zip(data, draft)
    return _download(body, "application/zip", export.export_filename(data, draft, "zip"))


@bp.get("/api/workshops/<code>/document")
@member_required
def document_view(workshop, member):
    """The document to read before signing: sanitised HTML per part, changes since the
    previous version."""
    return jsonify(reading.reading_view(get_db(), workshop))


@bp.get("/verify")
def verify_page():
    """Drop a signed SLA (.md or .pdf) to learn which workshop and version it is."""
    return render_template("verify.html", result=None)


@bp.post("/verify")
def verify_upload():
    """Checks the uploaded file against every finalized version; nothing is stored."""
    if not client_allows("lookup"):
        exc = CommandError("rate_limited", N_("Too many attempts: wait a minute."))
        message = translate(exc.message, exc.params, str(get_locale()))
        return render_template("verify.html", result=None, error=message), 429
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        message = translate(N_("Choose a file to check."), {}, str(get_locale()))
        return render_template("verify.html", result=None, error=message), 400
    result = verify.verify_bytes(get_db(), upload.read())
    matches, lines = verify.report(result, str(get_locale()))
    return render_template("verify.html", result={"match": matches, "lines": lines})


@click.command("export")
@click.argument("code")
@click.option("--format", "kind", type=click.Choice(["pdf", "md"]), default="pdf")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@with_appcontext
def export_command(code, kind, output):
    """Write a workshop's SLA document to a file (like the download) and print its path."""
    db = get_db()
    workshop = store.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        raise click.ClickException(f"There is no workshop with code {code}.")
    data = export.document_for(db, workshop)
    draft = export.is_draft(data)
    path = Path(output or export.export_filename(data, draft, kind))
    if kind == "pdf":
        pdf = service.final_pdf(db, workshop) if not draft else export.cached_pdf(data, draft)
        path.write_bytes(pdf)
    else:
        path.write_text(export.markdown_export(data, draft), encoding="utf-8")
    click.echo(str(path))


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--language", type=click.Choice(["en", "nl"]), default="en")
@with_appcontext
def verify_command(file, language):
    """Say which workshop and version a .md or .pdf is and who signed it; exit 1 if none."""
    result = verify.verify_bytes(get_db(), Path(file).read_bytes())
    matches, lines = verify.report(result, language)
    for line in lines:
        click.echo(line)
    raise SystemExit(0 if matches else 1)
