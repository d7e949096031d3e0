"""Each security rule, tried by someone trying to break it."""

import base64
import time
import uuid

import pytest
import requests
import socketio
from helpers import create_workshop, public_bloc, state_of

from facilitate import create_app
from facilitate.events import socketio as server_socketio
from facilitate.ratelimit import RateLimiter

PHONE = {"REMOTE_ADDR": "192.168.1.50"}


def basic(password):
    return {"Authorization": "Basic " + base64.b64encode(f"animation:{password}".encode()).decode()}


def test_a_phone_never_reaches_the_facilitator_home_without_the_password(http, workshop):
    page = http.get("/animation", environ_base=PHONE)
    assert page.status_code == 403 and workshop["facilitator_key"] not in page.get_data(as_text=True)


def test_the_admin_password_opens_the_home_from_another_machine(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "ADMIN_PASSWORD": "gommette-42"})
    http = app.test_client()
    assert http.get("/animation", environ_base=PHONE).status_code == 401
    assert http.get("/animation", environ_base=PHONE, headers=basic("devine")).status_code == 401
    assert http.post("/api/workshops", json={"template": "mutualisation"}, environ_base=PHONE).status_code == 403
    created = http.post(
        "/api/workshops", json={"template": "mutualisation"}, environ_base=PHONE, headers=basic("gommette-42")
    )
    assert created.status_code == 201
    home = http.get("/animation", environ_base=PHONE, headers=basic("gommette-42"))
    assert home.status_code == 200 and created.get_json()["code"] in home.get_data(as_text=True)
    assert "Rejoindre un atelier" in http.get("/", environ_base=PHONE).get_data(as_text=True)


def test_guessing_join_codes_is_rate_limited_per_address(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "JOIN_ATTEMPTS_PER_MINUTE": 5})
    http = app.test_client()
    real = http.post("/api/workshops", json={"template": "mutualisation"}).get_json()
    for _ in range(5):
        assert http.get("/j/AAAAAA", environ_base=PHONE).status_code == 404
    blocked = http.get(f"/j/{real['code']}", environ_base=PHONE)
    assert blocked.status_code == 429 and "Trop de codes erronés" in blocked.get_data(as_text=True)
    assert http.get(f"/j/{real['code']}", environ_base={"REMOTE_ADDR": "192.168.1.51"}).status_code == 200
    # Over Socket.IO too (the test client connects from 127.0.0.1).
    for _ in range(5):
        assert not server_socketio.test_client(app, auth={"code": "BBBBBB"}).is_connected()
    assert not server_socketio.test_client(app, auth={"code": real["code"]}).is_connected()


def test_rate_limiter_window():
    limiter = RateLimiter(2, 60)
    assert limiter.allow("a", 0) and limiter.allow("a", 1) and not limiter.allow("a", 2)
    assert limiter.exceeded("a", 59) and not limiter.exceeded("a", 61)
    assert limiter.allow("b", 2)


def test_a_flood_of_notes_gets_a_clear_error_and_keeps_the_connection(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "NOTES_PER_MINUTE": 5, "MESSAGES_PER_MINUTE": 8})
    http = app.test_client()
    w = http.post("/api/workshops", json={"template": "raviver-nos-couleurs"}).get_json()
    w["blocs"] = http.get(f"/api/workshops/{w['id']}", headers={"X-Facilitator-Key": w["facilitator_key"]}).get_json()[
        "blocs"
    ]
    phone = server_socketio.test_client(app, auth={"code": w["code"]})
    bloc = public_bloc(w)
    acks = [
        phone.emit("note:add", {"bloc": bloc["id"], "text": f"note {i}", "client_id": str(uuid.uuid4())}, callback=True)
        for i in range(7)
    ]
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 2
    assert acks[-1]["error"]["code"] == "rate_limited" and "trop vite" in acks[-1]["error"]["message"]
    assert phone.is_connected()
    for _ in range(3):
        phone.emit("sync", {"since": 0}, callback=True)
    assert phone.emit("sync", {"since": 0}, callback=True)["error"]["code"] == "rate_limited"
    state = http.get(f"/api/workshops/{w['id']}", headers={"X-Facilitator-Key": w["facilitator_key"]}).get_json()
    assert len(state["notes"]) == 5  # the accepted ones are all kept
    other = server_socketio.test_client(app, auth={"code": w["code"]})
    assert other.emit("note:add", {"bloc": bloc["id"], "text": "moi aussi"}, callback=True)["ok"]  # per participant


def test_the_participant_cap(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "MAX_PARTICIPANTS": 2})
    w = app.test_client().post("/api/workshops", json={"template": "mutualisation"}).get_json()
    first = server_socketio.test_client(app, auth={"code": w["code"]})
    server_socketio.test_client(app, auth={"code": w["code"]})
    assert not server_socketio.test_client(app, auth={"code": w["code"]}).is_connected()
    token = state_of(first)["me"]["token"]
    first.disconnect()
    assert server_socketio.test_client(
        app, auth={"code": w["code"], "token": token}
    ).is_connected()  # coming back is fine


def connect_with_origin(url, auth, origin):
    """Long-polling, where the Origin header is exactly the one given (the
    websocket client adds one of its own), as a browser would send it."""
    client = socketio.Client(reconnection=False)
    client.connect(url, auth=auth, headers={"Origin": origin}, transports=["polling"], wait_timeout=5)
    return client


def test_socketio_refuses_foreign_origins_unless_allowed(live_server, tmp_path, monkeypatch):
    server = live_server()
    workshop = create_workshop(server)
    auth = {"code": workshop["code"]}
    same = connect_with_origin(server.url, auth, server.url)
    same.disconnect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect_with_origin(server.url, auth, "http://evil.example")
    # The allowlist comes from FACILITATE_ALLOWED_ORIGINS.
    monkeypatch.setenv("FACILITATE_ALLOWED_ORIGINS", "http://tableau.example")
    (tmp_path / "c").mkdir()
    listed = live_server(data_dir=tmp_path / "c")
    other = create_workshop(listed)
    connect_with_origin(listed.url, {"code": other["code"]}, "http://tableau.example").disconnect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect_with_origin(listed.url, {"code": other["code"]}, "http://evil.example")


def test_oversized_messages_are_refused_and_store_nothing(live_server):
    server = live_server()
    workshop = create_workshop(server)
    state = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=5,
    ).json()
    bloc = public_bloc(state)
    client = socketio.Client(reconnection=False)
    client.connect(server.url, auth={"code": workshop["code"]}, transports=["websocket"])
    with pytest.raises(socketio.exceptions.SocketIOError):  # cut off, or no answer: refused either way
        client.call("note:add", {"bloc": bloc["id"], "text": "x" * 20_000}, timeout=3)
    time.sleep(0.3)
    fresh = socketio.Client(reconnection=False)
    fresh.connect(server.url, auth={"code": workshop["code"]}, transports=["websocket"])
    assert fresh.call("note:add", {"bloc": bloc["id"], "text": "toujours là"}, timeout=5)["ok"]
    after = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=5,
    ).json()
    assert [n["text"] for n in after["notes"]] == ["toujours là"]
    fresh.disconnect()
