"""Fixtures: an app on a temporary data folder, Socket.IO test clients, and
the real server in a subprocess for live tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from facilitate import create_app
from facilitate.config import DEFAULT_ASYNC_MODE
from facilitate.events import socketio

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path):
    return create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "PUBLIC_URL": "http://192.0.2.10:5000"})


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m facilitate serve` in a subprocess, as a facilitator runs it."""

    def __init__(self, data_dir: Path, async_mode: str = DEFAULT_ASYNC_MODE, port: int | None = None,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.async_mode = async_mode
        self.port = port or free_port()
        self.extra_args = extra_args
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.cwd = ROOT
        self.extra_env: dict[str, str] = {}
        self.data_arg = True

    def start(self) -> "LiveServer":
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.extra_env}
        self.log = open(self.data_dir / f"server-{self.port}.log", "a")
        data = ["--data", str(self.data_dir)] if self.data_arg else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitate", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             *data, "--async-mode", self.async_mode, *self.extra_args],
            cwd=self.cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                if requests.get(f"{self.url}/api/templates", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.output()}")

    def output(self) -> str:
        return (self.data_dir / f"server-{self.port}.log").read_text()

    def kill(self) -> None:
        """kill -9: no shutdown handler runs, as in a crash or a power cut."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def live_server(tmp_path):
    servers = []

    def _start(async_mode: str = DEFAULT_ASYNC_MODE, data_dir: Path | None = None, port: int | None = None,
               extra_args: tuple[str, ...] = ()) -> LiveServer:
        server = LiveServer(data_dir or tmp_path, async_mode, port, extra_args).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()
