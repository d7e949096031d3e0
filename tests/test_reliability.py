"""Losing nothing: kill -9 in the middle of a burst, and hundreds of drops and
reconnections with notes in flight, against the real server."""

from __future__ import annotations

import threading
import time
import uuid

import socketio
from helpers import Screen, create_workshop, fetch_state


def public_bloc_of(server, workshop):
    return next(b for b in fetch_state(server, workshop)["blocs"] if not b["private_writing"])


def test_kill_9_during_a_burst_from_30_phones_loses_no_acknowledged_note(live_server, tmp_path):
    server = live_server()
    workshop = create_workshop(server)
    bloc = public_bloc_of(server, workshop)
    column = bloc["columns"][0]["id"] if bloc["columns"] else None
    acked: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def phone(i: int) -> None:
        client = socketio.Client(reconnection=False)
        client.connect(server.url, auth={"code": workshop["code"], "name": f"P{i}"}, transports=["websocket"])
        n = 0
        while not stop.is_set():
            client_id = f"{i}-{n}-{uuid.uuid4()}"
            try:
                ack = client.call(
                    "note:add",
                    {"bloc": bloc["id"], "text": f"P{i} n{n}", "column": column, "client_id": client_id},
                    timeout=5,
                )
            except Exception:
                return  # the server died under us: this note was never acknowledged
            if ack.get("ok"):
                with lock:
                    acked[client_id] = ack["note"]["id"]
            n += 1

    threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(30)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acked) >= 150, "the burst was too slow to be a burst"

    restarted = live_server(data_dir=tmp_path)
    notes = fetch_state(restarted, workshop)["notes"]
    assert set(acked.values()) <= {n["id"] for n in notes}
    assert len({n["text"] for n in notes}) == len(notes)  # no duplicate


def test_200_drops_with_notes_in_flight_give_no_duplicate_and_no_gap(live_server, monkeypatch):
    # One phone writes 200 notes in seconds: lift the per-participant limits.
    monkeypatch.setenv("FACILITATE_NOTES_PER_MINUTE", "100000")
    monkeypatch.setenv("FACILITATE_MESSAGES_PER_MINUTE", "100000")
    server = live_server()
    workshop = create_workshop(server)
    bloc = public_bloc_of(server, workshop)
    column = bloc["columns"][0]["id"] if bloc["columns"] else None
    observer = Screen(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    token = None
    outbox: dict[str, str] = {}  # client_id -> text, like the phone's localStorage
    written = 0
    for cycle in range(200):
        auth = {"code": workshop["code"], "token": token} if token else {"code": workshop["code"], "name": "Mobile"}
        phone = Screen(server.url, auth)
        token = phone.me["token"]
        for client_id, text in list(outbox.items()):  # resend what was never acknowledged
            if phone.call("note:add", {"bloc": bloc["id"], "text": text, "column": column, "client_id": client_id})[
                "ok"
            ]:
                del outbox[client_id]
        client_id, text = str(uuid.uuid4()), f"note {written}"
        written += 1
        outbox[client_id] = text
        if cycle % 2:
            # In flight: the Wi-Fi drops before the acknowledgement comes back.
            phone.client.emit("note:add", {"bloc": bloc["id"], "text": text, "column": column, "client_id": client_id})
        else:
            if phone.call("note:add", {"bloc": bloc["id"], "text": text, "column": column, "client_id": client_id})[
                "ok"
            ]:
                del outbox[client_id]
        phone.client.disconnect()
        if cycle % 20 == 0:  # the facilitator's laptop drops too, and resyncs from its last seq
            observer.close()
            observer = Screen(
                server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}, resume=observer
            )
    phone = Screen(server.url, {"code": workshop["code"], "token": token})
    for client_id, text in list(outbox.items()):
        assert phone.call("note:add", {"bloc": bloc["id"], "text": text, "column": column, "client_id": client_id})[
            "ok"
        ]
    phone.close()

    notes = fetch_state(server, workshop)["notes"]
    texts = sorted(n["text"] for n in notes)
    assert texts == sorted(f"note {i}" for i in range(written))  # each exactly once
    assert observer.wait_for(lambda s: set(s.notes) == {n["id"] for n in notes})  # the live screen converged
    observer.close()
