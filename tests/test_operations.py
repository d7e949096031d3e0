"""Issue 9, operations: one data folder one server, clear start-up errors, the
missing browser library, backups and restore. Real `facilitate` processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
import zipfile
from pathlib import Path

import pytest
import requests
from helpers import ROOT, LiveServer, Screen, create_workshop, fetch_state, free_port, public_bloc

from facilitate import create_app
from facilitate.backups import to_delete


def facilitate(
    *args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "facilitate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def serve_once(data: Path, *extra: str) -> subprocess.CompletedProcess:
    """A `facilitate serve` expected to refuse to start (it would otherwise hit the timeout)."""
    return facilitate(
        "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data", str(data), *extra, timeout=60
    )


def test_a_second_server_on_the_same_folder_refuses_to_start(live_server, tmp_path):
    first = live_server()
    second = serve_once(tmp_path)
    assert second.returncode == 1
    assert "Erreur : un autre serveur facilitate" in second.stderr and str(first.process.pid) in second.stderr
    assert "Traceback" not in second.stderr + second.stdout
    assert requests.get(f"{first.url}/api/templates", timeout=5).ok  # the first one is untouched
    # kill -9 leaves no stale lock: the next start works.
    first.kill()
    first.log.close()
    live_server()


def test_a_port_already_taken_gives_a_clear_message(live_server, tmp_path):
    first = live_server()
    (tmp_path / "autre").mkdir()
    second = facilitate("serve", "--host", "127.0.0.1", "--port", str(first.port), "--data", str(tmp_path / "autre"))
    assert second.returncode == 1 and f"impossible d'écouter sur 127.0.0.1:{first.port}" in second.stderr
    assert "Traceback" not in second.stderr + second.stdout


def test_a_worker_of_the_lock_owner_is_let_through(tmp_path):
    """`serve --workers`' children: started by the owner with FACILITATE_LOCK_OWNER=<owner pid>."""
    owner = f"""
import os, subprocess, sys
from pathlib import Path
from facilitate.datalock import hold
lock = hold(Path({str(tmp_path)!r}))
child = "from pathlib import Path; from facilitate.datalock import hold; hold(Path({str(tmp_path)!r}))"
worker = subprocess.run([sys.executable, "-c", child], env={{**os.environ, "FACILITATE_LOCK_OWNER": str(os.getpid())}})
stranger = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
print(worker.returncode, stranger.returncode, "utilise déjà" in stranger.stderr)
"""
    result = subprocess.run([sys.executable, "-c", owner], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["0", "1", "True"], result.stderr


@pytest.fixture
def immutable(tmp_path):
    """A folder nothing can be written to, even by root (chattr +i)."""
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    assert facilitate("list", "--data", str(folder)).returncode == 0  # an existing database inside
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        folder.chmod(0o555)
        if os.access(folder, os.W_OK):
            pytest.skip("cannot make a read-only folder here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_a_read_only_data_folder_gives_a_clear_message(immutable):
    for result in (serve_once(immutable), facilitate("demo", "--data", str(immutable))):
        assert result.returncode == 1
        assert "Erreur : impossible d'écrire dans le dossier de données" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_a_corrupt_database_gives_a_clear_message(tmp_path):
    (tmp_path / "facilitate.sqlite3").write_bytes(b"ceci n'est pas une base SQLite" * 100)
    for result in (serve_once(tmp_path), facilitate("list", "--data", str(tmp_path))):
        assert result.returncode == 1
        assert "est illisible" in result.stderr and "Restaurez une sauvegarde" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_serve_says_when_the_browser_library_is_missing(tmp_path, live_server):
    """`pip install .` without the npm step: the wheel has no socket.io.min.js."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("facilitate-*.whl"))
    assert "facilitate/static/vendor/socket.io.min.js" in zipfile.ZipFile(wheel).namelist()  # the README's setup
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    (target / "facilitate" / "static" / "vendor" / "socket.io.min.js").unlink()
    server = LiveServer(tmp_path, "gevent")
    server.cwd = tmp_path
    server.extra_env = {"PYTHONPATH": str(target)}
    server.start()
    try:
        assert "static/vendor/socket.io.min.js manque" in server.output()
    finally:
        server.stop()
    (tmp_path / "complet").mkdir()
    assert "manque" not in live_server(data_dir=tmp_path / "complet").output()


def test_backup_while_serving_then_restore(live_server, tmp_path):
    server = live_server()
    workshop = create_workshop(server)
    bloc = public_bloc(fetch_state(server, workshop))
    phone = Screen(server.url, {"code": workshop["code"]})
    acked = [
        phone.call("note:add", {"bloc": bloc["id"], "text": f"avant {i}", "client_id": str(uuid.uuid4())})["ok"]
        for i in range(20)
    ]
    assert all(acked)
    stop = threading.Event()

    def keep_writing() -> None:  # the room keeps posting during the backup
        while not stop.is_set():
            phone.call("note:add", {"bloc": bloc["id"], "text": "pendant", "client_id": str(uuid.uuid4())})

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        made = facilitate("backup", "--data", str(tmp_path), "-o", str(tmp_path / "copie.sqlite3"))
    finally:
        stop.set()
        writer.join()
    assert made.returncode == 0 and "Sauvegarde écrite" in made.stdout, made.stderr
    refused = facilitate("restore", str(tmp_path / "copie.sqlite3"), "--data", str(tmp_path), "--yes")
    assert refused.returncode == 1 and "utilise déjà" in refused.stderr  # never under a running server
    phone.close()
    server.stop()

    restored_dir = tmp_path / "restaure"
    done = facilitate("restore", str(tmp_path / "copie.sqlite3"), "--data", str(restored_dir), "--yes")
    assert done.returncode == 0, done.stderr
    again = live_server(data_dir=restored_dir)
    state = fetch_state(again, workshop)
    texts = [n["text"] for n in state["notes"]]
    assert [t for t in texts if t.startswith("avant")] == [f"avant {i}" for i in range(20)]
    assert requests.get(f"{again.url}/j/{workshop['code']}", timeout=5).ok
    bad = tmp_path / "pas-une-sauvegarde.sqlite3"
    bad.write_text("rien")
    refused = facilitate("restore", str(bad), "--data", str(tmp_path / "autre"), "--yes")
    assert refused.returncode == 1 and "n'est pas une sauvegarde facilitate lisible" in refused.stderr


def test_hosted_mode_backs_up_daily_and_keeps_the_last_n(live_server, tmp_path, monkeypatch):
    backups = tmp_path / "sauvegardes"
    backups.mkdir()
    for day in ("20260101", "20260102", "20260103"):
        (backups / f"facilitate-{day}-030000.sqlite3").write_text("ancienne")
    monkeypatch.setenv("FACILITATE_BACKUPS_KEPT", "2")
    # In hosted mode the loopback may not create ateliers (accounts only, issue 10): make one beforehand.
    create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading"}).extensions["facilitate"].create_workshop(
        {"template": "mutualisation"}
    )
    server = live_server(extra_args=("--public-url", "https://ateliers.example.org"))
    names: list[str] = []
    for _ in range(100):
        names = sorted(p.name for p in backups.iterdir())
        if len(names) == 2 and names[-1] > "facilitate-2026010":
            break
        threading.Event().wait(0.1)
    assert len(names) == 2 and names[0] == "facilitate-20260103-030000.sqlite3", names
    fresh = sqlite3.connect(backups / names[-1])
    assert fresh.execute("PRAGMA user_version").fetchone()[0] >= 1
    fresh.close()
    assert "Sauvegarde quotidienne" in server.output()


def test_laptop_mode_makes_no_automatic_backup(live_server, tmp_path):
    server = live_server()
    assert not (tmp_path / "sauvegardes").exists() and "Sauvegarde quotidienne" not in server.output()


def test_which_backups_go():
    names = [
        "facilitate-20260103-0.sqlite3",
        "autre.txt",
        "facilitate-20260101-0.sqlite3",
        "facilitate-20260102-0.sqlite3",
    ]
    assert to_delete(names, 2) == ["facilitate-20260101-0.sqlite3"]
    assert to_delete(names, 5) == []


def test_accepted_sockets_inherit_tcp_nodelay():
    """serve sets TCP_NODELAY on its listening socket (network.no_delay): every phone's socket has it."""
    import socket

    from facilitate.network import no_delay

    with no_delay(socket.create_server(("127.0.0.1", 0))) as listener, socket.create_connection(listener.getsockname()):
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
