"""Issue 9, join floods: idle newcomers do not keep seats, one address cannot
fill an atelier, and the facilitator can close the door and remove someone.
The real server, real python-socketio clients; the "other machine" connects
over this machine's LAN address, which the server sees as another source."""

from __future__ import annotations

import threading
import time

import pytest
import requests
import socketio
from helpers import LAPTOP, PHONE, create_workshop, fetch_state, public_bloc
from playwright.sync_api import expect

from facilitate.network import lan_address
from facilitate.seats import Presence, admission, idle_seats_per_address, surely_free

LAN = lan_address()
needs_lan = pytest.mark.skipif(LAN.startswith("127."), reason="no LAN address on this machine")


class Refused(Exception):
    """A connection the server refused; args[0] is the error code."""


class Phone:
    """A participant's socket that records what the server says to it."""

    def __init__(self, url: str, auth: dict) -> None:
        self.received: list[tuple[str, object]] = []
        self.gone = threading.Event()
        self.state = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state)
        self.client.on("change", lambda patch: self.received.append(("change", patch)))
        self.client.on("participant:removed", lambda data: self.received.append(("participant:removed", data)))
        self.client.on("disconnect", lambda *_: self.gone.set())
        self.refused: list[dict] = []
        self.client.on("connect_error", self.refused.append)
        try:
            self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            raise Refused(self.refused[0]["data"]["code"] if self.refused else "no answer") from None
        assert self.state.wait(10)

    def _on_state(self, patch: dict) -> None:
        self.me = patch["me"]
        self.received.append(("state", patch))
        self.state.set()

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def refusal(url: str, auth: dict) -> str | None:
    """Connect and disconnect at once: None if admitted, else the refusal code."""
    try:
        phone = Phone(url, auth)
    except Refused as error:
        return error.args[0]
    phone.close()
    return None


def join(url: str, code: str, phones: list[Phone]) -> str | None:
    """Connect and stay: None if admitted (the phone joins `phones`), else the refusal code."""
    try:
        phones.append(Phone(url, {"code": code}))
    except Refused as error:
        return error.args[0]
    return None


def test_seat_rules():
    assert idle_seats_per_address(500) == 400
    assert idle_seats_per_address(200) == 200  # a whole room behind one NAT always fits
    assert idle_seats_per_address(1000) == 800
    assert idle_seats_per_address(500, 6) == 6 and idle_seats_per_address(4, 6) == 4
    present = {1: "a", 2: "a", 3: "b"}
    assert admission(set(), present, "a", 10, 3) is None
    assert admission(set(), present, "a", 10, 2) == "too_many_arrivals"
    assert admission({1}, present, "a", 10, 2) is None  # a contributor is no longer a newcomer
    assert admission({7, 8}, present, "c", 5, 5) == "workshop_full"
    assert admission({7}, present, "c", 5, 5) is None
    assert admission({1, 2}, present, "c", 4, 5) is None  # 1 and 2, present and contributors, count once
    # Far from both limits, no need to look at contributors (a join storm stays linear).
    assert surely_free(joined=3, present=3, max_participants=10, per_address=4)
    assert not surely_free(joined=3, present=4, max_participants=10, per_address=4)
    assert not surely_free(joined=7, present=3, max_participants=10, per_address=4)


def test_presence_follows_connections():
    presence = Presence()
    presence.arrive("s1", "w", 1, "a")
    presence.arrive("s2", "w", 1, "a")  # a second tab
    presence.arrive("s3", "w", 2, "b")
    presence.arrive("s4", "x", 3, "a")
    presence.arrive("s5", "w", None, "c")  # a console: a screen, not a participant
    assert dict(presence.of("w")) == {1: "a", 2: "b"} and dict(presence.of("x")) == {3: "a"}
    assert presence.screens("w") == 4 and presence.ateliers() == ["w", "x"]
    presence.leave("s1")
    assert dict(presence.of("w")) == {1: "a", 2: "b"}  # still there on s2
    presence.leave("s2")
    presence.leave("s3")
    presence.leave("unknown")
    assert dict(presence.of("w")) == {} and dict(presence.of("x")) == {3: "a"}
    assert presence.screens("w") == 1
    presence.leave("s5")
    assert presence.screens("w") == 0 and presence.ateliers() == ["x"]


def test_idle_newcomers_who_left_hold_no_seat(live_server, monkeypatch):
    monkeypatch.setenv("FACILITATE_MAX_PARTICIPANTS", "3")
    server = live_server()
    workshop = create_workshop(server)
    bloc = public_bloc(fetch_state(server, workshop))
    for _ in range(3):  # a flood that connects and leaves
        assert refusal(server.url, {"code": workshop["code"]}) is None
    phones: list[Phone] = []
    assert [join(server.url, workshop["code"], phones) for _ in range(3)] == [None] * 3
    assert join(server.url, workshop["code"], phones) == "workshop_full"
    # Someone who wrote keeps their seat after leaving; an idle one does not.
    writer, idle = phones[0], phones[1]
    assert writer.client.call("note:add", {"bloc": bloc["id"], "text": "une idée"}, timeout=10)["ok"]
    writer.close()
    idle.close()
    time.sleep(0.3)
    assert join(server.url, workshop["code"], phones) is None
    assert join(server.url, workshop["code"], phones) == "workshop_full"
    # Coming back with one's token is always possible.
    assert refusal(server.url, {"code": workshop["code"], "token": writer.me["token"]}) is None
    for phone in phones:
        phone.close()


@needs_lan
def test_one_address_cannot_fill_an_atelier(live_server, monkeypatch):
    monkeypatch.setenv("FACILITATE_MAX_PARTICIPANTS", "10")
    monkeypatch.setenv("FACILITATE_IDLE_SEATS_PER_ADDRESS", "6")
    server = live_server(extra_args=("--host", "0.0.0.0"))
    workshop = create_workshop(server)
    bloc = public_bloc(fetch_state(server, workshop))
    flood_url = f"http://{LAN}:{server.port}"
    flood: list[Phone] = []
    results = [join(flood_url, workshop["code"], flood) for _ in range(10)]
    assert results == [None] * 6 + ["too_many_arrivals"] * 4
    # The real people, from another address, still get in.
    room: list[Phone] = []
    assert [join(server.url, workshop["code"], room) for _ in range(4)] == [None] * 4
    assert join(server.url, workshop["code"], room) == "workshop_full"
    # Newcomers who write are no longer idle: their address may bring more.
    for phone in flood:
        assert phone.client.call("note:add", {"bloc": bloc["id"], "text": "présent"}, timeout=10)["ok"]
    room.pop().close()
    time.sleep(0.3)
    assert join(flood_url, workshop["code"], flood) is None
    for phone in flood + room:
        phone.close()


def test_the_facilitator_locks_the_atelier_and_removes_a_participant(live_server):
    server = live_server()
    workshop = create_workshop(server)
    staff = Phone(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    alice = Phone(server.url, {"code": workshop["code"], "name": "Alice"})
    bob = Phone(server.url, {"code": workshop["code"], "name": "Bob"})
    assert alice.client.call("workshop:lock", {"locked": True}, timeout=10)["error"]["code"] == "forbidden"
    assert staff.client.call("workshop:lock", {"locked": "oui"}, timeout=10)["error"]["code"] == "bad_request"
    assert staff.client.call("workshop:lock", {"locked": True}, timeout=10)["ok"] is True
    assert fetch_state(server, workshop)["workshop"]["locked"] is True
    assert refusal(server.url, {"code": workshop["code"], "name": "Carole"}) == "workshop_locked"
    bob.close()
    assert refusal(server.url, {"code": workshop["code"], "token": bob.me["token"]}) is None  # already in: back in

    assert (
        alice.client.call("participant:remove", {"participant": bob.me["id"]}, timeout=10)["error"]["code"]
        == "forbidden"
    )
    assert (
        staff.client.call("participant:remove", {"participant": 99999}, timeout=10)["error"]["code"]
        == "unknown_participant"
    )
    assert staff.client.call("participant:remove", {"participant": alice.me["id"]}, timeout=10)["ok"] is True
    assert alice.gone.wait(10)
    assert ("participant:removed", {"message": "L'animation vous a retiré de cet atelier."}) in alice.received
    assert refusal(server.url, {"code": workshop["code"], "token": alice.me["token"]}) == "participant_removed"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        kind == "change" and alice.me["id"] in patch.get("deleted_participants", []) for kind, patch in staff.received
    ):
        time.sleep(0.05)
    assert any(
        kind == "change" and alice.me["id"] in patch.get("deleted_participants", []) for kind, patch in staff.received
    )
    assert [p["name"] for p in fetch_state(server, workshop)["participants"]] == ["Bob"]
    assert (
        staff.client.call("participant:remove", {"participant": alice.me["id"]}, timeout=10)["error"]["code"]
        == "unknown_participant"
    )

    assert staff.client.call("workshop:lock", {"locked": False}, timeout=10)["ok"] is True
    assert refusal(server.url, {"code": workshop["code"], "name": "Carole"}) is None
    staff.close()


def test_console_closes_the_door_and_removes_someone(browser, live_server):  # noqa: F811
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs"}, timeout=10
    ).json()
    phone = Phone(server.url, {"code": workshop["code"], "name": "Zoé"})
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.on("dialog", lambda dialog: dialog.accept())
    console.goto(f"{server.url}/w/{workshop['id']}/ouvrir")
    expect(console.locator("#status")).to_have_text("En ligne")
    lock = console.get_by_role("button", name="Fermer aux arrivées")
    lock.click()
    expect(console.get_by_role("button", name="Rouvrir aux arrivées")).to_have_attribute("aria-pressed", "true")
    assert refusal(server.url, {"code": workshop["code"]}) == "workshop_locked"
    expect(console.locator("#writers")).to_contain_text("Zoé")
    console.get_by_role("button", name="Retirer Zoé").click()
    expect(console.locator("#writers")).not_to_contain_text("Zoé")
    assert phone.gone.wait(10)
    console.get_by_role("button", name="Rouvrir aux arrivées").click()
    expect(console.get_by_role("button", name="Fermer aux arrivées")).to_be_visible()
    assert refusal(server.url, {"code": workshop["code"]}) is None
    laptop.close()


@needs_lan
def test_a_phone_turned_away_by_the_address_share_gets_in_when_seats_free_up(browser, live_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FACILITATE_MAX_PARTICIPANTS", "10")
    monkeypatch.setenv("FACILITATE_IDLE_SEATS_PER_ADDRESS", "2")
    server = live_server(extra_args=("--host", "0.0.0.0"))
    workshop = create_workshop(server)
    assert workshop["join_url"].startswith(f"http://{LAN}:")
    bloc = public_bloc(fetch_state(server, workshop))
    lan_url = f"http://{LAN}:{server.port}"
    idle: list[Phone] = []
    assert [join(lan_url, workshop["code"], idle) for _ in range(2)] == [None, None]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(workshop["join_url"])
    page.get_by_role("button", name="Participer").click()
    expect(page.locator("#message")).to_contain_text("Trop de nouvelles connexions")
    assert idle[0].client.call("note:add", {"bloc": bloc["id"], "text": "me voici"}, timeout=10)["ok"]
    expect(page.locator("#bloc-title")).not_to_be_empty(timeout=20_000)
    assert len(fetch_state(server, workshop)["participants"]) == 3
    context.close()
    for phone in idle:
        phone.close()
