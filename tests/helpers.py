"""What the tests share: the real server in a subprocess, Socket.IO clients
that keep a screen's state, the event and browser helpers. Fixtures live in
conftest.py; test modules import helpers from here, never from each other."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
import socketio
from playwright.sync_api import expect

from facilitate.config import DEFAULT_ASYNC_MODE

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


# -- the real server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m facilitate serve` in a subprocess, as a facilitator runs it."""

    def __init__(
        self,
        data_dir: Path,
        async_mode: str = DEFAULT_ASYNC_MODE,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = data_dir
        self.async_mode = async_mode
        self.port = port or free_port()
        self.extra_args = extra_args
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.cwd = ROOT
        self.extra_env: dict[str, str] = {}
        self.data_arg = True

    def start(self) -> LiveServer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.extra_env}
        self.log = open(self.data_dir / f"server-{self.port}.log", "a")  # noqa: SIM115 (closed by stop())
        data = ["--data", str(self.data_dir)] if self.data_arg else []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "facilitate",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *data,
                "--async-mode",
                self.async_mode,
                *self.extra_args,
            ],
            cwd=self.cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
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


def create_workshop(server, **fields) -> dict:
    response = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs", **fields}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def fetch_state(server, workshop: dict) -> dict:
    response = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=10,
    )
    assert response.status_code == 200
    return response.json()


def facilitator_socket(server, workshop: dict) -> socketio.Client:
    """A python-socketio client connected as the atelier's facilitator."""
    client = socketio.Client()
    client.connect(
        server.url,
        auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]},
        transports=["websocket"],
    )
    return client


# -- Socket.IO screens and events -----------------------------------------------------


class Screen:
    """A python-socketio client that keeps the atelier state from patches,
    as the browser's live.js does."""

    def __init__(self, url: str, auth: dict, resume: Screen | None = None) -> None:
        """`resume`: the screen this one replaces after a drop; it keeps what
        that one knew and asks only for what changed since its last seq."""
        self.notes: dict[int, dict] = dict(resume.notes) if resume else {}
        self.me: dict = {}
        self.seq = resume.seq if resume else 0
        if resume:
            auth = {**auth, "since": resume.seq}
        self.patches: list[dict] = []  # every snapshot and patch received, in order
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state)
        self.client.on("change", self._apply)
        self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
        assert self.ready.wait(10), "no state snapshot"

    def _on_state(self, patch: dict) -> None:
        self.me = patch.get("me", {})
        self._apply(patch)
        self.ready.set()

    def _apply(self, patch: dict) -> None:
        with self.lock:
            self.patches.append(patch)
            if patch.get("full"):
                self.notes.clear()
            for note in patch.get("notes", []):
                # As live.js: a room-wide patch does not know the note is mine; my own patch does.
                mine = note.get("mine") or self.notes.get(note["id"], {}).get("mine", False)
                self.notes[note["id"]] = {**note, "mine": mine}
            for note_id in patch.get("deleted_notes", []):
                self.notes.pop(note_id, None)
            self.seq = max(self.seq, patch["seq"])

    def wait_for(self, predicate, timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.05)
        return False

    def call(self, event: str, payload: dict) -> dict:
        """Send and return the ack; a staff screen (sent a patch after every
        change) first waits for the patch of what it committed."""
        ack = self.client.call(event, payload, timeout=15)
        if ack and "seq" in ack and self.me.get("role") in ("facilitator", "cofacilitator", "projector"):
            self.wait_for(lambda screen: screen.seq >= ack["seq"], timeout=5)
        return ack

    def close(self) -> None:
        self.client.disconnect()


def staff(connect, w, role=None):
    auth = {"code": w["code"], "facilitator_key": w["facilitator_key"]}
    if role:
        auth["role"] = role
    return connect(auth)


def changes(client):
    return [m["args"][0] for m in client.get_received() if m["name"] == "change"]


def state_of(client):
    states = [m["args"][0] for m in client.get_received() if m["name"] == "state"]
    assert states, "no state snapshot received"
    return states[-1]


def public_bloc(w):
    """Bloc 2 of the RQDS template: two columns, writing not private."""
    return next(b for b in w["blocs"] if b["kind"] == "columns" and not b["private_writing"])


def private_bloc(w):
    return next(b for b in w["blocs"] if b["private_writing"])


def add(client, bloc, text="Solidarité", **extra):
    return client.emit(
        "note:add", {"bloc": bloc["id"], "text": text, "client_id": str(uuid.uuid4()), **extra}, callback=True
    )


def ok(client, event, payload):
    ack = client.emit(event, payload, callback=True)
    assert ack["ok"], (event, ack)
    return ack


def notes_in_two_groups(staff, bloc: dict, column: str, texts: list[str]) -> list[int]:
    """The notes added to a column, the first in a group "Billetterie" and the
    second in "Administration" (as a facilitator starts by hand); their ids."""
    ids = [staff.call("note:add", {"bloc": bloc["id"], "text": t, "column": column})["note"]["id"] for t in texts]
    groups = [{"label": "Billetterie", "notes": [ids[0]]}, {"label": "Administration", "notes": [ids[1]]}]
    assert staff.call("cluster:group", {"bloc": bloc["id"], "clusters": groups})["ok"]
    return ids


# -- the browser -------------------------------------------------------------------


def launch_chromium(playwright, *extra_args: str):
    """Debian's Chromium, quiet: no sandbox (containers), GPU, sync or update checks.
    Its browsers ask for Québec French first (Chromium's default is en-US, which
    the language negotiation would follow); a context with locale="en-CA" asks for English."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--accept-lang=fr-CA,fr",
            *extra_args,
        ],
    )


def drag(page, source, target):
    """Drag and drop step by step (hover, press, move twice, release), which
    Chromium's HTML5 drag and drop follows more reliably than one jump."""
    source.scroll_into_view_if_needed()
    source.hover()
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10, steps=5)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()


def join(browser, url, name, lang="fr"):
    """A phone that joins under `name`; lang="en": a phone asking for English."""
    english = lang == "en"
    context = browser.new_context(**PHONE, **({"locale": "en-CA"} if english else {}))
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Your first name (optional)" if english else "Votre prénom (facultatif)").fill(name)
    page.get_by_role("button", name="Join" if english else "Participer").click()
    expect(page.locator("#who")).to_have_text(f"You: {name}" if english else f"Vous : {name}")
    return page


def console_and_projector(browser, server, workshop: dict):
    """The console and the projector open in one laptop context (the projector
    finds the key the console stored): (laptop, console, projector)."""
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur")
    return laptop, console, projector


def console_and_projector_on_a_public_bloc(browser, server, workshop: dict):
    """The same, the atelier moved to its public bloc first: (bloc, laptop, console, projector)."""
    staff = facilitator_socket(server, workshop)
    bloc = public_bloc(fetch_state(server, workshop))
    assert staff.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    staff.disconnect()
    return (bloc, *console_and_projector(browser, server, workshop))


# -- accessibility ------------------------------------------------------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Rules left, each with its reason. Empty: every rule passes on every screen.
ALLOWED: dict[str, str] = {}


# A sample of the French interface that an English screen must not show.
FRENCH_SAMPLE = re.compile(
    r"\b(Dévoilement|Regroupement|Écriture|Clos|Participer|Envoyer la note|J'ai terminé|Télécharger|Synthèse|"
    r"Tableau|Déroulement|Minuterie|En ligne|Hors ligne|Scannez|Phase suivante|ont voté|Aller au contenu|"
    r"Votre note|Rester anonyme|Mes notes|Résultats|Tirage au sort|Points restants)\b"
)


def check_screens(screens: dict, phase: str, folder: str = "whole-atelier", lang: str = "fr") -> None:
    """Photograph every screen (test-artifacts/FOLDER/, ignored by git) and run
    axe-core on it; in English, look for words of the French interface."""
    (ARTIFACTS / folder).mkdir(parents=True, exist_ok=True)
    problems = []
    for name, page in screens.items():
        page.wait_for_timeout(300)  # let the last patch paint
        page.screenshot(path=ARTIFACTS / folder / f"{lang}-{phase}-{name}.png", full_page=True)
        if lang == "en":
            shown = page.locator("body").inner_text() + " " + page.title()
            labels = page.evaluate(
                "[...document.querySelectorAll('[aria-label],[placeholder],[title],[alt]')].map((e) => "
                "[e.getAttribute('aria-label'), e.getAttribute('placeholder'), e.getAttribute('title'), "
                "e.getAttribute('alt')].filter(Boolean).join(' ')).join(' ')"
            )
            problems += [f"{phase}/{name}: French « {m} »" for m in sorted(set(FRENCH_SAMPLE.findall(shown + labels)))]
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map((v) => "
            "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))})))"
        )
        problems += [
            f"{phase}/{name}: {v['id']} ({v['impact']}) {v['nodes']}" for v in violations if v["id"] not in ALLOWED
        ]
    assert not problems, "\n".join(problems)


# -- the command line -----------------------------------------------------------------


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "facilitate", "cluster", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8")
    )


def write(tmp_path: Path, content: str | bytes, name: str = "notes.txt") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


class Proxy:
    """A reverse proxy process started from the deploy/ file, restartable on the same port."""

    def __init__(self, workdir: Path, upstream: int | list[int], site_extra: str = "") -> None:
        """`upstream`: the server's port, or its workers' ports; `site_extra`: lines for nginx's location."""
        self.workdir, self.port = workdir, free_port()
        self.upstreams = upstream if isinstance(upstream, list) else [upstream]
        self.site_extra = site_extra
        self.url = f"https://localhost:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    def start(self) -> Proxy:
        command, env = self.command()
        log = open(self.workdir / "proxy.log", "a")  # noqa: SIM115 (the proxy writes it while it runs)
        self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.workdir / "proxy.log").read_text()
            try:
                if requests.get(f"{self.url}/healthz", verify=False, timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError((self.workdir / "proxy.log").read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Caddy(Proxy):
    def command(self):
        # Global options for a test run (no admin port, no redirect server on
        # port 80, no change to the system's trust store), then deploy/Caddyfile as is.
        config = self.workdir / "Caddyfile"
        config.write_text(
            "{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n"
            f"\tstorage file_system {{\n\t\troot {self.workdir / 'data'}\n\t}}\n}}\n"
            + (ROOT / "deploy" / "Caddyfile").read_text()
        )
        env = {
            "FACILITATE_SITE": self.url,
            "FACILITATE_CADDY_TLS": "tls internal",
            "FACILITATE_UPSTREAM": " ".join(f"127.0.0.1:{port}" for port in self.upstreams),
            "HOME": str(self.workdir),
            "XDG_DATA_HOME": str(self.workdir / "data"),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
        }
        return ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"], env


class Nginx(Proxy):
    def command(self):
        if not (self.workdir / "cert.pem").exists():
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-keyout",
                    str(self.workdir / "key.pem"),
                    "-out",
                    str(self.workdir / "cert.pem"),
                    "-subj",
                    "/CN=localhost",
                    "-addext",
                    "subjectAltName=DNS:localhost",
                ],
                check=True,
                capture_output=True,
            )
        site = (ROOT / "deploy" / "nginx" / "facilitate.conf").read_text()
        for old, new in {
            "listen 80;": f"listen 127.0.0.1:{free_port()};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.port} ssl http2;",
            "listen [::]:80;": "",
            "listen [::]:443 ssl http2;": "",
            "ateliers.exemple.org;": "localhost;",
            "/etc/letsencrypt/live/ateliers.exemple.org/fullchain.pem": str(self.workdir / "cert.pem"),
            "/etc/letsencrypt/live/ateliers.exemple.org/privkey.pem": str(self.workdir / "key.pem"),
            "    server 127.0.0.1:5000 max_fails=1 fail_timeout=2s;\n": "".join(
                f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n" for port in self.upstreams
            ),
            "        proxy_buffering off;\n": f"        proxy_buffering off;\n{self.site_extra}",
        }.items():
            assert old in site, old
            site = site.replace(old, new)
        (self.workdir / "site.conf").write_text(site)
        w = self.workdir
        (w / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {w}/nginx.pid;\nerror_log {w}/error.log;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n access_log {w}/access.log;\n client_body_temp_path {w}/body;\n proxy_temp_path {w}/proxy;\n"
            f" fastcgi_temp_path {w}/fastcgi;\n uwsgi_temp_path {w}/uwsgi;\n scgi_temp_path {w}/scgi;\n"
            f" include {w}/site.conf;\n}}\n"
        )
        return [
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-p",
            str(w),
            "-c",
            str(w / "nginx.conf"),
            "-g",
            "daemon off;",
        ], {}
