"""The real server in a subprocess, real python-socketio clients over TCP."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests
import socketio
from helpers import ROOT, Screen, create_workshop, fetch_state, free_port


def run_room(server, participants: int = 20) -> tuple[dict, set[int]]:
    """A facilitator and `participants` phones each post one note to the
    public two-column bloc; returns the atelier and the acknowledged ids."""
    workshop = create_workshop(server)
    state = fetch_state(server, workshop)
    bloc = next(b for b in state["blocs"] if b["kind"] == "columns" and not b["private_writing"])
    facilitator = Screen(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    assert facilitator.call("bloc:goto", {"bloc": bloc["id"]})["ok"] is True
    phones = [Screen(server.url, {"code": workshop["code"], "name": f"Participant {i}"}) for i in range(participants)]
    acked: set[int] = set()
    acked_lock = threading.Lock()

    def post(i: int, phone: Screen) -> None:
        column = bloc["columns"][i % 2]["id"]
        ack = phone.call(
            "note:add",
            {"bloc": bloc["id"], "text": f"Note n° {i} — ça marche", "column": column, "client_id": str(uuid.uuid4())},
        )
        assert ack["ok"], ack
        with acked_lock:
            acked.add(ack["note"]["id"])

    threads = [threading.Thread(target=post, args=(i, p)) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(acked) == participants
    assert facilitator.wait_for(lambda s: acked <= set(s.notes)), "some notes never reached the facilitator"
    assert phones[0].wait_for(lambda s: acked <= set(s.notes)), "some notes never reached the room"
    for screen in [facilitator, *phones]:
        screen.close()
    return workshop, acked


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_twenty_phones_then_kill_9_loses_no_acknowledged_note(live_server, tmp_path, async_mode):
    server = live_server(async_mode)
    workshop, acked = run_room(server, participants=20)
    before = fetch_state(server, workshop)

    server.kill()
    restarted = live_server(async_mode, data_dir=tmp_path)
    after = fetch_state(restarted, workshop)
    assert acked <= {n["id"] for n in after["notes"]}
    assert after["current_bloc"] == before["current_bloc"]  # resumes where it was
    assert after["seq"] == before["seq"]

    # A phone comes back with its token after the restart: same identity.
    phone = Screen(restarted.url, {"code": workshop["code"], "name": "Revenant"})
    token = phone.me["token"]
    phone.close()
    again = Screen(restarted.url, {"code": workshop["code"], "token": token})
    assert again.me["id"] == phone.me["id"]
    again.close()


def test_refused_connections_say_why(live_server):
    server = live_server()
    workshop = create_workshop(server)
    for auth, code in [
        ({"code": "ZZZZZZ"}, "unknown_workshop"),
        ({"code": workshop["code"], "facilitator_key": "faux"}, "bad_key"),
    ]:
        client = socketio.Client(reconnection=False)
        reasons = []
        client.on("connect_error", reasons.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
        assert reasons and reasons[0]["data"]["code"] == code and reasons[0]["message"]


def test_a_resync_after_a_drop_converges(live_server):
    server = live_server()
    workshop = create_workshop(server)
    state = fetch_state(server, workshop)
    bloc = next(b for b in state["blocs"] if not b["private_writing"])
    facilitator = Screen(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    facilitator.call("bloc:goto", {"bloc": bloc["id"]})
    bob = Screen(server.url, {"code": workshop["code"], "name": "Bob"})
    seen, token = bob.seq, bob.me["token"]
    bob.close()  # Bob's phone drops off the Wi-Fi
    alice = Screen(server.url, {"code": workshop["code"]})
    kept = alice.call(
        "note:add",
        {"bloc": bloc["id"], "text": "pendant", "column": bloc["columns"][0]["id"] if bloc["columns"] else None},
    )
    removed = alice.call("note:add", {"bloc": bloc["id"], "text": "effacée", "column": kept["note"]["column"]})
    alice.call("note:delete", {"id": removed["note"]["id"]})
    back = Screen(server.url, {"code": workshop["code"], "token": token, "since": seen})
    assert set(back.notes) == {kept["note"]["id"]}  # only what was missed, the deleted note as a tombstone
    assert back.seq == fetch_state(server, workshop)["seq"]
    for s in (facilitator, alice, back):
        s.close()


def test_serve_prints_the_lan_address_a_qr_code_and_the_facilitator_address(live_server, tmp_path):
    import subprocess
    import sys

    port = free_port()
    # Listening on every interface (the default), but only loopback is contacted.
    process = subprocess.Popen(
        [sys.executable, "-m", "facilitate", "serve", "--port", str(port), "--data", str(tmp_path / "d")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in lines):
            lines.append(process.stdout.readline())
        output = "".join(lines)
        phones = next(line for line in lines if line.startswith("Participants"))
        assert f":{port}/" in phones and "127.0.0.1" not in phones and "localhost" not in phones
        assert f"http://127.0.0.1:{port}/" in output
        assert "█" in output  # the QR code
        created = requests.post(
            f"http://127.0.0.1:{port}/api/workshops", json={"template": "mutualisation"}, timeout=10
        ).json()
        assert created["join_url"].startswith(phones.split(": ", 1)[1].strip().rstrip("/"))
    finally:
        process.terminate()
        process.wait(10)


def test_server_starts_with_the_valid_templates_and_names_the_skipped_one(live_server, tmp_path):

    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "bon.toml").write_text((ROOT / "session_templates" / "mutualisation.toml").read_text("utf-8"), "utf-8")
    (folder / "casse.toml").write_text('title = "Sans blocs"\n[[blocs]]\nid = "a"\nkind = "colonnes"\n', "utf-8")
    server = live_server(extra_args=("--templates", str(folder)))
    assert [t["id"] for t in requests.get(f"{server.url}/api/templates", timeout=5).json()] == ["bon"]
    output = server.output()
    assert "Modèle ignoré" in output and "casse.toml" in output


def test_private_writing_visibility_with_live_clients(live_server):
    """Over real sockets: during private writing a note reaches its author and
    only a count reaches the staff; the reveal brings it to every screen."""
    server = live_server()
    workshop = create_workshop(server)
    bloc = next(b for b in fetch_state(server, workshop)["blocs"] if b["private_writing"])
    staff_auth = {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}
    facilitator, projector = Screen(server.url, staff_auth), Screen(server.url, {**staff_auth, "role": "projector"})
    counts: list[dict] = []
    facilitator.client.on(
        "change", lambda patch: counts.extend(patch.get("participants", [])) or facilitator._apply(patch)
    )
    alice, bob = (
        Screen(server.url, {"code": workshop["code"], "name": "Alice"}),
        Screen(server.url, {"code": workshop["code"]}),
    )
    ack = alice.call("note:add", {"bloc": bloc["id"], "text": "confidentiel"})
    assert ack["ok"]
    assert facilitator.wait_for(lambda s: any(p["notes"].get(str(bloc["id"])) == 1 for p in counts))
    time.sleep(0.3)
    for screen in (facilitator, projector, bob):
        assert ack["note"]["id"] not in screen.notes
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "devoilement"})["ok"] is True
    for screen in (facilitator, projector, bob):
        assert screen.wait_for(lambda s: ack["note"]["id"] in s.notes)
    for screen in (facilitator, projector, alice, bob):
        screen.close()


def test_vote_rules_with_live_clients(live_server):
    """Over real sockets: budget, per-item limit, secrecy, then the ranking."""
    server = live_server()
    workshop = create_workshop(server)
    bloc = next(
        b for b in fetch_state(server, workshop)["blocs"] if b["kind"] == "columns" and not b["private_writing"]
    )
    staff_auth = {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}
    facilitator = Screen(server.url, staff_auth)
    results: list[dict] = []
    facilitator.client.on("change", lambda p: results.append(p.get("results")) or facilitator._apply(p))
    ana, ben = Screen(server.url, {"code": workshop["code"]}), Screen(server.url, {"code": workshop["code"]})
    notes = [
        ana.call("note:add", {"bloc": bloc["id"], "text": t})["note"]["id"]
        for t in ("Solidarité", "Entraide", "Passion")
    ]
    assert facilitator.call(
        "cluster:group", {"bloc": bloc["id"], "clusters": [{"label": "Entraide", "notes": notes[:2]}]}
    )["ok"]
    assert facilitator.call("bloc:update", {"bloc": bloc["id"], "vote_budget": 1})["ok"]
    assert ana.call("vote", {"bloc": bloc["id"], "item": f"n{notes[2]}", "dots": 1})["error"]["code"] == "vote_closed"
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "vote"})["ok"]
    cluster = next(f"c{c}" for c in {n.get("cluster") for n in facilitator.notes.values()} if c)
    assert ana.call("vote", {"bloc": bloc["id"], "item": cluster, "dots": 1})["ok"]
    assert ana.call("vote", {"bloc": bloc["id"], "item": f"n{notes[2]}", "dots": 1})["error"]["code"] == "over_budget"
    assert ben.call("vote", {"bloc": bloc["id"], "item": cluster, "dots": 2})["error"]["code"] == "item_limit"
    assert ben.call("vote", {"bloc": bloc["id"], "item": cluster, "dots": 1})["ok"]
    assert not any(results), "votes must stay secret while the vote is open"
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "clos"})["ok"]
    assert facilitator.wait_for(lambda s: any(results))
    ranking = [r for r in results if r][-1][str(bloc["id"])]["ranking"]
    assert (ranking[0]["label"], ranking[0]["dots"], ranking[0]["size"]) == ("Entraide", 2, 2)
    for screen in (facilitator, ana, ben):
        screen.close()


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_word_export_renders_in_an_os_thread_under_each_async_mode(live_server, async_mode):
    import io

    import docx

    server = live_server(async_mode)
    workshop = create_workshop(server)
    response = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}/export.docx",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=30,
    )
    assert response.status_code == 200
    headings = [
        p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs if p.style.name.startswith("Heading")
    ]
    assert any("Bilan croisé des acquis" in h for h in headings)
