"""`facilitate serve --workers N --message-queue redis://`: real worker
processes sharing a real redis-server (started here on a free port) and the
data folder; nginx or Caddy in front for the kill -9 test. A change made on one
worker reaches every screen on every worker; limits, seats and removals
hold across workers; two workers writing at once lose nothing; a killed
worker's phones come back through the proxy (deploy/'s nginx and Caddy) on
another; Redis going away is said on the consoles and every screen resyncs
when it returns."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import urllib3
from helpers import LAPTOP, PHONE, ROOT, Caddy, Nginx, Screen, free_port
from playwright.sync_api import expect

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the test certificate only


class Redis:
    """redis-server on a free port, in memory only; stop() and start() again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.port = workdir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> Redis:
        command = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import redis

                if redis.Redis(port=self.port).ping():
                    return self
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Workers:
    """`facilitate serve --workers N` (the supervisor) in a subprocess."""

    def __init__(self, data: Path, queue: str, count: int, env: dict[str, str], port: int | None = None) -> None:
        self.port, self.count = port or free_port_run(count), count
        self.urls = [f"http://127.0.0.1:{self.port + i}" for i in range(count)]
        self.log = data.parent / "workers.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitate", "serve", "--workers", str(count), "--message-queue", queue]
            + ["--port", str(self.port), "--host", "127.0.0.1", "--data", str(data)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=open(self.log, "w"),  # noqa: SIM115 (the supervisor writes it while it runs)
            stderr=subprocess.STDOUT,
        )
        for url in self.urls:
            self.wait_healthy(url)

    def wait_healthy(self, url: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(self.output())

    def output(self) -> str:
        return self.log.read_text()

    def pid_of(self, port: int) -> int:
        """The worker listening on `port`: a child of the supervisor started with --port PORT."""
        for child in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split():
            args = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if args[args.index(b"--port") + 1] == str(port).encode():
                return int(child)
        raise LookupError(port)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)


def free_port_run(count: int) -> int:
    """A port P with P..P+count-1 all free."""
    for _ in range(50):
        port = free_port()
        if port + count < 65535 and all(_is_free(port + i) for i in range(count)):
            return port
    raise RuntimeError("no free ports")


def _is_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def redis_server(tmp_path):
    server = Redis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path, redis_server):
    started = []

    def _start(count: int = 2, port: int | None = None, **env: str) -> Workers:
        limits = {"FACILITATE_NOTES_PER_MINUTE": "1000", "FACILITATE_MESSAGES_PER_MINUTE": "2000"}
        started.append(Workers(tmp_path / "data", redis_server.url, count, {**limits, **env}, port))
        return started[-1]

    yield _start
    for running in started:
        running.stop()


def new_atelier(url: str) -> tuple[dict, dict]:
    """(the atelier, its public columns bloc), created through one worker."""
    workshop = requests.post(f"{url}/api/workshops", json={"template": "raviver-nos-couleurs"}, timeout=10).json()
    state = requests.get(
        f"{url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": workshop["facilitator_key"]}, timeout=10
    ).json()
    return workshop, next(b for b in state["blocs"] if b["kind"] == "columns" and not b["private_writing"])


def staff_auth(workshop: dict, **extra: str) -> dict:
    return {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"], **extra}


def saved_notes(url: str, workshop: dict) -> dict[int, dict]:
    state = requests.get(
        f"{url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": workshop["facilitator_key"]}, timeout=10
    ).json()
    return {n["id"]: n for n in state["notes"]}


# -- the command -------------------------------------------------------------------------


def test_workers_need_a_reachable_queue(tmp_path):
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "facilitate", "serve", "--data", str(tmp_path), *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)

    alone = serve("--workers", "2")
    assert alone.returncode == 1 and "--message-queue redis://" in alone.stderr
    unreachable = serve("--workers", "2", "--message-queue", f"redis://127.0.0.1:{free_port()}/0")
    assert unreachable.returncode == 1 and "Redis injoignable" in unreachable.stderr
    assert "Traceback" not in alone.stderr + unreachable.stderr


def test_the_command_prints_the_upstream_block_for_its_ports(workers):
    running = workers(3)
    printed = running.output()
    assert "upstream facilitate {" in printed and "hash $arg_code consistent;" in printed
    for i in range(3):
        assert f"server 127.0.0.1:{running.port + i} max_fails=1 fail_timeout=2s;" in printed
    listed = " ".join(f"127.0.0.1:{running.port + i}" for i in range(3))
    assert f'FACILITATE_UPSTREAM="{listed}"' in printed
    # Any worker answers directly, over the WebSocket transport.
    workshop, _ = new_atelier(running.urls[2])
    for url in running.urls:
        Screen(url, staff_auth(workshop)).close()


# -- one atelier across workers ------------------------------------------------------------


def test_a_change_on_one_worker_reaches_every_screen_on_every_worker(workers):
    running = workers(2)
    first, second = running.urls
    workshop, bloc = new_atelier(first)
    console = Screen(first, staff_auth(workshop))
    projector = Screen(second, staff_auth(workshop, role="projector"))
    ana, ben = Screen(first, {"code": workshop["code"], "name": "Ana"}), Screen(second, {"code": workshop["code"]})
    assert console.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    written = [
        ana.call("note:add", {"bloc": bloc["id"], "text": "d'un côté"})["note"]["id"],
        ben.call("note:add", {"bloc": bloc["id"], "text": "de l'autre"})["note"]["id"],
    ]
    for screen in (console, projector, ana, ben):
        assert screen.wait_for(lambda s: set(written) <= s.notes.keys()), screen.me
    # Removing Ben (on the other worker) disconnects him there.
    told = threading.Event()
    ben.client.on("participant:removed", lambda *_: told.set())
    assert console.call("participant:remove", {"participant": ben.me["id"]})["ok"]
    assert told.wait(10)
    deadline = time.monotonic() + 10
    while ben.client.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not ben.client.connected
    refused = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(first, auth={"code": workshop["code"], "token": ben.me["token"]}, transports=["websocket"])
    for screen in (console, projector, ana):
        screen.close()


def test_limits_and_seats_hold_across_workers(workers):
    running = workers(
        2,
        FACILITATE_NOTES_PER_MINUTE="4",
        FACILITATE_JOIN_ATTEMPTS_PER_MINUTE="3",
        FACILITATE_IDLE_SEATS_PER_ADDRESS="2",
    )
    first, second = running.urls
    workshop, bloc = new_atelier(first)
    console = Screen(first, staff_auth(workshop))
    assert console.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    # One participant on both workers: four notes a minute in all, not four per worker.
    here = Screen(first, {"code": workshop["code"], "name": "Double"})
    there = Screen(second, {"code": workshop["code"], "token": here.me["token"]})
    for screen in (here, there, here, there):
        assert screen.call("note:add", {"bloc": bloc["id"], "text": "encore"})["ok"]
    assert here.call("note:add", {"bloc": bloc["id"], "text": "de trop"})["error"]["code"] == "rate_limited"
    # Two newcomers who have written nothing, one per worker: the address's idle seats are taken.
    idle = [Screen(url, {"code": workshop["code"]}) for url in (first, second)]
    time.sleep(2.5)  # each worker shares who is connected every second
    refused = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(first, auth={"code": workshop["code"]}, transports=["websocket"], wait_timeout=5)
    # Wrong join codes count across workers: three on one, then even the right code is refused on the other.
    for _ in range(3):
        with pytest.raises(socketio.exceptions.ConnectionError):
            socketio.Client(reconnection=False).connect(first, auth={"code": "ZZZZZZ"}, transports=["websocket"])
    guessed = requests.get(f"{second}/j/{workshop['code']}", timeout=10)
    assert guessed.status_code == 429
    for screen in (console, here, there, *idle):
        screen.close()


def test_two_workers_writing_at_once_lose_no_acknowledged_note(workers):
    running = workers(2)
    workshop, bloc = new_atelier(running.urls[0])
    console = Screen(running.urls[1], staff_auth(workshop))
    assert console.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    phones = [Screen(running.urls[i % 2], {"code": workshop["code"], "name": f"p{i}"}) for i in range(12)]
    acked: list[int] = []
    lock = threading.Lock()

    def write(phone: Screen) -> None:
        for i in range(15):
            ack = phone.call("note:add", {"bloc": bloc["id"], "text": f"{phone.me['name']} {i}"})
            assert ack["ok"], ack
            with lock:
                acked.append(ack["note"]["id"])

    threads = [threading.Thread(target=write, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(acked) == len(set(acked)) == 12 * 15
    assert set(saved_notes(running.urls[0], workshop)) == set(acked)
    for screen in (console, phones[0], phones[1]):
        assert screen.wait_for(lambda s: set(acked) <= s.notes.keys())
    for screen in (console, *phones):
        screen.close()


# -- failures -------------------------------------------------------------------------------


class Phone:
    """A phone through the proxy that reconnects by itself, asks for what it
    missed (since), and sends each note until it is acknowledged, with the
    same client_id (the server keeps one)."""

    def __init__(self, url: str, workshop: dict, name: str) -> None:
        self.notes: set[int] = set()
        self.seq, self.token = 0, None
        self.client = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1, ssl_verify=False
        )
        self.drops = 0
        self.client.on("state", self._apply)
        self.client.on("change", self._apply)
        self.client.on("disconnect", self._dropped)
        self.client.connect(
            f"{url}?code={workshop['code']}",
            auth=lambda: {
                "code": workshop["code"],
                **({"token": self.token} if self.token else {"name": name}),
                "since": self.seq,
            },
            transports=["websocket"],
            wait_timeout=10,
        )

    def _dropped(self) -> None:
        self.drops += 1

    def _apply(self, patch: dict) -> None:
        if "me" in patch:
            self.token = patch["me"]["token"]
        if patch.get("full"):
            self.notes.clear()
        self.notes |= {n["id"] for n in patch.get("notes", [])}
        self.notes -= set(patch.get("deleted_notes", []))
        self.seq = max(self.seq, patch["seq"])

    def add(self, bloc: int, text: str) -> int:
        client_id, deadline = uuid.uuid4().hex, time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                ack = self.client.call("note:add", {"bloc": bloc, "text": text, "client_id": client_id}, timeout=3)
                if ack and ack.get("ok"):
                    return ack["note"]["id"]
            except Exception:
                time.sleep(0.2)
        raise AssertionError(f"never acknowledged: {text}")


def established(port: int) -> int:
    """TCP connections established to 127.0.0.1:port (from /proc/net/tcp)."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if row[1].endswith(f":{port:04X}") and row[3] == "01")


@pytest.mark.parametrize("proxy_name", ["nginx", "caddy"])
def test_kill_9_of_a_worker_mid_burst_loses_and_duplicates_nothing(workers, tmp_path, proxy_name):
    """Through deploy/'s nginx (every screen of the atelier on one worker, by its code) and Caddy (each
    browser on a worker by a cookie): the worker serving phones is killed mid-burst."""
    (tmp_path / proxy_name).mkdir()
    ports = free_port_run(2)
    if proxy_name == "nginx":
        proxy = Nginx(tmp_path / "nginx", [ports, ports + 1], "        add_header X-Upstream $upstream_addr always;\n")
    else:
        proxy = Caddy(tmp_path / "caddy", [ports, ports + 1])
    running = workers(2, port=ports, FACILITATE_ALLOWED_ORIGINS=proxy.url)
    proxy.start()
    try:
        workshop, bloc = new_atelier(running.urls[0])
        console = Screen(running.urls[0], staff_auth(workshop))
        assert console.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
        phones = [Phone(proxy.url, workshop, f"p{i}") for i in range(8)]
        if proxy_name == "nginx":  # the worker nginx gives this atelier (by its code), as the phones were
            upstream = requests.get(f"{proxy.url}/healthz?code={workshop['code']}", verify=False, timeout=5)
            victim = int(upstream.headers["X-Upstream"].rsplit(":", 1)[1])
        else:  # Caddy spreads the phones: the worker with the most of Caddy's connections
            victim = max((running.port, running.port + 1), key=established)
        acked: list[int] = []
        lock = threading.Lock()

        def burst(phone: Phone, index: int) -> None:
            for i in range(12):
                note = phone.add(bloc["id"], f"{index}-{i}")
                with lock:
                    acked.append(note)
                time.sleep(0.05)

        threads = [threading.Thread(target=burst, args=(p, i)) for i, p in enumerate(phones)]
        for thread in threads:
            thread.start()
        time.sleep(0.4)
        os.kill(running.pid_of(victim), signal.SIGKILL)
        for thread in threads:
            thread.join(90)
        assert sum(phone.drops for phone in phones) >= 1  # phones were on the killed worker, and came back
        saved = saved_notes(running.urls[1 if victim == running.port else 0], workshop)
        texts = [n["text"] for n in saved.values()]
        assert len(acked) == 8 * 12 and set(acked) <= saved.keys()
        assert len(texts) == len(set(texts)) == 8 * 12  # no note twice, despite the retries
        for phone in phones:
            deadline = time.monotonic() + 20
            while phone.notes != saved.keys() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert phone.notes == saved.keys()
        running.wait_healthy(f"http://127.0.0.1:{victim}")  # the supervisor started it again
        assert "redémarrage" in running.output()
        for phone in phones:
            phone.client.disconnect()
    finally:
        proxy.stop()


def test_redis_down_is_said_and_screens_resync_when_it_returns(workers, redis_server, browser):
    running = workers(2)
    first, second = running.urls
    workshop, bloc = new_atelier(first)
    far = Screen(first, staff_auth(workshop))  # the console on the other worker
    near = Screen(second, staff_auth(workshop))
    # The console in Chromium, on the worker that keeps serving.
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(f"{second}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    expect(console.locator("#status")).to_have_text("En ligne")
    phone = Screen(second, {"code": workshop["code"], "name": "Près"})
    assert far.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    statuses: list[str] = []
    near.client.on("server:status", lambda status: statuses.append(status["queue"]))
    asked: list[int] = []
    far.client.on("resync", lambda *_: asked.append(1))
    redis_server.stop()
    assert near.wait_for(lambda _: "down" in statuses, 15)
    assert "Redis injoignable" in running.output()
    expect(console.locator("#message")).to_contain_text("Les autres serveurs sont injoignables (Redis)")
    # The worker keeps serving its own phones.
    note = phone.call("note:add", {"bloc": bloc["id"], "text": "pendant la panne"})["note"]
    assert near.wait_for(lambda s: note["id"] in s.notes)
    redis_server.start()
    assert near.wait_for(lambda _: statuses[-1] == "up", 20)
    expect(console.locator("#message")).to_contain_text("Les serveurs se parlent de nouveau")
    laptop.close()
    assert far.wait_for(lambda _: asked, 20)
    far._apply(far.call("sync", {"since": far.seq})["state"])  # what live.js does on `resync`
    assert note["id"] in far.notes
    for screen in (far, near, phone):
        screen.close()


def test_an_atelier_served_by_one_worker_keeps_its_patches_off_redis(workers, redis_server):
    """Every screen of the atelier on one worker (what hashing its code in
    the proxy does): its patches do not cross Redis; once a screen of it
    connects to another worker, they do, and that screen gets them."""
    import json

    import redis

    running = workers(2)
    first, second = running.urls
    workshop, bloc = new_atelier(first)
    console = Screen(first, staff_auth(workshop))
    ana = Screen(first, {"code": workshop["code"], "name": "Ana"})
    assert console.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    channel = redis.Redis(port=redis_server.port).pubsub(ignore_subscribe_messages=True)
    channel.subscribe("facilitate")

    def patches_on_redis() -> int:
        found = 0
        while (message := channel.get_message(timeout=0.2)) is not None:
            data = json.loads(message["data"])
            found += data.get("method") == "emit" and data.get("event") == "change"
        return found

    time.sleep(1.5)  # each worker has published what it serves
    patches_on_redis()
    alone = ana.call("note:add", {"bloc": bloc["id"], "text": "Entre nous"})["note"]
    assert console.wait_for(lambda s: alone["id"] in s.notes)
    assert patches_on_redis() == 0
    ben = Screen(second, {"code": workshop["code"], "name": "Ben"})  # now the other worker serves it too
    time.sleep(0.5)
    shared = ana.call("note:add", {"bloc": bloc["id"], "text": "Pour tous"})["note"]
    assert ben.wait_for(lambda s: shared["id"] in s.notes)
    assert patches_on_redis() > 0
    for screen in (console, ana, ben):
        screen.close()


def test_the_hosted_mode_on_workers_behind_nginx(workers, tmp_path, browser):
    """The hosted mode as deployed for a congress: HTTPS through deploy/'s
    nginx, an account, two workers. The console logs in and creates an
    atelier (pages on one worker, its Socket.IO on the worker of its code), a
    phone joins through the public address, and its note reaches the console."""
    from facilitate import create_app

    password = "une phrase de passe"
    (tmp_path / "data").mkdir()
    create_app({"DATA_DIR": tmp_path / "data", "ASYNC_MODE": "threading"}).extensions["facilitate"].add_account(
        "ana@exemple.org", password
    )
    (tmp_path / "nginx").mkdir()
    ports = free_port_run(2)
    proxy = Nginx(tmp_path / "nginx", [ports, ports + 1])
    workers(2, port=ports, FACILITATE_PUBLIC_URL=proxy.url, FACILITATE_TRUSTED_PROXIES="1")
    proxy.start()
    try:
        laptop = browser.new_context(**LAPTOP, ignore_https_errors=True)
        console = laptop.new_page()
        console.goto(f"{proxy.url}/animation")
        console.get_by_label("Courriel").fill("ana@exemple.org")
        console.get_by_label("Mot de passe").fill(password)
        console.get_by_role("button", name="Se connecter").click()
        console.get_by_label("Modèle de séance").select_option("mutualisation")
        console.get_by_label("Titre de l'atelier").fill("Congrès")
        console.get_by_role("button", name="Créer l'atelier").click()
        expect(console.locator("#status")).to_have_text("En ligne")
        join_url = console.locator("#join-url").inner_text()
        assert join_url.startswith(f"{proxy.url}/j/")
        phone = browser.new_context(**PHONE, ignore_https_errors=True).new_page()
        phone.goto(join_url)
        phone.get_by_role("button", name="Rester anonyme").click()
        expect(phone.locator("#status")).to_have_text("En ligne")
        phone.get_by_label("Votre note").fill("Depuis la salle du congrès")
        phone.get_by_role("button", name="Envoyer la note").click()
        expect(console.locator("#bloc-notes")).to_contain_text("Depuis la salle du congrès")
        laptop.close()
    finally:
        proxy.stop()
