"""One data folder, one server: an exclusive lock on <data>/facilitate.lock.

Two servers on one SQLite file would each believe their own `seq`, their own
connected phones and their own countdowns. The operating system drops the
lock when the process ends, even on kill -9, so a crash never leaves a stale
lock behind. `serve --workers N` (workers.py): a process started by the
lock's owner with FACILITATE_LOCK_OWNER=<owner's pid> in its environment is
one of its workers and is let through (they share the database through
SQLite's WAL and busy timeout, and Redis for the rest)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

LOCK_FILENAME = "facilitate.lock"
LOCK_OWNER_ENV = "FACILITATE_LOCK_OWNER"


class DataFolderBusy(Exception):
    def __init__(self, folder: Path, owner: str) -> None:
        super().__init__(
            f"un autre serveur facilitate (processus {owner or '?'}) utilise déjà le dossier de données {folder}. "
            "Arrêtez-le d'abord, ou choisissez un autre dossier avec --data."
        )


def is_worker_of_owner() -> bool:
    return os.environ.get(LOCK_OWNER_ENV) == str(os.getppid())


def hold(folder: Path) -> IO[str] | None:
    """Take the folder's lock for the life of the process (keep the returned
    file open); None for a worker of the owner. Raises DataFolderBusy."""
    if is_worker_of_owner():
        return None
    handle = open(folder / LOCK_FILENAME, "a+", encoding="utf-8")  # noqa: SIM115 (held while serving)
    try:
        _lock(handle)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip()
        handle.close()
        raise DataFolderBusy(folder, owner) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
