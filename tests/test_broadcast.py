"""Coalesced broadcasting (facilitate/broadcast.py) on the real server with
python-socketio clients: one frame per window and audience, no gap after
changes a screen may not see, a large room's phones on a diet, and the
state newcomers share."""

from __future__ import annotations

from helpers import Screen, create_workshop, fetch_state, join
from playwright.sync_api import expect

from facilitate.broadcast import ROOM_SHARDS, Broadcaster


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


class Clock:
    """Time that passes only when the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_room_waits_for_its_window_while_the_console_stays_live(app):
    """The broadcaster itself, over the real service and read model, with a
    clock where a frame to a part of the room costs 10 ms (a room of
    thousands) and any other 0.1 ms. Notes keep coming while the room's frame
    is being sent (between its parts, as other handlers run in the pauses):
    the console gets every note as it comes; the room gets the first at once,
    then one frame with all the others once that sending is over."""
    service = app.extensions["facilitate"]
    workshop = service.create_workshop({"template": "raviver-nos-couleurs"})
    bloc = next(b for b in workshop_blocs(service, workshop) if b.kind.value == "columns" and not b.private_writing)
    clock, frames, later, pauses = Clock(), [], [], []
    room_parts = [f"w:{workshop.id}:s:{shard}" for shard in range(ROOM_SHARDS)]
    writer, _ = service.identify({"code": workshop.code, "name": "Ana"})
    ids: list[int] = []

    def write() -> None:
        note, change = service.add_note(writer, {"bloc": bloc.id, "text": f"Idée {len(ids)}"})
        ids.append(note.id)
        broadcaster.changed(change)

    def emit(event: str, data: dict, room: str, workshop_id: str) -> None:
        clock.now += 0.010 if room in room_parts else 0.0001
        frames.append((room, data))

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        clock.now += seconds
        if len(ids) < 20 and len(pauses) % 2:  # other handlers commit notes meanwhile
            write()

    broadcaster = Broadcaster(
        service, emit, start=lambda fn, *args: later.append((fn, args)), sleep=pause, window=0.25, clock=clock
    )
    write()
    while len(ids) < 20:  # the rest of the burst, if the first sending was too short to hold it
        write()
    room_frames = [data for room, data in frames if room == room_parts[0]]
    staff_frames = [data for room, data in frames if room == f"w:{workshop.id}:staff"]
    assert [[n["id"] for n in frame["notes"]] for frame in staff_frames] == [[i] for i in ids]  # live
    assert len(room_frames) == 1 and [n["id"] for n in room_frames[0]["notes"]] == ids[:1]
    [(flush_later, args)] = later  # one flusher for the room, started by the second note
    assert args[1] == "room"
    flush_later(*args)
    room_frames = [data for room, data in frames if room == room_parts[0]]
    assert len(room_frames) == 2 and {n["id"] for n in room_frames[1]["notes"]} == set(ids[1:])
    assert room_frames[1]["since"] == room_frames[0]["seq"]  # the second frame starts where the first ended
    assert all(len([r for r, _ in frames if r == part]) == 2 for part in room_parts)  # every part of the room


def workshop_blocs(service, workshop):
    from facilitate import store

    with service.db.reading() as conn:
        return store.list_blocs(conn, workshop.id)


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


def test_a_phone_of_a_large_room_shows_the_count_then_the_notes_at_the_reveal(browser, live_server):
    """In Chromium: a phone of a large room reads how many notes the room
    wrote while it writes, and the notes themselves once they are revealed."""
    server = live_server(env={"FACILITATE_LARGE_ROOM": "2"})
    workshop = create_workshop(server)
    public, _ = blocs_of(server, workshop)
    facilitator = Screen(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"]
    ana, ben = (join(browser, workshop["join_url"], name) for name in ("Ana", "Ben"))
    ana.get_by_label("Votre note").fill("Une salle comble")
    ana.get_by_role("button", name="Envoyer la note").click()
    expect(ben.locator("#room-count")).to_have_text(
        "Notes écrites dans la salle : 1. Elles s'afficheront au dévoilement."
    )
    expect(ben.locator("body")).not_to_contain_text("Une salle comble")
    assert facilitator.call("bloc:phase", {"bloc": public["id"], "phase": "devoilement"})["ok"]
    expect(ben.locator("body")).to_contain_text("Une salle comble")
    expect(ben.locator("#room-count")).to_be_hidden()
    facilitator.close()


def test_a_first_note_does_not_replay_the_room_to_its_author(atelier):
    """A participant's own patch starts where their seat already is, not at
    their connection: writing a first note late in a busy room brings back
    that note, not everything the room wrote before."""
    server, workshop = atelier
    public, _ = blocs_of(server, workshop)
    facilitator, ana, ben = screens(server, workshop, "Ana", "Ben")
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"]
    earlier = [ana.call("note:add", {"bloc": public["id"], "text": f"Avant {i}"})["note"]["id"] for i in range(5)]
    assert ben.wait_for(lambda s: set(earlier) <= s.notes.keys())
    before = len(ben.patches)
    mine = ben.call("note:add", {"bloc": public["id"], "text": "Enfin la mienne"})["note"]
    assert ben.wait_for(lambda s: any(n.get("mine") for p in s.patches[before:] for n in p.get("notes", [])))
    own = next(p for p in ben.patches[before:] if any(n.get("mine") for n in p.get("notes", [])))
    assert [n["id"] for n in own["notes"]] == [mine["id"]]
