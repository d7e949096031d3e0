"""Acknowledgement round trip of one phone writing notes one after another:
a measurement, not a test. Run it before and after a server change (it was
written to decide on TCP_NODELAY, docs/benchmarks.md).

    .venv/bin/python bench/ack_latency.py [--mode gevent|eventlet] [--notes 300] [--transport websocket|polling]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Server, create_workshop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="gevent", choices=["gevent", "eventlet"])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--transport", default="websocket", choices=["websocket", "polling"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        server = Server("app", args.mode, Path(workdir)).start()
        try:
            workshop = create_workshop(server)
            client = socketio.Client(reconnection=False)
            client.connect(server.url, auth={"code": workshop["code"]}, transports=[args.transport])
            bloc = client.call("sync", {"since": 0}, timeout=10)["state"]["blocs"][0]["id"]
            times = []
            for i in range(args.notes):
                start = time.perf_counter()
                ack = client.call(
                    "note:add", {"bloc": bloc, "text": f"note {i}", "client_id": str(uuid.uuid4())}, timeout=10
                )
                times.append((time.perf_counter() - start) * 1000)
                assert ack["ok"], ack
            client.disconnect()
        finally:
            server.stop()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    print(
        json.dumps(
            {
                "mode": args.mode,
                "transport": args.transport,
                "notes": args.notes,
                "p50_ms": round(pick(0.5), 1),
                "p95_ms": round(pick(0.95), 1),
                "p99_ms": round(pick(0.99), 1),
                "mean_ms": round(statistics.mean(times), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
