"""Suggestions that build on the facilitator's own groups, and late notes
offered to a group: the real server in a subprocess, python-socketio clients."""

from __future__ import annotations

import threading
import time

import pytest
import socketio
from helpers import create_workshop, fetch_state, notes_in_two_groups

NOTES = [
    "Billetterie commune",  # 0: grouped by hand
    "Trop de paperasse",  # 1: grouped by hand
    "billetterie partagée entre diffuseurs",  # 2
    "Paperasse des subventions trop lourde",  # 3
    "Passion",  # 4: close to nothing
    "Camion pour les tournées",  # 5
    "Camion partagé pour les tournées",  # 6
]


class Staff:
    """The facilitator's connection, keeping every `cluster:offer` it receives."""

    def __init__(self, server, workshop: dict) -> None:
        self.offers: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("cluster:offer", self._offer)
        self.client.connect(
            server.url,
            auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]},
            transports=["websocket"],
            wait_timeout=10,
        )

    def _offer(self, offer: dict) -> None:
        with self.lock:
            self.offers.append(offer)

    def call(self, event: str, payload: dict) -> dict:
        return self.client.call(event, payload, timeout=30)

    def offer_for(self, note_id: int, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [o for o in self.offers if o["note"] == note_id]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no offer for note {note_id}")


@pytest.fixture
def atelier(live_server):
    """A public two-column bloc with NOTES in its first column, two of them
    grouped by hand; yields the server, atelier, facilitator, bloc, note ids
    and the two clusters."""
    server = live_server()
    workshop = create_workshop(server)
    bloc = next(
        b for b in fetch_state(server, workshop)["blocs"] if b["kind"] == "columns" and not b["private_writing"]
    )
    staff = Staff(server, workshop)
    assert staff.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    column = bloc["columns"][0]["id"]
    ids = notes_in_two_groups(staff, bloc, column, NOTES)
    clusters = {c["label"]: c["id"] for c in clusters_of(fetch_state(server, workshop))}
    yield server, workshop, staff, bloc, ids, clusters
    staff.client.disconnect()


def clusters_of(state: dict) -> list[dict]:
    return state.get("clusters", [])


def grouping(server, workshop) -> dict[int, int | None]:
    return {n["id"]: n["cluster"] for n in fetch_state(server, workshop)["notes"]}


def test_suggestions_place_loose_notes_into_existing_groups_and_save_nothing(atelier):
    server, workshop, staff, bloc, ids, clusters = atelier
    # A note of the other column that resembles a group is never offered to it.
    other = staff.call(
        "note:add", {"bloc": bloc["id"], "text": "Billetterie commune", "column": bloc["columns"][1]["id"]}
    )
    before = fetch_state(server, workshop)

    ack = staff.call("cluster:suggest", {"bloc": bloc["id"]})
    assert ack["ok"], ack
    placements = {p["note"]: p for p in ack["placements"]}
    assert set(placements) == {ids[2], ids[3]}
    assert placements[ids[2]] == {
        "note": ids[2],
        "cluster": clusters["Billetterie"],
        "words": ["billetterie"],
        "closest": ids[0],
    }
    assert placements[ids[3]]["cluster"] == clusters["Administration"]
    assert placements[ids[3]]["words"] == ["paperasse"]
    # New groups for what is left; "Passion" is close to nothing and stays out.
    assert ack["clusters"] == [{"label": "Camion pour les tournées", "notes": [ids[5], ids[6]]}]
    assert other["note"]["id"] not in placements
    # Nothing saved: the existing groups are untouched.
    after = fetch_state(server, workshop)
    assert after["seq"] == before["seq"] and after["clusters"] == before["clusters"]


def test_accept_some_suggestions_in_one_undoable_step(atelier):
    server, workshop, staff, bloc, ids, clusters = atelier
    before = grouping(server, workshop)
    ack = staff.call("cluster:suggest", {"bloc": bloc["id"]})
    billetterie = next(p for p in ack["placements"] if p["note"] == ids[2])

    accepted = staff.call(
        "cluster:accept", {"bloc": bloc["id"], "placements": [billetterie], "clusters": ack["clusters"]}
    )
    assert accepted["ok"] and accepted["skipped"] == []
    state = fetch_state(server, workshop)
    now = {n["id"]: n["cluster"] for n in state["notes"]}
    assert now[ids[2]] == clusters["Billetterie"]
    assert now[ids[3]] is None  # not accepted: still loose
    assert now[ids[5]] == now[ids[6]] and now[ids[5]] not in (None, *clusters.values())
    assert {c["label"] for c in state["clusters"]} == {"Billetterie", "Administration", "Camion pour les tournées"}

    assert staff.call("cluster:undo", {"bloc": bloc["id"]})["ok"] is True  # one step undoes it all
    assert grouping(server, workshop) == before
    assert {c["label"] for c in fetch_state(server, workshop)["clusters"]} == {"Billetterie", "Administration"}


def test_a_note_grouped_meanwhile_stays_where_it_is(atelier):
    server, workshop, staff, bloc, ids, clusters = atelier
    ack = staff.call("cluster:suggest", {"bloc": bloc["id"]})
    # Meanwhile the facilitator drags the paperasse note into "Billetterie" by hand.
    assert staff.call("cluster:move", {"notes": [ids[3]], "cluster": clusters["Billetterie"]})["ok"]
    accepted = staff.call("cluster:accept", {"bloc": bloc["id"], "placements": ack["placements"]})
    assert accepted["ok"] and accepted["skipped"] == [ids[3]]
    now = grouping(server, workshop)
    assert now[ids[3]] == clusters["Billetterie"] and now[ids[2]] == clusters["Billetterie"]


def test_accept_refuses_bad_input_and_changes_nothing(atelier, live_server):
    server, workshop, staff, bloc, ids, clusters = atelier
    before = fetch_state(server, workshop)
    cases = [
        ("tout", "bad_request"),
        ({"bloc": bloc["id"]}, "bad_request"),
        ({"bloc": bloc["id"], "clusters": ["camions"]}, "bad_request"),
        ({"bloc": bloc["id"], "placements": "tout"}, "bad_request"),
        ({"bloc": bloc["id"], "placements": [{"note": ids[2]}]}, "bad_request"),
        ({"bloc": bloc["id"], "clusters": [{"notes": []}]}, "unknown_note"),  # as cluster:group
        ({"bloc": bloc["id"], "placements": [{"note": ids[2], "cluster": 999999}]}, "unknown_cluster"),
        ({"bloc": bloc["id"], "placements": [{"note": 999999, "cluster": clusters["Billetterie"]}]}, "unknown_note"),
        # One bad entry refuses the whole acceptance: the good one is not applied either.
        (
            {
                "bloc": bloc["id"],
                "placements": [{"note": ids[2], "cluster": clusters["Billetterie"]}],
                "clusters": [{"notes": [999999]}],
            },
            "unknown_note",
        ),
        ({"bloc": 999999, "clusters": [{"notes": [ids[5]]}]}, "unknown_bloc"),
    ]
    for payload, code in cases:
        ack = staff.call("cluster:accept", payload)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
        assert ack["error"]["message"]
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"code": workshop["code"], "name": "Alice"}, transports=["websocket"])
    ack = phone.call("cluster:accept", {"bloc": bloc["id"], "clusters": [{"notes": [ids[5], ids[6]]}]}, timeout=15)
    assert ack["error"]["code"] == "forbidden"
    assert phone.call("cluster:suggest", {"bloc": bloc["id"]}, timeout=15)["error"]["code"] == "forbidden"
    phone.disconnect()
    after = fetch_state(server, workshop)
    assert after["clusters"] == before["clusters"] and after["notes"] == before["notes"]


def test_a_late_note_is_offered_to_the_group_it_resembles(atelier):
    server, workshop, staff, bloc, ids, clusters = atelier
    column = bloc["columns"][0]["id"]
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"code": workshop["code"], "name": "Alice"}, transports=["websocket"])

    def write(text: str) -> int:
        ack = phone.call("note:add", {"bloc": bloc["id"], "text": text, "column": column}, timeout=15)
        assert ack["ok"], ack
        return ack["note"]["id"]

    early = write("Une billetterie en ligne")  # still in the writing phases: no offer
    assert staff.call("bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})["ok"]
    unsure = write("Passion et engagement")  # resembles no group: no offer
    by_staff = staff.call("note:add", {"bloc": bloc["id"], "text": "Billetterie unique", "column": column})["note"][
        "id"
    ]
    late = write("Une billetterie régionale")
    offer = staff.offer_for(late)
    assert offer == {
        "bloc": bloc["id"],
        "note": late,
        "cluster": clusters["Billetterie"],
        "words": ["billetterie"],
        "closest": ids[0],
    }
    # Offers come in the order the notes were written: the earlier ones had none.
    assert [o["note"] for o in staff.offers] == [late]
    assert grouping(server, workshop)[late] is None  # offered, not moved

    # Accepting the offer is one ordinary move, undoable.
    assert staff.call("cluster:move", {"notes": [late], "cluster": offer["cluster"]})["ok"]
    assert grouping(server, workshop)[late] == clusters["Billetterie"]
    # Participants may add late notes, not change them, and not once the vote is open.
    edit = phone.call("note:edit", {"id": late, "text": "autre chose"}, timeout=15)
    assert edit["error"]["code"] == "writing_closed"
    assert staff.call("bloc:phase", {"bloc": bloc["id"], "phase": "vote"})["ok"]
    refused = phone.call("note:add", {"bloc": bloc["id"], "text": "Trop tard", "column": column}, timeout=15)
    assert refused["error"]["code"] == "writing_closed"
    phone.disconnect()
    assert {early, unsure, by_staff}.isdisjoint(o["note"] for o in staff.offers)
