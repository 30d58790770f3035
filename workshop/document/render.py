"""The SLA document as HTML and PDF: sanitised HTML, WeasyPrint, a small render cache.

User text is escaped in the Markdown (canonical.py) and the HTML is sanitised again here,
so a hostile item can never become markup, a link, or a request the renderer makes.
The PDF is PDF/A-3b and carries the Markdown whose SHA-256 is the signed hash.
"""

import base64
import collections
import hashlib
import html
import io
import mimetypes
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import markdown
import nh3
from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .. import offload
from .canonical import (
    canonical_markdown,
    cover_facts,
    document_markdown,
    signature_blocks,
    status_text,
)
from .data import document_for  # noqa: F401  (re-exported: the exports' entry point)
from .format import FSI, PDI
from .memo import Memo
from .strings import strings

# Bump when the template, print.css or the HTML pipeline change: cached PDFs are stale.
RENDER_VERSION = "3"
CACHE_SIZE = 16
PICTURES = ("funnel", "journey")
PICTURE_SRC = "{}.svg"

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr",
    "th", "td", "strong", "em", "code", "blockquote", "hr", "a", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    **{h: {"id"} for h in ("h1", "h2", "h3", "h4")},
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"align"},
    "td": {"align"},
}
_PART_START = re.compile(r"(?=<h2[ >])")
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_SHORT_CELL = re.compile(r'<td( align="right")?>([^<]{1,16})</td>')


def is_draft(data):
    return (data.get("signoff") or {}).get("status") != "signed"


def is_frozen(data):
    return bool(data.get("canonical"))


def export_filename(data, draft, extension):
    """Like EP9N78PF6Y-v2-draft.pdf: the join code, the sign-off version, draft or not.
    A finalized version's Markdown is the signed text itself: never "-draft"."""
    version = (data.get("signoff") or {}).get("version") or 1
    suffix = "-draft" if draft and not (extension == "md" and is_frozen(data)) else ""
    return f"{data['workshop']['code']}-v{version}{suffix}.{extension}"


def markdown_export(data, draft) -> str:
    return document_markdown(data, draft)


def markdown_zip(data, draft) -> bytes:
    """A zip of the Markdown (the signed bytes once finalized), its two pictures under the
    names it links to, and, once finalized, the signatures in a file of their own."""
    entries = [(export_filename(data, draft, "md"), markdown_export(data, draft))]
    entries += [
        (PICTURE_SRC.format(name), svg)
        for name, svg in (data.get("pictures") or {}).items()
        if name in PICTURES and svg
    ]
    if is_frozen(data):
        name = export_filename(data, draft, "md").replace(".md", "-signatures.md")
        entries.append((name, "\n\n".join(signature_blocks(data)) + "\n"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            # A fixed date: the same document gives the same zip.
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def body_markdown(data):
    """The page's and the PDF's text: the signed (or draft) text, then the signature sheet."""
    frozen = data.get("canonical")
    text = frozen or canonical_markdown(data)
    signatures = signature_blocks(data, None if frozen else text)
    return text.rstrip("\n") + "\n\n" + "\n\n".join(signatures) + "\n"


def markdown_to_html(md, pictures=None) -> str:
    """Safe HTML for the document's Markdown; picture placeholders become the trusted SVGs."""
    return _embed_pictures(_sanitised_html(md)[0], pictures or {})


def render_pdf(data, draft) -> bytes:
    """The PDF/A-3b: cover, contents with page numbers, the parts, and the Markdown attached.
    Call inside an app context."""
    static = Path(current_app.static_folder).resolve()
    fetcher = StaticFetcher(static, current_app.static_url_path)
    page = render_html(data, draft)
    attachment = Attachment(
        string=markdown_export(data, draft),
        name=export_filename(data, draft, "md"),
        description=strings(_language(data))["attachment"],
        relationship="Source",
    )
    return offload.blocking(_print, page, static.as_uri() + "/", fetcher, [attachment])


# Font configurations kept between PDFs (docs/benchmarks.md, "Export speed"): a fresh one
# unpacks and registers every @font-face of print.css, about a seventh of a PDF's time, and
# starts Pango's font caches cold. A configuration that has read a font face keeps it
# (WeasyPrint keys it by the rule), so after its first PDF it costs nothing. One PDF at a time
# per configuration: taken from and given back to a deque, atomic without a lock (the
# printing runs in a native thread under gevent, where a patched lock is no use).
_font_configs = collections.deque()


def _print(page, base_url, fetcher, attachments):
    """WeasyPrint's part: seconds of CPU, so off the event loop (offload.py)."""
    try:
        font_config = _font_configs.pop()
    except IndexError:
        font_config = FontConfiguration()
    try:
        document = HTML(string=page, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(
            pdf_variant="pdf/a-3b", attachments=attachments, font_config=font_config
        )
    finally:
        _font_configs.append(font_config)


def _language(data):
    return (data.get("workshop") or {}).get("language") or "en"


def render_html(data, draft):
    """The PDF's HTML: the sanitised body split into parts, each starting a page."""
    body, toc_tokens = _sanitised_html(body_markdown(data))
    body = _classify_tables(body)
    # What precedes the first part (the title block) is what the cover shows.
    chunks = _PART_START.split(body)[1:]
    pictures = data.get("pictures") or {}
    language = _language(data)
    parts = [
        {
            "html": _embed_pictures(chunk, pictures, drop_missing=True),
            "wide": f'src="{PICTURE_SRC.format("journey")}"' in chunk,
        }
        for chunk in chunks
    ]
    # A fixed locale: the app's context processors ask for one, and a CLI has no request.
    with force_locale(language):
        return render_template(
            "document.html",
            draft=draft,
            facts=cover_facts(data),
            status=status_text(data),
            meta=_metadata(data),
            t=strings(language),
            toc=_toc_entries(toc_tokens),
            parts=parts,
            delegates=_delegates(data, strings(language)),
        )


def _metadata(data):
    """The PDF's document information: keywords and a creation date from the stored data."""
    workshop, signoff = data.get("workshop") or {}, data.get("signoff") or {}
    t = strings(_language(data))
    return {
        "keywords": ", ".join(
            [
                "SLA",
                "marketing",
                "sales",
                workshop.get("code") or "",
                f"{t['version']} {signoff.get('version') or 1}",
            ]  # fmt: skip
        ),
        "created": signoff.get("finalized_at") or workshop.get("created_at") or "",
        "author": workshop.get("organisation") or data.get("facilitator") or "",
    }


class StaticFetcher(URLFetcher):
    """Lets WeasyPrint read data: URLs and the app's own static files (fonts, print.css),
    nothing else: no network, no other file. Refusing raises, and WeasyPrint skips it."""

    def __init__(self, static_folder, static_url_path="/static"):
        super().__init__(allowed_protocols=("data", "file"))
        self.root = Path(static_folder).resolve()
        self.url_prefix = (static_url_path or "/static").rstrip("/") + "/"

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.static_path(unquote(urlsplit(url).path))
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        raise PermissionError(f"the PDF may not load {url[:80]!r}")

    def static_path(self, path):
        """The file under the static folder that `path` names (as a file path or as the
        app's /static/ URL), or None."""
        candidates = [Path(path)]
        if path.startswith(self.url_prefix):
            candidates.append(self.root / path[len(self.url_prefix) :])
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_relative_to(self.root) and resolved.is_file():
                return resolved
        return None


# --- Cache: an unchanged document is not rendered twice --------------------------------

_pdfs = Memo(CACHE_SIZE)


def cache_key(data, draft):
    # The pictures count too: dots on the journey map are not in the Markdown.
    parts = [
        body_markdown(data),
        str(bool(draft)),
        str((data.get("workshop") or {}).get("language")),
        RENDER_VERSION,
        *((data.get("pictures") or {}).get(name) or "" for name in PICTURES),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def cached_pdf(data, draft) -> bytes:
    """render_pdf, served from an in-process LRU while the document is unchanged."""
    return _pdfs.get(cache_key(data, draft), lambda: render_pdf(data, draft))


def clear_cache():
    _pdfs.clear()


# --- HTML helpers ----------------------------------------------------------------------


def _sanitised_html(md):
    """(clean HTML with picture placeholders, the headings for a table of contents)."""
    converter = markdown.Markdown(
        extensions=["tables", "toc", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    raw = converter.convert(md)
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=set(),  # only relative links: anchors and the two pictures
        link_rel=None,
        strip_comments=True,
    )
    # Names arrive isolated (format.name); in HTML the isolate is a <bdi> element.
    clean = clean.replace(FSI, "<bdi>").replace(PDI, "</bdi>")
    return clean, converter.toc_tokens


def _attribute_filter(tag, attribute, value):
    """Links only to anchors in the document; images only the document's own pictures."""
    if tag == "a" and attribute == "href":
        return value if value.startswith("#") else None
    if tag == "img" and attribute == "src":
        return value if value in {PICTURE_SRC.format(p) for p in PICTURES} else None
    return value


def _embed_pictures(clean_html, pictures, drop_missing=False):
    for name in PICTURES:
        placeholder = f'src="{PICTURE_SRC.format(name)}"'
        svg = pictures.get(name)
        if svg and not _well_formed(svg):
            # Never a silently broken image: say so, and leave the picture out.
            current_app.logger.error("the %s picture is not well-formed SVG; left out", name)
            svg = None
        if svg:
            encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            embedded = f'src="data:image/svg+xml;base64,{encoded}"'
            clean_html = clean_html.replace(placeholder, embedded)
        elif drop_missing:
            clean_html = re.sub(rf"<img [^>]*{re.escape(placeholder)}[^>]*>", "", clean_html)
    return clean_html


def _well_formed(svg):
    # Our own SVG, checked before embedding (no entities are declared in it).
    try:
        ElementTree.fromstring(svg)  # nosec B314
    except ElementTree.ParseError:
        return False
    return True


def _delegates(data, t):
    """[(department label, [names])] for the cover, marketing first."""
    people = data.get("participants") or []
    return [
        (t["labels"][department], [p["name"] for p in people if p["department"] == department])
        for department in ("marketing", "sales")
        if any(p["department"] == department for p in people)
    ]


def _classify_tables(clean_html):
    """Layout hooks added after sanitising, from the text of each table: `cols-N` for the
    column count, `long` for many rows (set compact), `keep` for a few (kept on one page),
    the column widths as a <colgroup> (with the fixed table layout no table can grow past
    the margins, whatever its words) and `short` on cells that fit their column on one
    line. Tables with the same headers get the same widths, so the appendix's line up."""
    line = 105  # characters of table text across the text block, about
    pad = 3  # a cell's padding, in characters
    word_cap = 16  # longer words are hyphenated or broken instead of widening a column
    row_re = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
    cell_re = re.compile(r"<(t[hd])([^>]*)>(.*?)</\1>", re.DOTALL)

    def text(cell):
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())

    def parse(table):
        rows = [[text(c) for _, _, c in cell_re.findall(r)] for r in row_re.findall(table)]
        return (tuple(rows[0]), rows[1:]) if rows else ((), [])

    def widths(header, rows):
        """Per column, in characters: the longest word it must hold (a short cell counts as
        one word) and all it would like (its longest cell, its header on two lines). Each
        column gets what it must hold; the spare width goes to the columns that would like
        more, in proportion to the text that would otherwise wrap in them, none beyond what
        it would like. So a column of long texts gets the room, not one with a long cell."""
        low, high, overflow = [], [], []
        for j, head in enumerate(header):
            cells = [len(row[j]) for row in rows if j < len(row)]
            cells.append(round(len(head) * 1.2 / 2))  # bolder type, two lines
            words = [w for row in rows if j < len(row) for w in words_of(row[j])]
            # Headers are set in a bolder weight: their letters are wider.
            lengths = [len(w) for w in words] + [round(len(w) * 1.2) for w in head.split()]
            need = min(word_cap, max(lengths, default=1))
            low.append(need + pad)
            high.append(max([need, *cells]) + pad)
            overflow.append(sum(max(0, n - need) for n in cells))
        chars, spare = list(low), line - sum(low)
        growing = [j for j in range(len(header)) if high[j] > low[j]]
        while spare > 0.01 and growing:
            weight = sum(overflow[j] for j in growing) or len(growing)
            share = {j: spare * (overflow[j] or weight / len(growing)) / weight for j in growing}
            for j in growing:
                chars[j] = min(high[j], chars[j] + share[j])
            spare = line - sum(chars)
            growing = [j for j in growing if chars[j] < high[j] - 0.01]
        return [c * line / sum(chars) for c in chars]

    def words_of(cell):
        return [cell] if len(cell) <= 16 else cell.split()

    tables = [parse(m.group(1)) for m in _TABLE.finditer(clean_html)]
    by_header = {}
    for header, rows in tables:
        by_header.setdefault(header, []).extend(rows)
    columns = {header: widths(header, rows) for header, rows in by_header.items()}
    found = iter(tables)

    def classify(match):
        header, rows = next(found)
        chars = columns[header]
        classes = [f"cols-{len(header)}"]
        classes += ["long"] if len(rows) > 12 else ["keep"] if len(rows) <= 8 else []
        cols = "".join(f'<col style="width: {100 * c / line:.1f}%">' for c in chars)

        def row(match):
            position = iter(range(len(chars)))

            def cell(match):
                j = next(position, None)
                tag, attributes, content = match.groups()
                fits = j is not None and len(text(content)) + pad <= chars[j]
                if tag == "td" and fits and _SHORT_CELL.fullmatch(match.group(0)):
                    attributes += ' class="short"'
                return f"<{tag}{attributes}>{content}</{tag}>"

            return f"<tr>{cell_re.sub(cell, match.group(1))}</tr>"

        body = row_re.sub(row, match.group(1))
        return f'<table class="{" ".join(classes)}"><colgroup>{cols}</colgroup>{body}</table>'

    return _TABLE.sub(classify, clean_html)


def _toc_entries(tokens):
    """Parts (h2) and their sections (h3), in document order."""
    entries = []

    def walk(nodes):
        for node in nodes:
            if node["level"] in (2, 3):
                entries.append(
                    {"id": node["id"], "name": html.unescape(node["name"]), "level": node["level"]}
                )
            walk(node["children"])

    walk(tokens)
    return entries
