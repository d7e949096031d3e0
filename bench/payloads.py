"""What reading a payload against its declared shape costs, per event.

Compares facilitate.payloads.read (pydantic v2) with the hand-written
isinstance checks it replaced, on the commonest events. Figures go to
docs/benchmarks.md.

    .venv/bin/python bench/payloads.py
"""

from __future__ import annotations

import time
import timeit

started = time.perf_counter()
import pydantic  # noqa: E402,F401

IMPORT_MS = (time.perf_counter() - started) * 1000

from facilitate.payloads import EVENTS, read  # noqa: E402

SAMPLES = {
    "note:add": {"bloc": 12, "text": "Une note assez ordinaire pour mesurer", "column": "c1", "client_id": "a1b2c3"},
    "vote": {"bloc": 12, "item": "c34", "dots": 1},
    "cluster:group": {"bloc": 12, "clusters": [{"label": "Idée", "notes": [1, 2, 3, 4]}]},
    "bloc:update": {"bloc": 12, "title": "Bloc", "prompt": "?", "columns": ["Pour", "Contre"], "timer_seconds": 600},
}


def hand_written_note_add(payload: object) -> None:
    """The checks of services/notes.py before payloads.py (for comparison)."""
    if not isinstance(payload, dict):
        raise ValueError
    client_id = payload.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or len(client_id) > 100):
        raise ValueError
    if not isinstance(payload.get("text"), str):
        raise ValueError
    bloc = payload.get("bloc")
    if isinstance(bloc, bool) or not isinstance(bloc, int):
        raise ValueError


def per_call_us(fn, number: int = 50_000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1e6


def main() -> None:
    print(f"import pydantic: {IMPORT_MS:.0f} ms (once, at start)")
    for event, payload in SAMPLES.items():
        print(f"{event:15} read(): {per_call_us(lambda: read(EVENTS[event], payload)):.2f} µs")  # noqa: B023 (called at once)
    sample = SAMPLES["note:add"]
    print(f"note:add        hand-written checks: {per_call_us(lambda: hand_written_note_add(sample)):.2f} µs")


if __name__ == "__main__":
    main()
