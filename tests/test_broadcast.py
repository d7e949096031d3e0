"""Coalesced broadcasting (facilitate/broadcast.py) on the real server with
python-socketio clients: one frame per window and audience, no gap after
changes a screen may not see, a large room's phones on a diet, and the
state newcomers share."""

from __future__ import annotations

import threading

from helpers import Screen, create_workshop, fetch_state


def blocs_of(server, workshop) -> tuple[dict, dict]:
    """(a public columns bloc, a private writing bloc) of the RQDS template."""
    blocs = fetch_state(server, workshop)["blocs"]
    public = next(b for b in blocs if b["kind"] == "columns" and not b["private_writing"])
    return public, next(b for b in blocs if b["private_writing"])


def screens(server, workshop, *names: str) -> tuple[Screen, ...]:
    staff_auth = {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}
    return (Screen(server.url, staff_auth), *(Screen(server.url, {"code": workshop["code"], "name": n}) for n in names))


def watch_gaps(screen: Screen) -> list[tuple[int, int]]:
    """Every `change` whose since is past what the screen had (it would resync)."""
    gaps: list[tuple[int, int]] = []

    def on_change(patch: dict) -> None:
        if patch["since"] > screen.seq:
            gaps.append((patch["since"], screen.seq))
        screen._apply(patch)

    screen.client.on("change", on_change)
    return gaps


def test_a_burst_of_notes_reaches_a_phone_in_fewer_frames_than_notes(live_server):
    server = live_server(env={"FACILITATE_BROADCAST_WINDOW_MS": "300"})
    workshop = create_workshop(server)
    public, _ = blocs_of(server, workshop)
    facilitator, writer, reader = screens(server, workshop, "Ana", "Béa")
    ack = facilitator.call("bloc:goto", {"bloc": public["id"]})
    assert ack["ok"] and isinstance(ack["seq"], int)  # the ack names the committed seq
    before = len(reader.patches)
    acked = []
    done = threading.Event()

    def collect(answer: dict) -> None:
        acked.append(answer)
        if len(acked) == 20:
            done.set()

    for i in range(20):  # without waiting for each ack: a burst
        writer.client.emit("note:add", {"bloc": public["id"], "text": f"Idée {i}"}, callback=collect)
    assert done.wait(15) and all(a["ok"] for a in acked)
    ids = {a["note"]["id"] for a in acked}
    assert reader.wait_for(lambda s: ids <= s.notes.keys())
    frames = [p for p in reader.patches[before:] if p.get("notes")]
    assert 1 <= len(frames) < 20, f"{len(frames)} frames for 20 notes"
    assert facilitator.wait_for(lambda s: ids <= s.notes.keys())


def test_no_gap_after_changes_a_phone_may_not_see(atelier):
    """Private notes change the seq without reaching the other phones: the
    reveal's patch must start where each phone is, not force a resync."""
    server, workshop = atelier
    _, private = blocs_of(server, workshop)
    facilitator, alice, bob = screens(server, workshop, "Alice", "Bob")
    gaps = watch_gaps(bob)
    assert facilitator.call("bloc:goto", {"bloc": private["id"]})["ok"]
    acks = [alice.call("note:add", {"bloc": private["id"], "text": f"Secret {i}"}) for i in range(3)]
    written = [ack["note"]["id"] for ack in acks]
    assert facilitator.wait_for(lambda s: s.seq >= acks[-1]["seq"])  # broadcast, but not to Bob
    assert not set(written) & bob.notes.keys()
    assert facilitator.call("bloc:phase", {"bloc": private["id"], "phase": "devoilement"})["ok"]
    assert bob.wait_for(lambda s: set(written) <= s.notes.keys())
    assert gaps == []


def test_a_large_room_gets_counts_while_writing_and_the_board_at_the_reveal(live_server):
    server = live_server(env={"FACILITATE_LARGE_ROOM": "3"})
    workshop = create_workshop(server)
    public, _ = blocs_of(server, workshop)
    projector = Screen(
        server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"], "role": "projector"}
    )
    facilitator, alice, bob, carl = screens(server, workshop, "Alice", "Bob", "Carl")
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"]
    note = alice.call("note:add", {"bloc": public["id"], "text": "Une idée"})["note"]
    counts = lambda s: [p["note_counts"] for p in s.patches if "note_counts" in p]  # noqa: E731
    assert bob.wait_for(lambda s: {str(public["id"]): 1} in counts(s))
    assert alice.wait_for(lambda s: note["id"] in s.notes)  # her own note
    for screen in (facilitator, projector):  # the room's screens see every note
        assert screen.wait_for(lambda s: note["id"] in s.notes)
    assert note["id"] not in bob.notes and note["id"] not in carl.notes
    assert facilitator.call("bloc:phase", {"bloc": public["id"], "phase": "devoilement"})["ok"]
    for phone in (bob, carl):
        assert phone.wait_for(lambda s: note["id"] in s.notes)


def test_a_small_room_keeps_every_note_live(atelier):
    server, workshop = atelier
    public, _ = blocs_of(server, workshop)
    facilitator, alice, bob = screens(server, workshop, "Alice", "Bob")
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"]
    note = alice.call("note:add", {"bloc": public["id"], "text": "En direct"})["note"]
    assert bob.wait_for(lambda s: note["id"] in s.notes)
    assert not any("note_counts" in p for p in bob.patches)


def test_newcomers_share_one_snapshot_until_the_room_sees_a_change(atelier):
    server, workshop = atelier
    public, _ = blocs_of(server, workshop)
    facilitator, alice = screens(server, workshop, "Alice")
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"]
    note = alice.call("note:add", {"bloc": public["id"], "text": "Déjà là"})["note"]
    assert facilitator.wait_for(lambda s: note["id"] in s.notes)
    alice.wait_for(lambda s: note["id"] in s.notes)
    first, second = (Screen(server.url, {"code": workshop["code"], "name": n}) for n in ("Dina", "Éli"))
    snapshots = [first.patches[0], second.patches[0]]
    # Each join is a change (the console sees the arrival), yet both got the same board, read once.
    assert snapshots[0]["seq"] == snapshots[1]["seq"]
    assert facilitator.wait_for(lambda s: s.seq > snapshots[1]["seq"])
    for screen, name in ((first, "Dina"), (second, "Éli")):
        state = screen.patches[0]
        assert [p["name"] for p in state["participants"]] == [name] and state["me"]["name"] == name
        assert note["id"] in screen.notes and not screen.notes[note["id"]]["mine"]
    # Once the room sees something new, the next newcomer gets a fresh snapshot.
    later = alice.call("note:add", {"bloc": public["id"], "text": "Nouvelle"})["note"]
    assert first.wait_for(lambda s: later["id"] in s.notes)
    third = Screen(server.url, {"code": workshop["code"], "name": "Fred"})
    assert third.patches[0]["seq"] > snapshots[0]["seq"] and later["id"] in third.notes
    # Their own notes come back with `mine` once they write.
    mine = third.call("note:add", {"bloc": public["id"], "text": "La mienne"})["note"]
    assert third.wait_for(lambda s: mine["id"] in s.notes and s.notes[mine["id"]]["mine"])
    for screen in (facilitator, alice, first, second, third):
        screen.close()
