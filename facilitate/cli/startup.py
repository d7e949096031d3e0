"""Opening a data folder for a command: a clear message and exit code 1, not a
traceback, when the folder cannot be written, its database is damaged, or
another server already uses it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from facilitate.cli import CliError
from facilitate.i18n import _


def open_app(settings: dict[str, Any], lock: bool = False) -> tuple[Any, IO[str] | None]:
    """create_app(settings), first taking the folder's lock if `lock` (serve);
    returns the app and the lock's file, to keep open while serving."""
    from facilitate import create_app

    return _opening(settings, lambda: create_app(settings), lock)


def open_service(settings: dict[str, Any]) -> Any:
    """The use cases over a data folder, for a command: no web app is built."""
    from facilitate import open_service as build
    from facilitate.config import defaults

    settings = {**defaults(), **settings}
    return _opening(settings, lambda: build(settings)[0], lock=False)[0]


def hold_for_workers(settings: dict[str, Any]) -> IO[str] | None:
    """`serve --workers`: take the folder's lock for the workers and migrate
    the database once, before they open it; returns the lock's file."""
    from facilitate import open_service as build

    return _opening(settings, lambda: build(settings)[0], lock=True)[1]


def _opening(settings: dict[str, Any], build: Callable[[], Any], lock: bool) -> tuple[Any, IO[str] | None]:
    from facilitate.config import defaults
    from facilitate.datalock import DataFolderBusy, hold
    from facilitate.db import DB_FILENAME

    folder = Path(settings.get("DATA_DIR") or defaults()["DATA_DIR"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        held = hold(folder) if lock else None
        return build(), held
    except DataFolderBusy as error:
        raise CliError(str(error)) from None
    except (OSError, sqlite3.OperationalError) as error:
        raise CliError(
            _(
                "impossible d'écrire dans le dossier de données {folder} ({error}). "
                "Vérifiez ses droits et l'espace disque, ou choisissez un autre dossier avec --data.",
                folder=folder,
                error=error,
            )
        ) from None
    except sqlite3.DatabaseError as error:
        raise CliError(
            _(
                "la base {database} est illisible ({error}) : elle est peut-être endommagée. Restaurez une "
                "sauvegarde (voir « Sauvegardes » dans le README) ou choisissez un autre dossier avec --data.",
                database=folder / DB_FILENAME,
                error=error,
            )
        ) from None
