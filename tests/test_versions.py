"""Every version of the SLA stays available: the list with who signed, each version's PDF and
Markdown from its stored row, `verify` for each, and the version history page. Issue 13."""

import hashlib
import re
import time

from conftest import fresh_state, send

from workshop.document.exports import verify_command


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def signed(workshops, language="en"):
    """A workshop whose version 1 every delegate has signed: (workshop, fac, people, hash)."""
    workshop, fac, people = workshops.room(language, marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": digest})["ok"]
    return workshop, fac, people, digest


def download(client, workshop, token, number, kind):
    path = f"/api/workshops/{workshop['code']}/versions/{number}/export.{kind}"
    return client.get(path, headers=bearer(token))


def verify(app, tmp_path, name, body):
    """`flask verify FILE` on the downloaded bytes: (exit code, output)."""
    path = tmp_path / name
    path.write_bytes(body)
    result = app.test_cli_runner().invoke(verify_command, [str(path)])
    return result.exit_code, result.output


def test_versions_list_downloads_and_verify(app, client, workshops, tmp_path):
    workshop, fac, people, digest = signed(workshops)
    code, token = workshop["code"], people[0][0]["token"]
    listed = client.get(f"/api/workshops/{code}/versions", headers=bearer(token))
    assert listed.status_code == 200
    (v1,) = listed.json
    assert {k: v1[k] for k in ("version", "document_hash", "status")} == {
        "version": 1, "document_hash": digest, "status": "signed",
    }  # fmt: skip
    assert sorted(s["name"] for s in v1["signatures"]) == ["Marketing 0", "Sales 1"]
    assert {p["participant_id"] for p, _ in people} == {
        s["participant_id"] for s in v1["signatures"]
    }
    assert all(s["signed_at"] for s in v1["signatures"])

    # Members only, like every other API route.
    assert client.get(f"/api/workshops/{code}/versions").status_code == 401
    other = workshops.create()
    foreign = bearer(other["facilitator_token"])
    assert client.get(f"/api/workshops/{code}/versions", headers=foreign).status_code == 403
    assert download(client, workshop, other["facilitator_token"], 1, "md").status_code == 403

    # The Markdown is exactly the signed bytes, named <code>-v1.md; verify recognises it.
    md = download(client, workshop, token, 1, "md")
    assert md.status_code == 200
    assert md.headers["Content-Disposition"] == f'attachment; filename="{code}-v1.md"'
    assert hashlib.sha256(md.data).hexdigest() == digest
    status, output = verify(app, tmp_path, f"{code}-v1.md", md.data)
    assert status == 0 and "matches version 1" in output and "Signed by every delegate" in output
    assert verify(app, tmp_path, "changed.md", md.data + b" ")[0] == 1

    # The PDF is the issued final PDF (byte for byte), and verify says so.
    pdf = download(client, workshop, token, 1, "pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="{code}-v1.pdf"'
    final = fresh_state(fac)["signoff"]["final_pdf_hash"]
    deadline = time.time() + 30
    while final is None and time.time() < deadline:
        time.sleep(0.2)
        final = fresh_state(fac)["signoff"]["final_pdf_hash"]
    assert hashlib.sha256(pdf.data).hexdigest() == final
    status, output = verify(app, tmp_path, f"{code}-v1.pdf", pdf.data)
    assert status == 0 and "matches version 1" in output

    # A version that does not exist.
    assert download(client, workshop, token, 7, "md").status_code == 404
    assert download(client, workshop, token, 1, "txt").status_code == 404


def test_a_reopened_version_stays_listed_with_its_own_bytes(app, client, workshops, tmp_path):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    first = send(fac, {"type": "finalize"})["document_hash"]
    assert send(people[0][1], {"type": "sign", "document_hash": first})["ok"]
    assert send(fac, {"type": "reopen"})["ok"]
    kpi = next(i for i in fresh_state(fac)["items"] if i["section"] == "kpis")
    assert send(fac, {"type": "edit_item", "item_id": kpi["id"], "text": "Reworded KPI"})["ok"]
    second = send(fac, {"type": "finalize", "reason": "As agreed"})["document_hash"]
    token = workshop["facilitator_token"]
    listed = client.get(f"/api/workshops/{workshop['code']}/versions", headers=bearer(token)).json
    assert [(v["version"], v["status"], v["document_hash"]) for v in listed] == [
        (1, "reopened", first), (2, "finalized", second),
    ]  # fmt: skip
    assert listed[0]["signatures"] == []  # voided by the reopen
    # The current version (awaiting signatures) downloads too; both from their stored rows.
    for number, digest in ((1, first), (2, second)):
        md = download(client, workshop, token, number, "md")
        assert hashlib.sha256(md.data).hexdigest() == digest
        assert verify(app, tmp_path, f"v{number}.md", md.data)[0] == 0
    old = download(client, workshop, token, 1, "md").data.decode()
    assert (
        "Reworded KPI" not in old
        and "Reworded KPI" in download(client, workshop, token, 2, "md").data.decode()
    )
    draft = download(client, workshop, token, 1, "pdf")
    assert draft.status_code == 200 and draft.data.startswith(b"%PDF")
    assert "-v1-draft.pdf" in draft.headers["Content-Disposition"]


def test_version_history_page(client, workshops):
    workshop, fac, people, digest = signed(workshops, "nl")
    code = workshop["code"]
    assert client.get(f"/w/{code}/versions").status_code == 302  # not signed in: join first
    page = client.get(f"/w/{code}/versions", headers=bearer(people[1][0]["token"]))
    assert page.status_code == 200
    text = page.data.decode()
    assert "Versiegeschiedenis" in text and "Versie 1" in text and digest in text
    assert "Marketing 0" in text and "Sales 1" in text
    # Signed "op 28 nov. 2026, 14:05": to the minute, in Dutch, like every page after sign-off.
    when = re.findall(r"ondertekend op (\d{1,2} \w+\.? \d{4}, \d{2}:\d{2})(:\d{2})?", text)
    assert len(when) == 2 and all(seconds == "" for _, seconds in when), when
    assert f"/api/workshops/{code}/versions/1/export.pdf" in text
    assert f"/api/workshops/{code}/versions/1/export.md" in text
    assert "Start een wijzigingsronde" not in text  # a delegate cannot amend
    console = client.get(f"/w/{code}/versions", headers=bearer(workshop["facilitator_token"]))
    assert "Start een wijzigingsronde" in console.data.decode()
