"""Can the laptop hold the room? A load benchmark, not a test (pytest never runs it).

For each async mode it starts, in turn, the bare Flask-SocketIO server
(bench/bare_server.py: INSERT + COMMIT, then one room broadcast) and the app
(`python -m facilitate serve`), each in a subprocess on 127.0.0.1 with a
fresh data folder, and drives both with the same swarm of python-socketio
AsyncClients in this one asyncio process:

1. join storm: every participant connects at once (target: all within 10 s, no failure);
2. broadcast: notes at 10/s with bursts of 30/s, each shown to every other
   screen; latency = reception time at each other client - emit time, both
   time.perf_counter() in this process (targets: p95 <= 75 ms, p99 <= 150 ms,
   nothing lost, app p95 within 1.5x of the bare server's);
3. (app only) DOCX export of a 1,000-note atelier while the room keeps posting
   (targets: export < 2 s, broadcast p99 <= 250 ms during the export);
4. 10 ateliers x 30 participants at once: same measures, and no note may
   reach a screen of another atelier.

    .venv/bin/python bench/load.py [--mode eventlet|gevent|both] [--quick] [--json FILE] [--profile DIR]

--quick: 50 participants, 10 s of notes, 10 ateliers x 5 (about 2.5 min for both modes;
the default run takes about 4 min). --json FILE: every figure. --profile DIR: py-spy
(pip install py-spy) samples the app server during the broadcast and export phases
into DIR/<mode>-app-<phase>.txt (collapsed stacks), summarised in the JSON.

Needs aiohttp (python-socketio's asyncio client). With uvloop installed the swarm
runs on it (--plain-asyncio to refuse): same asyncio API, a third less CPU per
received message, which matters because 300 clients receiving 9,000 messages a
second in one Python process is close to a full core. The report shows the
swarm's CPU, its event-loop lag and the CPU used by other processes of the
machine during each phase: when those are high, latencies measure the harness
or the neighbours, not the server.

The server gets FACILITATE_NOTES_PER_MINUTE / MESSAGES_PER_MINUTE = 100000 so
that the per-participant rate limits do not refuse the load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio
from machine import machine, machine_busy_seconds  # bench/machine.py

try:  # the same asyncio API, about a third less CPU per received message
    import uvloop
except ImportError:
    uvloop = None

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "raviver-nos-couleurs"
now = time.perf_counter


@dataclass
class Config:
    participants: int = 300
    duration: float = 20.0  # seconds of notes in the broadcast phase
    base_rate: float = 10.0  # notes per second
    burst_rate: float = 30.0
    burst_every: float = 10.0  # a burst closes every 10 s ...
    burst_length: float = 2.0  # ... and lasts 2 s
    ateliers: int = 10
    per_atelier: int = 30
    multi_duration: float = 15.0
    export_notes: int = 1000
    export_writers: int = 10
    export_window: float = 10.0  # seconds of steady 10/s notes while exports run
    max_exports: int = 5


QUICK = Config(participants=50, duration=10.0, per_atelier=5, multi_duration=10.0, export_window=8.0, max_exports=3)

TARGETS = {  # the numbers, checked at the end
    "join_s": 10.0,
    "p95_ms": 75.0,
    "p99_ms": 150.0,
    "app_over_bare_p95": 1.5,
    "export_s": 2.0,
    "export_p99_ms": 250.0,
}


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app or the bare server in a subprocess, on loopback only."""

    def __init__(self, kind: str, mode: str, workdir: Path) -> None:
        self.kind, self.mode = kind, mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = workdir / f"{mode}-{kind}"
        self.data.mkdir(parents=True)
        script = ["-m", "facilitate", "serve"] if kind == "app" else [str(ROOT / "bench" / "bare_server.py")]
        self.command = [
            sys.executable,
            *script,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data",
            str(self.data),
            "--async-mode",
            mode,
        ]
        self.health = f"{self.url}/api/templates" if kind == "app" else f"{self.url}/health"

    def start(self) -> Server:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "FACILITATE_NOTES_PER_MINUTE": "100000",
            "FACILITATE_MESSAGES_PER_MINUTE": "100000",
        }
        self.log = open(self.data / "server.log", "w")  # noqa: SIM115 (open while the server runs)
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited: {(self.data / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(self.health, timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not start")

    def cpu_seconds(self) -> float:
        """user + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


# --------------------------------------------------------------------------- the two protocols


def create_workshop(server: Server, template: str = "mutualisation") -> dict:
    """A new atelier on the server (over plain HTTP: no client library needed)."""
    request = urllib.request.Request(
        f"{server.url}/api/workshops",
        method="POST",
        data=json.dumps({"template": template}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@dataclass
class Room:
    """An atelier of the app, or a room of the bare server."""

    index: int
    code: str
    workshop_id: str = ""
    key: str = ""
    bloc: int = 0
    columns: list[str] = field(default_factory=list)
    staff: Any = None  # the facilitator's connection (app only)


class Protocol:
    """What differs between the app and the bare server; everything else is shared."""

    def __init__(self, kind: str, server: Server, http: aiohttp.ClientSession) -> None:
        self.kind, self.server, self.http = kind, server, http
        self.note_event = "note:add" if kind == "app" else "note"
        self.sends_state = kind == "app"  # the app emits `state` on connect

    async def new_room(self, index: int) -> Room:
        if self.kind == "bare":
            return Room(index, f"room{index}")
        async with self.http.post(f"{self.server.url}/api/workshops", json={"template": TEMPLATE}) as r:
            assert r.status == 201, await r.text()
            created = await r.json()
        headers = {"X-Facilitator-Key": created["facilitator_key"]}
        async with self.http.get(f"{self.server.url}/api/workshops/{created['id']}", headers=headers) as r:
            state = await r.json()
        bloc = next(b for b in state["blocs"] if not b["private_writing"])
        room = Room(
            index,
            created["code"],
            created["id"],
            created["facilitator_key"],
            bloc["id"],
            [c["id"] for c in bloc.get("columns") or []],
        )
        room.staff = socketio.AsyncClient(reconnection=False)
        await room.staff.connect(
            self.server.url,
            auth={"code": room.code, "facilitator_key": room.key},
            transports=["websocket"],
            wait_timeout=10,
        )
        ack = await room.staff.call("bloc:goto", {"bloc": room.bloc}, timeout=10)
        assert ack == {"ok": True}, ack
        return room

    def auth(self, room: Room, phone: int) -> dict:
        return {"code": room.code, "name": f"Participant {phone}"} if self.kind == "app" else {"code": room.code}

    def note(self, room: Room, sender: int, text: str) -> dict:
        if self.kind == "bare":
            return {"text": text}
        column = room.columns[sender % len(room.columns)] if room.columns else None
        return {"bloc": room.bloc, "text": text, "column": column, "client_id": uuid.uuid4().hex}

    async def close_rooms(self, rooms: list[Room]) -> None:
        await asyncio.gather(*(r.staff.disconnect() for r in rooms if r.staff), return_exceptions=True)


# --------------------------------------------------------------------------- the swarm


class Swarm:
    """Phones in one asyncio process; every received note goes to one list."""

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.received: list[tuple[str, int, float]] = []  # (note text, receiving phone, perf_counter)
        self.phones: list[Phone] = []

    async def join(self, rooms: list[Room], per_room: int) -> dict:
        """Connect per_room phones to each room, all at once."""
        start, overflows = now(), listen_overflows()
        seats = [room for room in rooms for _ in range(per_room)]
        phones = [Phone(self, len(self.phones) + i, room) for i, room in enumerate(seats)]
        results = await asyncio.gather(*(p.connect(start) for p in phones))
        connected = [p for p, ok in zip(phones, results) if ok]
        self.phones += connected
        times = sorted(p.connected_after for p in connected)
        return {
            "clients": len(phones),
            "failures": len(phones) - len(connected),
            "all_connected_s": times[-1] if times else None,
            "connect_p50_s": pct(times, 50),
            "connect_p95_s": pct(times, 95),
            "listen_overflows": listen_overflows() - overflows,
        }

    async def leave(self) -> None:
        await asyncio.gather(*(p.sio.disconnect() for p in self.phones), return_exceptions=True)
        self.phones = []


class Phone:
    """One participant's screen: records when each note arrives."""

    def __init__(self, swarm: Swarm, index: int, room: Room) -> None:
        self.swarm, self.index, self.room = swarm, index, room
        self.sio = socketio.AsyncClient(reconnection=False)
        self.ready = asyncio.Event()
        self.connected_after = 0.0
        received = swarm.received

        def on_change(patch: dict) -> None:  # kept minimal: this runs 9,000 times a second
            t = now()
            for note in patch.get("notes") or ():
                received.append((note.get("text", ""), index, t))

        self.sio.on("change", on_change)
        self.sio.on("state", lambda _: self.ready.set())

    async def connect(self, start: float) -> bool:
        protocol = self.swarm.protocol
        try:
            await asyncio.wait_for(
                self.sio.connect(
                    protocol.server.url,
                    auth=protocol.auth(self.room, self.index),
                    transports=["websocket"],
                    wait_timeout=30,
                ),
                40,
            )
            if protocol.sends_state:
                await asyncio.wait_for(self.ready.wait(), 30)
        except Exception as error:  # refused, timed out, reset: a failure to join
            print(f"  phone {self.index}: {type(error).__name__}: {error}", file=sys.stderr)
            return False
        self.connected_after = now() - start
        return True


@dataclass
class Sent:
    sender: int
    room: int
    at: float
    ack_ms: float | None = None
    ok: bool = False


def schedule(cfg: Config, duration: float, bursts: bool = True) -> list[float]:
    """Send times: base_rate notes a second, burst_rate during the last
    burst_length seconds of every burst_every."""
    times, t = [], 0.0
    while t < duration:
        times.append(t)
        in_burst = bursts and (t % cfg.burst_every) >= cfg.burst_every - cfg.burst_length
        t += 1 / (cfg.burst_rate if in_burst else cfg.base_rate)
    return times


async def post_notes(
    swarm: Swarm, senders: list[Phone], times: list[float], sent: dict[int, Sent], first_id: int, seed: int
) -> None:
    """Emit one note at each scheduled time, from a random sender, without
    waiting for the acks (each runs in its own task)."""
    protocol, rng = swarm.protocol, random.Random(seed)

    async def send(note_id: int, phone: Phone) -> None:
        at = now()
        record = sent[note_id] = Sent(phone.index, phone.room.index, at)
        text = f"bench {note_id} {at:.6f}"
        try:
            ack = await phone.sio.call(protocol.note_event, protocol.note(phone.room, phone.index, text), timeout=15)
            record.ok = bool(ack and ack.get("ok"))
        except Exception:
            record.ok = False
        record.ack_ms = (now() - at) * 1000

    tasks, start = [], now()
    for i, offset in enumerate(times):
        delay = start + offset - now()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(first_id + i, rng.choice(senders))))
    await asyncio.wait(tasks, timeout=20)


async def settle(swarm: Swarm, quiet: float = 1.0, limit: float = 15.0) -> None:
    """Wait until no note has arrived for `quiet` seconds (at most `limit`)."""
    deadline, last_count, last_change = now() + limit, -1, now()
    while now() < deadline:
        if len(swarm.received) != last_count:
            last_count, last_change = len(swarm.received), now()
        elif now() - last_change >= quiet:
            return
        await asyncio.sleep(0.1)


class LoopLag:
    """How late this process's event loop wakes up: if the swarm itself is
    saturated, latencies measure the client, not the server."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.task: asyncio.Task | None = None

    async def _run(self) -> None:
        for _ in range(100_000):  # bounded: at most ~17 min of samples
            t = now()
            await asyncio.sleep(0.01)
            self.samples.append((now() - t - 0.01) * 1000)

    def __enter__(self) -> LoopLag:
        self.task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *_: Any) -> None:
        assert self.task
        self.task.cancel()


def listen_overflows() -> int:
    """Connections the kernel refused because an accept queue was full (machine-wide)."""
    lines = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines() if line.startswith("TcpExt:")]
    return int(dict(zip(lines[0], lines[1])).get("ListenOverflows", 0))


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def deliveries(
    swarm: Swarm, sent: dict[int, Sent], phones: list[Phone], windows: list[tuple[float, float]] | None = None
) -> dict:
    """Match receptions to sends. Expected: every acknowledged note, at every
    other phone of its room. Lost: expected but never received. Crossed: a
    note received by a phone of another room. `windows`: keep only notes
    emitted inside one of these intervals for the latencies."""
    room_of = {p.index: p.room.index for p in phones}
    room_size = Counter(room_of.values())
    first: dict[tuple[int, int], float] = {}
    crossed = 0
    for text, receiver, t in swarm.received:
        if not text.startswith("bench "):
            continue
        note_id = int(text.split(" ", 2)[1])
        record = sent.get(note_id)
        if record is None or receiver not in room_of:
            continue
        if room_of[receiver] != record.room:
            crossed += 1
        elif receiver != record.sender:
            first.setdefault((note_id, receiver), t)
    acked = {i: s for i, s in sent.items() if s.ok}
    expected = sum(room_size[s.room] - 1 for s in acked.values())
    got = sum(1 for (note_id, _) in first if note_id in acked)

    def inside(at: float) -> bool:
        return windows is None or any(a <= at <= b for a, b in windows)

    latencies = sorted((t - sent[i].at) * 1000 for (i, _), t in first.items() if inside(sent[i].at))
    acks = sorted(s.ack_ms for s in sent.values() if s.ack_ms is not None)
    return {
        "notes": len(sent),
        "acked": len(acked),
        "expected": expected,
        "delivered": got,
        "lost": expected - got,
        "crossed": crossed,
        "samples": len(latencies),
        "p50_ms": pct(latencies, 50),
        "p95_ms": pct(latencies, 95),
        "p99_ms": pct(latencies, 99),
        "max_ms": latencies[-1] if latencies else None,
        "ack_p95_ms": pct(acks, 95),
    }


async def broadcast_phase(
    swarm: Swarm, server: Server, times: list[float], first_id: int, seed: int, during: Any = None
) -> tuple[dict, dict[int, Sent]]:
    """Post notes on `times`; `during` (a coroutine) runs alongside."""
    swarm.received.clear()
    sent: dict[int, Sent] = {}
    cpu0, wall0, client0, busy0 = server.cpu_seconds(), now(), time.process_time(), machine_busy_seconds()
    with LoopLag() as lag:
        extra = asyncio.ensure_future(during) if during else None
        await post_notes(swarm, swarm.phones, times, sent, first_id, seed)
        if extra:
            await asyncio.wait_for(extra, 60)
        await settle(swarm)
    wall = now() - wall0
    stats = deliveries(swarm, sent, swarm.phones)
    lags = sorted(lag.samples)
    server_cpu, client_cpu = server.cpu_seconds() - cpu0, time.process_time() - client0
    others = machine_busy_seconds() - busy0 - server_cpu - client_cpu
    stats.update(
        server_cpu_pct=100 * server_cpu / wall,
        client_cpu_pct=100 * client_cpu / wall,
        others_cpu_pct=100 * max(0.0, others) / wall,
        loop_lag_p99_ms=pct(lags, 99),
        loop_lag_max_ms=lags[-1] if lags else None,
    )
    return stats, sent


# --------------------------------------------------------------------------- one server, every scenario


async def run_server(kind: str, mode: str, cfg: Config, workdir: Path, profile: Path | None) -> dict:
    server = Server(kind, mode, workdir).start()
    result: dict[str, Any] = {}
    try:
        async with aiohttp.ClientSession() as http:
            protocol = Protocol(kind, server, http)
            swarm = Swarm(protocol)

            # 1. Join storm.
            main = await protocol.new_room(0)
            result["join"] = await swarm.join([main], cfg.participants)
            print(f"  join: {result['join']}")

            # 2. Broadcast at 10/s with bursts of 30/s.
            spy = start_profile(server, profile, cfg.duration + 5, "broadcast") if profile and kind == "app" else None
            result["broadcast"], _ = await broadcast_phase(swarm, server, schedule(cfg, cfg.duration), 1, 1)
            if spy:
                result["profile"] = finish_profile(spy)
            print(f"  broadcast: {result['broadcast']}")

            # 3. DOCX export of a 1,000-note atelier while the room posts at 10/s.
            if kind == "app":
                result["export"] = await export_phase(swarm, protocol, cfg, profile)
                print(f"  export: {result['export']}")

            # 4. Ateliers side by side.
            await swarm.leave()
            await protocol.close_rooms([main])
            rooms = [await protocol.new_room(i + 1) for i in range(cfg.ateliers)]
            result["multi_join"] = await swarm.join(rooms, cfg.per_atelier)
            result["multi"], _ = await broadcast_phase(swarm, server, schedule(cfg, cfg.multi_duration), 1_000_000, 3)
            print(f"  multi: {result['multi_join']} {result['multi']}")
            await swarm.leave()
            await protocol.close_rooms(rooms)
    finally:
        server.stop()
    return result


async def export_phase(swarm: Swarm, protocol: Protocol, cfg: Config, profile: Path | None) -> dict:
    """A second atelier gets export_notes notes from a few writers; then the
    main room posts at a steady 10/s while that atelier is exported as DOCX
    again and again; latencies are those of notes emitted during an export."""
    server, http = protocol.server, protocol.http
    big = await protocol.new_room(99)
    writers = Swarm(protocol)
    await writers.join([big], cfg.export_writers)
    t0 = now()
    per_writer = cfg.export_notes // cfg.export_writers

    async def write(phone: Phone) -> int:
        ok = 0
        for i in range(per_writer):
            ack = await phone.sio.call(
                "note:add",
                protocol.note(big, i, f"Idée n° {i} de {phone.index} : mutualiser la billetterie et la paie"),
                timeout=15,
            )
            ok += bool(ack.get("ok"))
        return ok

    written = sum(await asyncio.gather(*(write(p) for p in writers.phones)))
    fill_s = now() - t0
    url = f"{server.url}/api/workshops/{big.workshop_id}/export.docx"
    exports: list[tuple[float, float, int, int]] = []  # (start, end, status, bytes)

    async def export_repeatedly() -> None:
        await asyncio.sleep(1.0)
        started = now()
        for _ in range(cfg.max_exports):
            if now() - started > cfg.export_window - 3:
                break
            a = now()
            async with http.get(
                url, headers={"X-Facilitator-Key": big.key}, timeout=aiohttp.ClientTimeout(total=30)
            ) as r:
                body = await r.read()
            exports.append((a, now(), r.status, len(body)))
            await asyncio.sleep(0.5)

    times = schedule(cfg, cfg.export_window, bursts=False)
    spy = start_profile(server, profile, cfg.export_window + 3, "export") if profile else None
    overall, sent = await broadcast_phase(swarm, server, times, 2_000_000, 2, during=export_repeatedly())
    profiled = finish_profile(spy) if spy else None
    during = deliveries(swarm, sent, swarm.phones, windows=[(a, b) for a, b, _, _ in exports])
    await writers.leave()
    await protocol.close_rooms([big])
    durations = [b - a for a, b, _, _ in exports]
    return {
        "notes_in_atelier": written,
        "fill_s": fill_s,
        "exports": len(exports),
        "statuses": sorted({s for _, _, s, _ in exports}),
        "docx_bytes": exports[0][3] if exports else 0,
        "export_s": [round(d, 3) for d in durations],
        "export_s_max": max(durations, default=None),
        "export_s_min": min(durations, default=None),
        "during_samples": during["samples"],
        "during_p50_ms": during["p50_ms"],
        "during_p95_ms": during["p95_ms"],
        "during_p99_ms": during["p99_ms"],
        "during_max_ms": during["max_ms"],
        "window_p99_ms": overall["p99_ms"],
        "window_lost": overall["lost"],
        **({"profile": profiled} if profiled else {}),
    }


# --------------------------------------------------------------------------- profiling (optional)


def start_profile(server: Server, folder: Path, seconds: float, phase: str) -> tuple[subprocess.Popen, Path]:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{server.mode}-{server.kind}-{phase}.txt"
    process = subprocess.Popen(
        [
            spy,
            "record",
            "--format",
            "raw",
            "--nonblocking",
            "-r",
            "200",
            "-d",
            str(int(seconds)),
            "-o",
            str(out),
            "--pid",
            str(server.process.pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, out


def finish_profile(spy: tuple[subprocess.Popen, Path]) -> dict:
    """Share of samples under each interesting frame (collapsed stacks)."""
    process, out = spy
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    if not out.exists():
        return {}
    total, inclusive, leaf = 0, Counter(), Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = stack.split(";")
        leaf[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    keep = lambda c: {f: round(100 * n / total, 1) for f, n in c.most_common(25)}  # noqa: E731
    return {"file": str(out), "samples": total, "inclusive_pct": keep(inclusive), "self_pct": keep(leaf)}


# --------------------------------------------------------------------------- report


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}{unit}" if value >= 10 else f"{value:.2f}{unit}"
    return f"{value}{unit}"


def report(mode: str, app: dict, bare: dict) -> list[str]:
    rows = [
        ("join: all connected (s)", "join", "all_connected_s"),
        ("join: p95 per client (s)", "join", "connect_p95_s"),
        ("join: failures", "join", "failures"),
        ("join: SYNs dropped (accept queue full)", "join", "listen_overflows"),
        ("broadcast: notes acked", "broadcast", "acked"),
        ("broadcast: p50 (ms)", "broadcast", "p50_ms"),
        ("broadcast: p95 (ms)", "broadcast", "p95_ms"),
        ("broadcast: p99 (ms)", "broadcast", "p99_ms"),
        ("broadcast: max (ms)", "broadcast", "max_ms"),
        ("broadcast: lost", "broadcast", "lost"),
        ("broadcast: ack p95 (ms)", "broadcast", "ack_p95_ms"),
        ("broadcast: server CPU (%)", "broadcast", "server_cpu_pct"),
        ("broadcast: swarm CPU (%)", "broadcast", "client_cpu_pct"),
        ("broadcast: swarm loop lag p99 (ms)", "broadcast", "loop_lag_p99_ms"),
        ("broadcast: other processes CPU (%)", "broadcast", "others_cpu_pct"),
        ("ateliers: join all (s)", "multi_join", "all_connected_s"),
        ("ateliers: join failures", "multi_join", "failures"),
        ("ateliers: p50 (ms)", "multi", "p50_ms"),
        ("ateliers: p95 (ms)", "multi", "p95_ms"),
        ("ateliers: p99 (ms)", "multi", "p99_ms"),
        ("ateliers: lost", "multi", "lost"),
        ("ateliers: crossed", "multi", "crossed"),
        ("ateliers: other processes CPU (%)", "multi", "others_cpu_pct"),
    ]
    lines = [f"== {mode} ==", f"{'':38}{'app':>10}{'bare':>10}{'app/bare':>10}"]
    for label, part, key in rows:
        a, b = app.get(part, {}).get(key), bare.get(part, {}).get(key)
        ratio = f"{a / b:.2f}x" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else ""
        lines.append(f"{label:38}{fmt(a):>10}{fmt(b):>10}{ratio:>10}")
    export = app.get("export", {})
    for label, key in [
        ("export: notes in the atelier", "notes_in_atelier"),
        ("export: runs", "exports"),
        ("export: slowest (s)", "export_s_max"),
        ("export: fastest (s)", "export_s_min"),
        ("export: broadcast p95 during (ms)", "during_p95_ms"),
        ("export: broadcast p99 during (ms)", "during_p99_ms"),
        ("export: broadcast max during (ms)", "during_max_ms"),
        ("export: lost", "window_lost"),
    ]:
        lines.append(f"{label:38}{fmt(export.get(key)):>10}")
    lines.append("targets (app):")
    for name, ok in check_targets(app, bare).items():
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return lines


def check_targets(app: dict, bare: dict) -> dict[str, bool]:
    b, m, e, j = app["broadcast"], app["multi"], app.get("export", {}), app["join"]

    def le(value: Any, limit: float) -> bool:
        return value is not None and value <= limit

    return {
        f"{j['clients']} participants connected within {TARGETS['join_s']:.0f} s, none failed": j["failures"] == 0
        and le(j["all_connected_s"], TARGETS["join_s"]),
        f"broadcast p95 <= {TARGETS['p95_ms']:.0f} ms": le(b["p95_ms"], TARGETS["p95_ms"]),
        f"broadcast p99 <= {TARGETS['p99_ms']:.0f} ms": le(b["p99_ms"], TARGETS["p99_ms"]),
        "broadcast: nothing lost": b["lost"] == 0 and b["acked"] == b["notes"],
        f"app p95 within {TARGETS['app_over_bare_p95']}x of bare": b["p95_ms"] is not None
        and le(b["p95_ms"] / bare["broadcast"]["p95_ms"], TARGETS["app_over_bare_p95"]),
        "ateliers: nothing crossed, nothing lost": m["crossed"] == 0 and m["lost"] == 0 and m["acked"] == m["notes"],
        f"ateliers: p95 <= {TARGETS['p95_ms']:.0f} ms, p99 <= {TARGETS['p99_ms']:.0f} ms": le(
            m["p95_ms"], TARGETS["p95_ms"]
        )
        and le(m["p99_ms"], TARGETS["p99_ms"]),
        f"DOCX export of {e.get('notes_in_atelier')} notes < {TARGETS['export_s']:.0f} s": e.get("statuses") == [200]
        and le(e.get("export_s_max"), TARGETS["export_s"]),
        f"broadcast p99 during the export <= {TARGETS['export_p99_ms']:.0f} ms": le(
            e.get("during_p99_ms"), TARGETS["export_p99_ms"]
        ),
    }


async def main_async(args: argparse.Namespace) -> dict:
    cfg = QUICK if args.quick else Config()
    modes = ["eventlet", "gevent"] if args.mode == "both" else [args.mode]
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "quick": args.quick,
        "config": cfg.__dict__,
        "modes": {},
    }
    results["loop"] = type(asyncio.get_running_loop()).__module__.split(".")[0]
    print(
        f"{results['date']}  {results['machine']}  {'--quick' if args.quick else 'full run'}"
        f"  swarm loop: {results['loop']}"
    )
    with tempfile.TemporaryDirectory(prefix="facilitate-load-") as tmp:
        for mode in modes:
            results["modes"][mode] = {}
            for kind in ("bare", "app"):
                print(f"[{mode}] {kind} ...", flush=True)
                t0 = now()
                results["modes"][mode][kind] = await run_server(kind, mode, cfg, Path(tmp), args.profile)
                print(f"  ({now() - t0:.0f} s)")
    for mode, pair in results["modes"].items():
        print("\n".join(report(mode, pair["app"], pair["bare"])))
        pair["targets"] = check_targets(pair["app"], pair["bare"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark: the app against a bare Flask-SocketIO server.")
    parser.add_argument("--mode", choices=("eventlet", "gevent", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="50 participants, 10 s of notes")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--profile", type=Path, help="py-spy the app server during the broadcast phase")
    parser.add_argument("--plain-asyncio", action="store_true", help="do not use uvloop even when installed")
    args = parser.parse_args()
    run = uvloop.run if uvloop and not args.plain_asyncio else asyncio.run
    results = run(main_async(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
