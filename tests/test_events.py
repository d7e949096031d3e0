"""Every Socket.IO event through Flask-SocketIO's test client, errors included."""

import pytest
from helpers import add, changes, private_bloc, public_bloc, staff, state_of

# -- connecting ------------------------------------------------------------------


def test_participant_gets_a_token_and_resumes_the_same_identity(connect, workshop):
    first = connect({"code": workshop["code"], "name": "  Josée "})
    me = state_of(first)["me"]
    assert me["role"] == "participant" and me["name"] == "Josée" and len(me["token"]) >= 32
    ack = add(first, public_bloc(workshop))
    first.disconnect()

    again = connect({"code": workshop["code"].lower(), "token": me["token"]})
    state = state_of(again)
    assert state["me"]["id"] == me["id"] and state["me"]["name"] == "Josée"
    mine = [n for n in state["notes"] if n["mine"]]
    assert [n["id"] for n in mine] == [ack["note"]["id"]]


def test_participants_see_themselves_never_the_others(connect, workshop):
    alice = connect({"code": workshop["code"], "name": "Alice"})
    connect({"code": workshop["code"], "name": "Bob"})
    assert [p["name"] for p in state_of(alice)["participants"]] == ["Alice"]
    add(alice, public_bloc(workshop))
    assert all(p["name"] == "Alice" for c in changes(alice) for p in c.get("participants", []))


def test_anonymous_participant(connect, workshop):
    client = connect({"code": workshop["code"]})
    assert state_of(client)["me"]["name"] is None


@pytest.mark.parametrize("auth", [None, {}, {"code": "ZZZZZZ"}, {"code": 12}])
def test_unknown_code_is_refused(connect, workshop, auth):
    assert not connect(auth).is_connected()


def test_bad_facilitator_key_is_refused(connect, workshop):
    assert not connect({"code": workshop["code"], "facilitator_key": "devine"}).is_connected()


def test_unknown_token_gets_a_new_identity_rather_than_someone_elses(connect, workshop):
    alice = state_of(connect({"code": workshop["code"], "name": "Alice"}))["me"]
    stranger = state_of(connect({"code": workshop["code"], "token": "pas-un-jeton"}))["me"]
    assert stranger["id"] != alice["id"] and stranger["token"] != alice["token"]


def test_facilitator_sees_participants_arrive(connect, workshop):
    facilitator = staff(connect, workshop)
    state_of(facilitator)
    connect({"code": workshop["code"], "name": "Alice"})
    arrivals = [p for c in changes(facilitator) for p in c.get("participants", [])]
    assert [p["name"] for p in arrivals] == ["Alice"]


# -- notes -------------------------------------------------------------------------


def test_note_reaches_facilitator_projector_and_room_live(connect, workshop):
    facilitator, projector = staff(connect, workshop), staff(connect, workshop, "projector")
    alice, bob = connect({"code": workshop["code"], "name": "Alice"}), connect({"code": workshop["code"]})
    for c in (facilitator, projector, alice, bob):
        c.get_received()
    bloc = public_bloc(workshop)
    ack = add(alice, bloc, "Humain au cœur", column=bloc["columns"][1]["id"])
    assert ack["ok"] and ack["note"]["text"] == "Humain au cœur" and ack["note"]["mine"]
    assert ack["note"]["column"] == bloc["columns"][1]["id"]
    for screen in (facilitator, projector, bob):
        seen = [n for c in changes(screen) for n in c.get("notes", [])]
        assert [n["text"] for n in seen] == ["Humain au cœur"]
    assert all("author" not in n for c in changes(alice) for n in c.get("notes", []))


def test_same_client_id_never_duplicates(connect, workshop, http):
    alice = connect({"code": workshop["code"]})
    payload = {"bloc": public_bloc(workshop)["id"], "text": "Solidarité", "client_id": "abc-123"}
    first = alice.emit("note:add", payload, callback=True)
    second = alice.emit("note:add", payload, callback=True)
    assert first["ok"] and second["ok"] and first["note"]["id"] == second["note"]["id"]
    state = http.get(
        f"/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": workshop["facilitator_key"]}
    ).get_json()
    assert [n["text"] for n in state["notes"]] == ["Solidarité"]


def test_seq_increases_with_every_change(connect, workshop):
    facilitator = staff(connect, workshop)
    start = state_of(facilitator)["seq"]
    alice = connect({"code": workshop["code"]})
    add(alice, public_bloc(workshop))
    add(alice, public_bloc(workshop))
    seqs = [c["seq"] for c in changes(facilitator)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3 and seqs[0] > start
    assert all(c["since"] == c["seq"] - 1 for c in changes(facilitator) or [])


@pytest.mark.parametrize(
    "payload,code",
    [
        ({"text": "   "}, "note_empty"),
        ({"text": ""}, "note_empty"),
        ({"text": "x" * 501}, "note_too_long"),
        ({"text": None}, "bad_request"),
        ({"bloc": 99999}, "unknown_bloc"),
        ({"bloc": "deux"}, "bad_request"),
        ({"column": "nope"}, "unknown_column"),
        ({"client_id": ["x"]}, "bad_request"),
    ],
)
def test_bad_notes_get_clear_errors_and_the_connection_stays(connect, workshop, payload, code):
    alice = connect({"code": workshop["code"]})
    bloc = public_bloc(workshop)
    ack = alice.emit("note:add", {"bloc": bloc["id"], "text": "ok", **payload}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code and ack["error"]["message"]
    assert alice.is_connected()
    assert add(alice, bloc)["ok"]


@pytest.mark.parametrize("payload", ["texte", 42, None, [1, 2], True])
def test_malformed_payloads_are_refused_for_every_event(connect, workshop, payload):
    alice, facilitator = connect({"code": workshop["code"]}), staff(connect, workshop)
    for client, event in [
        (alice, "note:add"),
        (alice, "note:edit"),
        (alice, "note:delete"),
        (facilitator, "bloc:goto"),
        (facilitator, "bloc:phase"),
    ]:
        ack = client.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (event, ack)
        assert client.is_connected()


def test_edit_and_delete_own_notes_only(connect, workshop):
    facilitator = staff(connect, workshop)
    alice, bob = connect({"code": workshop["code"]}), connect({"code": workshop["code"]})
    note = add(alice, public_bloc(workshop))["note"]

    refused = bob.emit("note:edit", {"id": note["id"], "text": "piraté"}, callback=True)
    assert refused["error"]["code"] == "not_your_note"
    refused = bob.emit("note:delete", {"id": note["id"]}, callback=True)
    assert refused["error"]["code"] == "not_your_note"

    facilitator.get_received()
    edited = alice.emit("note:edit", {"id": note["id"], "text": "Solidarité régionale"}, callback=True)
    assert edited["ok"] and edited["note"]["text"] == "Solidarité régionale"
    assert alice.emit("note:edit", {"id": note["id"], "text": " "}, callback=True)["error"]["code"] == "note_empty"
    deleted = alice.emit("note:delete", {"id": note["id"]}, callback=True)
    assert deleted["ok"]
    seen = changes(facilitator)
    assert [n["text"] for c in seen for n in c.get("notes", [])] == ["Solidarité régionale"]
    assert seen[-1]["deleted_notes"] == [note["id"]]
    gone = alice.emit("note:edit", {"id": note["id"], "text": "encore"}, callback=True)
    assert gone["error"]["code"] == "unknown_note"


def test_participants_cannot_send_facilitator_events(connect, workshop):
    alice = connect({"code": workshop["code"]})
    bloc = public_bloc(workshop)
    for event, payload in [("bloc:goto", {"bloc": bloc["id"]}), ("bloc:phase", {"bloc": bloc["id"], "phase": "vote"})]:
        ack = alice.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert alice.is_connected()


def test_projector_cannot_write(connect, workshop):
    projector = staff(connect, workshop, "projector")
    assert add(projector, public_bloc(workshop))["error"]["code"] == "forbidden"
    assert (
        projector.emit("bloc:goto", {"bloc": public_bloc(workshop)["id"]}, callback=True)["error"]["code"]
        == "forbidden"
    )


def test_facilitator_moves_every_screen_to_the_next_bloc(connect, workshop):
    facilitator, projector = staff(connect, workshop), staff(connect, workshop, "projector")
    alice = connect({"code": workshop["code"]})
    for c in (facilitator, projector, alice):
        c.get_received()
    target = workshop["blocs"][2]
    assert facilitator.emit("bloc:goto", {"bloc": target["id"]}, callback=True)["ok"] is True
    for screen in (facilitator, projector, alice):
        assert changes(screen)[-1]["workshop"]["current_bloc"] == target["id"]
    assert facilitator.emit("bloc:goto", {"bloc": 424242}, callback=True)["error"]["code"] == "unknown_bloc"


def test_private_writing_until_the_reveal(connect, workshop):
    facilitator = staff(connect, workshop)
    alice, bob = connect({"code": workshop["code"], "name": "Alice"}), connect({"code": workshop["code"]})
    for c in (facilitator, alice, bob):
        c.get_received()
    bloc = private_bloc(workshop)
    assert add(alice, bloc, "Passion")["ok"]
    assert changes(bob) == []
    staff_view = changes(facilitator)
    assert all("notes" not in c for c in staff_view)
    assert staff_view[-1]["participants"][0]["notes"] == {str(bloc["id"]): 1}

    assert facilitator.emit("bloc:phase", {"bloc": bloc["id"], "phase": "devoilement"}, callback=True)["ok"]
    reveal = changes(bob)[-1]
    assert reveal["blocs"][0]["phase"] == "devoilement"
    assert [n["text"] for n in reveal["notes"]] == ["Passion"]
    assert [n["text"] for c in changes(facilitator) for n in c.get("notes", [])] == ["Passion"]
    bad = facilitator.emit("bloc:phase", {"bloc": bloc["id"], "phase": "fini"}, callback=True)
    assert bad["error"]["code"] == "unknown_phase"


def test_writing_closes_after_the_writing_phases(connect, workshop):
    facilitator, alice = staff(connect, workshop), connect({"code": workshop["code"]})
    bloc = public_bloc(workshop)
    facilitator.emit("bloc:phase", {"bloc": bloc["id"], "phase": "vote"}, callback=True)
    assert add(alice, bloc)["error"]["code"] == "writing_closed"
    assert add(facilitator, bloc, "ajout de l'animation")["ok"]


def test_sync_returns_what_was_missed(connect, workshop):
    alice, bob = connect({"code": workshop["code"]}), connect({"code": workshop["code"]})
    seen = state_of(bob)["seq"]
    bloc = public_bloc(workshop)
    kept = add(alice, bloc, "reste")["note"]
    gone = add(alice, bloc, "part")["note"]
    alice.emit("note:delete", {"id": gone["id"]}, callback=True)
    ack = bob.emit("sync", {"since": seen}, callback=True)
    assert ack["ok"] and ack["state"]["since"] == seen and not ack["state"]["full"]
    assert [n["id"] for n in ack["state"]["notes"]] == [kept["id"]]
    assert ack["state"]["deleted_notes"] == [gone["id"]]
    assert bob.emit("sync", {"since": 10**9}, callback=True)["state"]["full"] is True


def test_reconnecting_with_since_gets_only_the_missed_changes(connect, workshop):
    alice = connect({"code": workshop["code"]})
    first = state_of(alice)
    token, seen = first["me"]["token"], first["seq"]
    alice.disconnect()
    bob = connect({"code": workshop["code"]})
    add(bob, public_bloc(workshop), "pendant la coupure")
    back = connect({"code": workshop["code"], "token": token, "since": seen})
    state = state_of(back)
    assert state["full"] is False
    assert [n["text"] for n in state["notes"]] == ["pendant la coupure"]
