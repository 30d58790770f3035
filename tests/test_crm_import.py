"""Issue 12, done when: actuals recorded through the API, a plain CSV, a HubSpot-shaped and a
Salesforce-shaped export give the same dashboard; a file with one bad row imports nothing and
names the line. Against the real server, with the fixtures in tests/fixtures/."""

import re
import time
from pathlib import Path

import requests

FIXTURES = Path(__file__).parent / "fixtures"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What the fixtures say, worked out by hand (tests/test_crm.py checks the arithmetic).
EXPECTED = {
    "MQL volume vs goal": {"2026-10": 5, "2026-11": 3},
    "MQL → SQL rate": {"2026-10": 60, "2026-11": 66.7},
    "SQL → opportunity rate": {"2026-10": 50, "2026-11": 66.7},
    "Speed-to-lead": {"2026-W41": 3, "2026-W42": 2, "2026-W45": 3, "2026-W46": 1},
    "Leads followed up within the SLA": {"2026-W41": 66.7, "2026-W42": 50, "2026-W45": 50,
                                         "2026-W46": 100},
    "Win rate": {"2026-10": 50, "2026-11": 66.7},
    "Average deal value": {"2026-Q4": 22500},
}  # fmt: skip
SALESFORCE = ("MQL volume vs goal", "MQL → SQL rate", "Win rate", "Average deal value")


def command(server, code, token, payload):
    """A command over HTTP, waiting out the rate limit like a patient script."""
    for _ in range(50):
        ack = requests.post(f"{server.url}/api/workshops/{code}/commands", json=payload,
                            headers=bearer(token), timeout=30).json()  # fmt: skip
        if ack.get("code") != "rate_limited":
            return ack
        time.sleep(0.2)
    return ack


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def signed_workshop(server, language="en"):
    created = requests.post(server.url + "/api/workshops", json={
        "title": "SLA 2027", "facilitator_name": "Fiona", "language": language}).json()  # fmt: skip
    code, fac = created["code"], created["facilitator_token"]
    people = [
        requests.post(
            f"{server.url}/api/workshops/{code}/participants",
            json={"name": name, "department": dept},
        ).json()  # fmt: skip
        for name, dept in (("Mia", "marketing"), ("Sam", "sales"))
    ]
    state = requests.get(f"{server.url}/api/workshops/{code}/state", headers=bearer(fac)).json()
    for item in state["items"]:
        command(server, code, fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed",
                                    "reason": "ok"})  # fmt: skip
    digest = command(server, code, fac, {"type": "finalize"})["document_hash"]
    for person in people:
        assert command(server, code, person["token"], {"type": "sign", "document_hash": digest})[
            "ok"
        ]
    return created, people


def board(server, created):
    url = f"{server.url}/api/workshops/{created['code']}/dashboard"
    return requests.get(url, headers=bearer(created["facilitator_token"]), timeout=30).json()


def by_text(dashboard):
    return {k["text"]: k for k in dashboard["kpis"]}


def seen(kpi):
    """What a person sees of a KPI on the dashboard."""
    return {k: kpi[k] for k in ("status", "pace", "latest", "actuals", "target")}


def upload(server, created, name, token=None, date_order=None, confirm=None, path="/preview"):
    """A file as the request body (scripts); ?filename, date_order and confirm in the URL."""
    data = (FIXTURES / name).read_bytes() if isinstance(name, str) else name[1]
    filename = name if isinstance(name, str) else name[0]
    params = {"filename": filename}
    if date_order:
        params["date_order"] = date_order
    if confirm:
        params["confirm"] = confirm
    suffix = "" if path == "" else path
    return requests.post(
        f"{server.url}/api/workshops/{created['code']}/imports{suffix}",
        data=data, params=params, timeout=60,
        headers={**bearer(token or created["facilitator_token"]),
                 "Content-Type": XLSX if filename.endswith(".xlsx") else CSV},
    )  # fmt: skip


def import_file(server, created, name, token=None, date_order=None):
    """Preview, then record what the preview showed; returns the preview."""
    preview = upload(server, created, name, token, date_order)
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    done = upload(server, created, name, token, date_order, plan["confirm"], path="")
    assert done.status_code == 201, done.text
    assert done.json()["recorded"] == plan["to_record"]
    return plan


def test_api_plain_csv_hubspot_and_salesforce_give_the_same_dashboard(server):
    # 1. Through the API, one actual at a time.
    by_api, _ = signed_workshop(server)
    kpis = by_text(board(server, by_api))
    for text, values in EXPECTED.items():
        for period, value in values.items():
            response = requests.post(
                f"{server.url}/api/workshops/{by_api['code']}/kpis/{kpis[text]['id']}/actuals",
                json={"period": period, "value": value},
                headers=bearer(by_api["facilitator_token"]), timeout=30,
            )  # fmt: skip
            assert response.status_code == 201, response.text
    reference = by_text(board(server, by_api))
    assert all(reference[t]["status"] != "grey" for t in EXPECTED)

    # 2. A plain kpi,period,value file.
    by_csv, _ = signed_workshop(server)
    plan = import_file(server, by_csv, "actuals.csv")
    assert plan["kind"] == "actuals" and plan["to_record"] == 17
    assert {r["change"] for r in plan["rows"]} == {"new"}

    # 3. HubSpot contacts and deals exports: in the browser's way, a multipart form with the
    #    session's CSRF token (the deals file is semicolon-separated, UTF-8 with a BOM, its
    #    close dates Unix milliseconds).
    by_hubspot, _ = signed_workshop(server)
    browser = requests.Session()
    browser.get(by_hubspot["facilitator_url"], timeout=30)
    page = browser.get(f"{server.url}/w/{by_hubspot['code']}/dashboard", timeout=30)
    assert page.status_code == 200 and 'id="import"' in page.text
    page = page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    base = f"{server.url}/api/workshops/{by_hubspot['code']}/imports"
    for name in ("hubspot_contacts.csv", "hubspot_deals.csv"):
        files = {"file": (name, (FIXTURES / name).read_bytes(), CSV)}
        refused = browser.post(base + "/preview", files=files, timeout=30)
        assert refused.status_code == 400  # no CSRF token: refused before anything is read
        preview = browser.post(base + "/preview", files=files, data={"csrf_token": csrf})
        assert preview.status_code == 200, preview.text
        plan = preview.json()
        assert plan["kind"] == name.removesuffix(".csv")
        done = browser.post(base, files=files, data={"csrf_token": csrf,
                                                     "confirm": plan["confirm"]})  # fmt: skip
        assert done.status_code == 201, done.text

    # 4. A Salesforce leads report (dates that fit both orders: the question, then the answer)
    #    and an opportunities report as XLSX.
    by_salesforce, _ = signed_workshop(server)
    asked = upload(server, by_salesforce, "salesforce_leads.csv")
    assert asked.status_code == 400 and asked.json()["question"] == "date_order"
    assert "01/09/2026" in asked.json()["error"]
    assert [c["value"] for c in asked.json()["choices"]] == ["dmy", "mdy"]
    import_file(server, by_salesforce, "salesforce_leads.csv", date_order="dmy")
    import_file(server, by_salesforce, "salesforce_opportunities.xlsx")

    for created, covered in ((by_csv, EXPECTED), (by_hubspot, EXPECTED),
                             (by_salesforce, SALESFORCE)):  # fmt: skip
        found = by_text(board(server, created))
        assert {t: seen(found[t]) for t in covered} == {t: seen(reference[t]) for t in covered}
        for text, kpi in found.items():
            if text not in covered:
                assert kpi["status"] == "grey" and kpi["actuals"] == [], text


def test_one_bad_row_imports_nothing_and_names_the_line(server):
    created, (marketing, sales) = signed_workshop(server)
    good = (FIXTURES / "actuals.csv").read_text(encoding="utf-8").splitlines()
    bad = "\n".join(good[:5] + ["Win rate,2026-10,forty"] + good[5:] + [""])
    for path in ("/preview", ""):
        response = upload(server, created, ("bad.csv", bad.encode()), path=path,
                          confirm="anything")  # fmt: skip
        assert response.status_code == 400, response.text
        answer = response.json()
        assert answer["problems"] == [
            {"line": 6, "column": "value", "error": "'forty' is not a number."}
        ]
        assert answer["error"].startswith("Line 6, value:")
    assert all(k["actuals"] == [] for k in board(server, created)["kpis"])

    # A period the KPI does not use is found by record_actual itself, still before anything.
    wrong = "kpi,period,value\nMQL volume vs goal,2026-10,5\nMQL volume vs goal,2026-W44,1\n"
    answer = upload(server, created, ("wrong.csv", wrong.encode())).json()
    assert answer["problems"][0]["line"] == 3 and "2026-11" in answer["error"]

    # A CRM export with a bad cell: its line and column, nothing recorded.
    contacts = (FIXTURES / "hubspot_contacts.csv").read_text(encoding="utf-8")
    broken = contacts.replace("2026-11-03 18:30", "half past six")
    answer = upload(server, created, ("contacts.csv", broken.encode())).json()
    assert answer["problems"] == [{"line": 8, "column": "First outreach date",
                                   "error": "half past six is not a date."}]  # fmt: skip
    assert all(k["actuals"] == [] for k in board(server, created)["kpis"])

    # Recording needs the preview's confirm: without it, or another one, nothing happens.
    for confirm in (None, "0" * 64):
        response = upload(server, created, "hubspot_deals.csv", confirm=confirm, path="")
        assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert all(k["actuals"] == [] for k in board(server, created)["kpis"])

    # A file that is not an export the app knows, and one that is no spreadsheet at all.
    unknown = upload(server, created, ("people.csv", b"name,email\nAnna,anna@example.com\n"))
    assert unknown.status_code == 400 and "HubSpot" in unknown.json()["error"]
    garbage = upload(server, created, ("report.xlsx", b"PK\x03\x04 not really a workbook"))
    assert garbage.status_code == 400 and "XLSX" in garbage.json()["error"]


def test_each_department_imports_its_own_kpis_and_a_second_import_changes_nothing(server):
    created, (marketing, sales) = signed_workshop(server, "nl")
    plan = import_file(server, created, "hubspot_contacts.csv", token=marketing["token"])
    recorded = {r["kpi"] for r in plan["rows"] if r["change"] == "new"}
    skipped = {s["kpi"] for s in plan["skipped"]}
    # Marketing owns MQL volume; the MQL → SQL rate is joint; the rest belongs to sales.
    assert recorded == {"Aantal MQL's t.o.v. doel", "Conversie MQL → SQL"}
    assert skipped == {"Conversie SQL → opportunity", "Reactiesnelheid (speed-to-lead)",
                       "Leads opgevolgd binnen de SLA"}  # fmt: skip
    assert all(s["reason"].startswith("Alleen") for s in plan["skipped"])  # in Dutch
    values = {r["period"]: r["value_text"] for r in plan["rows"] if r["kpi"].startswith("Conv")}
    assert values["2026-11"] == "66,7%"  # formatted for the reader

    # Sales imports the same file: its own KPIs are new, what marketing recorded unchanged.
    again = import_file(server, created, "hubspot_contacts.csv", token=sales["token"])
    changes = {(r["kpi"], r["change"]) for r in again["rows"]}
    assert ("Conversie MQL → SQL", "same") in changes
    assert ("Aantal MQL's t.o.v. doel", "same") in changes
    assert ("Reactiesnelheid (speed-to-lead)", "new") in changes
    assert again["skipped"] == [] and again["to_record"] == 10
    dashboard = by_text(board(server, created))
    assert dashboard["Reactiesnelheid (speed-to-lead)"]["actuals"][-1] == {
        "period": "2026-W46", "value": 1.0}  # fmt: skip
    preview = upload(server, created, "hubspot_contacts.csv", token=sales["token"]).json()
    assert preview["to_record"] == 0
    assert {r["change"] for r in preview["rows"]} <= {"same", "skipped"}

    # A real export is larger than the 64 KB other bodies may have: imports take 10 MB.
    header, *contacts = (FIXTURES / "hubspot_contacts.csv").read_text(encoding="utf-8").splitlines()
    big = "\n".join([header] + contacts * 400).encode()
    assert len(big) > 400_000
    response = upload(server, created, ("big.csv", big), token=sales["token"])
    assert response.status_code == 200, response.text
    mqls = [r for r in response.json()["rows"] if r["measure"] == "mqls"]
    assert {r["period"]: r["value"] for r in mqls} == {"2026-10": 2000, "2026-11": 1200}
    too_big = upload(server, created, ("huge.csv", b"x" * (11 * 1024 * 1024)))
    assert too_big.status_code == 413 and too_big.json()["error"]


def test_the_command_line_imports_crm_exports_too(workshops, app, tmp_path):
    from conftest import fresh_state, send

    from workshop.dashboard.views import import_actuals_command

    workshop, fac, people = workshops.room("en", marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": digest})["ok"]
    runner = app.test_cli_runner()
    leads = str(FIXTURES / "salesforce_leads.csv")

    asked = runner.invoke(import_actuals_command, [workshop["code"], leads])
    assert asked.exit_code == 1 and "--date-order" in asked.output
    preview = runner.invoke(
        import_actuals_command, [workshop["code"], leads, "--date-order", "dmy", "--preview"]
    )
    assert preview.exit_code == 0, preview.output
    assert "4 actuals would be recorded (salesforce_leads)." in preview.output
    done = runner.invoke(import_actuals_command, [workshop["code"], leads, "--date-order", "dmy"])
    assert done.exit_code == 0 and "4 actuals recorded" in done.output
    again = runner.invoke(import_actuals_command, [workshop["code"], leads, "--date-order", "dmy"])
    assert "0 actuals recorded" in again.output and "\tsame" in again.output

    xlsx = runner.invoke(
        import_actuals_command, [workshop["code"], str(FIXTURES / "salesforce_opportunities.xlsx")]
    )
    assert xlsx.exit_code == 0 and "3 actuals recorded" in xlsx.output

    broken = tmp_path / "deals.csv"
    text = (FIXTURES / "hubspot_deals.csv").read_text(encoding="utf-8-sig")
    broken.write_text(text.replace("25000.00", "lots"), encoding="utf-8")
    refused = runner.invoke(import_actuals_command, [workshop["code"], str(broken)])
    assert refused.exit_code == 1 and "line 6, Amount: lots is not an amount." in refused.output


def test_files_are_read_as_exports_write_them():
    import io
    import zipfile

    import pytest

    from workshop.dashboard import imports

    header = "Deal Name;Deal Stage;Amount;Close Date\r\n"
    rows = ["Café;Closed Won;1.250,00;23/11/2026\r\n", "Ünïcode;Closed Lost;;24/11/2026\r\n"]
    text = header + "".join(rows)
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp1252"),
                 text.encode("utf-16")):  # fmt: skip
        found, table, lines = imports.read_table("deals.csv", data)
        assert found == ["Deal Name", "Deal Stage", "Amount", "Close Date"]
        assert [r["Deal Name"] for r in table] == ["Café", "Ünïcode"] and lines == [2, 3]
    # A quoted cell over two lines: the next row is named by the line it starts on.
    quoted = (
        'Deal Name,Deal Stage,Close Date\n"Two\nlines",closedwon,2026-11-02\nx,closedlost,bad\n'
    )
    _, table, lines = imports.read_table("deals.csv", quoted.encode())
    assert lines == [2, 4] and table[0]["Deal Name"] == "Two\nlines"
    with pytest.raises(imports.ImportRefused) as empty:
        imports.read_table("x.csv", b"\n\n")
    assert empty.value.problems[0][2] == "The file is empty."

    # A workbook whose sheet is damaged.
    good = (FIXTURES / "salesforce_opportunities.xlsx").read_bytes()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for entry in source.infolist():
            body = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]
            target.writestr(entry, body)
    with pytest.raises(imports.ImportRefused) as broken:
        imports.read_table("report.xlsx", damaged.getvalue())
    assert "XLSX" in broken.value.problems[0][2]

    # An XLSX that unpacks to more than 200 MB is refused before it is parsed.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(b"\0" * (1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(imports.ImportRefused) as refused:
        imports.read_table("big.xlsx", bomb.getvalue())
    assert "too large" in refused.value.problems[0][2]


def test_a_deal_closed_in_a_period_that_has_not_started_is_skipped(workshops, app, tmp_path):
    from datetime import date, timedelta

    from conftest import fresh_state, send

    from workshop.dashboard.views import import_actuals_command

    workshop, fac, people = workshops.room("en", marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": digest})["ok"]
    later = date.today() + timedelta(days=40)
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal Name,Deal Stage,Amount,Close Date\nA,Closed Won,100,2026-10-08\n"
                     f"B,Closed Won,100,{later.isoformat()}\n", encoding="utf-8")  # fmt: skip
    result = app.test_cli_runner().invoke(import_actuals_command, [workshop["code"], str(deals)])
    assert result.exit_code == 0, result.output
    assert "2026-10\t100" in result.output and "\tskipped" in result.output


def test_any_bytes_are_read_or_refused():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from workshop.dashboard import imports
    from workshop.domain import crm

    kpis = {1: {"id": 1, "text": "MQLs", "measure": "mqls", "period": "month"}}

    @settings(max_examples=300, deadline=None)
    @given(
        data=st.one_of(
            st.binary(max_size=300),
            st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
            st.text(alphabet=',;"\n\r\t ab1/-:\x00é', max_size=200).map(str.encode),
            st.text(alphabet=',;"\n1/-:0 ', max_size=120).map(
                lambda t: ("Became a Marketing Qualified Lead Date;Create Date\n" + t).encode()
            ),
        ),
        name=st.sampled_from(["f.csv", "f.xlsx", ""]),
    )
    def read(data, name):
        try:
            imports.rows_from_file(name, data, kpis, None, 4)
        except imports.ImportRefused as refused:
            for _, _, message, params in refused.problems:
                assert message % params if params else message
        except crm.ExportError:  # pragma: no cover - rows_from_file wraps it
            raise AssertionError("unwrapped ExportError") from None

    read()


def test_a_large_export_is_read_while_the_server_keeps_answering(server):
    """Reading a 10 MB export takes seconds of CPU: it runs beside the event loop, so the
    other rooms on the process (here /healthz) keep answering meanwhile."""
    import threading

    created, _ = signed_workshop(server)
    lines = (FIXTURES / "hubspot_contacts.csv").read_text().splitlines()
    header, body = lines[0], lines[1:]
    rows, size = [header], len(header)
    while size < 9.5 * 1024 * 1024:
        rows.extend(body)
        size += sum(len(line) + 1 for line in body)
    big = ("\n".join(rows) + "\n").encode()
    answer = {}
    reading = threading.Thread(target=lambda: answer.setdefault(
        "preview", upload(server, created, ("big.csv", big))))  # fmt: skip
    reading.start()
    waits = []
    while reading.is_alive():
        started = time.monotonic()
        assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    reading.join()
    preview = answer["preview"]
    assert preview.status_code == 200, preview.text[:300]
    assert preview.json()["kind"] == "hubspot_contacts" and preview.json()["rows"]
    assert len(waits) >= 5, f"the import took only {len(waits)} polls: nothing was measured"
    assert max(waits) < 1, f"/healthz waited {max(waits):.2f} s while the export was read"
