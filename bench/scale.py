"""How many phones can one server, or several workers, hold? A scale benchmark (issue 12), not a test.

It starts the server under test pinned with `taskset -c --server-cores` (default 0,1): the app
(`python -m facilitate serve`, rate limits lifted) or the bare Flask-SocketIO server (bench/bare_server.py).
With --workers N > 1 (app only) the app runs as `facilitate serve --workers N --message-queue redis://...`,
its workers listening on ports P..P+N-1, with a redis-server of this script's own on the same cores.

The phones are python-socketio AsyncClients (WebSocket transport, straight to a worker's port) spread over
--swarm K child processes pinned to the other cores (uvloop when importable). Each child reports its CPU
time and its event loop's lag (how late a 50 ms sleep wakes up): when a child is near a full core, or its
lag is high, the latencies measure the swarm as much as the server ("swarm.limited" in the report).

Scenario "room" (default): one atelier (template raviver-nos-couleurs, first bloc without private
writing, moved to --phase, default devoilement), its facilitator's console and a projector, then PHONES
phones joining at once. One sender phone posts notes at --rate per second, --burst per second during the
last 2 s of every 10 s, for --seconds. Each note's text is "P <i> <monotonic> a<atelier>": latency =
CLOCK_MONOTONIC at reception - CLOCK_MONOTONIC at emission, one clock for every process of the machine.
Every `change` patch's "notes" carrying such a text counts as a delivery; a screen's second copy of a note
counts as a duplicate ("author_duplicates": those of the sender's own phone). In devoilement every phone
must show every note; in ecriture a large room's phones only get counts, so only the author's phone
(and the console and projector) must show it, and other phones' copies are counted as "extra".

Scenario "hosted": --ateliers ateliers (default 20) side by side, PHONES split between them (or --per
each), each with its own console, projector and sender at --rate/ateliers. "crossed" counts the notes a
screen received from another atelier (the atelier is named in the text): it must be 0.

Placement (--placement, with several workers): "address" sends phone i to port P + i % N (what nginx's
ip_hash does with many client addresses; the console and projector count as two more addresses);
"atelier" sends every screen of an atelier to port P + crc32(code) % N (hashing the code in the URL).

One JSON line per size on stdout (--sizes 300,1000,2000,5000 runs several, each on a fresh server);
--markdown FILE also appends a table row per size; --logs DIR keeps each run's server, redis and swarm
logs. Everything started is stopped at the end, on error or Ctrl-C too. Progress goes to stderr.

    .venv/bin/python bench/scale.py app 1000
    .venv/bin/python bench/scale.py bare 200 --seconds 5
    .venv/bin/python bench/scale.py app --sizes 300,1000,2000,5000 --workers 2 --placement atelier
    .venv/bin/python bench/scale.py app --scenario hosted --ateliers 20 --per 50 --markdown out.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import math
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from machine import machine, machine_busy_seconds  # bench/machine.py

try:  # the same asyncio API, about a third less CPU per received message
    import uvloop
except ImportError:
    uvloop = None

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "raviver-nos-couleurs"
mono = time.monotonic  # CLOCK_MONOTONIC: one clock for every process of the machine
ALL_CORES = sorted(os.sched_getaffinity(0))  # before main() moves this process off the server's cores
LAG_TICK = 0.05  # the event loop lag probe's sleep (s)
BURST_EVERY, BURST_LENGTH = 10.0, 2.0  # a burst closes every 10 s and lasts 2 s
SWARM_LIMIT_CPU_PCT, SWARM_LIMIT_LAG_MS = 90.0, 50.0  # beyond either, the swarm may be the bottleneck
LIFTED_LIMITS = {  # the app's per-participant and per-address limits would refuse the load
    "FACILITATE_NOTES_PER_MINUTE": "1000000",
    "FACILITATE_MESSAGES_PER_MINUTE": "1000000",
    "FACILITATE_MAX_PARTICIPANTS": "100000",
    "FACILITATE_JOIN_ATTEMPTS_PER_MINUTE": "1000000",
    "FACILITATE_IDLE_SEATS_PER_ADDRESS": "100000",
}


def log(message: str) -> None:
    """Progress, on stderr: stdout carries only the JSON lines."""
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- processes


def _die_with_parent() -> None:
    """In a child, before exec: SIGTERM when this script dies, even by SIGKILL (Linux prctl)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Group:
    """A process group this script started (server, redis, a swarm child), stopped at the end whatever happens.

    `poll` says whether its leader has exited (None while it runs), as Popen.poll does."""

    started: list[Group] = []

    def __init__(self, name: str, pid: int, poll: Callable[[], int | None]) -> None:
        self.name, self.pid, self.poll = name, pid, poll
        Group.started.append(self)

    def alive(self) -> bool:
        return self.poll() is None

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def stop(self, grace: float = 10.0) -> None:
        """SIGINT to the whole group (workers included), SIGKILL after `grace` seconds."""
        if self in Group.started:
            Group.started.remove(self)
        if self.alive():
            self.signal(signal.SIGINT)
            deadline = mono() + grace
            while mono() < deadline and self.alive():
                time.sleep(0.1)
        self.signal(signal.SIGKILL)  # the leader, or stragglers of a group whose leader is gone

    @classmethod
    def stop_all(cls) -> None:
        """The last resort (an error or Ctrl-C before a run could close itself)."""
        for group in reversed(list(cls.started)):
            group.stop(grace=3.0)


def spawn(name: str, command: list[str], log_file: Path, env: dict[str, str] | None = None) -> Group:
    """Start `command` in its own process group, output to `log_file`."""
    with open(log_file, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return Group(name, process.pid, process.poll)


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants (a server's workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """user + system CPU time of each process so far (gone ones left out)."""
    times = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return times


def rss_mb(pids: Iterable[int]) -> float:
    """Resident memory of these processes, summed, in MB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, StopIteration, ValueError):
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            total += int(next(line.split()[1] for line in status if line.startswith("VmRSS:")))
    return total / 1024


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports on 127.0.0.1."""
    for _ in range(200):
        base = random.randint(20000, 60000 - count)
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError(f"no block of {count} free ports")


def parse_cores(text: str) -> list[int]:
    """'0,1' or '0-3' or '0,2-3' -> sorted core numbers."""
    cores: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return sorted(cores)


def cores_text(cores: list[int]) -> str:
    return ",".join(map(str, cores))


def tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


# --------------------------------------------------------------------------- the two kinds of server


class Bare:
    """bench/bare_server.py: rooms by code, one `note` event, every note to the whole room."""

    name = "bare"
    note_event = "note"
    health_paths = ("/health",)
    sends_state = False  # the app emits `state` on connect: a phone is in once it has it
    has_staff = False

    def server_command(self, port: int, data: Path, args: argparse.Namespace, queue: str | None) -> list[str]:
        common = ["--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--async-mode", args.async_mode]
        return [sys.executable, *self.entry(), *common, *self.worker_options(args.workers, queue)]

    def entry(self) -> list[str]:
        return [str(ROOT / "bench" / "bare_server.py")]

    def worker_options(self, workers: int, queue: str | None) -> list[str]:
        return []  # one process: it has no message queue (parse_args refuses --workers > 1)

    async def new_atelier(self, http: Any, url: str, index: int) -> dict:
        return {"index": index, "code": f"room{index}"}

    async def open_staff(self, atelier: dict, console_url: str, projector_url: str) -> list[Screen]:
        return []

    def auth(self, atelier: dict, name: str) -> dict:
        return {"code": atelier["code"]}

    def note(self, atelier: dict, text: str) -> dict:
        return {"text": text}


class App(Bare):
    """`python -m facilitate serve`: a real atelier, its console and projector, notes on one bloc."""

    name = "app"
    note_event = "note:add"
    health_paths = ("/healthz", "/api/templates")
    sends_state = True
    has_staff = True

    def entry(self) -> list[str]:
        return ["-m", "facilitate", "serve"]

    def worker_options(self, workers: int, queue: str | None) -> list[str]:
        return ["--workers", str(workers), "--message-queue", queue] if workers > 1 and queue else []

    async def new_atelier(self, http: Any, url: str, index: int) -> dict:
        """Create one over HTTP; the first bloc whose notes are public is the one the room writes in."""
        async with http.post(f"{url}/api/workshops", json={"template": TEMPLATE}) as response:
            assert response.status == 201, await response.text()
            created = await response.json()
        headers = {"X-Facilitator-Key": created["facilitator_key"]}
        async with http.get(f"{url}/api/workshops/{created['id']}", headers=headers) as response:
            state = await response.json()
        bloc = next(b for b in state["blocs"] if not b["private_writing"])
        columns = bloc.get("columns") or []
        return {
            "index": index,
            "code": created["code"],
            "key": created["facilitator_key"],
            "bloc": bloc["id"],
            "column": columns[0]["id"] if columns else None,
        }

    async def open_staff(self, atelier: dict, console_url: str, projector_url: str) -> list[Screen]:
        """The facilitator's console takes the room to the bloc (and the phase), then a projector connects."""
        code, key = atelier["code"], atelier["key"]
        console = Screen("console", atelier["index"])
        await console.connect(console_url, {"code": code, "facilitator_key": key}, self)
        ack = await console.sio.call("bloc:goto", {"bloc": atelier["bloc"]}, timeout=30)
        assert ack and ack.get("ok"), ack
        if atelier["phase"] != "ecriture":
            ack = await console.sio.call("bloc:phase", {"bloc": atelier["bloc"], "phase": atelier["phase"]}, timeout=30)
            assert ack and ack.get("ok"), ack
        projector = Screen("projector", atelier["index"])
        await projector.connect(projector_url, {"code": code, "facilitator_key": key, "role": "projector"}, self)
        return [console, projector]

    def auth(self, atelier: dict, name: str) -> dict:
        return {"code": atelier["code"], "name": name}

    def note(self, atelier: dict, text: str) -> dict:
        column = {"column": atelier["column"]} if atelier.get("column") else {}
        return {"bloc": atelier["bloc"], "text": text, "client_id": uuid.uuid4().hex, **column}


KINDS = {"app": App(), "bare": Bare()}


# --------------------------------------------------------------------------- screens and what they received


def new_client(received: list, screen: int, on_drop: Any = None) -> Any:
    """A python-socketio AsyncClient that logs each note of each `change` patch as (screen, text, monotonic)."""
    import socketio

    sio = socketio.AsyncClient(reconnection=False)

    def on_change(patch: dict) -> None:  # kept minimal: it runs once per patch per phone
        t = mono()
        for note in patch.get("notes") or ():
            text = note.get("text")
            if text and text.startswith("P "):
                received.append((screen, text, t))

    sio.on("change", on_change)
    if on_drop:
        sio.on("disconnect", on_drop)
    return sio


class Screen:
    """A staff screen held by the main process: the facilitator's console or the projector."""

    def __init__(self, role: str, atelier: int) -> None:
        self.role, self.atelier = role, atelier
        self.received: list[tuple[int, str, float]] = []
        self.sio = new_client(self.received, atelier)
        self.ready = asyncio.Event()
        self.sio.on("state", lambda _: self.ready.set())

    async def connect(self, url: str, auth: dict, kind: Bare) -> None:
        await self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
        if kind.sends_state:
            await asyncio.wait_for(self.ready.wait(), 30)


def note_text(atelier: int, index: int) -> str:
    return f"P {index} {mono():.6f} a{atelier}"


def tally(received: list[tuple[int, str, float]], atelier_of: dict[int, int], author_of: dict[int, int]) -> dict:
    """Receptions -> unique (note, screen) pairs per note, duplicates, crossings, a latency histogram.

    atelier_of: screen -> its atelier; author_of: atelier -> the screen that wrote its notes. Latencies of
    first receptions only, in a histogram of 0.1 ms bins (a few thousand bins, whatever the count)."""
    seen: set[tuple[int, int, int]] = set()
    counts: Counter[tuple[int, int]] = Counter()
    authored: set[tuple[int, int]] = set()
    hist: Counter[int] = Counter()
    duplicates = author_duplicates = crossed = 0
    for screen, text, t in received:
        try:
            _, index, sent_at, tag = text.split(" ")
            atelier, note = int(tag[1:]), int(index)
        except ValueError:
            continue
        if atelier_of.get(screen) != atelier:
            crossed += 1
            continue
        if (atelier, note, screen) in seen:
            duplicates += 1
            author_duplicates += author_of.get(atelier) == screen
            continue
        seen.add((atelier, note, screen))
        counts[atelier, note] += 1
        if author_of.get(atelier) == screen:
            authored.add((atelier, note))
        hist[round((t - float(sent_at)) * 10_000)] += 1
    return {
        "counts": [[a, n, c] for (a, n), c in counts.items()],
        "authored": sorted(authored),
        "hist": list(hist.items()),
        "duplicates": duplicates,
        "author_duplicates": author_duplicates,
        "crossed": crossed,
    }


def hist_percentiles(hist: Counter[int]) -> dict:
    """Nearest-rank p50/p95/p99/max (ms) of a 0.1 ms histogram."""
    total = sum(hist.values())
    out: dict[str, Any] = {"samples": total}
    bins = sorted(hist)
    for name, p in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99), ("max_ms", 100)):
        rank, seen, value = max(1, math.ceil(p / 100 * total)), 0, None
        for b in bins:
            seen += hist[b]
            if seen >= rank:
                value = round(b / 10, 1)
                break
        out[name] = value
    return out


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


class LagMeter:
    """How late this process's event loop wakes up from a 50 ms sleep; `reset` starts a new phase."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.task: asyncio.Task | None = None

    def start(self) -> LagMeter:
        self.task = asyncio.ensure_future(self._run())
        return self

    async def _run(self) -> None:
        while True:
            t = mono()
            await asyncio.sleep(LAG_TICK)
            self.samples.append((mono() - t - LAG_TICK) * 1000)

    def reset(self) -> None:
        self.samples = []

    def summary(self) -> dict:
        return {
            "lag_p95_ms": round(percentile(self.samples, 95) or 0.0, 1),
            "lag_max_ms": round(max(self.samples, default=0.0), 1),
        }


def schedule(rate: float, burst: float, seconds: float, offset: float = 0.0) -> list[float]:
    """Send times (s after the start): `rate` a second, `burst` during the last 2 s of every 10 s."""
    times, t = [], 0.0
    while t < seconds:
        times.append(offset + t)
        t += 1 / (burst if t % BURST_EVERY >= BURST_EVERY - BURST_LENGTH else rate)
    return times


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - mono()))


async def window_cpu(start: float, seconds: float, lag: LagMeter) -> float:
    """This process's CPU seconds while the notes are sent, [start, start + seconds]; the lag restarts then."""
    await sleep_until(start)
    lag.reset()
    cpu = time.process_time()
    await sleep_until(start + seconds)
    return time.process_time() - cpu


async def settle(received: list, quiet: float, limit: float) -> None:
    """Wait until nothing has arrived for `quiet` seconds (at most `limit`)."""
    deadline, count, since = mono() + limit, len(received), mono()
    while mono() < deadline:
        await asyncio.sleep(0.2)
        if len(received) != count:
            count, since = len(received), mono()
        elif mono() - since >= quiet:
            return


# --------------------------------------------------------------------------- a swarm child (its own process)


class Phone:
    """One participant's screen in a swarm child."""

    def __init__(self, number: int, atelier: dict, port: int, received: list, drops: Counter) -> None:
        self.number, self.atelier, self.url = number, atelier, f"http://127.0.0.1:{port}"
        self.received, self.drops = received, drops
        self.connected_at: float | None = None
        self.sio: Any = None

    def _client(self) -> asyncio.Event:
        ready = asyncio.Event()
        self.sio = new_client(self.received, self.number, lambda *_: self.drops.update(["dropped"]))
        self.sio.on("state", lambda _: ready.set())
        return ready

    async def join(self, kind: Bare, attempts: int, timeout: float) -> tuple[int, str | None]:
        """Connect (and for the app wait for the `state` snapshot); returns (retries, last error)."""
        error = None
        for attempt in range(attempts):
            ready = self._client()
            try:
                auth = kind.auth(self.atelier, f"Participant {self.number}")
                await asyncio.wait_for(
                    self.sio.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=timeout), timeout + 5
                )
                if kind.sends_state:
                    await asyncio.wait_for(ready.wait(), timeout)
                self.connected_at = mono()
                return attempt, None
            except Exception as exc:  # refused, timed out, reset: this attempt failed
                error = f"{type(exc).__name__}: {exc}"[:100]
                with contextlib.suppress(Exception):
                    await self.sio.disconnect()
                if attempt + 1 < attempts:
                    await asyncio.sleep(1 + random.random())
        return attempts - 1, error


async def post_notes(kind: Bare, phone: Phone, rate: float, burst: float, seconds: float, start: float) -> list:
    """One atelier's sender: notes on schedule, each in its own task (no waiting for the previous ack)."""
    atelier = phone.atelier
    records: list[list] = []

    async def send(index: int) -> None:
        text = note_text(atelier["index"], index)
        t = mono()
        try:
            ack = await phone.sio.call(kind.note_event, kind.note(atelier, text), timeout=30)
            ok = bool(ack and ack.get("ok"))
        except Exception:
            ok = False
        records.append([atelier["index"], index, ok, round((mono() - t) * 1000, 1)])

    offset = atelier["index"] / (rate * atelier["count"])  # the ateliers' senders take turns
    tasks = []
    for index, at in enumerate(schedule(rate, burst, seconds, offset)):
        delay = start + at - mono()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(index)))
    if tasks:
        await asyncio.wait(tasks, timeout=30)
    return records


async def child_main() -> None:
    """A swarm child: reads commands as JSON lines on stdin, answers as JSON lines on stdout.

    config -> {"up"}; {"join": t0} -> {"joined"}; {"go": start} -> {"result"}. End of input, whenever it
    comes (the run is over, or the main process is stopping or gone), ends the child at once: the kernel
    closes its sockets."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    commands: asyncio.Queue[dict] = asyncio.Queue()

    async def read_commands() -> None:
        while line := await reader.readline():
            commands.put_nowait(json.loads(line))
        os._exit(0)

    reading = asyncio.ensure_future(read_commands())
    command = commands.get

    def answer(message: dict) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    cfg = await command()
    kind = KINDS[cfg["kind"]]
    ateliers = {a["index"]: a for a in cfg["ateliers"]}
    received: list[tuple[int, str, float]] = []
    drops: Counter[str] = Counter()
    phones = [Phone(number, ateliers[a], port, received, drops) for number, a, port in cfg["phones"]]
    lag = LagMeter().start()
    answer({"up": True})

    # Join: every phone at once.
    await command()
    lag.reset()
    cpu0 = time.process_time()
    joins = await asyncio.gather(*(p.join(kind, cfg["attempts"], cfg["timeout"]) for p in phones))
    answer(
        {
            "joined": {
                "connected_at": [p.connected_at for p in phones if p.connected_at],
                "per_atelier": Counter(p.atelier["index"] for p in phones if p.connected_at),
                "retries": sum(r for r, _ in joins),
                "errors": Counter(e for (_, e), p in zip(joins, phones) if e and not p.connected_at),
                "cpu_s": round(time.process_time() - cpu0, 2),
                **lag.summary(),
            }
        }
    )

    # Notes: this child's senders post, every phone listens, until the room is quiet.
    start = (await command())["go"]
    drops.clear()
    cpu0 = time.process_time()
    window = asyncio.ensure_future(window_cpu(start, cfg["seconds"], lag))
    authors: dict[int, int] = {}
    senders = []
    for index in cfg["senders"]:
        phone = next((p for p in phones if p.atelier["index"] == index and p.connected_at), None)
        if phone:
            authors[index] = phone.number
            senders.append(post_notes(kind, phone, cfg["rate"], cfg["burst"], cfg["seconds"], start))
    sent = await asyncio.gather(*senders, sleep_until(start + cfg["seconds"]))
    await settle(received, cfg["quiet"], cfg["settle_limit"])
    window_cpu_s = await window
    atelier_of = {p.number: p.atelier["index"] for p in phones}
    answer(
        {
            "result": {
                "sent": [record for records in sent[:-1] for record in records],
                "authors": authors,
                "dropped": drops["dropped"],
                "cpu_s": round(time.process_time() - cpu0, 2),
                "window_cpu_s": round(window_cpu_s, 2),
                "cpu_pct": round(100 * window_cpu_s / cfg["seconds"], 1),
                **lag.summary(),
                **tally(received, atelier_of, authors),
            }
        }
    )
    await reading  # until end of input


class Child:
    """The main process's handle on one swarm child."""

    def __init__(self, index: int, cores: list[int], cfg: dict, log_file: Path) -> None:
        self.index, self.cores, self.cfg, self.log_file = index, cores, cfg, log_file
        self.process: asyncio.subprocess.Process | None = None
        self.group: Group | None = None

    async def start(self) -> None:
        with open(self.log_file, "wb") as err:
            self.process = await asyncio.create_subprocess_exec(
                "taskset",
                "-c",
                cores_text(self.cores),
                sys.executable,
                __file__,
                "--child",
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                limit=2**26,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        process = self.process
        self.group = Group(f"swarm {self.index}", process.pid, lambda: process.returncode)
        self.send(self.cfg)

    def send(self, message: dict) -> None:
        assert self.process and self.process.stdin
        self.process.stdin.write((json.dumps(message) + "\n").encode())

    async def receive(self, key: str, timeout: float) -> Any:
        assert self.process and self.process.stdout
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"swarm child {self.index} died:\n{tail(self.log_file)}")
        return json.loads(line)[key]

    async def stop(self) -> None:
        if self.process and self.process.stdin and not self.process.stdin.is_closing():
            self.process.stdin.close()  # end of input: the child exits
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.process.wait(), 5)
        if self.group:
            self.group.stop(grace=2.0)


# --------------------------------------------------------------------------- one run


class Run:
    """One size: a fresh server (and redis), the ateliers, the swarm; `measure` returns the JSON line."""

    def __init__(self, args: argparse.Namespace, phones: int, workdir: Path) -> None:
        self.args, self.workdir = args, workdir
        self.kind = KINDS[args.kind]
        self.ateliers_count = args.ateliers if args.scenario == "hosted" else 1
        self.per = max(1, phones // self.ateliers_count)
        self.phones = self.per * self.ateliers_count
        self.server_cores = parse_cores(args.server_cores)
        others = [core for core in ALL_CORES if core not in self.server_cores]
        self.shared_cores = not others
        self.swarm_cores = others or ALL_CORES
        self.base_port = free_port_block(args.workers)
        self.ports = [self.base_port + i for i in range(args.workers)]
        self.groups: list[Group] = []
        self.redis: Group | None = None
        self.children: list[Child] = []
        self.screens: list[Screen] = []
        self.per_worker: Counter[int] = Counter()  # phones sent to each worker's port

    def port_for(self, address: int, code: str) -> int:
        """Which worker a screen reaches: by client address, or by the atelier's code."""
        n = len(self.ports)
        return self.ports[zlib.crc32(code.encode()) % n if self.args.placement == "atelier" else address % n]

    # ----- servers

    def start_servers(self) -> None:
        cores = cores_text(self.server_cores)
        queue = None
        if self.args.workers > 1:
            redis_port = free_port_block(1)
            redis = spawn(
                "redis",
                ["taskset", "-c", cores, "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no"],
                self.workdir / "redis.log",
            )
            self.groups.append(redis)
            self.redis = redis
            wait_for_redis(redis_port, self.workdir / "redis.log")
            queue = f"redis://127.0.0.1:{redis_port}/0"
        data = self.workdir / "data"
        data.mkdir()
        command = self.kind.server_command(self.base_port, data, self.args, queue)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **LIFTED_LIMITS}
        self.server = spawn("server", ["taskset", "-c", cores, *command], self.workdir / "server.log", env)
        self.groups.append(self.server)
        log(f"{self.kind.name} server on ports {self.ports[0]}..{self.ports[-1]}, cores {cores}")

    async def wait_healthy(self, http: Any) -> None:
        """GET a health path on every worker's port until each answers 200."""
        deadline = mono() + 90
        for port in self.ports:
            while True:
                if not self.server.alive():
                    raise RuntimeError(f"the server exited:\n{tail(self.workdir / 'server.log')}")
                if await any_ok(http, port, self.kind.health_paths):
                    break
                if mono() > deadline:
                    raise RuntimeError(f"port {port} never answered:\n{tail(self.workdir / 'server.log')}")
                await asyncio.sleep(0.2)

    def server_pids(self) -> list[int]:
        return process_tree(self.server.pid)

    # ----- ateliers and swarm

    async def open_ateliers(self, http: Any) -> list[dict]:
        """Create the ateliers; their consoles and projectors connect (as two more client addresses each)."""
        ateliers = []
        for index in range(self.ateliers_count):
            atelier = await self.kind.new_atelier(http, f"http://127.0.0.1:{self.ports[0]}", index)
            atelier.update(phase=self.args.phase, count=self.ateliers_count)
            staff_address = self.phones + 2 * index
            urls = [f"http://127.0.0.1:{self.port_for(staff_address + i, atelier['code'])}" for i in (0, 1)]
            self.screens += await self.kind.open_staff(atelier, *urls)
            ateliers.append(atelier)
        return ateliers

    async def start_swarm(self, ateliers: list[dict]) -> None:
        """Phone n (atelier n // per) goes to child n % K; each atelier's first phone is its sender."""
        k = max(1, min(self.args.swarm, self.phones))
        plan: list[list[list[int]]] = [[] for _ in range(k)]
        for number in range(self.phones):
            atelier = ateliers[number // self.per]
            port = self.port_for(number, atelier["code"])
            self.per_worker[port] += 1
            plan[number % k].append([number, atelier["index"], port])
        for i in range(k):
            cfg = {
                "kind": self.kind.name,
                "ateliers": ateliers,
                "phones": plan[i],
                "senders": [a["index"] for a in ateliers if (a["index"] * self.per) % k == i],
                "rate": self.args.rate / self.ateliers_count,
                "burst": self.args.burst / self.ateliers_count,
                "seconds": self.args.seconds,
                "attempts": self.args.join_attempts,
                "timeout": self.args.join_timeout,
                "quiet": self.args.quiet,
                "settle_limit": 60.0,
            }
            cores = self.swarm_cores if self.shared_cores else [self.swarm_cores[i % len(self.swarm_cores)]]
            child = Child(i, cores, cfg, self.workdir / f"swarm{i}.log")
            await child.start()
            self.children.append(child)
        await asyncio.gather(*(c.receive("up", 60) for c in self.children))

    # ----- the measure

    async def measure(self) -> dict:
        """Servers up, ateliers open, swarm started; then the join storm, then the notes; one report."""
        import aiohttp

        self.start_servers()
        async with aiohttp.ClientSession() as http:
            await self.wait_healthy(http)
            ateliers = await self.open_ateliers(http)
        await self.start_swarm(ateliers)
        join = await self.join_phase()
        notes = await self.notes_phase()
        if not self.server.alive():
            status = self.server.poll()
            raise RuntimeError(f"the server died during the run ({status}):\n{tail(self.workdir / 'server.log', 5)}")
        return self.report(join, notes)

    async def join_phase(self) -> dict:
        """Every phone connects at the same instant; the server's memory before and after."""
        pids = self.server_pids()
        rss_idle = rss_mb(pids)
        log(f"{self.phones} phones joining ({len(self.children)} swarm processes)")
        cpu0, t0 = cpu_seconds(pids), mono()
        for child in self.children:
            child.send({"join": t0})
        timeout = self.args.join_attempts * (self.args.join_timeout + 10) + 60
        joined = await asyncio.gather(*(c.receive("joined", timeout) for c in self.children))
        pids = self.server_pids()  # workers started late count too
        connected_at = sorted(t - t0 for j in joined for t in j["connected_at"])
        connected: Counter[int] = Counter()
        for j in joined:
            connected.update({int(a): n for a, n in j["per_atelier"].items()})
        log(f"{len(connected_at)} connected in {connected_at[-1] if connected_at else 0:.1f} s; now the notes")
        return {
            "children": joined,
            "connected_at": connected_at,
            "connected": connected,
            "cpu_s": sum(cpu_seconds(pids).values()) - sum(cpu0.values()),
            "rss_idle": rss_idle,
            "rss_joined": rss_mb(pids),
        }

    async def notes_phase(self) -> dict:
        """The senders post on schedule from `start`; everyone listens until the room is quiet."""
        lag = LagMeter().start()
        for screen in self.screens:
            screen.received.clear()
        start = mono() + 1.0
        for child in self.children:
            child.send({"go": start})
        *results, cpu, _ = await asyncio.gather(
            *(c.receive("result", self.args.seconds + 200) for c in self.children),
            self.cpu_window(start, lag),
            self.settle_screens(start),
        )
        lag.task.cancel()
        return {"children": results, "cpu": cpu, "lag": lag, "wall": mono() - start, "rss": rss_mb(self.server_pids())}

    def report(self, join: dict, notes: dict) -> dict:
        """The JSON line: the run's settings, then join, deliveries, latencies, server, swarm."""
        seconds, cpu, connected = self.args.seconds, notes["cpu"], len(join["connected_at"])
        report = self.describe()
        report.update(self.join_report(join["children"], join["connected_at"]))
        report.update(self.delivery_report(notes["children"], join["connected"]))
        report["server"] = {
            "cpu_pct": round(100 * sum(cpu["server"].values()) / seconds, 1),
            "cpu_pct_by_pid": {str(p): round(100 * c / seconds, 1) for p, c in cpu["server"].items()},
            "rss_mb": round(notes["rss"], 1),
            "rss_idle_mb": round(join["rss_idle"], 1),
            "rss_after_join_mb": round(join["rss_joined"], 1),
            "rss_mb_per_1000_phones": round(1000 * (join["rss_joined"] - join["rss_idle"]) / max(1, connected), 1),
            "join_cpu_s": round(join["cpu_s"], 2),
        }
        if self.redis:
            report["redis_cpu_pct"] = round(100 * cpu["redis"] / seconds, 1)
        report["swarm"] = self.swarm_report(join["children"], notes["children"], notes["lag"])
        swarm_cpu = sum(r["window_cpu_s"] for r in notes["children"])
        others = cpu["machine"] - sum(cpu["server"].values()) - cpu["redis"] - swarm_cpu - cpu["self"]
        report["others_cpu_pct"] = round(100 * max(0.0, others) / seconds, 1)
        report["wall_s"] = round(notes["wall"], 1)
        return report

    def cpu_sample(self) -> dict:
        return {
            "server": cpu_seconds(self.server_pids()),
            "redis": sum(cpu_seconds(process_tree(self.redis.pid)).values()) if self.redis else 0.0,
            "machine": machine_busy_seconds(),
            "self": time.process_time(),
        }

    async def cpu_window(self, start: float, lag: LagMeter) -> dict:
        """CPU seconds while the notes are sent, [start, start + seconds]: each server process (sum them for
        the server's %, of one core), redis, this process, and the whole machine (for "others")."""
        await sleep_until(start)
        lag.reset()
        before = self.cpu_sample()
        await sleep_until(start + self.args.seconds)
        after = self.cpu_sample()
        used = {key: after[key] - before[key] for key in ("redis", "machine", "self")}
        used["server"] = {p: t - before["server"][p] for p, t in after["server"].items() if p in before["server"]}
        return used

    async def settle_screens(self, start: float) -> None:
        """The consoles and projectors listen until the notes stop arriving, as the phones do."""
        await sleep_until(start + self.args.seconds)
        await asyncio.gather(*(settle(s.received, self.args.quiet, 60.0) for s in self.screens))

    # ----- the report

    def describe(self) -> dict:
        args = self.args
        limitations = []
        if self.shared_cores:
            limitations.append(
                f"only {os.cpu_count()} cores, all given to the server: swarm and server share cores"
                " (latencies and server CPU include the swarm's contention)"
            )
        if args.workers > 1:
            limitations.append("redis-server shares the server's cores")
        return {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "kind": self.kind.name,
            "scenario": args.scenario,
            "phase": args.phase if self.kind.has_staff else None,
            "workers": args.workers,
            "placement": args.placement if args.workers > 1 else None,
            "phones_per_worker": [self.per_worker[port] for port in self.ports],
            "phones": self.phones,
            "ateliers": self.ateliers_count,
            "per_atelier": self.per,
            "rate": args.rate,
            "burst": args.burst,
            "seconds": args.seconds,
            "async_mode": args.async_mode,
            "server_cores": cores_text(self.server_cores),
            "swarm_cores": cores_text(self.swarm_cores),
            "swarm_processes": len(self.children),
            "shared_cores": self.shared_cores,
            "loop": "uvloop" if uvloop else "asyncio",
            "machine": machine(),
            "limitations": limitations,
        }

    def join_report(self, joined: list[dict], connected_at: list[float]) -> dict:
        errors: Counter[str] = Counter()
        for j in joined:
            errors.update(j["errors"])
        return {
            "connected": len(connected_at),
            "join_failures": self.phones - len(connected_at),
            "join_retries": sum(j["retries"] for j in joined),
            "join_s": round(connected_at[-1], 2) if connected_at else None,
            "join_p50_s": round(percentile(connected_at, 50) or 0, 2) if connected_at else None,
            "join_p95_s": round(percentile(connected_at, 95) or 0, 2) if connected_at else None,
            "join_errors": dict(errors.most_common(5)),
        }

    def delivery_report(self, results: list[dict], connected: Counter) -> dict:
        """Expected deliveries against unique (note, screen) pairs, per audience, and latencies."""
        sent = [record for r in results for record in r["sent"]]
        acked = {(a, n) for a, n, ok, _ in sent if ok}
        authors = {int(a): s for r in results for a, s in r["authors"].items()}
        everyone_shows = not self.kind.has_staff or self.args.phase != "ecriture"

        counts: Counter[tuple[int, int]] = Counter()
        authored: set[tuple[int, int]] = set()
        hist: Counter[int] = Counter()
        for r in results:
            counts.update({(a, n): c for a, n, c in r["counts"]})
            authored.update((a, n) for a, n in r["authored"])
            hist.update({b: c for b, c in r["hist"]})
        received_acked = sum(counts[key] for key in acked)
        if everyone_shows:
            expected = sum(connected[a] for a, _ in acked)
            delivered = received_acked
        else:  # ecriture: the author's phone only
            expected = sum(1 for a, _ in acked if a in authors)
            delivered = len(acked & authored)
        phones = {
            "expected": expected,
            "delivered": delivered,
            "lost": expected - delivered,
            "extra": received_acked - delivered,
            "duplicates": sum(r["duplicates"] for r in results),
            "author_duplicates": sum(r["author_duplicates"] for r in results),
        }
        audiences = {"phones": phones}
        latency = {"phones": hist_percentiles(hist)}
        crossed = sum(r["crossed"] for r in results)
        for role in ("console", "projector"):
            screens = [s for s in self.screens if s.role == role]
            if not screens:
                continue
            received = [item for s in screens for item in s.received]
            counted = tally(received, {s.atelier: s.atelier for s in screens}, {})
            got = {(a, n) for a, n, _ in counted["counts"]}
            audiences[role] = {
                "expected": len(acked),
                "delivered": len(acked & got),
                "lost": len(acked - got),
                "duplicates": counted["duplicates"],
            }
            latency[role] = hist_percentiles(Counter(dict(counted["hist"])))
            crossed += counted["crossed"]
        total = {
            key: sum(a.get(key, 0) for a in audiences.values())
            for key in ("expected", "delivered", "lost", "duplicates")
        }
        return {
            "notes": len(sent),
            "acked": len(acked),
            "ack_p95_ms": percentile([ms for *_, ok, ms in sent if ok], 95),
            "senders": len(authors),
            **{key: total[key] for key in ("expected", "delivered", "lost", "duplicates")},
            "crossed": crossed,
            "dropped": sum(r["dropped"] for r in results),
            "deliveries": audiences,
            "latency_ms": latency,
        }

    def swarm_report(self, joined: list[dict], results: list[dict], lag: LagMeter) -> dict:
        """Each child's CPU and loop lag, and whether the swarm may have been the bottleneck."""
        children = [
            {
                "cores": cores_text(c.cores),
                "phones": len(c.cfg["phones"]),
                "join_cpu_s": j["cpu_s"],
                "join_lag_max_ms": j["lag_max_ms"],
                "cpu_pct": r["cpu_pct"],
                "lag_p95_ms": r["lag_p95_ms"],
                "lag_max_ms": r["lag_max_ms"],
            }
            for c, j, r in zip(self.children, joined, results)
        ]
        cpu_max = max(c["cpu_pct"] for c in children)
        lag_max = max(c["lag_p95_ms"] for c in children)
        limited = cpu_max >= SWARM_LIMIT_CPU_PCT or lag_max >= SWARM_LIMIT_LAG_MS
        verdict = (
            f"swarm saturated (busiest child {cpu_max:.0f} % CPU, loop lag p95 {lag_max:.0f} ms):"
            " the latencies measure the swarm as well as the server"
            if limited
            else f"swarm not the bottleneck (busiest child {cpu_max:.0f} % CPU, loop lag p95 {lag_max:.0f} ms)"
        )
        return {
            "limited": limited,
            "verdict": verdict,
            "cpu_pct_max": cpu_max,
            "lag_p95_ms_max": lag_max,
            "main_process_lag": lag.summary(),
            "children": children,
        }

    async def close(self) -> None:
        """Disconnect the screens, stop the swarm, the server and redis (also after an error or Ctrl-C)."""
        await asyncio.gather(*(s.sio.disconnect() for s in self.screens), return_exceptions=True)
        await asyncio.gather(*(c.stop() for c in self.children), return_exceptions=True)
        for group in reversed(self.groups):
            group.stop()


async def any_ok(http: Any, port: int, paths: Iterable[str]) -> bool:
    """Does one of these paths answer 200 on this port?"""
    import aiohttp

    for path in paths:
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError, OSError):
            async with http.get(f"http://127.0.0.1:{port}{path}", timeout=aiohttp.ClientTimeout(total=2)) as r:
                if r.status == 200:
                    return True
    return False


def wait_for_redis(port: int, log_file: Path) -> None:
    """Until redis answers PING."""
    deadline = mono() + 20
    while mono() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not start:\n{tail(log_file)}")


# --------------------------------------------------------------------------- markdown


MARKDOWN_COLUMNS = [
    ("kind", lambda r: r["kind"]),
    ("scenario", lambda r: r["scenario"] + (f" {r['ateliers']}×{r['per_atelier']}" if r["ateliers"] > 1 else "")),
    ("phase", lambda r: r["phase"] or "–"),
    ("workers", lambda r: f"{r['workers']}" + (f" ({r['placement']})" if r["placement"] else "")),
    ("phones", lambda r: r["phones"]),
    ("connected", lambda r: r["connected"]),
    ("join (s)", lambda r: r["join_s"]),
    ("notes acked", lambda r: f"{r['acked']}/{r['notes']}"),
    ("phones p50 / p95 / p99 / max (ms)", lambda r: latency_cell(r["latency_ms"]["phones"])),
    ("console p95 (ms)", lambda r: r["latency_ms"].get("console", {}).get("p95_ms", "–")),
    ("projector p95 (ms)", lambda r: r["latency_ms"].get("projector", {}).get("p95_ms", "–")),
    ("lost / expected", lambda r: f"{r['lost']} / {r['expected']}"),
    ("dup.", lambda r: r["duplicates"]),
    ("crossed", lambda r: r["crossed"]),
    ("server CPU (%)", lambda r: r["server"]["cpu_pct"]),
    ("RSS (MB)", lambda r: r["server"]["rss_mb"]),
    ("MB / 1,000 phones", lambda r: r["server"]["rss_mb_per_1000_phones"]),
    ("swarm CPU max (%) / lag p95 (ms)", lambda r: f"{r['swarm']['cpu_pct_max']} / {r['swarm']['lag_p95_ms_max']}"),
    ("shared cores", lambda r: "yes" if r["shared_cores"] else "no"),
]


def latency_cell(figures: dict) -> str:
    return " / ".join(
        "–" if figures.get(k) is None else str(figures[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
    )


def markdown_header(command: str) -> str:
    names = [name for name, _ in MARKDOWN_COLUMNS]
    return (
        f"\n`{command}` ({time.strftime('%Y-%m-%d %H:%M')}, {machine()})\n\n"
        f"| {' | '.join(names)} |\n|{'|'.join('---' if i < 3 else '---:' for i in range(len(names)))}|\n"
    )


def markdown_row(result: dict) -> str:
    return f"| {' | '.join(str(cell(result)) for _, cell in MARKDOWN_COLUMNS)} |\n"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(KINDS), help="the app or the bare Flask-SocketIO server")
    parser.add_argument("phones", type=int, nargs="?", help="phones in all (hosted: split between the ateliers)")
    parser.add_argument("--sizes", help="several PHONES in one run, e.g. 300,1000,2000,5000 (one JSON line each)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (app only when > 1)")
    parser.add_argument("--placement", choices=("address", "atelier"), default="address")
    parser.add_argument("--server-cores", default="0,1", help="taskset cores of the server (and redis)")
    parser.add_argument("--swarm", type=int, default=6, help="swarm child processes")
    parser.add_argument("--phase", choices=("ecriture", "devoilement"), default="devoilement")
    parser.add_argument("--rate", type=float, default=10.0, help="notes per second (all ateliers together)")
    parser.add_argument("--burst", type=float, default=30.0, help="notes per second during bursts")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of notes")
    parser.add_argument("--scenario", choices=("room", "hosted"), default="room")
    parser.add_argument("--ateliers", type=int, default=20, help="hosted: ateliers side by side")
    parser.add_argument("--per", type=int, default=50, help="hosted: phones per atelier when PHONES is not given")
    parser.add_argument("--async-mode", choices=("gevent", "eventlet"), default="gevent")
    parser.add_argument("--join-attempts", type=int, default=3, help="connection attempts per phone")
    parser.add_argument("--join-timeout", type=float, default=60.0, help="seconds per connection attempt")
    parser.add_argument("--quiet", type=float, default=2.0, help="seconds without a delivery that end a run")
    parser.add_argument("--markdown", type=Path, help="append a table (one row per size) to this file")
    parser.add_argument("--logs", type=Path, help="keep each run's logs (server, redis, swarm) and data here")
    args = parser.parse_args(argv)
    if args.sizes:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    elif args.phones:
        args.size_list = [args.phones]
    elif args.scenario == "hosted":
        args.size_list = [args.ateliers * args.per]
    else:
        parser.error("give PHONES or --sizes")
    if args.workers > 1 and args.kind == "bare":
        parser.error("the bare server has no message queue: --workers > 1 needs the app")
    return args


async def run_size(args: argparse.Namespace, phones: int) -> dict:
    """One size on a fresh server, in a scratch folder (kept under --logs DIR if given)."""
    with contextlib.ExitStack() as stack:
        if args.logs:
            workdir = args.logs / f"{args.kind}-{args.scenario}-{phones}-{time.strftime('%H%M%S')}"
            workdir.mkdir(parents=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="facilitate-scale-")))
        run = Run(args, phones, workdir)
        try:
            return await run.measure()
        finally:
            await run.close()


def stopped(*_: object) -> None:
    """SIGTERM: unwind like Ctrl-C, so that the `finally` blocks stop what was started."""
    log("terminated")
    sys.exit(143)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stopped)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets, inherited by the server
    others = set(ALL_CORES) - set(parse_cores(args.server_cores))
    if others:
        os.sched_setaffinity(0, others)  # the console and projector sockets live here: off the server's cores
    else:
        log(f"only {os.cpu_count()} cores: the swarm and the server share cores (recorded as shared_cores)")
    runner = uvloop.run if uvloop else asyncio.run
    header_written = False
    try:
        for phones in args.size_list:
            result = runner(run_size(args, phones))
            print(json.dumps(result, ensure_ascii=False), flush=True)
            if args.markdown:
                with args.markdown.open("a") as out:
                    if not header_written:
                        out.write(markdown_header("python bench/scale.py " + " ".join(argv)))
                        header_written = True
                    out.write(markdown_row(result))
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted")
        return 130
    except RuntimeError as error:  # a server or a swarm child that died: what its log said
        log(f"failed: {error}")
        return 1
    finally:
        Group.stop_all()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        (uvloop.run if uvloop else asyncio.run)(child_main())
    else:
        sys.exit(main(sys.argv[1:]))
