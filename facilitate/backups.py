"""Daily backups in hosted mode: <data>/sauvegardes/facilitate-AAAAMMJJ-HHMMSS.sqlite3,
the last N kept (FACILITATE_BACKUPS_KEPT). A laptop makes its own with
`facilitate backup`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from facilitate.db import backup

log = logging.getLogger(__name__)

BACKUP_DIRNAME = "sauvegardes"
DAY_SECONDS = 24 * 3600


def backup_name(now: datetime) -> str:
    return f"facilitate-{now:%Y%m%d-%H%M%S}.sqlite3"


def to_delete(names: list[str], keep: int) -> list[str]:
    """Pure: the backups beyond the newest `keep` (names sort by date)."""
    ours = sorted(n for n in names if n.startswith("facilitate-") and n.endswith(".sqlite3"))
    return ours[:-keep] if keep > 0 else ours


def back_up_now(database: Path, folder: Path, keep: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(datetime.now(timezone.utc))
    backup(database, target)
    for name in to_delete([p.name for p in folder.iterdir()], keep):
        (folder / name).unlink()
    return target


def run_daily(database: Path, folder: Path, keep: int, sleep: Callable[[float], None] = time.sleep) -> None:
    """One backup at start, then one a day, for the life of the server."""
    while True:
        try:
            log.info("sauvegarde : %s", back_up_now(database, folder, keep))
        except Exception:  # a full disk must not stop the atelier; say it and try tomorrow
            log.exception("sauvegarde impossible")
        sleep(DAY_SECONDS)
