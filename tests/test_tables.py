"""Issue 14's sub-group tables through the real server and real
python-socketio clients: seats from the draw or chosen from a list, each
table seeing only its own notes while writing, the rapporteur grouping and
ranking their table's notes, and the plenary with table tags in the exports."""

from __future__ import annotations

import json

import pytest
import requests
from helpers import Screen, create_workshop, fetch_state, public_bloc


def call_ok(screen: Screen, event: str, payload: dict) -> dict:
    ack = screen.call(event, payload)
    assert ack["ok"], (event, ack)
    return ack


@pytest.fixture
def room(live_server):
    server = live_server()
    workshop = create_workshop(server)
    staff = {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}
    facilitator = Screen(server.url, staff)
    projector = Screen(server.url, {**staff, "role": "projector"})
    bloc = public_bloc(fetch_state(server, workshop))
    call_ok(facilitator, "bloc:goto", {"bloc": bloc["id"]})
    screens = [facilitator, projector]
    yield server, workshop, facilitator, projector, bloc, screens
    for screen in screens:
        screen.close()


def seats(server, workshop) -> dict[int, dict]:
    return {p["id"]: p for p in fetch_state(server, workshop)["participants"]}


def test_three_tables_from_the_draw_write_apart_then_meet_in_plenary(room):
    server, workshop, facilitator, projector, bloc, screens = room
    call_ok(facilitator, "draw:open", {"open": True})
    phones = []
    for i in range(6):
        phone = Screen(server.url, {"code": workshop["code"], "name": f"P{i}"})
        screens.append(phone)
        call_ok(phone, "draw:volunteer", {"volunteer": True})
        phones.append(phone)
    call_ok(facilitator, "draw:run", {"mode": "teams", "team_size": 2, "seed": 3})
    call_ok(facilitator, "tables:set", {"from_draw": True})
    sitting = seats(server, workshop)
    table_of = {phone: sitting[phone.me["id"]]["table"] for phone in phones}
    assert sorted(table_of.values()) == [1, 1, 2, 2, 3, 3]
    call_ok(facilitator, "bloc:update", {"bloc": bloc["id"], "by_table": True})

    notes = {phone: call_ok(phone, "note:add", {"bloc": bloc["id"], "text": f"Idée de {phone.me['name']}"})["note"]
             for phone in phones}  # fmt: skip
    everyone = {n["id"] for n in notes.values()}
    assert facilitator.wait_for(lambda s: everyone <= set(s.notes))
    assert projector.wait_for(lambda s: everyone <= set(s.notes))
    for phone in phones:
        mine = {n["id"] for p, n in notes.items() if table_of[p] == table_of[phone]}
        assert phone.wait_for(lambda s, mine=mine: mine <= set(s.notes))
        assert set(phone.notes) & everyone == mine, "a table saw another table's notes"
        assert all(phone.notes[i]["table"] == table_of[phone] for i in mine)
    late = Screen(server.url, {"code": workshop["code"], "name": "Retardataire"})
    screens.append(late)
    assert not set(late.notes) & everyone  # seated nowhere: no table's notes

    # The rapporteur of table 1 groups and ranks their table's notes from a phone.
    first = [p for p in phones if table_of[p] == 1]
    other = next(p for p in phones if table_of[p] == 2)
    refused = first[0].call("table:group", {"bloc": bloc["id"], "notes": [notes[first[0]]["id"]]})
    assert refused["error"]["code"] == "forbidden" and "rapporteur" in refused["error"]["message"]
    call_ok(facilitator, "table:rapporteur", {"table": 1, "participant": first[0].me["id"]})
    theirs = first[0].call("table:group", {"bloc": bloc["id"], "notes": [notes[other]["id"]]})
    assert theirs["error"]["code"] in ("not_your_table", "unknown_note")
    call_ok(first[0], "table:group", {"bloc": bloc["id"], "notes": [notes[first[0]]["id"]], "label": "Premier"})
    call_ok(first[0], "table:group", {"bloc": bloc["id"], "notes": [notes[first[1]]["id"]], "label": "Second"})
    state = fetch_state(server, workshop)
    groups = {c["label"]: c for c in state["clusters"] if c["table"] == 1}
    assert groups["Premier"]["rank"] == 1 and groups["Second"]["rank"] == 2
    call_ok(first[0], "table:rank", {"bloc": bloc["id"], "clusters": [groups["Second"]["id"], groups["Premier"]["id"]]})
    ranks = {c["label"]: c["rank"] for c in fetch_state(server, workshop)["clusters"] if c["table"] == 1}
    assert ranks == {"Second": 1, "Premier": 2}
    assert not any(c.get("table") == 1 for p in other.patches for c in p.get("clusters", []))

    # The plenary: every table's notes reach every screen, with their table.
    call_ok(facilitator, "bloc:update", {"bloc": bloc["id"], "plenary": True})
    for phone in [*phones, late]:
        assert phone.wait_for(lambda s: everyone <= set(s.notes)), "a phone missed the plenary"
    headers = {"X-Facilitator-Key": workshop["facilitator_key"]}
    markdown = requests.get(f"{server.url}/api/workshops/{workshop['id']}/export.md", headers=headers, timeout=30).text
    assert "Second (table 1)" in markdown and f"Idée de {other.me['name']} (table 2)" in markdown
    archive = requests.get(f"{server.url}/api/workshops/{workshop['id']}/export.json", headers=headers, timeout=30)
    assert {n["table"] for n in json.loads(archive.text)["notes"]} == {1, 2, 3}


def test_participants_choose_their_table_from_the_list_when_allowed(room):
    server, workshop, facilitator, projector, bloc, screens = room
    alice = Screen(server.url, {"code": workshop["code"], "name": "Alice"})
    bob = Screen(server.url, {"code": workshop["code"], "name": "Bob"})
    screens += [alice, bob]
    call_ok(facilitator, "tables:set", {"count": 2})
    refused = alice.call("table:seat", {"table": 1})
    assert refused["error"]["code"] == "forbidden"
    call_ok(facilitator, "tables:set", {"count": 2, "choose": True})
    assert alice.call("table:seat", {"table": 3})["error"]["code"] == "unknown_table"
    call_ok(alice, "table:seat", {"table": 1})
    call_ok(bob, "table:seat", {"table": 2})
    call_ok(facilitator, "bloc:update", {"bloc": bloc["id"], "by_table": True})
    note = call_ok(bob, "note:add", {"bloc": bloc["id"], "text": "Table deux"})["note"]
    assert projector.wait_for(lambda s: note["id"] in s.notes)
    assert note["id"] not in alice.notes
    assert bob.call("table:seat", {"table": 1, "participant": alice.me["id"]})["error"]["code"] == "forbidden"
    call_ok(facilitator, "table:seat", {"table": 2, "participant": alice.me["id"]})
    assert alice.wait_for(lambda s: note["id"] in s.notes), "moving tables brings the new table's notes"
    assert seats(server, workshop)[alice.me["id"]]["table"] == 2
