"""The facilitation flow through Socket.IO: phases, private writing, "j'ai
terminé", countdowns, team draws, adjusting the plan, saving it as a template."""

import pytest
from helpers import add, changes, ok, private_bloc, public_bloc, staff, state_of


def merged(client_state, client):
    """The blocs a screen knows after its snapshot and every patch since."""
    blocs = {b["id"]: b for b in client_state.get("blocs", [])}
    for c in changes(client):
        blocs.update({b["id"]: b for b in c.get("blocs", [])})
        for removed in c.get("deleted_blocs", []):
            blocs.pop(removed, None)
    return blocs


@pytest.fixture
def room(connect, workshop):
    facilitator = staff(connect, workshop)
    projector = staff(connect, workshop, "projector")
    alice = connect({"code": workshop["code"], "name": "Alice"})
    bob = connect({"code": workshop["code"], "name": "Bob"})
    for client in (facilitator, projector, alice, bob):
        client.get_received()
    return facilitator, projector, alice, bob


def test_every_phase_in_order_and_back(room, workshop):
    facilitator, projector, alice, bob = room
    bloc = public_bloc(workshop)
    for phase in ["devoilement", "regroupement", "vote", "clos", "vote"]:
        ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": phase})
        for screen in (projector, alice, bob):
            assert changes(screen)[-1]["blocs"][0]["phase"] == phase


def test_visibility_of_private_writing_per_phase(room, workshop):
    facilitator, projector, alice, bob = room
    bloc = private_bloc(workshop)
    add(alice, bloc, "Passion, engagement")
    add(bob, bloc, "Solidarité")
    # Écriture: each author sees their own note only; the staff see counts.
    assert [n["text"] for c in changes(alice) for n in c.get("notes", [])] == ["Passion, engagement"]
    assert [n["text"] for c in changes(bob) for n in c.get("notes", [])] == ["Solidarité"]
    for screen in (facilitator, projector):
        seen = changes(screen)
        assert not any("notes" in c for c in seen)
        counts = {p["name"]: p["notes"].get(str(bloc["id"])) for c in seen for p in c.get("participants", [])}
        assert counts == {"Alice": 1, "Bob": 1}
    # Dévoilement: one snapshot with every note to every screen.
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "devoilement"})
    for screen in (facilitator, projector, alice, bob):
        reveal = changes(screen)[-1]
        assert sorted(n["text"] for n in reveal["notes"]) == ["Passion, engagement", "Solidarité"]
    # Back to écriture: the room's screens replace the bloc's notes with their own.
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "ecriture"})
    hidden = changes(bob)[-1]
    assert hidden["blocs"][0]["id"] == bloc["id"] and [n["text"] for n in hidden.get("notes", [])] == []


def test_late_joiner_sees_revealed_notes_only(connect, room, workshop):
    facilitator, _, alice, _ = room
    bloc = private_bloc(workshop)
    add(alice, bloc, "secret pour l'instant")
    late = connect({"code": workshop["code"]})
    assert [n for n in state_of(late).get("notes", []) if n["bloc"] == bloc["id"]] == []
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "devoilement"})
    later = connect({"code": workshop["code"]})
    assert [n["text"] for n in state_of(later)["notes"]] == ["secret pour l'instant"]


def test_done_signal_reaches_the_staff_and_its_author(room, workshop):
    facilitator, projector, alice, bob = room
    bloc = public_bloc(workshop)
    ok(alice, "bloc:done", {"bloc": bloc["id"], "done": True})
    for screen in (facilitator, projector):
        done = {p["name"]: p["done"] for c in changes(screen) for p in c.get("participants", [])}
        assert done == {"Alice": [bloc["id"]]}
    mine = changes(alice)[-1]["participants"]
    assert [(p["name"], p["done"]) for p in mine] == [("Alice", [bloc["id"]])]
    assert changes(bob) == []
    ok(alice, "bloc:done", {"bloc": bloc["id"], "done": False})
    assert changes(facilitator)[-1]["participants"][0]["done"] == []
    assert facilitator.emit("bloc:done", {"bloc": bloc["id"]}, callback=True)["error"]["code"] == "forbidden"


def test_timer_runs_on_the_server_clock_and_survives_a_reconnect(connect, room, workshop, app):
    facilitator, projector, alice, _ = room
    clock = [1000.0]
    app.extensions["facilitate"].clock = lambda: clock[0]
    bloc = public_bloc(workshop)
    ok(facilitator, "timer", {"bloc": bloc["id"], "action": "reset", "seconds": 300})
    ok(facilitator, "timer", {"bloc": bloc["id"], "action": "start"})
    started = changes(alice)[-1]
    assert started["blocs"][0]["timer"] == {"running": True, "remaining": 300.0, "ends_at": 1300.0}
    assert started["server_time"] == 1000.0
    clock[0] = 1100.0
    ok(facilitator, "timer", {"bloc": bloc["id"], "action": "extend", "seconds": 120})
    assert changes(projector)[-1]["blocs"][0]["timer"]["ends_at"] == 1420.0
    # A phone that reconnects later gets the same end time and the server's clock.
    clock[0] = 1200.0
    token = None
    phone = connect({"code": workshop["code"], "name": "Carole"})
    token = state_of(phone)["me"]["token"]
    phone.disconnect()
    back = state_of(connect({"code": workshop["code"], "token": token}))
    timer = next(b for b in back["blocs"] if b["id"] == bloc["id"])["timer"]
    assert timer["ends_at"] == 1420.0 and back["server_time"] == 1200.0
    ok(facilitator, "timer", {"bloc": bloc["id"], "action": "pause"})
    assert changes(alice)[-1]["blocs"][0]["timer"] == {"running": False, "remaining": 220.0, "ends_at": None}
    bad = facilitator.emit("timer", {"bloc": bloc["id"], "action": "explode"}, callback=True)
    assert bad["error"]["code"] == "bad_request"
    assert alice.emit("timer", {"bloc": bloc["id"], "action": "start"}, callback=True)["error"]["code"] == "forbidden"


def test_team_draw_with_a_fixed_seed_then_a_decline(connect, workshop):
    facilitator = staff(connect, workshop)
    projector = staff(connect, workshop, "projector")
    phones = [connect({"code": workshop["code"], "name": f"P{i}"}) for i in range(5)]
    ids = {state_of(p)["me"]["id"]: p for p in phones}
    assert (
        phones[0].emit("draw:volunteer", {"volunteer": True}, callback=True)["error"]["code"] == "volunteering_closed"
    )
    ok(facilitator, "draw:open", {"open": True})
    for phone in phones:
        ok(phone, "draw:volunteer", {"volunteer": True})
    projector.get_received()
    ok(facilitator, "draw:run", {"mode": "teams", "team_size": 2, "seed": 2026})
    after_draw = changes(projector)[-1]["workshop"]
    draw = after_draw["draw"]
    assert [len(t) for t in draw["teams"]] == [2, 2] and draw["waiting"] == 1
    assert after_draw["volunteering"] is False and after_draw["volunteers"] == 5

    # The same seed gives the same teams: a draw is reproducible.
    again = connect({"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    assert state_of(again)["workshop"]["draw"]["teams"] == draw["teams"]

    drawn = draw["teams"][0][0]["id"]
    ok(ids[drawn], "draw:answer", {"accept": False})
    after = changes(projector)[-1]["workshop"]["draw"]
    assert drawn not in [m["id"] for t in after["teams"] for m in t]
    assert [len(t) for t in after["teams"]] == [2, 2] and after["waiting"] == 0
    other = draw["teams"][1][0]["id"]
    ok(ids[other], "draw:answer", {"accept": True})
    statuses = {m["id"]: m["status"] for t in changes(projector)[-1]["workshop"]["draw"]["teams"] for m in t}
    assert statuses[other] == "confirmed"
    assert phones[0].emit("draw:run", {"team_size": 2}, callback=True)["error"]["code"] == "forbidden"


def test_draw_needs_enough_volunteers(connect, workshop):
    facilitator = staff(connect, workshop)
    ack = facilitator.emit("draw:run", {"mode": "teams", "team_size": 3}, callback=True)
    assert ack["error"]["code"] == "not_enough_volunteers"


def test_the_facilitator_adjusts_the_plan_and_every_screen_follows(room, workshop):
    facilitator, projector, alice, _ = room
    blocs = workshop["blocs"]
    ok(
        facilitator,
        "bloc:add",
        {
            "kind": "columns",
            "title": "Prochaines étapes",
            "prompt": "Qui fait quoi ?",
            "columns": ["Action", "Responsable"],
            "position": 1,
        },
    )
    added = [b for c in changes(alice) for b in c.get("blocs", []) if b["title"] == "Prochaines étapes"][0]
    assert added["position"] == 1 and [c["label"] for c in added["columns"]] == ["Action", "Responsable"]

    ok(facilitator, "bloc:update", {"bloc": blocs[0]["id"], "title": "Bilan croisé", "private_writing": False})
    renamed = changes(projector)[-1]["blocs"][0]
    assert renamed["title"] == "Bilan croisé" and renamed["private_writing"] is False

    board = public_bloc(workshop)
    add(alice, board, "dans la colonne 1", column=board["columns"][0]["id"])
    refused = facilitator.emit("bloc:update", {"bloc": board["id"], "columns": [board["columns"][1]]}, callback=True)
    assert refused["error"]["code"] in ("column_has_notes", "bloc_invalid")
    ok(facilitator, "bloc:update", {"bloc": board["id"], "columns": [*board["columns"], {"label": "Nouvelle"}]})
    assert [c["label"] for c in changes(alice)[-1]["blocs"][0]["columns"]][-1] == "Nouvelle"
    one_column = facilitator.emit("bloc:update", {"bloc": board["id"], "columns": [{"label": "Seule"}]}, callback=True)
    assert one_column["error"]["code"] in ("bloc_invalid", "column_has_notes")

    ok(facilitator, "bloc:move", {"bloc": blocs[-1]["id"], "position": 0})
    order = sorted(merged({"blocs": blocs}, alice).values(), key=lambda b: b["position"])
    assert order[0]["id"] == blocs[-1]["id"]

    ok(facilitator, "bloc:goto", {"bloc": blocs[2]["id"]})
    ok(facilitator, "bloc:remove", {"bloc": blocs[2]["id"]})
    last = changes(alice)[-1]
    assert last["deleted_blocs"] == [blocs[2]["id"]] and last["workshop"]["current_bloc"] != blocs[2]["id"]
    for payload, code in [
        ({"kind": "columns", "title": "X", "columns": ["seule"]}, "bloc_invalid"),
        ({"kind": "mystère", "title": "X"}, "bloc_invalid"),
        ({"kind": "brainstorm", "title": "  "}, "bloc_invalid"),
        ({"kind": "brainstorm", "title": "X", "vote_budget": 50}, "bloc_invalid"),
    ]:
        assert facilitator.emit("bloc:add", payload, callback=True)["error"]["code"] == code
    assert alice.emit("bloc:add", {"kind": "brainstorm", "title": "X"}, callback=True)["error"]["code"] == "forbidden"


def test_save_the_adjusted_atelier_as_a_new_template(room, workshop, http):
    facilitator = room[0]
    ok(facilitator, "bloc:add", {"kind": "questions", "title": "Suites", "columns": ["Qui ?", "Quand ?"]})
    key = {"X-Facilitator-Key": workshop["facilitator_key"]}
    saved = http.post(f"/api/workshops/{workshop['id']}/template", json={"title": "RQDS, version 2026"}, headers=key)
    assert saved.status_code == 201, saved.get_json()
    template = saved.get_json()
    assert template["id"] == "rqds-version-2026" and template["blocs"][-1]["title"] == "Suites"
    assert "rqds-version-2026" in [t["id"] for t in http.get("/api/templates").get_json()]
    created = http.post("/api/workshops", json={"template": "rqds-version-2026"}).get_json()
    state = http.get(f"/api/workshops/{created['id']}", headers={"X-Facilitator-Key": created["facilitator_key"]})
    assert [c["label"] for c in state.get_json()["blocs"][-1]["columns"]] == ["Qui ?", "Quand ?"]
    again = http.post(f"/api/workshops/{workshop['id']}/template", json={"title": "RQDS, version 2026"}, headers=key)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "template_exists"
    assert http.post(f"/api/workshops/{workshop['id']}/template", json={"title": "x"}).status_code == 403
