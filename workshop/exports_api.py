"""Downloads of the SLA document (PDF and Markdown) and the `flask export` command."""

from pathlib import Path

import click
from flask import Blueprint, Response
from flask.cli import with_appcontext

from . import export, store
from .api import error, signed_in, unauthorised
from .commands import CommandError
from .db import get_db
from .domain.codes import normalise_code

bp = Blueprint("exports", __name__)


def _document(code):
    """(data, draft, None) for a member of the workshop, or (None, None, error response)."""
    try:
        workshop, member = signed_in(code)
    except CommandError as exc:
        return None, None, error(exc)
    if member is None:
        return None, None, unauthorised()
    data = export.document_for(get_db(), workshop)
    return data, export.is_draft(data), None


def _download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/workshops/<code>/export.pdf")
def export_pdf(code):
    """The SLA as PDF for the facilitator and the delegates; a draft until all have signed."""
    data, draft, failure = _document(code)
    if failure:
        return failure
    filename = export.export_filename(data, draft, "pdf")
    return _download(export.cached_pdf(data, draft), "application/pdf", filename)


@bp.get("/api/workshops/<code>/export.md")
def export_md(code):
    """The SLA as Markdown, with the same content and hash as the PDF."""
    data, draft, failure = _document(code)
    if failure:
        return failure
    filename = export.export_filename(data, draft, "md")
    body = export.markdown_export(data, draft)
    return _download(body, "text/markdown", filename)  # Flask adds charset=utf-8


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
        path.write_bytes(export.cached_pdf(data, draft))
    else:
        path.write_text(export.markdown_export(data, draft), encoding="utf-8")
    click.echo(str(path))
