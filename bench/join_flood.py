"""Join floods against real rooms behind one NAT address: a measurement, not a test.

Starts `python -m facilitate serve` (default settings: 500 seats) on all
interfaces and drives it with python-socketio AsyncClients that connect over
this machine's LAN address, so the server sees every one of them as the same
source: exactly a room behind one venue NAT, or one attacker.

1. flood: one source opens 500 new participants as fast as it can and keeps
   them connected. Measured: how many get in, how long it takes, and whether
   real people from another address (127.0.0.1) still get in afterwards.
2. room: 300 phones arrive from that one address within 30 s (uniform
   arrivals), each writes a note 5-20 s after joining. Target: no refusal.
3. burst: the same 300 phones all at once. Target: no refusal.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/join_flood.py [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import Server, create_workshop  # noqa: E402

from facilitate.network import lan_address  # noqa: E402


class AppOnAllInterfaces(Server):
    """The app listening on 0.0.0.0, so that clients may come over the LAN address."""

    def __init__(self, workdir: Path) -> None:
        super().__init__("app", "gevent", workdir)
        self.command[self.command.index("--host") + 1] = "0.0.0.0"


async def join(url: str, code: str, clients: list[socketio.AsyncClient]) -> str:
    """'ok' (the client stays connected, in `clients`) or the refusal code."""
    client = socketio.AsyncClient(reconnection=False)
    refused: list[dict] = []
    client.on("connect_error", refused.append)
    try:
        await client.connect(url, auth={"code": code}, transports=["websocket"], wait_timeout=30)
    except socketio.exceptions.ConnectionError as error:
        return refused[0]["data"]["code"] if refused else f"error: {error}"
    clients.append(client)
    return "ok"


async def write_later(client: socketio.AsyncClient, bloc: int, delay: float) -> bool:
    await asyncio.sleep(delay)
    ack = await client.call("note:add", {"bloc": bloc, "text": "présent·e"}, timeout=30)
    return bool(ack and ack.get("ok"))


async def first_bloc(client: socketio.AsyncClient) -> int:
    ack = await client.call("sync", {"since": 0}, timeout=30)
    return ack["state"]["blocs"][0]["id"]


async def flood(server: Server, source: str) -> dict:
    workshop = create_workshop(server)
    clients: list[socketio.AsyncClient] = []
    start = time.perf_counter()
    results = Counter(await asyncio.gather(*(join(source, workshop["code"], clients) for _ in range(500))))
    seconds = time.perf_counter() - start
    others: list[socketio.AsyncClient] = []
    real = Counter([await join(server.url, workshop["code"], others) for _ in range(100)])
    extra = await join(server.url, workshop["code"], others)
    await asyncio.gather(*(c.disconnect() for c in clients + others))
    return {
        "flood_attempts": 500,
        "flood_results": dict(results),
        "flood_seconds": round(seconds, 2),
        "real_people_from_another_address": dict(real),
        "one_more_after_that": extra,
    }


async def room(server: Server, source: str, spread: float) -> dict:
    workshop = create_workshop(server)
    clients: list[socketio.AsyncClient] = []

    async def phone(i: int) -> tuple[str, bool | None]:
        await asyncio.sleep(random.uniform(0, spread))
        mine: list[socketio.AsyncClient] = []
        result = await join(source, workshop["code"], mine)
        if result != "ok":
            return result, None
        clients.extend(mine)
        bloc = await first_bloc(mine[0])
        return result, await write_later(mine[0], bloc, random.uniform(5, 20))

    start = time.perf_counter()
    outcomes = await asyncio.gather(*(phone(i) for i in range(300)))
    seconds = time.perf_counter() - start
    await asyncio.gather(*(c.disconnect() for c in clients))
    return {
        "phones": 300,
        "arrival_window_s": spread,
        "joins": dict(Counter(r for r, _ in outcomes)),
        "notes_written": sum(1 for _, wrote in outcomes if wrote),
        "seconds": round(seconds, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    random.seed(9)
    lan = lan_address()
    if lan.startswith("127."):
        sys.exit("Il faut une adresse réseau local (autre que 127.x) pour simuler une autre source.")
    report = {}
    with tempfile.TemporaryDirectory() as workdir:
        for name, scenario in (
            ("flood", flood),
            ("room_30s", lambda s, src: room(s, src, 30)),
            ("burst", lambda s, src: room(s, src, 0)),
        ):
            server = AppOnAllInterfaces(Path(workdir) / name).start()
            try:
                report[name] = await scenario(server, f"http://{lan}:{server.port}")
            finally:
                server.stop()
            print(name, json.dumps(report[name], ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
