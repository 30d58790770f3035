"""Issue 3: the guided workshop through the single command path, via Socket.IO."""

import json
import time

import pytest
from conftest import fresh_state, last_state, send

from workshop.commands import DELEGATE, FACILITATOR, REGISTRY


def item_ids(state, section):
    return [i["id"] for i in state["items"] if i["section"] == section]


def test_new_workshop_starts_from_the_draft_in_its_language(workshops):
    for language, needle in (("en", "Inquiry"), ("nl", "Aanvraag")):
        created = workshops.create(language=language)
        state = last_state(workshops.socket(created["facilitator_token"]))
        sections = {i["section"] for i in state["items"]}
        assert sections == {"funnel", "journey", "goals", "targets", "mql", "sql",
                            "disqualification", "opportunity", "process", "kpis",
                            "escalation", "governance"}
        assert all(i["status"] == "open" and i["from_draft"] for i in state["items"])
        assert state["fields"]["process"]["accept_hours"] == 24
        assert state["fields"]["process"]["attempts"] == 6
        assert needle in [i["text"] for i in state["items"] if i["section"] == "funnel"][0]
        assert len([i for i in state["items"] if i["section"] == "escalation"]) == 3


def test_empty_workshop_has_no_items(workshops):
    created = workshops.create(start_from="empty")
    state = last_state(workshops.socket(created["facilitator_token"]))
    assert state["items"] == [] and state["fields"] == {}


def test_goto_stage_moves_everyone(workshops):
    _, fac, people = workshops.room()
    ack = send(fac, {"type": "goto_stage", "stage": "targets"})
    assert ack["ok"]
    for _, sio in people:
        assert last_state(sio)["stage"] == "targets"
    assert send(fac, {"type": "goto_stage", "stage": "funnel"})["ok"]  # and back
    assert send(fac, {"type": "goto_stage", "stage": "nowhere"})["code"] == "invalid"


def test_votes_stay_hidden_until_the_reveal(workshops):
    _, fac, people = workshops.room(start_from="empty")
    (mara, smara), (_, s2), (_, s3), (_, s4) = people
    ack = send(smara, {"type": "propose", "section": "mql", "text": "Visited pricing page"})
    item_id = last_state(fac)["items"][0]["id"]
    assert ack["ok"]
    choices = {smara: "agree", s2: "block", s3: "disagree", s4: "agree"}
    for sio, choice in choices.items():
        assert send(sio, {"type": "vote", "item_id": item_id, "choice": choice})["ok"]
    for sio in [fac, smara, s2, s3, s4]:
        received = sio.get_received()
        wire = json.dumps(received)
        state = [m["args"][0] for m in received if m["name"] == "state"][-1]
        item = state["items"][0]
        assert item["votes_cast"] == 4 and item["tally"] is None and item["consensus"] is None
        assert item["votes"] is None
        # No other person's choice anywhere on the wire: only the recipient's own vote.
        own = choices.get(sio)
        for choice in ("block", "disagree"):
            if own != choice:
                assert f'"{choice}"' not in wire
    # Changing a vote before the reveal is allowed.
    assert send(s2, {"type": "vote", "item_id": item_id, "choice": "agree"})["ok"]
    assert last_state(s2)["you"]["vote_by_item"] == {str(item_id): "agree"}
    assert send(fac, {"type": "reveal", "item_id": item_id})["ok"]
    item = last_state(s3)["items"][0]
    assert item["status"] == "revealed"
    assert item["tally"] == {"agree": 3, "abstain": 0, "disagree": 1, "block": 0}
    # Overall 3 to 1, but sales is split 1 to 1: no consent of both departments.
    assert item["consensus"] == "no_consent"
    assert {v["choice"] for v in item["votes"]} == {"agree", "disagree"}
    assert send(s3, {"type": "vote", "item_id": item_id, "choice": "agree"})["code"] == "conflict"


def test_anonymous_reveal_shows_tally_without_names(workshops):
    _, fac, people = workshops.room(start_from="empty")
    assert send(fac, {"type": "set_anonymous", "anonymous": True})["ok"]
    send(people[0][1], {"type": "propose", "section": "kpis", "text": "Win rate"})
    item_id = last_state(fac)["items"][0]["id"]
    for _, sio in people:
        send(sio, {"type": "vote", "item_id": item_id, "choice": "agree"})
    send(fac, {"type": "reveal", "item_id": item_id})
    item = last_state(fac)["items"][0]
    assert item["tally"]["agree"] == 4 and item["votes"] is None


def test_everyone_sees_who_has_not_voted(workshops):
    _, fac, people = workshops.room(start_from="empty")
    send(fac, {"type": "propose", "section": "goals", "text": "Grow revenue 10 %"})
    item_id = last_state(fac)["items"][0]["id"]
    send(people[1][1], {"type": "vote", "item_id": item_id, "choice": "abstain"})
    item = last_state(people[0][1])["items"][0]
    assert item["voted"] == [people[1][0]["participant_id"]]


def test_agreeing_without_consent_needs_a_reason(workshops):
    _, fac, people = workshops.room(start_from="empty")
    send(fac, {"type": "propose", "section": "sql", "text": "BANT: budget confirmed"})
    item_id = last_state(fac)["items"][0]["id"]
    send(people[0][1], {"type": "vote", "item_id": item_id, "choice": "block"})
    send(fac, {"type": "reveal", "item_id": item_id})
    refused = send(fac, {"type": "decide", "item_id": item_id, "outcome": "agreed"})
    assert refused["code"] == "invalid" and "reason" in refused["error"]
    ok = send(fac, {"type": "decide", "item_id": item_id, "outcome": "agreed",
                    "reason": "Legal requires it"})
    assert ok["ok"]
    item = last_state(fac)["items"][0]
    assert item["status"] == "agreed" and item["decision_reason"] == "Legal requires it"
    assert send(fac, {"type": "decide", "item_id": item_id, "outcome": "rejected"})["code"] == \
        "conflict"
    assert send(fac, {"type": "reopen_item", "item_id": item_id})["ok"]
    assert last_state(fac)["items"][0]["status"] == "open"


def test_agreeing_with_consent_needs_no_reason(workshops):
    _, fac, people = workshops.room(start_from="empty")
    send(fac, {"type": "propose", "section": "sql", "text": "Authority known"})
    item_id = last_state(fac)["items"][0]["id"]
    for _, sio in people:
        send(sio, {"type": "vote", "item_id": item_id, "choice": "agree"})
    send(fac, {"type": "reveal", "item_id": item_id})
    assert send(fac, {"type": "decide", "item_id": item_id, "outcome": "agreed"})["ok"]


def test_structured_details_are_checked(workshops):
    _, fac, people = workshops.room(start_from="empty")
    sio = people[0][1]
    ok = send(sio, {"type": "propose", "section": "kpis", "text": "Speed to lead",
                    "details": {"target": "< 4 h", "owner": "sales", "frequency": "weekly",
                                "definition": "Median time to first contact", "source": "CRM"}})
    assert ok["ok"]
    assert last_state(fac)["items"][0]["details"]["owner"] == "sales"
    for details in ({"owner": "finance"}, {"colour": "red"}, {"frequency": 3}, "x"):
        bad = send(sio, {"type": "propose", "section": "kpis", "text": "X", "details": details})
        assert bad["ok"] is False and bad["code"] == "invalid" and bad["error"]
    assert len(fresh_state(fac)["items"]) == 1


def test_reverse_funnel_and_capacity_react_to_set_field(workshops):
    _, fac, _ = workshops.room()
    state = last_state(fac)
    assert state["targets"]["mql_per_month"] == 140 and state["targets"]["capacity_gap"] == 0
    assert send(fac, {"type": "set_field", "section": "targets", "field": "sales_reps",
                      "value": 1})["ok"]
    assert send(fac, {"type": "set_field", "section": "targets", "field": "follow_ups_per_rep_week",
                      "value": 10})["ok"]
    targets = last_state(fac)["targets"]
    assert targets["capacity_per_month"] == 43 and targets["capacity_gap"] == 140 - 43
    send(fac, {"type": "set_field", "section": "targets", "field": "revenue_target",
               "value": 4_800_000})
    assert last_state(fac)["targets"]["mql_per_month"] == 280
    bad = send(fac, {"type": "set_field", "section": "targets", "field": "sales_reps", "value": -1})
    assert bad["code"] == "invalid"
    bad = send(fac, {"type": "set_field", "section": "targets", "field": "colour", "value": 1})
    assert bad["code"] == "invalid"


def test_process_fields_are_captured(workshops):
    _, fac, people = workshops.room()
    assert send(fac, {"type": "set_field", "section": "process", "field": "accept_hours",
                      "value": 48})["ok"]
    assert last_state(people[0][1])["fields"]["process"]["accept_hours"] == 48


def test_locked_section_refuses_changes(workshops):
    _, fac, people = workshops.room()
    assert send(fac, {"type": "lock_section", "section": "mql"})["ok"]
    mql = item_ids(last_state(fac), "mql")[0]
    assert send(people[0][1], {"type": "propose", "section": "mql", "text": "x"})["code"] == \
        "conflict"
    assert send(people[0][1], {"type": "vote", "item_id": mql, "choice": "agree"})["code"] == \
        "conflict"
    assert send(fac, {"type": "unlock_section", "section": "mql"})["ok"]
    assert send(people[0][1], {"type": "vote", "item_id": mql, "choice": "agree"})["ok"]


def test_timer_everyone_sees(workshops):
    _, fac, people = workshops.room()
    assert send(fac, {"type": "start_timer", "seconds": 300})["ok"]
    timer = last_state(people[0][1])["timer"]
    assert timer["seconds"] == 300 and 295 <= timer["remaining"] <= 300
    assert send(fac, {"type": "stop_timer"})["ok"]
    assert last_state(people[0][1])["timer"] is None
    assert send(fac, {"type": "start_timer", "seconds": 0})["code"] == "invalid"


def test_dot_voting_has_a_budget(workshops):
    _, fac, people = workshops.room()
    state = last_state(fac)
    gaps = [i["id"] for i in state["items"]
            if i["section"] == "journey" and i["details"]["kind"] != "phase"]
    phase = next(i["id"] for i in state["items"] if i["details"].get("kind") == "phase")
    sio = people[0][1]
    assert send(sio, {"type": "place_dots", "item_id": gaps[0], "count": 2})["ok"]
    assert send(sio, {"type": "place_dots", "item_id": gaps[1], "count": 1})["ok"]
    assert send(sio, {"type": "place_dots", "item_id": gaps[2], "count": 1})["code"] == "conflict"
    assert send(sio, {"type": "place_dots", "item_id": phase, "count": 1})["code"] == "invalid"
    assert send(sio, {"type": "place_dots", "item_id": gaps[0], "count": 0})["ok"]
    state = last_state(sio)
    assert state["you"]["dots_by_item"] == {str(gaps[1]): 1}
    assert next(i for i in state["items"] if i["id"] == gaps[1])["dots"] == 1


def test_edit_and_move_items(workshops):
    _, fac, _ = workshops.room()
    funnel = item_ids(last_state(fac), "funnel")
    assert send(fac, {"type": "edit_item", "item_id": funnel[0], "text": "Lead",
                      "details": {"volume": 1200}})["ok"]
    item = next(i for i in last_state(fac)["items"] if i["id"] == funnel[0])
    assert item["text"] == "Lead" and item["details"]["volume"] == 1200
    assert item["details"]["conversion"] == 15  # merged, not replaced
    assert send(fac, {"type": "move_item", "item_id": funnel[0], "direction": "down"})["ok"]
    assert item_ids(last_state(fac), "funnel")[:2] == [funnel[1], funnel[0]]
    assert send(fac, {"type": "move_item", "item_id": funnel[1], "direction": "up"})["code"] == \
        "conflict"


def test_remove_participant(workshops):
    _, fac, people = workshops.room()
    (gone, gone_sio) = people[0]
    assert send(fac, {"type": "remove_participant", "participant_id": gone["participant_id"]})["ok"]
    # Told first (`removed`), then the socket closes after a short grace.
    assert "removed" in [m["name"] for m in gone_sio.get_received()]
    assert send(gone_sio, {"type": "set_ready", "ready": True})["ok"] is False
    deadline = time.monotonic() + 5
    while gone_sio.is_connected() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not gone_sio.is_connected()
    assert gone["participant_id"] not in [p["id"] for p in last_state(fac)["participants"]]
    from workshop.realtime import socketio

    again = socketio.test_client(workshops.app, auth={"token": gone["token"]})
    assert not again.is_connected()


def test_every_change_is_audited(app, workshops):
    _, fac, people = workshops.room()
    send(fac, {"type": "goto_stage", "stage": "funnel"})
    send(people[0][1], {"type": "propose", "section": "funnel", "text": "Webinar leads"})
    from workshop.db import connect

    rows = list(connect(app.config["DATABASE"]).query(
        "SELECT a.command, m.name, a.at FROM audit a JOIN members m ON m.id = a.member_id"
        " ORDER BY a.id"))
    commands = [r["command"] for r in rows]
    assert commands[:1] == ["create_workshop"] and "join" in commands
    assert commands[-2:] == ["goto_stage", "propose"]
    assert rows[-1]["name"] == "Marketing 0" and rows[-1]["at"]


FACILITATOR_ONLY = sorted(name for name, cmd in REGISTRY.items() if cmd.who == FACILITATOR)


@pytest.mark.parametrize("command_type", FACILITATOR_ONLY)
def test_facilitator_commands_are_refused_for_delegates(workshops, command_type):
    _, fac, people = workshops.room()
    state = last_state(fac)
    payload = {"type": command_type, "item_id": state["items"][0]["id"], "stage": "funnel",
               "section": "process", "field": "attempts", "value": 3, "seconds": 60,
               "outcome": "agreed", "reason": "x", "direction": "down", "anonymous": True,
               "participant_id": people[1][0]["participant_id"], "text": "x"}
    before = last_state(people[0][1])["version"]
    ack = send(people[0][1], payload)
    assert ack == {"ok": False, "code": "forbidden", "error": "Only the facilitator can do that."}
    people[0][1].get_received()
    assert send(people[0][1], {"type": "set_ready", "ready": True})["version"] == before + 1


def test_delegate_only_commands_are_refused_for_the_facilitator(workshops):
    _, fac, _ = workshops.room()
    item_id = last_state(fac)["items"][0]["id"]
    for name in sorted(n for n, c in REGISTRY.items() if c.who == DELEGATE):
        ack = send(fac, {"type": name, "item_id": item_id, "choice": "agree", "count": 1,
                         "document_hash": "0" * 64})
        assert ack["ok"] is False and ack["code"] == "forbidden"


def test_section_wide_reveal_and_agree_with_consent(workshops):
    _, fac, people = workshops.room()
    sql = item_ids(last_state(fac), "sql")
    for _, sio in people:
        send(sio, {"type": "vote", "item_id": sql[0], "choice": "agree"})
    send(people[0][1], {"type": "vote", "item_id": sql[1], "choice": "block"})
    send(people[2][1], {"type": "vote", "item_id": sql[1], "choice": "agree"})
    ack = send(fac, {"type": "reveal_section", "section": "sql"})
    # Items fewer than half of the delegates voted on stay hidden, and the ack names them.
    assert ack["ok"] and ack["revealed"] == 2 and ack["skipped"] == sql[2:]
    status = {i["id"]: i["status"] for i in last_state(fac)["items"]}
    assert [status[i] for i in sql[:2]] == ["revealed", "revealed"]
    assert all(status[i] == "open" for i in sql[2:])
    assert send(fac, {"type": "agree_consented", "section": "sql"})["ok"]
    status = {i["id"]: i["status"] for i in last_state(fac)["items"]}
    assert status[sql[0]] == "agreed" and status[sql[1]] == "revealed"


def test_a_new_funnel_stage_goes_above_customers_and_keeps_the_reverse_funnel(workshops):
    _, fac, people = workshops.room()
    before = last_state(fac)["targets"]["reverse_funnel"]
    send(people[0][1], {"type": "propose", "section": "funnel", "text": "Event lead",
                        "details": {"volume": 120}})
    state = last_state(fac)
    funnel = [i["text"] for i in sorted(
        (i for i in state["items"] if i["section"] == "funnel"), key=lambda i: i["position"])]
    assert funnel[-2:] == ["Event lead", "Customer (won)"]
    assert state["targets"]["reverse_funnel"] == before  # the stage without a rate is stepped over
