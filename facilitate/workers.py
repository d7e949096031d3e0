"""`facilitate serve --workers N`: N server processes on ports P..P+N-1,
sharing the data folder (SQLite in WAL mode, busy timeout) and Redis (the
message queue, rate limits and presence: shared_state.py), behind the
hosted mode's proxy. This process only supervises: it holds the data
folder's lock (its workers are let through, datalock.py), starts the
workers, restarts one that dies, and stops them all on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from facilitate.datalock import LOCK_OWNER_ENV
from facilitate.i18n import _

WORKER_ENV = "FACILITATE_WORKER_INDEX"  # set in each worker: its index, 0..N-1
RESTART_DELAY_SECONDS = 1.0


def worker_ports(port: int, count: int) -> list[int]:
    return [port + i for i in range(count)]


def upstream_block(host: str, port: int, count: int) -> str:
    """What to paste into the proxy's configuration: nginx's upstream block
    (deploy/nginx/facilitate.conf: every screen of an atelier on one worker,
    by the code in its Socket.IO address) and Caddy's FACILITATE_UPSTREAM
    (deploy/Caddyfile: each browser on one worker, by a cookie)."""
    address = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    servers = [f"{address}:{p}" for p in worker_ports(port, count)]
    lines = ["upstream facilitate {", "    hash $arg_code consistent;"]
    lines += [f"    server {server} max_fails=1 fail_timeout=2s;" for server in servers]
    lines += ["}", "", f'FACILITATE_UPSTREAM="{" ".join(servers)}"']
    return "\n".join(lines)


def worker_command(port: int) -> list[str]:
    return [sys.executable, "-m", "facilitate", "serve", "--port", str(port)]


def supervise(ports: list[int], env: dict[str, str], say: Callable[[str], None], poll_seconds: float = 0.5) -> None:
    """Run one worker per port until told to stop; a worker that dies
    (a crash, kill -9) is started again after a second."""
    base_env = {**env, LOCK_OWNER_ENV: str(os.getpid())}  # datalock lets the owner's workers through
    processes: dict[int, subprocess.Popen[bytes]] = {}

    def start(index: int) -> None:
        processes[index] = subprocess.Popen(worker_command(ports[index]), env={**base_env, WORKER_ENV: str(index)})

    stopping = []

    def stop(*_: object) -> None:
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(len(ports)):
        start(index)
    try:
        while not stopping:
            time.sleep(poll_seconds)
            for index, process in list(processes.items()):
                code = process.poll()
                if code is not None and not stopping:
                    say(
                        _(
                            "Processus {index} (port {port}) arrêté ({code}) : redémarrage.",
                            index=index,
                            port=ports[index],
                            code=code,
                        )
                    )
                    time.sleep(RESTART_DELAY_SECONDS)
                    start(index)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
