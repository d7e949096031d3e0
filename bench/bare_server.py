"""The yardstick for bench/load.py: the least a Flask-SocketIO note server
can do, run the way `facilitate serve` runs.

One event, `note` {"text"}: INSERT + COMMIT into SQLite (WAL,
synchronous=FULL, one connection behind a lock, as facilitate/db.py), then
one `change` {"notes": [{"id", "text"}]} to the sender's room, then the ack
{"ok": true, "id"}. Connecting with auth {"code": ROOM} joins that room.
No rules, no projection, no per-viewer patches: whatever the app measures
beyond this server is the cost of its own code.

    python bench/bare_server.py --host 127.0.0.1 --port P --data DIR --async-mode eventlet|gevent
"""

from __future__ import annotations

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=5001)
parser.add_argument("--data", required=True, help="folder for the SQLite file")
parser.add_argument("--async-mode", choices=("eventlet", "gevent"), default="eventlet")
args = parser.parse_args()

# Patch the standard library before anything imports socket or threading.
if args.async_mode == "eventlet":
    import eventlet

    eventlet.monkey_patch()
else:
    from gevent import monkey

    monkey.patch_all()

import sqlite3  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

Path(args.data).mkdir(parents=True, exist_ok=True)
db = sqlite3.connect(Path(args.data) / "bare.sqlite3", isolation_level=None, check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute(
    "CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, room TEXT NOT NULL,"
    " text TEXT NOT NULL, created_at REAL NOT NULL)"
)
db_lock = threading.Lock()  # a green lock once patched

app = Flask(__name__)
socketio = SocketIO(app, async_mode=args.async_mode, max_http_buffer_size=16 * 1024)
rooms: dict[str, str] = {}  # sid -> room


@app.get("/health")
def health() -> str:
    return "ok"


@socketio.on("connect")
def on_connect(auth: object = None) -> None:
    room = str(auth.get("code", "main")) if isinstance(auth, dict) else "main"
    rooms[request.sid] = room
    join_room(room)


@socketio.on("disconnect")
def on_disconnect(*_: object) -> None:
    rooms.pop(request.sid, None)


@socketio.on("note")
def on_note(payload: dict) -> dict:
    room, text = rooms[request.sid], str(payload["text"])[:500]
    with db_lock:
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute("INSERT INTO note (room, text, created_at) VALUES (?, ?, ?)", (room, text, time.time()))
        db.execute("COMMIT")
    note_id = cursor.lastrowid
    socketio.emit("change", {"notes": [{"id": note_id, "text": text}]}, to=room)
    return {"ok": True, "id": note_id}


if __name__ == "__main__":
    print(f"bare server on http://{args.host}:{args.port} ({args.async_mode})", flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False, allow_unsafe_werkzeug=True)
