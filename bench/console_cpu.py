"""Does the console stay responsive while notes pour in? A benchmark, not a test.

Chromium (Debian's, through Playwright) opens the facilitator's console at
1366x768 with its CPU throttled (CDP Emulation.setCPUThrottlingRate, 4x by
default: a modest laptop), on a two-column bloc of seed 001 in regroupement.
A facilitator socket then posts N notes (real note texts of seed 001) at R
per second, alternating columns. A PerformanceObserver installed before the
page loads records every long task (> 50 ms on the main thread). Reported:
the run's length, the number of long tasks, the longest, and the share of
the run the main thread spent in long tasks.

    .venv/bin/python bench/console_cpu.py [--notes 600] [--rate 10] [--throttle 4] [--source DIR] [--json FILE]

--source DIR serves another checkout (e.g. `git archive` of an older commit,
with static/vendor copied in) to measure the console before a change.
Targets (issue 13): under 5 % of the time in long tasks, none over 100 ms,
for 600 notes at 10/s with 4x throttling.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitate.demo import seed001  # noqa: E402

OBSERVER = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(notes: int, rate: float, throttle: float, source: Path) -> dict:
    port, data = free_port(), Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "FACILITATE_NOTES_PER_MINUTE": "100000",
        "FACILITATE_MESSAGES_PER_MINUTE": "100000",
        "PYTHONPATH": str(source),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "facilitate", "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)],
        cwd=source,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/api/templates", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        w = requests.post(f"{url}/api/workshops", json={"template": "raviver-nos-couleurs"}, timeout=10).json()
        key = w["facilitator_key"]
        bloc = requests.get(f"{url}/api/workshops/{w['id']}", headers={"X-Facilitator-Key": key}, timeout=10).json()[
            "blocs"
        ][1]
        fac = socketio.Client()
        fac.connect(url, auth={"code": w["code"], "facilitator_key": key}, transports=["websocket"])
        fac.call("bloc:goto", {"bloc": bloc["id"]})
        fac.call("bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})
        texts = [n.text for b in seed001().blocs for c in b.clusters for n in c.notes]
        texts += [n.text for b in seed001().blocs for n in b.loose_notes]
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="fr-CA")
            page.add_init_script(OBSERVER)
            page.goto(f"{url}/w/{w['id']}/console#key={key}")
            page.wait_for_selector("#status.online")  # whatever the language
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
            start = page.evaluate("performance.now()")
            began = time.perf_counter()
            for i in range(notes):
                column = bloc["columns"][i % len(bloc["columns"])]["id"]
                fac.emit(
                    "note:add", {"bloc": bloc["id"], "text": f"{texts[i % len(texts)][:200]} ({i})", "column": column}
                )
                time.sleep(max(0.0, began + (i + 1) / rate - time.perf_counter()))
            page.wait_for_function(f"document.querySelectorAll('#bloc-notes .note').length >= {notes}", timeout=120000)
            end = page.evaluate("performance.now()")
            tasks = [(s, d) for s, d in page.evaluate("window.__longTasks") if s >= start]
            browser.close()
        fac.disconnect()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(data, ignore_errors=True)
    seconds = (end - start) / 1000
    blocked = sum(d for _, d in tasks) / 1000
    return {
        "notes": notes,
        "rate": rate,
        "throttle": throttle,
        "seconds": round(seconds, 1),
        "long_tasks": len(tasks),
        "longest_ms": round(max((d for _, d in tasks), default=0)),
        "blocked_seconds": round(blocked, 2),
        "blocked_share": round(blocked / seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=600)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--throttle", type=float, default=4)
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.notes, args.rate, args.throttle, args.source.resolve())
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
