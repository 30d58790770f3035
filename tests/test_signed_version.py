"""The signed SLA: frozen at finalize, checkable by any reader, and the same after people
leave, reconnect, switch language and the server restarts. Real server, real files."""

import hashlib
import io
import subprocess
import sys
import time
import zipfile

import pytest
import requests
from conftest import ROOT, Server
from pypdf import PdfReader
from test_server import Person

pytestmark = pytest.mark.server


class Api:
    """The HTTP API of the real server, as one person."""

    def __init__(self, url, code, token):
        self.url, self.code = url, code
        self.headers = {"Authorization": f"Bearer {token}"}

    def command(self, payload):
        """Sends a command; waits out the rate limit like a patient person would."""
        for _ in range(50):
            ack = requests.post(
                f"{self.url}/api/workshops/{self.code}/commands", json=payload,
                headers=self.headers, timeout=30,
            ).json()  # fmt: skip
            if ack.get("code") != "rate_limited":
                return ack
            time.sleep(0.2)
        return ack

    def state(self):
        url = f"{self.url}/api/workshops/{self.code}/state"
        return requests.get(url, headers=self.headers, timeout=30).json()

    def get(self, name):
        url = f"{self.url}/api/workshops/{self.code}/{name}"
        response = requests.get(url, headers=self.headers, timeout=120)
        assert response.status_code == 200, response.text
        return response


def verify(server, path):
    """`flask --app app verify FILE` against the server's database: (exit code, output)."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "verify", str(path)],
        cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_signed_bytes_survive_leaving_reconnecting_language_and_restart(tmp_path):
    server = Server(tmp_path).start()
    try:
        created = requests.post(
            server.url + "/api/workshops",
            json={"title": "SLA 2027", "facilitator_name": "Fiona", "language": "en",
                  "organisation": "Acme"},
        ).json()  # fmt: skip
        code = created["code"]
        fac = Api(server.url, code, created["facilitator_token"])
        people = []
        for name, department, title in (
            ("Mia", "marketing", "Head of marketing"),
            ("Sam", "sales", "Sales lead"),
            ("Lou", "marketing", ""),
        ):
            joined = requests.post(
                f"{server.url}/api/workshops/{code}/participants",
                json={"name": name, "department": department, "job_title": title},
            ).json()
            people.append((joined, Api(server.url, code, joined["token"])))
        for item in fac.state()["items"]:
            ack = fac.command({"type": "decide", "item_id": item["id"], "outcome": "agreed",
                               "reason": "Agreed in the room"})  # fmt: skip
            assert ack["ok"], ack
        ack = fac.command({"type": "finalize"})
        assert ack["ok"] and ack["open_points"] == [], ack
        digest = ack["document_hash"]
        signed_md = fac.get("export.md").content
        assert hashlib.sha256(signed_md).hexdigest() == digest

        # Mia watches over a socket, switches to Dutch and signs.
        mia = Person(server.url, people[0][0]["token"])
        assert mia.command({"type": "set_language", "language": "nl"})["ok"]
        assert people[0][1].command({"type": "sign", "document_hash": digest})["ok"]
        # Sam drops and reconnects; the server restarts; then Sam signs.
        sam = Person(server.url, people[1][0]["token"])
        sam.close()
        sam = Person(server.url, people[1][0]["token"])
        sam.close()
        mia.close()
        server.stop()
        server = Server(tmp_path).start()
        for api in (fac, *(p[1] for p in people)):
            api.url = server.url
        assert people[1][1].command({"type": "sign", "document_hash": digest})["ok"]
        assert hashlib.sha256(fac.get("export.md").content).hexdigest() == digest
        # Lou leaves without signing: the sign-off completes, the signed text does not change.
        lou = people[2][0]["participant_id"]
        ack = fac.command({"type": "remove_participant", "participant_id": lou})
        assert ack["ok"], ack
        state = fac.state()
        assert state["signoff"]["status"] == "signed"
        assert state["signoff"]["document_hash"] == digest

        md = fac.get("export.md")
        assert md.content == signed_md
        assert md.headers["Content-Disposition"] == f'attachment; filename="{code}-v1.md"'
        pdf = fac.get("export.pdf").content
        assert fac.get("export.pdf").content == pdf  # one issued file
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert digest in text.replace(" ", "")
        assert "Lou" in text and "left the workshop without signing" in text
        assert "Head of marketing" in text
        assert reader.attachments[f"{code}-v1.md"][0] == signed_md
        assert "DRAFT" not in text

        # Any reader can check both files; one changed byte does not match.
        (tmp_path / "sla.md").write_bytes(signed_md)
        (tmp_path / "sla.pdf").write_bytes(pdf)
        status, out = verify(server, tmp_path / "sla.md")
        assert status == 0, out
        assert f"version 1 of “SLA 2027” (workshop {code})" in out
        assert "Mia, Head of marketing (Marketing) signed on" in out
        status, out = verify(server, tmp_path / "sla.pdf")
        assert status == 0, out
        changed = bytearray(signed_md)
        changed[len(changed) // 2] ^= 1
        (tmp_path / "changed.md").write_bytes(bytes(changed))
        status, out = verify(server, tmp_path / "changed.md")
        assert status == 1 and "does not match" in out
        changed = bytearray(pdf)
        changed[len(changed) // 3] ^= 1
        (tmp_path / "changed.pdf").write_bytes(bytes(changed))
        assert verify(server, tmp_path / "changed.pdf")[0] == 1

        # The zip: the signed Markdown, the pictures it links to, the signatures beside them.
        archive = zipfile.ZipFile(io.BytesIO(fac.get("export.zip").content))
        assert archive.read(f"{code}-v1.md") == signed_md
        assert b"](funnel.svg)" in signed_md and b"](journey.svg)" in signed_md
        assert archive.read("funnel.svg").startswith(b"<svg")
        assert archive.read("journey.svg").startswith(b"<svg")
        assert b"Mia" in archive.read(f"{code}-v1-signatures.md")
    finally:
        server.stop()
