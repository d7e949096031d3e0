"""Issue 14's co-facilitator: an invitation link (and QR code) from the
console opens a limited co-animation view. Through the real server, real
python-socketio clients and Chromium at phone size."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import socketio
from helpers import PHONE, Screen, check_screens, create_workshop, fetch_state, public_bloc
from playwright.sync_api import expect


def invite(server, workshop: dict, key: str | None = None) -> requests.Response:
    return requests.post(
        f"{server.url}/api/workshops/{workshop['id']}/cofacilitator",
        headers={"X-Facilitator-Key": key or workshop["facilitator_key"]},
        timeout=10,
    )


def co_key(url: str) -> str:
    return url.split("#key=", 1)[1]


@pytest.fixture
def room(live_server):
    server = live_server()
    workshop = create_workshop(server)
    response = invite(server, workshop)
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith(f"{server.url}/w/{workshop['id']}/co#key=")
    return server, workshop, url


def test_a_co_facilitator_runs_the_timer_moderates_and_groups_but_nothing_more(room):
    server, workshop, url = room
    bloc = public_bloc(fetch_state(server, workshop))
    alice = Screen(server.url, {"code": workshop["code"], "name": "Alice"})
    co = Screen(server.url, {"code": workshop["code"], "cofacilitator_key": co_key(url)})
    try:
        assert co.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
        assert co.call("timer", {"bloc": bloc["id"], "action": "start"})["ok"]
        note = alice.call("note:add", {"bloc": bloc["id"], "text": "Une idée"})["note"]
        other = alice.call("note:add", {"bloc": bloc["id"], "text": "Une autre"})["note"]
        assert co.wait_for(lambda s: {note["id"], other["id"]} <= set(s.notes))
        assert co.call("note:hide", {"note": other["id"], "hidden": True})["ok"]
        assert co.call("cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": [note["id"]]}]})["ok"]
        state = fetch_state(server, workshop)
        assert next(b for b in state["blocs"] if b["id"] == bloc["id"])["timer"]["running"] is True
        assert any(n["id"] == other["id"] and n["hidden"] for n in state["notes"])
        for event, payload in [
            ("workshop:identity", {"identity": "anonymous"}),
            ("bloc:remove", {"bloc": bloc["id"]}),
            ("draw:run", {"mode": "teams", "team_size": 2}),
            ("volet:add", {"title": "Volet"}),
        ]:
            refused = co.call(event, payload)
            assert refused["error"]["code"] == "forbidden", event
            assert "animation principale" in refused["error"]["message"]
        # The invitation's key opens no export and no deletion.
        key = {"X-Facilitator-Key": co_key(url)}
        export = requests.get(f"{server.url}/api/workshops/{workshop['id']}/export.csv", headers=key, timeout=10)
        assert export.status_code == 403 and export.json()["error"]["code"] == "bad_key"
        deletion = requests.delete(f"{server.url}/api/workshops/{workshop['id']}", headers=key, timeout=10)
        assert deletion.status_code == 403
        assert invite(server, workshop, co_key(url)).status_code == 403
    finally:
        alice.close()
        co.close()


def test_revoking_the_invitation_disconnects_its_views_and_refuses_its_key(room):
    server, workshop, url = room
    revoked = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("cofacilitator:revoked", lambda data: revoked.set())
    client.connect(
        server.url, auth={"code": workshop["code"], "cofacilitator_key": co_key(url)}, transports=["websocket"]
    )
    response = requests.delete(
        f"{server.url}/api/workshops/{workshop['id']}/cofacilitator",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=10,
    )
    assert response.status_code == 200
    assert revoked.wait(10)
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio.Client(reconnection=False).connect(
            server.url, auth={"code": workshop["code"], "cofacilitator_key": co_key(url)}, transports=["websocket"]
        )
    qr = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}/cofacilitator.svg",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=10,
    )
    assert qr.status_code == 404 and qr.json()["error"]["code"] == "no_invitation"
    fresh = invite(server, workshop).json()["url"]
    assert co_key(fresh) != co_key(url)


def test_the_co_animation_view_works_on_a_phone(browser, room):
    server, workshop, url = room
    qr = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}/cofacilitator.svg",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=10,
    )
    assert qr.status_code == 200 and qr.text.lstrip().startswith("<?xml")
    page = browser.new_context(**PHONE).new_page()
    page.goto(url)
    expect(page.locator("#status")).to_have_text("En ligne")
    first = fetch_state(server, workshop)["blocs"][0]
    expect(page.locator("#co-bloc-title")).to_have_text(first["title"])
    page.get_by_role("button", name="Démarrer").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    assert next(b for b in fetch_state(server, workshop)["blocs"] if b["id"] == first["id"])["timer"]["running"]
    page.get_by_role("button", name="Regroupement").first.click()
    expect(page.get_by_role("button", name="Regroupement").first).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_screens({"co-animation": page}, "telephone", "cofacilitator")
    page.context.close()


def test_the_console_shows_the_invitation_link_and_qr_code_and_revokes_it(browser, live_server):
    server = live_server()
    workshop = create_workshop(server)
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    console.get_by_role("button", name="Créer une invitation limitée").click()
    link = console.get_by_label("Lien de l'invitation limitée")
    expect(link).to_have_value(re.compile(rf"^{re.escape(server.url)}/w/{workshop['id']}/co#key=.+"))
    expect(console.get_by_alt_text("Code QR de l'invitation limitée")).to_have_attribute("src", re.compile("^blob:"))
    key = co_key(link.input_value())
    Screen(server.url, {"code": workshop["code"], "cofacilitator_key": key}).close()
    console.get_by_role("button", name="Retirer l'invitation").click()
    expect(console.get_by_label("Lien de l'invitation limitée")).to_be_hidden()
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio.Client(reconnection=False).connect(
            server.url, auth={"code": workshop["code"], "cofacilitator_key": key}, transports=["websocket"]
        )
    console.context.close()
