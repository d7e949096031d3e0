"""Issue 14's moderation, identity modes and paper notes, through the real
server and real python-socketio clients: who receives what, who may do what,
and what reaches the exports."""

from __future__ import annotations

import io
import json

import docx
import pytest
import requests
from helpers import Screen, create_workshop, fetch_state, public_bloc


def export(server, workshop: dict, fmt: str) -> bytes:
    response = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}/export.{fmt}",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.content


def every_export_text(server, workshop: dict) -> str:
    """The Markdown, CSV, JSON archive and the Word document's text, together."""
    word = docx.Document(io.BytesIO(export(server, workshop, "docx")))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join(
        [
            export(server, workshop, "md").decode(),
            export(server, workshop, "csv").decode("utf-8-sig"),
            export(server, workshop, "json").decode(),
            *(p.text for p in word.paragraphs),
            *cells,
        ]
    )


class Room:
    """The facilitator, the projector and phones of one atelier, on a public bloc."""

    def __init__(self, server, workshop: dict) -> None:
        self.server, self.workshop = server, workshop
        staff = {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}
        self.facilitator = Screen(server.url, staff)
        self.projector = Screen(server.url, {**staff, "role": "projector"})
        self.bloc = public_bloc(fetch_state(server, workshop))
        assert self.facilitator.call("bloc:goto", {"bloc": self.bloc["id"]})["ok"]
        self.phones: list[Screen] = []

    def phone(self, name: str | None = None) -> Screen:
        screen = Screen(self.server.url, {"code": self.workshop["code"], "name": name})
        self.phones.append(screen)
        return screen

    def close(self) -> None:
        for screen in (self.facilitator, self.projector, *self.phones):
            screen.close()


@pytest.fixture
def room(live_server):
    server = live_server()
    room = Room(server, create_workshop(server))
    yield room
    room.close()


def post(phone: Screen, bloc: dict, text: str) -> dict:
    ack = phone.call("note:add", {"bloc": bloc["id"], "text": text})
    assert ack["ok"], ack
    return ack["note"]


def test_a_hidden_note_reaches_no_participant_or_projector_screen_and_no_export(room):
    alice, bob = room.phone("Alice"), room.phone("Bob")
    note = post(alice, room.bloc, "Une remarque déplacée")
    kept = post(bob, room.bloc, "Une idée qui reste")
    for screen in (room.facilitator, room.projector, alice, bob):
        assert screen.wait_for(lambda s: note["id"] in s.notes)

    assert room.facilitator.call("note:hide", {"note": note["id"], "hidden": True})["ok"] is True
    for screen in (room.projector, alice, bob):
        assert screen.wait_for(lambda s: note["id"] not in s.notes), "the hidden note stayed on a screen"
    assert room.facilitator.wait_for(lambda s: s.notes[note["id"]]["hidden"] is True)
    late = room.phone("Carole")  # connects afterwards: never receives it
    assert note["id"] not in late.notes and kept["id"] in late.notes
    texts = every_export_text(room.server, room.workshop)
    assert "Une remarque déplacée" not in texts and "Une idée qui reste" in texts

    # A participant cannot hide (or show) a note; the facilitator shows it again.
    refused = bob.call("note:hide", {"note": note["id"], "hidden": False})
    assert refused["error"]["code"] == "forbidden" and "animation" in refused["error"]["message"]
    assert room.facilitator.call("note:hide", {"note": note["id"], "hidden": False})["ok"]
    for screen in (room.projector, alice, bob, late):
        assert screen.wait_for(lambda s: note["id"] in s.notes)
    assert "Une remarque déplacée" in every_export_text(room.server, room.workshop)


def test_a_moderated_bloc_holds_participants_notes_until_the_facilitator_lets_them_through(room):
    assert room.facilitator.call("bloc:update", {"bloc": room.bloc["id"], "moderated": True})["ok"]
    alice, bob = room.phone("Alice"), room.phone("Bob")
    first = post(alice, room.bloc, "Première, en attente")
    second = post(bob, room.bloc, "Deuxième, en attente")
    assert first["pending"] is True
    assert alice.wait_for(lambda s: s.notes.get(first["id"], {}).get("pending") is True)
    assert room.facilitator.wait_for(lambda s: {first["id"], second["id"]} <= set(s.notes))
    assert room.facilitator.notes[first["id"]]["pending"] is True
    assert first["id"] not in bob.notes and first["id"] not in room.projector.notes
    assert second["id"] not in alice.notes
    staff_note = room.facilitator.call("note:add", {"bloc": room.bloc["id"], "text": "De l'animation"})["note"]
    assert staff_note["pending"] is False  # the animation's own notes need no approval

    assert room.facilitator.call("note:approve", {"note": first["id"]})["ok"]
    for screen in (bob, room.projector):
        assert screen.wait_for(lambda s: first["id"] in s.notes)
    assert second["id"] not in room.projector.notes
    assert room.facilitator.call("note:approve", {"bloc": room.bloc["id"]})["ok"]
    for screen in (alice, room.projector):
        assert screen.wait_for(lambda s: second["id"] in s.notes)
    assert alice.wait_for(lambda s: not s.notes[first["id"]].get("pending"))  # the room's patch says nothing of it
    missing = room.facilitator.call("note:approve", {})
    assert missing["error"]["code"] == "bad_request"


def test_a_muted_participant_reads_but_can_no_longer_post_or_vote(room):
    alice, bob = room.phone("Alice"), room.phone("Bob")
    post(alice, room.bloc, "Avant")
    me = alice.me["id"]
    assert room.facilitator.call("participant:mute", {"participant": me, "muted": True})["ok"]
    refused = alice.call("note:add", {"bloc": room.bloc["id"], "text": "Encore"})
    assert refused["ok"] is False and refused["error"]["code"] == "muted"
    assert "suspendu" in refused["error"]["message"]
    later = post(bob, room.bloc, "Bob écrit toujours")
    assert alice.wait_for(lambda s: later["id"] in s.notes)  # still reads the board
    staff = {p["id"]: p for p in fetch_state(room.server, room.workshop)["participants"]}
    assert staff[me]["muted"] is True
    assert room.facilitator.call("bloc:phase", {"bloc": room.bloc["id"], "phase": "vote"})["ok"]
    vote = alice.call("vote", {"bloc": room.bloc["id"], "item": f"n{later['id']}", "dots": 1})
    assert vote["error"]["code"] == "muted"
    assert room.facilitator.call("participant:mute", {"participant": me, "muted": False})["ok"]
    assert alice.call("vote", {"bloc": room.bloc["id"], "item": f"n{later['id']}", "dots": 1})["ok"]
    unknown = room.facilitator.call("participant:mute", {"participant": 99999, "muted": True})
    assert unknown["error"]["code"] == "unknown_participant"


def test_paper_notes_are_typed_in_one_per_line_and_behave_like_the_others(room):
    alice = room.phone("Alice")
    ack = room.facilitator.call(
        "note:paper", {"bloc": room.bloc["id"], "text": "Transport collectif\n\n  Tarifs solidaires  \n"}
    )
    assert ack["ok"] and len(ack["notes"]) == 2
    for screen in (alice, room.projector):
        assert screen.wait_for(lambda s: set(ack["notes"]) <= set(s.notes))
    assert [alice.notes[i]["text"] for i in ack["notes"]] == ["Transport collectif", "Tarifs solidaires"]
    assert all(alice.notes[i]["paper"] for i in ack["notes"])
    assert room.facilitator.call("bloc:phase", {"bloc": room.bloc["id"], "phase": "vote"})["ok"]
    assert alice.call("vote", {"bloc": room.bloc["id"], "item": f"n{ack['notes'][0]}", "dots": 1})["ok"]
    assert "Tarifs solidaires" in every_export_text(room.server, room.workshop)
    assert json.loads(export(room.server, room.workshop, "json"))["notes"][0]["paper"] is True

    empty = room.facilitator.call("note:paper", {"bloc": room.bloc["id"], "text": " \n \n"})
    assert empty["error"]["code"] == "note_empty"
    refused = alice.call("note:paper", {"bloc": room.bloc["id"], "text": "Moi aussi"})
    assert refused["error"]["code"] == "forbidden"


@pytest.mark.parametrize("mode", ["anonymous", "pseudonym"])
def test_no_name_reaches_a_screen_or_an_export_where_the_mode_forbids_it(live_server, mode):
    server = live_server()
    workshop = create_workshop(server, identity=mode)
    assert fetch_state(server, workshop)["workshop"]["identity"] == mode
    room = Room(server, workshop)
    try:
        zoe = room.phone("Zoé Secrète")
        post(zoe, room.bloc, "Une idée sans signature")
        assert room.facilitator.call("draw:open", {"open": True})["ok"]
        assert zoe.call("draw:volunteer", {"volunteer": True})["ok"]
        assert room.phone("Yves").call("draw:volunteer", {"volunteer": True})["ok"]
        assert room.facilitator.call("draw:run", {"mode": "teams", "team_size": 2, "seed": 1})["ok"]
        staff = fetch_state(server, workshop)
        names = {p["name"] for p in staff["participants"]}
        # The staff see pseudonyms, never names of an anonymous atelier.
        assert ("Zoé Secrète" in names) == (mode == "pseudonym")
        assert zoe.me.get("name") in (None, "Zoé Secrète")
        assert room.projector.wait_for(lambda s: any((p.get("workshop") or {}).get("draw") for p in s.patches))
        others = [room.projector, *(phone for phone in room.phones if phone is not zoe)]
        assert "Zoé" not in json.dumps([screen.patches for screen in others])
        assert "Zoé" not in every_export_text(server, workshop)
    finally:
        room.close()


def test_the_identity_mode_can_become_more_discreet_never_less_once_people_joined(live_server):
    server = live_server()
    workshop = create_workshop(server, identity="pseudonym")
    room = Room(server, workshop)
    try:
        # Nobody joined yet: the facilitator may still change their mind both ways.
        assert room.facilitator.call("workshop:identity", {"identity": "named"})["ok"]
        assert room.facilitator.call("workshop:identity", {"identity": "pseudonym"})["ok"]
        room.phone("Alice")
        refused = room.facilitator.call("workshop:identity", {"identity": "named"})
        assert refused["error"]["code"] == "identity_locked" and "jamais moins" in refused["error"]["message"]
        assert room.facilitator.call("workshop:identity", {"identity": "anonymous"})["ok"]
        assert fetch_state(server, workshop)["workshop"]["identity"] == "anonymous"
        assert room.facilitator.call("workshop:identity", {"identity": "pseudonym"})["error"]["code"] == (
            "identity_locked"
        )
        bad = room.facilitator.call("workshop:identity", {"identity": "public"})
        assert bad["error"]["code"] == "bad_request"
    finally:
        room.close()


def test_creating_an_atelier_with_an_unknown_identity_mode_is_refused(live_server):
    server = live_server()
    response = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs", "identity": "public"}, timeout=10
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_a_hidden_note_takes_no_vote(room):
    alice = room.phone("Alice")
    hidden = post(alice, room.bloc, "Masquée avant le vote")
    shown = post(alice, room.bloc, "Visible au vote")
    assert room.facilitator.call("note:hide", {"note": hidden["id"], "hidden": True})["ok"]
    assert room.facilitator.call("bloc:phase", {"bloc": room.bloc["id"], "phase": "vote"})["ok"]
    refused = alice.call("vote", {"bloc": room.bloc["id"], "item": f"n{hidden['id']}", "dots": 1})
    assert refused["error"]["code"] == "unknown_item"
    assert alice.call("vote", {"bloc": room.bloc["id"], "item": f"n{shown['id']}", "dots": 1})["ok"]
    assert room.facilitator.call("bloc:phase", {"bloc": room.bloc["id"], "phase": "clos"})["ok"]
    ranking = fetch_state(room.server, room.workshop)["results"][str(room.bloc["id"])]["ranking"]
    assert [r["label"] for r in ranking] == ["Visible au vote"]
