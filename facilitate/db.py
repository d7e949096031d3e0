"""SQLite connection and numbered migrations (PRAGMA user_version)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

DB_FILENAME = "facilitate.sqlite3"


def connect(path: Path) -> sqlite3.Connection:
    """Open the database with the durability the real-time design relies on:
    WAL so readers never block the writer, synchronous=FULL so a committed
    (acknowledged) note survives a power loss, foreign keys for cascades."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    migrate(conn)
    return conn


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("facilitate") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply every migration newer than the database, each in its own
    transaction. The script runs whole through executescript (no splitting
    on ";", which would break a trigger or a string holding one); BEGIN and
    the version bump are part of the script, so a failure leaves the
    transaction open and it is rolled back."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for version, script in _migrations():
        if version <= current:
            continue
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n;PRAGMA user_version = {version:d};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def backup(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API: a consistent
    snapshot even while the server writes (WAL), unlike copying the file."""
    if not source.is_file():
        raise FileNotFoundError(source)
    partial = target.with_name(target.name + ".partiel")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)  # never a half-written backup under the final name


def restore(source: Path, target: Path) -> None:
    """Put a backup in place through SQLite itself (so the target's WAL stays
    consistent), after checking it is a sound facilitate database."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("contrôle d'intégrité échoué")
        if src.execute("PRAGMA user_version").fetchone()[0] < 1:
            raise sqlite3.DatabaseError("ce n'est pas une base facilitate")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


class Database:
    """The one connection of the process, guarded by a lock: SQLite has one
    writer anyway, and a single connection keeps every mutation a short
    BEGIN IMMEDIATE ... COMMIT that never waits on another connection.
    (Under eventlet/gevent the lock is a green lock.)"""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = connect(path)
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
