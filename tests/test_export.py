"""The SLA document through the app: PDF and Markdown downloads, the CLI, the cache."""

import io
import re

import pytest
from conftest import fresh_state, send
from pypdf import PdfReader

from workshop import store
from workshop.db import get_db
from workshop.document import render as export
from workshop.document.canonical import canonical_markdown, document_hash, document_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "![p](file:///etc/passwd)",
    "![p](http://example.com/x.png)",
]
REJECTED = ["Zebra vanity metric nobody wanted", "Quokka escalation straight to the board"]


@pytest.fixture(autouse=True)
def empty_cache():
    export.clear_cache()
    yield
    export.clear_cache()


def decide(sock, item_id, outcome):
    ack = send(sock, {"type": "decide", "item_id": item_id, "outcome": outcome, "reason": "test"})
    assert ack["ok"], ack


def propose(sock, section, text):
    ack = send(sock, {"type": "propose", "section": section, "text": text})
    assert ack["ok"], ack
    return next(i for i in fresh_state(sock)["items"] if i["text"] == text)["id"]


def filled_room(workshops, language="en", hostile=(), rejected=REJECTED):
    """A workshop where every draft item is agreed, plus extra agreed and rejected items."""
    workshop, facilitator, people = workshops.room(language)
    extra_agreed = [propose(facilitator, "process", text) for text in hostile]
    extra_rejected = [propose(facilitator, "kpis", text) for text in rejected]
    for item in fresh_state(facilitator)["items"]:
        decide(facilitator, item["id"], "rejected" if item["id"] in extra_rejected else "agreed")
    assert extra_agreed is not None
    return workshop, facilitator, people


def agree_first_stage(facilitator):
    """Agree the first funnel stage: the least a document with a reverse funnel needs."""
    stage = next(i for i in fresh_state(facilitator)["items"] if i["section"] == "funnel")
    decide(facilitator, stage["id"], "agreed")
    return stage


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def pdf_pages(body):
    reader = PdfReader(io.BytesIO(body))
    return [page.extract_text() for page in reader.pages]


def squash(text):
    return "".join(text.split())


def data_for(app, code):
    with app.app_context():
        db = get_db()
        return export.document_for(db, store.workshop_by_code(db, code))


def test_pdf_holds_the_agreed_document(app, client, workshops):
    workshop, _, people = filled_room(workshops)
    code = workshop["code"]
    response = client.get(
        f"/api/workshops/{code}/export.pdf", headers=bearer(workshop["facilitator_token"])
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{code}-v1-draft.pdf"'
    pages = pdf_pages(response.data)
    data = data_for(app, code)
    everything = squash("".join(pages))
    for item in data["agreed"]:
        assert squash(item["text"]) in everything, item["text"]
    for joined, _ in people:
        assert any(p["id"] == joined["participant_id"] for p in data["participants"])
    for person in data["participants"]:
        assert squash(person["name"]) in everything
    # The appendix starts on its own page; the contents page only names it.
    appendix = next(n for n, page in enumerate(pages) if n > 1 and "Appendix: decisions" in page)
    for text in REJECTED:
        assert not any(squash(text) in squash(page) for page in pages[:appendix])
        assert any(squash(text) in squash(page) for page in pages[appendix:])
    assert all("DRAFT" in page for page in pages)
    assert document_hash(canonical_markdown(data)) in everything
    assert "Contents" in pages[1] and re.search(r"Page \d+ of \d+", pages[2])


def test_pdf_renders_in_dutch(client, workshops):
    workshop, facilitator, _ = workshops.room("nl")
    agree_first_stage(facilitator)
    for item in [i for i in fresh_state(facilitator)["items"] if i["status"] == "open"][:12]:
        decide(facilitator, item["id"], "agreed")
    response = client.get(
        f"/api/workshops/{workshop['code']}/export.pdf",
        headers=bearer(workshop["facilitator_token"]),
    )
    pages = pdf_pages(response.data)
    assert all("CONCEPT" in page for page in pages)
    assert "Inhoud" in pages[1]
    assert "Gezamenlijke doelen" in "".join(pages)
    assert "Nog niet afgesproken." in "".join(pages)


def test_a_signed_document_is_final(app, workshops):
    workshop, facilitator, _ = workshops.room()
    agree_first_stage(facilitator)
    data = data_for(app, workshop["code"])
    data["signoff"]["status"] = "signed"
    assert not export.is_draft(data)
    assert export.export_filename(data, False, "pdf") == f"{workshop['code']}-v1.pdf"
    with app.app_context():
        pages = pdf_pages(export.render_pdf(data, draft=False))
    assert not any("DRAFT" in page for page in pages)
    assert "STATUS Signed" in pages[0]


def test_hostile_item_text_is_inert(app, workshops, monkeypatch):
    workshop, _, _ = filled_room(workshops, hostile=HOSTILE, rejected=[])
    data = data_for(app, workshop["code"])
    html = export.markdown_to_html(document_markdown(data, True), data["pictures"])
    tags = "".join(re.findall(r"<[^>]*>", html))
    for marker in ("<script", "javascript:", "file:", "http:", "onerror", 'src="x"'):
        assert marker not in tags, marker
    assert len(re.findall(r"<img ", html)) == 2
    assert all('src="data:image/svg+xml;base64,' in img for img in re.findall(r"<img[^>]*>", html))
    for text in HOSTILE:
        shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert shown in html

    asked = []
    original = export.StaticFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(export.StaticFetcher, "fetch", spy)
    with app.app_context():
        pages = pdf_pages(export.render_pdf(data, draft=True))
    assert asked, "the fetcher was never used"
    assert all(url.startswith(("data:", "file:")) for url in asked), asked
    assert not any("passwd" in url or "example.com" in url for url in asked)
    everything = squash("".join(pages))
    for text in HOSTILE:
        assert squash(text) in everything


def test_raw_markup_is_sanitised():
    html = export.markdown_to_html(
        "[x](javascript:alert(1)) ![p](file:///etc/passwd) <script>alert(1)</script>"
        ' <a href="http://evil">e</a> <img src="http://evil/x.png"> <b onclick="x()">b</b>'
        " [ok](#part) ![pic](funnel.svg) ![x](../funnel.svg)",
        {"funnel": "<svg/>"},
    )
    assert "javascript:" not in html and "file:" not in html and "http:" not in html
    assert "<script" not in html and "onclick" not in html
    assert '<a href="#part">ok</a>' in html
    assert 'src="data:image/svg+xml;base64,PHN2Zy8+"' in html


def test_fetcher_serves_only_static_files(app):
    static = app.static_folder
    fetcher = export.StaticFetcher(static, "/static")
    for url in (f"file://{static}/print.css", "file:///static/print.css"):
        response = fetcher.fetch(url)
        assert b"@page" in response.read()
        response.close()
    for url in (
        "file:///etc/passwd",
        f"file://{static}/../app.py",
        "http://example.com/x.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
    ):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)


def test_markdown_download_for_a_delegate(app, client, workshops):
    workshop, facilitator, people = workshops.room()
    agree_first_stage(facilitator)
    code = workshop["code"]
    response = client.get(f"/api/workshops/{code}/export.md", headers=bearer(people[0][0]["token"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{code}-v1-draft.md"'
    assert response.get_data(as_text=True) == document_markdown(data_for(app, code), True)


def test_a_fresh_workshop_exports(client, workshops):
    workshop, _, _ = workshops.room()
    url = f"/api/workshops/{workshop['code']}/export.md"
    assert client.get(url, headers=bearer(workshop["facilitator_token"])).status_code == 200


def test_the_browser_cookie_signs_in(client, workshops):
    workshop, facilitator, people = workshops.room()
    agree_first_stage(facilitator)
    client.set_cookie(f"sla_{workshop['code']}", people[1][0]["token"], domain="localhost")
    assert client.get(f"/api/workshops/{workshop['code']}/export.md").status_code == 200


@pytest.mark.parametrize("kind", ["pdf", "md"])
def test_downloads_need_a_member_of_the_workshop(client, workshops, kind):
    workshop, _, _ = workshops.room()
    other = workshops.create()
    url = f"/api/workshops/{workshop['code']}/export.{kind}"
    missing = client.get(url)
    assert missing.status_code == 401 and missing.json["code"] == "forbidden"
    foreign = client.get(url, headers=bearer(other["facilitator_token"]))
    assert foreign.status_code == 403 and foreign.json["error"]
    unknown = client.get(f"/api/workshops/ZZZZZZZZZZ/export.{kind}", headers=bearer("x"))
    assert unknown.status_code == 404 and unknown.json["code"] == "not_found"


def test_an_unchanged_document_comes_from_the_cache(client, workshops, monkeypatch):
    workshop, facilitator, _ = workshops.room()
    agree_first_stage(facilitator)
    items = [i for i in fresh_state(facilitator)["items"] if i["status"] == "open"]
    renders = []
    original = export.render_pdf

    def counting(data, draft):
        renders.append(draft)
        return original(data, draft)

    monkeypatch.setattr(export, "render_pdf", counting)
    url = f"/api/workshops/{workshop['code']}/export.pdf"
    headers = bearer(workshop["facilitator_token"])
    first = client.get(url, headers=headers).data
    assert client.get(url, headers=headers).data == first
    assert len(renders) == 1
    decide(facilitator, items[0]["id"], "agreed")
    assert client.get(url, headers=headers).data != first
    assert len(renders) == 2


def test_cli_writes_the_document(app, workshops, tmp_path, monkeypatch):
    workshop, facilitator, _ = workshops.room()
    agree_first_stage(facilitator)
    code = workshop["code"]
    runner = app.test_cli_runner()
    target = tmp_path / "sla.md"
    result = runner.invoke(args=["export", code, "--format", "md", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(target)
    assert target.read_text(encoding="utf-8").startswith("> **DRAFT**")

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["export", code.lower()])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"{code}-v1-draft.pdf"
    assert result.output.strip() == f"{code}-v1-draft.pdf"
    assert written.read_bytes().startswith(b"%PDF")

    unknown = runner.invoke(args=["export", "ZZZZZZZZZZ"])
    assert unknown.exit_code != 0


def test_a_broken_picture_is_left_out_and_logged(app, caplog):
    with app.app_context():
        html = export.markdown_to_html("![p](funnel.svg)", {"funnel": "<svg><text>&</svg>"})
    assert "data:image" not in html
    assert "not well-formed" in caplog.text
