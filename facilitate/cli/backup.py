"""`facilitate backup`: a consistent copy of the data, safe while the server
runs; `facilitate restore`: put a backup back, server stopped."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import click

from facilitate.cli import CliError, data_option
from facilitate.i18n import _


@click.command(help=_("Sauvegarde toutes les données (même pendant que le serveur tourne)."))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Fichier à écrire (défaut : facilitate-AAAAMMJJ-HHMMSS.sqlite3 dans le dossier courant)."),
)
@data_option
def backup(output: Path | None, data_dir: Path | None) -> None:
    from facilitate.backups import backup_name
    from facilitate.config import default_data_dir
    from facilitate.db import DB_FILENAME
    from facilitate.db import backup as backup_database

    folder = data_dir or Path(os.environ.get("FACILITATE_DATA") or default_data_dir())
    target = output or Path(backup_name(datetime.now(timezone.utc)))
    try:
        backup_database(folder / DB_FILENAME, target)
    except FileNotFoundError:
        raise CliError(
            _(
                "aucune donnée à sauvegarder dans {folder} (pas de {DB_FILENAME}).",
                folder=folder,
                DB_FILENAME=DB_FILENAME,
            )
        ) from None
    except OSError as error:
        raise CliError(_("impossible d'écrire {target} ({error}).", target=target, error=error)) from None
    click.echo(_("Sauvegarde écrite : {target}", target=target.resolve()))


@click.command(help=_("Remplace toutes les données par une sauvegarde (serveur arrêté)."))
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
@click.option("--yes", is_flag=True, help=_("Ne pas demander de confirmation."))
def restore(backup_file: Path, data_dir: Path | None, yes: bool) -> None:
    import sqlite3

    from facilitate.config import default_data_dir
    from facilitate.datalock import DataFolderBusy, hold
    from facilitate.db import DB_FILENAME
    from facilitate.db import restore as restore_database

    folder = data_dir or Path(os.environ.get("FACILITATE_DATA") or default_data_dir())
    folder.mkdir(parents=True, exist_ok=True)
    try:
        lock = hold(folder)  # never under a running server
    except DataFolderBusy as error:
        raise CliError(str(error)) from None
    if not yes:
        click.confirm(
            _("Remplacer toutes les données de {folder} par {backup_file} ?", folder=folder, backup_file=backup_file),
            abort=True,
        )
    try:
        restore_database(backup_file, folder / DB_FILENAME)
    except sqlite3.DatabaseError as error:
        raise CliError(
            _(
                "{backup_file} n'est pas une sauvegarde facilitate lisible ({error}).",
                backup_file=backup_file,
                error=error,
            )
        ) from None
    finally:
        if lock:
            lock.close()
    click.echo(_("Données restaurées depuis {backup_file} dans {folder}.", backup_file=backup_file, folder=folder))
