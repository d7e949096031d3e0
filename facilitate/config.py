"""Defaults, overridden by FACILITATE_* environment variables, then by the
command line or the `config` mapping given to create_app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ASYNC_MODES = ("gevent", "eventlet", "threading")
DEFAULT_ASYNC_MODE = "gevent"


def default_data_dir() -> Path:
    """A per-user folder: XDG on Linux, Application Support on macOS, APPDATA on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "facilitate"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def defaults() -> dict[str, Any]:
    return {
        "DATA_DIR": Path(os.environ.get("FACILITATE_DATA") or default_data_dir()),
        "TEMPLATES_DIR": os.environ.get("FACILITATE_TEMPLATES") or None,  # None: the bundled ones
        "HOST": os.environ.get("FACILITATE_HOST", "0.0.0.0"),
        "PORT": _env_int("FACILITATE_PORT", 5000),
        # gevent by bench/load.py (docs/benchmarks.md): the same latency as
        # eventlet with less CPU and no dropped connections in a join storm,
        # and eventlet is deprecated upstream. eventlet stays one setting away.
        "ASYNC_MODE": os.environ.get("FACILITATE_ASYNC_MODE", DEFAULT_ASYNC_MODE),
        # The address phones use; None: detected from the network interfaces.
        "PUBLIC_URL": os.environ.get("FACILITATE_PUBLIC_URL") or None,
        "MAX_PARTICIPANTS": _env_int("FACILITATE_MAX_PARTICIPANTS", 500),
        # Several workers (`serve --workers N`) share Flask-SocketIO's message
        # queue, rate limits and presence in Redis: redis://host:port/db. None: one process.
        "MESSAGE_QUEUE": os.environ.get("FACILITATE_MESSAGE_QUEUE") or None,
        "WORKERS": _env_int("FACILITATE_WORKERS", 1),
        # From this many participants an atelier is a large room: phones get
        # counts, not each note, while the room writes (rules.holds_back_notes).
        "LARGE_ROOM": _env_int("FACILITATE_LARGE_ROOM", 1000),
        # The longest an atelier's changes wait to leave together (broadcast.py: the
        # window follows what sending costs, up to this); 0: one frame per change.
        "BROADCAST_WINDOW_MS": _env_int("FACILITATE_BROADCAST_WINDOW_MS", 250),
        # Seats one address may hold with newcomers who have not written or voted
        # yet; None: 80 % of MAX_PARTICIPANTS, never fewer than 300 (see seats.py).
        "IDLE_SEATS_PER_ADDRESS": _env_int("FACILITATE_IDLE_SEATS_PER_ADDRESS", 0) or None,
        # Without it, the facilitator's home answers only on the laptop itself.
        "ADMIN_PASSWORD": os.environ.get("FACILITATE_ADMIN_PASSWORD") or None,
        # Socket.IO connections from other web origins (comma-separated); none by default.
        "ALLOWED_ORIGINS": [o for o in os.environ.get("FACILITATE_ALLOWED_ORIGINS", "").split(",") if o],
        # Extra Host names to answer (a DNS name given by the venue's router); IP
        # addresses, localhost, this machine's name and the public URL's host always are.
        "ALLOWED_HOSTS": [h for h in os.environ.get("FACILITATE_ALLOWED_HOSTS", "").split(",") if h],
        # Per participant, per minute: notes, and messages of any kind.
        "NOTES_PER_MINUTE": _env_int("FACILITATE_NOTES_PER_MINUTE", 30),
        "MESSAGES_PER_MINUTE": _env_int("FACILITATE_MESSAGES_PER_MINUTE", 100),
        # Hosted mode: daily backups kept in <data>/sauvegardes.
        "BACKUPS_KEPT": _env_int("FACILITATE_BACKUPS_KEPT", 7),
        # Wrong join codes tolerated per client address and minute.
        "JOIN_ATTEMPTS_PER_MINUTE": _env_int("FACILITATE_JOIN_ATTEMPTS_PER_MINUTE", 20),
        # Hosted mode (see is_hosted): how many reverse proxies sit in front
        # of the server; their X-Forwarded-* headers are ignored unless this is set.
        "TRUSTED_PROXIES": _env_int("FACILITATE_TRUSTED_PROXIES", 0),
        # Ateliers without activity for this many days are deleted (0: never, the laptop's default).
        "RETENTION_DAYS": _env_int("FACILITATE_RETENTION_DAYS", 0),
        # Wrong passwords tolerated per account and per address, per 15 minutes.
        "LOGIN_ATTEMPTS_PER_ACCOUNT": _env_int("FACILITATE_LOGIN_ATTEMPTS_PER_ACCOUNT", 5),
        "LOGIN_ATTEMPTS_PER_ADDRESS": _env_int("FACILITATE_LOGIN_ATTEMPTS_PER_ADDRESS", 20),
    }


def is_hosted(config: dict[str, Any]) -> bool:
    """Hosted mode: served at a public HTTPS address (the laptop mode has none)."""
    return str(config.get("PUBLIC_URL") or "").startswith("https://")
