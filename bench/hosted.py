"""Hosted mode through a real HTTPS proxy: how long phones take to join, and
how long a note takes to be acknowledged and to reach the console, directly
and through Caddy (tls internal) or nginx (self-signed), with the deploy/
files (the same harness as tests/test_hosted_proxy.py).

    .venv/bin/python bench/hosted.py [--phones 50] [--notes 5]

Figures go to docs/benchmarks.md; not part of pytest."""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import LiveServer, free_port  # noqa: E402
from test_hosted_proxy import Caddy, Nginx  # noqa: E402

from facilitate import create_app  # noqa: E402
from facilitate.events import STAFF_VIEWER  # noqa: E402
from facilitate.read_model import patch  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def run(url: str, workshop, phones: int, notes: int) -> dict[str, list[float]]:
    bloc = workshop["bloc"]
    sent: dict[str, float] = {}
    delivery: list[float] = []
    done = threading.Event()
    console = socketio.Client(ssl_verify=False)

    @console.on("change")
    def on_change(patch):
        now = time.perf_counter()
        for note in patch.get("notes", []):
            start = sent.pop(note["text"], None)
            if start is not None:
                delivery.append(now - start)
        if len(delivery) >= phones * notes:
            done.set()

    console.connect(url, auth={"code": workshop["code"], "facilitator_key": workshop["key"]}, transports=["websocket"])
    joins: list[float] = []
    acks: list[float] = []
    lock = threading.Lock()

    def phone(i: int) -> None:
        client = socketio.Client(ssl_verify=False)
        joined = threading.Event()
        client.on("state", lambda _state: joined.set())
        start = time.perf_counter()
        client.connect(url, auth={"code": workshop["code"], "name": f"p{i}"}, transports=["websocket"])
        joined.wait(30)
        with lock:
            joins.append(time.perf_counter() - start)
        for k in range(notes):
            text = f"note {i}-{k} {url}"
            sent[text] = time.perf_counter()
            t0 = time.perf_counter()
            assert client.call("note:add", {"bloc": bloc, "text": text}, timeout=30)["ok"]
            with lock:
                acks.append(time.perf_counter() - t0)
            time.sleep(0.2)
        client.disconnect()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.wait(30)
    console.disconnect()
    return {"join": joins, "ack": acks, "delivery": delivery}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--notes", type=int, default=5)
    args = parser.parse_args()
    print("| path | phones × notes | join p50/p95 (ms) | ack p50/p95/p99 (ms) | to console p50/p95/p99 (ms) | lost |")
    print("|---|---|---|---|---|---|")
    for name, proxy_class in (("direct (http)", None), ("Caddy 2.6 (https)", Caddy), ("nginx 1.22 (https)", Nginx)):
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "data").mkdir()
            (tmp_path / "proxy").mkdir()
            port = free_port()
            proxy = proxy_class(tmp_path / "proxy", port) if proxy_class else None
            public = proxy.url if proxy else f"https://localhost:{port}"
            app = create_app({"DATA_DIR": tmp_path / "data", "ASYNC_MODE": "threading"})
            created = app.extensions["facilitate"].create_workshop({"template": "mutualisation"})
            state = patch(app.extensions["facilitate"], created.id, STAFF_VIEWER)
            bloc = next(b["id"] for b in state["blocs"] if not b["private_writing"])
            workshop = {"code": created.code, "key": created.facilitator_key, "bloc": bloc}
            server = LiveServer(
                tmp_path / "data", port=port, extra_args=("--public-url", public, "--trusted-proxies", "1")
            ).start()
            try:
                if proxy:
                    proxy.start()
                result = run(proxy.url if proxy else server.url, workshop, args.phones, args.notes)
            finally:
                if proxy:
                    proxy.stop()
                server.stop()
            lost = args.phones * args.notes - len(result["delivery"])
            print(
                f"| {name} | {args.phones} × {args.notes} | {pct(result['join'], 50):.0f} / {pct(result['join'], 95):.0f} "
                f"| {pct(result['ack'], 50):.0f} / {pct(result['ack'], 95):.0f} / {pct(result['ack'], 99):.0f} "
                f"| {pct(result['delivery'], 50):.0f} / {pct(result['delivery'], 95):.0f} / {pct(result['delivery'], 99):.0f} "
                f"| {lost} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
