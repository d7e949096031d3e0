"""Fixtures: an app on a temporary data folder, Socket.IO test clients, and
the real server in a subprocess for live tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from helpers import LiveServer, launch_chromium
from playwright.sync_api import sync_playwright

from facilitate import create_app
from facilitate.config import DEFAULT_ASYNC_MODE
from facilitate.events import socketio

# The command line speaks the locale's language (facilitate.i18n.cli_language):
# the tests, and the servers and commands they start, speak French unless a
# test asks for English, whatever the machine's LANG.
os.environ["LANGUAGE"] = "fr"


@pytest.fixture
def app(tmp_path):
    """In-process, read synchronously by the test clients: one frame per change
    (no coalescing window; the real server's windows are tested live, test_broadcast.py)."""
    return create_app(
        {
            "DATA_DIR": tmp_path,
            "ASYNC_MODE": "threading",
            "PUBLIC_URL": "http://192.0.2.10:5000",
            "BROADCAST_WINDOW_MS": 0,
        }
    )


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def workshop(http):
    """A fresh atelier from the RQDS template: its id, code, key and blocs."""
    created = http.post("/api/workshops", json={"template": "raviver-nos-couleurs", "title": "Raviver nos couleurs !"})
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    state = http.get(f"/api/workshops/{data['id']}", headers={"X-Facilitator-Key": data["facilitator_key"]}).get_json()
    data["blocs"] = state["blocs"]
    return data


@pytest.fixture
def connect(app):
    """connect(auth) -> a Socket.IO test client (disconnected at teardown)."""
    clients = []

    def _connect(auth):
        client = socketio.test_client(app, auth=auth)
        clients.append(client)
        return client

    yield _connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def live_server(tmp_path):
    servers = []

    def _start(
        async_mode: str = DEFAULT_ASYNC_MODE,
        data_dir: Path | None = None,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> LiveServer:
        server = LiveServer(data_dir or tmp_path, async_mode, port, extra_args)
        server.extra_env = env or {}
        server.start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def atelier(live_server):
    """The real server with one atelier of the RQDS template: (server, workshop)."""
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops",
        json={"template": "raviver-nos-couleurs", "title": "Raviver nos couleurs !"},
        timeout=10,
    ).json()
    return server, workshop
