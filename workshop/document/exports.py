"""Downloads of the SLA document (PDF and Markdown) and the `flask export` command."""

from pathlib import Path

import click
from flask import Blueprint, Response, jsonify
from flask.cli import with_appcontext

from .. import service, store
from ..api import member_required
from ..db import get_db
from ..domain.codes import normalise_code
from . import reading
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


@bp.get("/api/workshops/<code>/document")
@member_required
def document_view(workshop, member):
    """The document to read before signing: sanitised HTML per part, changes since the
    previous version."""
    return jsonify(reading.reading_view(get_db(), workshop))


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
