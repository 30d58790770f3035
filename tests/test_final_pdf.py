"""The final PDF: PDF/A-3b with the signed Markdown attached and full metadata, rendered once;
and the /verify page, where anyone can check a file."""

import hashlib
import io
import re
import threading
import time

import pytest
from conftest import fresh_state, send
from pypdf import PdfReader

from workshop.document import render


def signed_room(workshops, language="en", sign_last=True):
    """A small workshop, everything agreed, finalized, every delegate but maybe one signed."""
    workshop, fac, people = workshops.room(language, marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    ack = send(fac, {"type": "finalize"})
    assert ack["ok"], ack
    for _, sio in people[: None if sign_last else -1]:
        assert send(sio, {"type": "sign", "document_hash": ack["document_hash"]})["ok"]
    return workshop, fac, people, ack["document_hash"]


def download(client, workshop, name):
    response = client.get(
        f"/api/workshops/{workshop['code']}/{name}",
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )
    assert response.status_code == 200, response.json
    return response


def wait_for_file(app, workshop, timeout=60):
    from pathlib import Path

    path = Path(app.config["EXPORT_DIR"]) / f"{workshop['code']}-v1.pdf"
    deadline = time.time() + timeout
    while not path.exists() and time.time() < deadline:
        time.sleep(0.1)
    return path


@pytest.mark.parametrize("language", ["en", "nl"])
def test_final_pdf_is_pdfa_with_the_signed_markdown_and_metadata(app, client, workshops, language):
    workshop, _, _, digest = signed_room(workshops, language)
    pdf = download(client, workshop, "export.pdf").data
    md = download(client, workshop, "export.md").data
    assert hashlib.sha256(md).hexdigest() == digest
    reader = PdfReader(io.BytesIO(pdf))
    # PDF/A-3b, declared in the XMP metadata.
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]*3", raw) and re.search(r"pdfaid:conformance[^A-Z]*B", raw)
    # The attached file is exactly the Markdown whose hash was signed.
    assert reader.attachments == {f"{workshop['code']}-v1.md": [md]}
    # Title, subject, keywords, language and creation date.
    info = reader.metadata
    assert info.title == "SLA 2027"
    subject = {"en": "Service level agreement", "nl": "Service level agreement tussen"}[language]
    assert info.subject.startswith(subject)
    assert workshop["code"] in info["/Keywords"]
    assert info.creation_date is not None
    assert str(reader.trailer["/Root"]["/Lang"]) == language
    # The hash is printed with one sentence on how to check it.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert digest in text.replace(" ", "")
    assert "sha256sum" in text


def test_the_final_pdf_renders_once_and_a_download_waits(app, client, workshops, monkeypatch):
    calls = []
    real = render.render_pdf

    def slow_render(data, draft):
        calls.append(draft)
        time.sleep(1.5)
        return real(data, draft)

    monkeypatch.setattr(render, "render_pdf", slow_render)
    workshop, fac, people, digest = signed_room(workshops, sign_last=False)
    # The last signature starts the background render; a download arrives meanwhile.
    assert send(people[-1][1], {"type": "sign", "document_hash": digest})["ok"]
    results = []
    downloads = [
        threading.Thread(target=lambda: results.append(download(client, workshop, "export.pdf")))
        for _ in range(2)
    ]
    time.sleep(0.2)
    for thread in downloads:
        thread.start()
    for thread in downloads:
        thread.join(120)
    path = wait_for_file(app, workshop)
    assert calls == [False], calls  # one render in all
    assert [r.data for r in results] == [path.read_bytes()] * 2


def test_verify_page_checks_a_file_and_stores_nothing(app, client, workshops):
    workshop, _, _, digest = signed_room(workshops)
    md = download(client, workshop, "export.md").data
    pdf = download(client, workshop, "export.pdf").data
    page = client.get("/verify")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def check(content, name, language="en"):
        client.set_cookie("lang", language)
        return client.post(
            "/verify",
            data={"csrf_token": token, "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )

    answer = check(md, "sla.md")
    assert answer.status_code == 200
    assert "Matches" in answer.text and workshop["code"] in answer.text
    assert "Marketing 0" in answer.text and digest in answer.text
    assert "Matches" in check(pdf, "sla.pdf").text  # bigger than the 64 KB body limit
    changed = bytearray(md)
    changed[10] ^= 1
    answer = check(bytes(changed), "sla.md", "nl")
    assert "Komt niet overeen" in answer.text
    assert "Komt overeen" not in answer.text.replace("Komt niet overeen", "")
    # Without the CSRF token: refused.
    refused = client.post("/verify", data={"file": (io.BytesIO(md), "sla.md")},
                          content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400


def test_the_markdown_zip_reads_in_any_viewer(client, workshops):
    import zipfile

    workshop, fac, _ = workshops.room()
    pictured = [i for i in fresh_state(fac)["items"] if i["section"] in ("funnel", "journey")]
    for item in pictured:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    response = download(client, workshop, "export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    name = f"{workshop['code']}-v1-draft.md"
    assert sorted(archive.namelist()) == sorted([name, "funnel.svg", "journey.svg"])
    text = archive.read(name).decode("utf-8")
    assert "](funnel.svg)" in text and "](journey.svg)" in text
