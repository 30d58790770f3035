"""Issue 11: the room at the pace of a half-day, over Socket.IO and HTTP.

Edits send an item back to the vote, "reveal all" leaves items with too few votes hidden,
a double click proposes once, a removed delegate's browser is told so, and a 4–4 says
which department lacks support.
"""

import pytest
from conftest import fresh_state, last_state, send

from workshop.domain import consent


def item(state, item_id):
    return next(i for i in state["items"] if i["id"] == item_id)


def ids(state, section):
    return [i["id"] for i in state["items"] if i["section"] == section]


def vote_all(people, item_id, choice="agree"):
    for _, sio in people:
        assert send(sio, {"type": "vote", "item_id": item_id, "choice": choice})["ok"]


@pytest.mark.parametrize("status", ["open", "revealed", "agreed"])
def test_an_edit_after_votes_sends_the_item_back_to_the_vote(workshops, status):
    _, fac, people = workshops.room()
    item_id = ids(last_state(fac), "mql")[0]
    vote_all(people, item_id)
    if status != "open":
        assert send(fac, {"type": "reveal", "item_id": item_id})["ok"]
    if status == "agreed":
        assert send(fac, {"type": "decide", "item_id": item_id, "outcome": "agreed"})["ok"]
    ack = send(fac, {"type": "edit_item", "item_id": item_id, "text": "Asked for a demo"})
    assert ack["ok"] and ack["votes_reset"] is True
    edited = item(last_state(people[0][1]), item_id)
    assert edited["status"] == "open" and edited["edited"] is True
    assert edited["votes_cast"] == 0 and edited["tally"] is None and edited["consensus"] is None
    assert fresh_state(people[0][1])["you"]["vote_by_item"] == {}
    # The new wording is voted on, revealed and agreed like any other item.
    vote_all(people, item_id)
    assert send(fac, {"type": "reveal", "item_id": item_id})["ok"]
    revealed = item(last_state(fac), item_id)
    assert revealed["edited"] is False and revealed["tally"]["agree"] == 4


def test_an_edit_that_changes_nothing_keeps_the_votes(workshops):
    _, fac, people = workshops.room()
    item_id = ids(last_state(fac), "mql")[0]
    vote_all(people, item_id)
    text = item(last_state(fac), item_id)["text"]
    ack = send(fac, {"type": "edit_item", "item_id": item_id, "text": text})
    assert ack["ok"] and ack["votes_reset"] is False
    assert item(last_state(fac), item_id)["votes_cast"] == 4


def test_an_edit_before_any_vote_is_not_marked(workshops):
    _, fac, _ = workshops.room()
    item_id = ids(last_state(fac), "mql")[0]
    ack = send(fac, {"type": "edit_item", "item_id": item_id, "text": "Asked for a demo"})
    assert ack["ok"] and ack["votes_reset"] is False
    assert item(last_state(fac), item_id)["edited"] is False


def test_a_revealed_item_can_be_put_to_the_vote_again(workshops):
    _, fac, people = workshops.room()
    item_id = ids(last_state(fac), "sql")[0]
    vote_all(people, item_id, "disagree")
    assert send(fac, {"type": "reveal", "item_id": item_id})["ok"]
    assert (
        send(people[0][1], {"type": "vote", "item_id": item_id, "choice": "agree"})["code"]
        == "conflict"
    )
    assert send(fac, {"type": "reopen_item", "item_id": item_id})["ok"]
    assert send(people[0][1], {"type": "vote", "item_id": item_id, "choice": "agree"})["ok"]
    assert item(last_state(fac), item_id)["status"] == "open"


def test_reveal_all_leaves_items_with_too_few_votes_hidden(workshops):
    _, fac, people = workshops.room(marketing=4, sales=4)
    sql = ids(last_state(fac), "sql")
    vote_all(people, sql[0])  # 8 of 8
    for _, sio in people[:4]:  # 4 of 8: half is enough
        send(sio, {"type": "vote", "item_id": sql[1], "choice": "agree"})
    send(people[0][1], {"type": "vote", "item_id": sql[2], "choice": "block"})  # 1 of 8
    ack = send(fac, {"type": "reveal_section", "section": "sql"})
    assert ack["ok"] and ack["revealed"] == 2 and ack["skipped"] == sql[2:]
    state = last_state(people[5][1])
    assert [item(state, i)["status"] for i in sql[:3]] == ["revealed", "revealed", "open"]
    # The block on the hidden item stays hidden.
    assert item(state, sql[2])["tally"] is None
    # The facilitator can still reveal it on its own.
    assert send(fac, {"type": "reveal", "item_id": sql[2]})["ok"]


def test_a_double_click_on_propose_proposes_once(workshops):
    _, fac, people = workshops.room()
    sio = people[0][1]
    proposal = {"type": "propose", "section": "mql", "text": "Downloaded the price list",
                "details": {"points": 10}}  # fmt: skip
    first, second = send(sio, proposal), send(sio, proposal)
    assert first["ok"] and second["ok"] and second["duplicate"] is True
    texts = [i["text"] for i in last_state(fac)["items"]]
    assert texts.count("Downloaded the price list") == 1
    # Someone else proposing the same words is a proposal of their own.
    assert send(people[1][1], proposal)["ok"]
    assert [i["text"] for i in last_state(fac)["items"]].count("Downloaded the price list") == 2


def test_no_consent_says_which_department_lacks_support(workshops):
    _, fac, people = workshops.room()
    item_id = ids(last_state(fac), "kpis")[0]
    choices = ["agree", "agree", "agree", "disagree"]  # marketing 2–0, sales 1–1
    for (_, sio), choice in zip(people, choices, strict=True):
        send(sio, {"type": "vote", "item_id": item_id, "choice": choice})
    assert item(last_state(fac), item_id)["lacking"] is None  # nothing before the reveal
    send(fac, {"type": "reveal", "item_id": item_id})
    revealed = item(last_state(fac), item_id)
    assert revealed["consensus"] == "no_consent" and revealed["lacking"] == ["sales"]


@pytest.mark.parametrize(
    "votes, present, lacking",
    [
        ([("marketing", "agree"), ("sales", "agree")], {"marketing", "sales"}, []),
        ([("marketing", "agree")], {"marketing", "sales"}, ["sales"]),
        (
            [("marketing", "disagree"), ("sales", "abstain")],
            {"marketing", "sales"},
            ["marketing", "sales"],
        ),  # fmt: skip
        (
            [("marketing", "agree"), ("marketing", "disagree"), ("sales", "agree")],
            {"marketing", "sales"},
            ["marketing"],
        ),  # fmt: skip
        ([], set(), []),
    ],
)
def test_lacking_support_per_department(votes, present, lacking):
    assert consent.lacking_support(votes, present) == lacking


@pytest.mark.parametrize(
    "cast, delegates, enough",
    [
        (0, 8, False),
        (1, 8, False),
        (3, 8, False),
        (4, 8, True),
        (8, 8, True),
        (1, 1, True),
        (1, 3, False),
        (2, 3, True),
    ],  # fmt: skip
)
def test_enough_votes_to_reveal(cast, delegates, enough):
    assert consent.enough_votes_to_reveal(cast, delegates) is enough


def test_a_removed_delegates_browser_is_told_and_cannot_rejoin_silently(workshops, app):
    workshop, fac, people = workshops.room()
    code = workshop["code"]
    gone, gone_sio = people[0]
    browser = app.test_client()
    browser.set_cookie(f"sla_{code}", gone["token"])
    assert browser.get(f"/w/{code}").status_code == 200
    assert send(fac, {"type": "remove_participant", "participant_id": gone["participant_id"]})["ok"]
    assert "removed" in [m["name"] for m in gone_sio.get_received()]
    # On reload: a clear page, not the join form (which would make a new delegate).
    for path in (f"/w/{code}", f"/w/{code}/join"):
        page = browser.get(path)
        assert page.status_code == 403, path
        assert "You were removed from this workshop" in page.text
        assert 'name="department"' not in page.text
    assert browser.get(f"/api/workshops/{code}/state").status_code == 401
    # A deliberate new join is still possible.
    again = browser.get(f"/w/{code}/join?again=1")
    assert again.status_code == 200 and 'name="department"' in again.text


def test_the_projector_link_shows_the_room_and_can_change_nothing(workshops, client):
    workshop, fac, people = workshops.room()
    code = workshop["code"]
    refused = send(people[0][1], {"type": "create_projector_link"})
    assert refused["code"] == "forbidden" and "projector_path" not in refused
    ack = send(fac, {"type": "create_projector_link"})
    path = ack["projector_path"]
    token = path.split("view=")[1]
    assert path.startswith(f"/w/{code}/present?view=")
    # No token anywhere in what the room receives.
    assert token not in str(last_state(people[1][1]))
    projector = workshops.app.test_client()
    page = projector.get(path)
    assert page.status_code == 200 and f'data-view-token="{token}"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    state = projector.get(f"/w/{code}/present/state?view={token}")
    assert state.status_code == 200 and state.json["you"]["role"] == "viewer"
    assert state.json["you"]["vote_by_item"] == {}
    version = state.json["version"]
    unchanged = projector.get(f"/w/{code}/present/state?view={token}&since={version}")
    assert unchanged.status_code == 204
    assert projector.get(f"/w/{code}/funnel.svg?view={token}").status_code == 200
    assert projector.get(f"/w/{code}/funnel.svg").status_code == 403
    assert projector.get(f"/w/{code}/present/state?view=wrong").status_code == 403
    assert projector.get(f"/w/{code}/present").status_code == 403
    # It is not a member: no API, no commands.
    assert projector.get(f"/api/workshops/{code}/state").status_code == 401
    # A new link ends the previous one.
    newer = send(fac, {"type": "create_projector_link"})["projector_path"]
    assert projector.get(path).status_code == 403
    assert projector.get(newer).status_code == 200


def test_the_facilitator_sees_their_own_link_for_a_second_machine(workshops, app):
    workshop, _, people = workshops.room()
    code = workshop["code"]
    console = app.test_client()
    console.set_cookie(f"sla_{code}", workshop["facilitator_token"])
    link = console.get(f"/w/{code}/facilitator-link")
    assert link.status_code == 200 and link.headers["Cache-Control"] == "no-store"
    url = link.json["facilitator_url"]
    assert url.endswith(f"/w/{code}/facilitate?key={workshop['facilitator_token']}")
    qr = console.get(f"/w/{code}/facilitator-qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    # The second machine signs in with it.
    second = app.test_client()
    signed_in = second.get(url.split("localhost", 1)[1])
    assert signed_in.status_code == 302 and second.get(f"/w/{code}").status_code == 200
    # A delegate gets neither.
    delegate = app.test_client()
    delegate.set_cookie(f"sla_{code}", people[0][0]["token"])
    assert delegate.get(f"/w/{code}/facilitator-link").status_code == 403
    assert delegate.get(f"/w/{code}/facilitator-qr.svg").status_code == 403


def test_the_default_agenda_fits_a_half_day_with_breaks():
    from workshop.domain import stages

    rows = stages.agenda()
    assert stages.agenda_total() <= stages.HALF_DAY_MINUTES
    assert [r["kind"] for r in rows].count("break") >= 1
    assert [r["stage"] for r in rows if r["kind"] == "stage"] == list(stages.STAGES)
    # Rows follow each other without gaps.
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["start"] == before["start"] + before["minutes"]


@pytest.mark.parametrize(
    "plan, stage, into, planned",
    [
        ({}, "lobby", 3, 3),
        ({}, "funnel", 30, 25),  # at most the stage's own plan
        ({}, "definitions", 0, 105),  # after the first break
        ({"funnel": 40}, "journey", 10, 55),
    ],
)
def test_planned_until(plan, stage, into, planned):
    from workshop.domain import stages

    assert stages.planned_until(plan, stage, into) == planned


def test_the_facilitator_plans_each_stage_and_the_clock_starts_after_the_lobby(workshops):
    _, fac, people = workshops.room()
    state = last_state(fac)
    assert state["plan"]["elapsed_seconds"] is None
    assert state["plan"]["minutes"]["definitions"] == 25
    assert (
        send(people[0][1], {"type": "set_stage_plan", "stage": "kpis", "minutes": 5})["code"]
        == "forbidden"
    )
    assert send(fac, {"type": "set_stage_plan", "stage": "definitions", "minutes": 40})["ok"]
    assert send(fac, {"type": "set_stage_plan", "stage": "kpis", "minutes": 999})["code"] == (
        "invalid"
    )
    plan = last_state(people[1][1])["plan"]
    assert plan["minutes"]["definitions"] == 40
    assert plan["total_minutes"] == 245  # 15 more than the default half-day
    assert send(fac, {"type": "goto_stage", "stage": "funnel"})["ok"]
    plan = last_state(fac)["plan"]
    assert plan["elapsed_seconds"] == 0 and plan["stage_elapsed_seconds"] == 0


def test_the_spotlight_puts_one_item_on_the_projector(workshops):
    _, fac, people = workshops.room()
    item_id = ids(last_state(fac), "mql")[0]
    assert last_state(people[0][1])["spotlight"] is None
    assert send(people[0][1], {"type": "spotlight", "item_id": item_id})["code"] == "forbidden"
    assert send(fac, {"type": "spotlight", "item_id": item_id})["ok"]
    assert last_state(people[0][1])["spotlight"] == item_id
    assert send(fac, {"type": "spotlight", "item_id": 10**9})["code"] == "not_found"
    assert send(fac, {"type": "spotlight", "item_id": None})["ok"]
    assert last_state(people[0][1])["spotlight"] is None


def test_the_vote_legend_never_cuts_a_number():
    import re

    from workshop.document import diagrams

    dutch = {
        "agree": "Akkoord",
        "abstain": "Onthouding",
        "disagree": "Oneens",
        "block": "Blokkeren",
    }
    svg = diagrams.vote_bars_svg({"agree": 12, "abstain": 10, "disagree": 3, "block": 0}, dutch)
    entries = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="11"[^>]*>([^<]+)</text>', svg)
    assert [e[2] for e in entries] == ["Akkoord 12", "Onthouding 10", "Oneens 3", "Blokkeren 0"]
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    by_row = {}
    for x, y, text in entries:
        by_row.setdefault(y, []).append((float(x), text))
    for row in by_row.values():
        # 11 px type is at most about 6.5 px a character: each entry ends before the next
        # one's swatch begins and inside the picture.
        for (x, text), (next_x, _) in zip(row, row[1:], strict=False):
            assert x + 6.5 * len(text) <= next_x - 10, (text, row)
        last_x, last_text = row[-1]
        assert last_x + 6.5 * len(last_text) <= width + 1, (last_text, width)
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert max(float(y) for _, y, _ in entries) < height
