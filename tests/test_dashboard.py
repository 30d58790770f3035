"""After sign-off: the KPI dashboard from the signed version, actuals over the socket and the
API, statuses, trend charts and the page. Issue 12, first part."""

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from conftest import fresh_state, send

from workshop.domain import kpis


def signed(workshops, language="en"):
    workshop, fac, people = workshops.room(language, marketing=1, sales=1)
    for item in fresh_state(fac)["items"]:
        send(fac, {"type": "decide", "item_id": item["id"], "outcome": "agreed", "reason": "ok"})
    digest = send(fac, {"type": "finalize"})["document_hash"]
    for _, sio in people:
        assert send(sio, {"type": "sign", "document_hash": digest})["ok"]
    return workshop, fac, people


def api(client, workshop, token, method, path, **kwargs):
    return client.open(
        f"/api/workshops/{workshop['code']}{path}", method=method,
        headers={"Authorization": f"Bearer {token}"}, **kwargs,
    )  # fmt: skip


def kpi_named(board, start):
    return next(k for k in board["kpis"] if k["text"].startswith(start))


THIS_MONTH = kpis.period_label(date.today(), "month")
LAST_MONTH = kpis.recent_periods(date.today(), "month", 2)[0]


def test_dashboard_follows_the_signed_version_and_its_actuals(client, workshops):
    workshop, fac, people = signed(workshops)
    (marketing, m_sio), (sales, s_sio) = people
    board = api(client, workshop, marketing["token"], "GET", "/dashboard").json
    assert board["signed_version"] == 1 and board["escalations"] == []
    mqls = kpi_named(board, "MQL volume")
    assert {k: mqls[k] for k in ("measure", "unit", "direction", "target", "period", "owner")} == {
        "measure": "mqls", "unit": "count", "direction": "higher", "target": 140,
        "period": "month", "owner": "marketing",
    }  # fmt: skip
    assert mqls["status"] == "grey" and mqls["actuals"] == []
    churn = kpi_named(board, "Customer churn")
    assert (churn["direction"], churn["target"], churn["period"]) == ("lower", 8, "quarter")

    # Marketing records last month's MQLs over the socket, sales is refused, the API too.
    ack = send(m_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": LAST_MONTH,
                       "value": 120})  # fmt: skip
    assert ack["ok"], ack
    refused = send(s_sio, {"type": "record_actual", "kpi_id": mqls["id"], "period": LAST_MONTH,
                           "value": 999})  # fmt: skip
    assert refused["code"] == "forbidden"
    response = api(client, workshop, fac_token(workshop), "POST",
                   f"/kpis/{mqls['id']}/actuals", json={"period": LAST_MONTH, "value": 130})
    assert response.status_code == 201 and response.json["value"] == 130
    board = api(client, workshop, sales["token"], "GET", "/dashboard").json
    mqls = kpi_named(board, "MQL volume")
    # The correction counts; the first value stays in the history.
    assert mqls["actuals"] == [{"period": LAST_MONTH, "value": 130}]
    assert mqls["status"] == "amber"  # 130 is within 10 % of 140

    # Bad input: a clear error and nothing recorded.
    for body, status in (
        ({"period": "2026-W47", "value": 1}, 400),
        ({"period": "3000-01", "value": 1}, 400),
        ({"period": LAST_MONTH, "value": "many"}, 400),
        ({"period": LAST_MONTH}, 400),
        ({"period": LAST_MONTH, "value": 1, "extra": 1}, 400),
    ):
        answer = api(client, workshop, marketing["token"], "POST",
                     f"/kpis/{mqls['id']}/actuals", json=body)  # fmt: skip
        assert answer.status_code == status and answer.json["error"], body
    assert api(client, workshop, sales["token"], "POST", f"/kpis/{mqls['id']}/actuals",
               json={"period": LAST_MONTH, "value": 1}).status_code == 403  # fmt: skip
    assert api(client, workshop, sales["token"], "POST", "/kpis/999999/actuals",
               json={"period": LAST_MONTH, "value": 1}).status_code == 404  # fmt: skip
    board_after = api(client, workshop, sales["token"], "GET", "/dashboard").json
    assert kpi_named(board_after, "MQL volume")["actuals"] == mqls["actuals"]


def fac_token(workshop):
    return workshop["facilitator_token"]


def test_no_dashboard_before_the_sla_is_signed(client, workshops):
    workshop, fac, people = workshops.room(marketing=1, sales=1)
    board = api(client, workshop, people[0][0]["token"], "GET", "/dashboard").json
    assert board == {"signed_version": None, "kpis": [], "escalations": []}
    kpi = next(i for i in fresh_state(fac)["items"] if i["section"] == "kpis")
    ack = send(fac, {"type": "record_actual", "kpi_id": kpi["id"], "period": LAST_MONTH,
                     "value": 1})  # fmt: skip
    assert ack["code"] == "not_found"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_dashboard_page_and_trend_chart(client, workshops, language):
    workshop, fac, people = signed(workshops, language)
    board = api(client, workshop, fac_token(workshop), "GET", "/dashboard").json
    mqls = board["kpis"][0]
    for period, value in ((LAST_MONTH, 90), (THIS_MONTH, 10)):
        send(fac, {"type": "record_actual", "kpi_id": mqls["id"], "period": period,
                   "value": value})  # fmt: skip
    client.get(f"/w/{workshop['code']}/facilitate?key={fac_token(workshop)}")
    page = client.get(f"/w/{workshop['code']}/dashboard")
    assert page.status_code == 200
    words = {"en": ("KPI dashboard", "Owner", "Target"), "nl": ("KPI-dashboard", "Eigenaar",
                                                                "Target")}[language]
    for word in words:
        assert word in page.text
    # The KPIs come first; the tools to feed and share them after the actions.
    parts = ('id="escalations"', 'class="kpi-grid"', 'id="actions"', 'id="import"',
             'class="card share"', 'class="card webhook"')  # fmt: skip
    order = [page.text.index(part) for part in parts]
    assert order == sorted(order)
    svg = client.get(f"/w/{workshop['code']}/kpis/{mqls['id']}/trend.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    tree = ET.fromstring(svg.data)
    texts = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert LAST_MONTH in texts and THIS_MONTH in texts
    assert ("90" in texts or "90" in svg.text)
    # Strangers see nothing.
    assert workshops.app.test_client().get(f"/w/{workshop['code']}/dashboard").status_code == 403


def test_migration_0006_gives_old_kpis_their_structure(tmp_path):
    from workshop.db import connect
    from workshop.migrations import migrations

    db = connect(tmp_path / "old.sqlite")
    migrations.apply(db, stop_before="0006_kpi_actuals")
    db.execute("INSERT INTO workshops (code, title, language, created_at) VALUES"
               " ('ABCDEFGHJK', 'Old', 'en', '2026-01-01')")  # fmt: skip
    details = {"measure": "win_rate", "frequency": "quarterly", "target": "≥ 40%"}
    db.execute("INSERT INTO items (workshop_id, section, text, details, position, created_at)"
               " VALUES (1, 'kpis', 'Win rate', ?, 1, '2026-01-01')", [json.dumps(details)])
    migrations.apply(db)
    stored = json.loads(next(db.query("SELECT details FROM items"))["details"])
    assert stored == {**details, "period": "quarter", "tolerance": 10, "unit": "percent",
                      "direction": "higher"}  # fmt: skip
    assert "0006_kpi_actuals" in [m.name for m in migrations.applied(db)]


@pytest.mark.parametrize(
    ("measure", "period", "monthly", "target"),
    [
        ("mqls", "month", 140, 140),
        ("mqls", "quarter", 140, 420),
        ("mqls", "week", 130, 30.0),
        ("average_deal_size", "quarter", 20000, 20000),  # a size does not add up
        ("win_rate", "quarter", 40, 40),
    ],
)
def test_linked_targets_per_period(measure, period, monthly, target):
    from workshop.dashboard import board

    assert board.per_period(monthly, measure, period) == target


def test_a_read_only_link_shows_the_dashboard_until_revoked(client, workshops, app):
    workshop, fac, people = signed(workshops)
    assert send(people[0][1], {"type": "create_dashboard_link"})["code"] == "forbidden"
    ack = send(fac, {"type": "create_dashboard_link"})
    assert ack["ok"], ack
    path = ack["dashboard_path"]
    assert path.startswith(f"/w/{workshop['code']}/dashboard?view=")
    # The token never travels in a broadcast.
    token = path.split("view=")[1]
    assert token not in json.dumps(fresh_state(fac))
    stranger = app.test_client()
    page = stranger.get(path)
    assert page.status_code == 200
    assert 'data-role="viewer"' in page.text and "record-actual" not in page.text
    kpi = api(client, workshop, fac_token(workshop), "GET", "/dashboard").json["kpis"][0]
    chart = stranger.get(f"/w/{workshop['code']}/kpis/{kpi['id']}/trend.svg?view={token}")
    assert chart.status_code == 200
    assert stranger.get(f"/w/{workshop['code']}/dashboard?view=nope").status_code == 403
    assert stranger.get(f"/api/workshops/{workshop['code']}/dashboard").status_code == 401
    assert send(fac, {"type": "revoke_dashboard_links"})["ok"]
    assert stranger.get(path).status_code == 403


def test_csv_import_records_every_row_or_none(workshops, app, tmp_path):
    from workshop.dashboard.views import import_actuals_command

    workshop, fac, _ = signed(workshops)
    runner = app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_text(f"KPI,Period,Value\nMQL volume vs goal,{LAST_MONTH},120\n"
                    f"Win rate,{LAST_MONTH},\"41,5\"\n", encoding="utf-8")  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text(f"kpi,period,value\nMQL volume vs goal,{LAST_MONTH},99\n"
                   f"MQL volume vs goal,2026-W47,1\nNo such KPI,{LAST_MONTH},1\n"
                   f"Win rate,{LAST_MONTH},many\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(import_actuals_command, [workshop["code"], str(bad)])
    assert result.exit_code == 1
    assert "line 4, kpi" in result.output and "line 5, value" in result.output
    token = fac_token(workshop)
    assert all(not k["actuals"] for k in api(workshops.client, workshop, token, "GET",
                                             "/dashboard").json["kpis"])  # fmt: skip
    # A wrong period is found while recording: still nothing recorded, the line named.
    bad.write_text(f"kpi,period,value\nMQL volume vs goal,{LAST_MONTH},99\n"
                   "MQL volume vs goal,2026-W47,1\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(import_actuals_command, [workshop["code"], str(bad)])
    assert result.exit_code == 1 and "line 3" in result.output
    assert all(not k["actuals"] for k in api(workshops.client, workshop, token, "GET",
                                             "/dashboard").json["kpis"])  # fmt: skip
    result = runner.invoke(import_actuals_command, [workshop["code"], str(good)])
    assert result.exit_code == 0, result.output
    board = api(workshops.client, workshop, token, "GET", "/dashboard").json
    assert kpi_named(board, "MQL volume")["actuals"] == [{"period": LAST_MONTH, "value": 120}]
    assert kpi_named(board, "Win rate")["actuals"] == [{"period": LAST_MONTH, "value": 41.5}]
