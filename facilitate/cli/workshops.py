"""Commands on the ateliers of a data folder: list, export, import, delete, demo.

Each takes --data DIR (default: FACILITATE_DATA, then the per-user folder),
like `facilitate serve`, and works whether the server runs or not (SQLite's
WAL lets both use the file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from facilitate.cli import CliError, data_option
from facilitate.i18n import _
from facilitate.services.archive import EXPORT_FORMATS

# The console address printed after an import names the port the server
# listens on, which this command cannot guess: same option as `serve`.
port_option = click.option(
    "--port", type=int, default=None, help=_("Port du serveur qui l'affichera (défaut : FACILITATE_PORT ou 5000).")
)


def data_service(data_dir: Path | None) -> Any:
    from facilitate.cli.startup import open_service

    return open_service({"DATA_DIR": data_dir} if data_dir is not None else {})


def fail(error: Exception) -> None:
    from facilitate.errors import FacilitateError

    if isinstance(error, FacilitateError):
        raise CliError(f"{error.message} [{error.code}]")
    raise error


@click.command("list", help=_("Liste les ateliers : id, code, titre, date (un par ligne)."))
@data_option
def list_workshops(data_dir: Path | None) -> None:
    for w in data_service(data_dir).list_workshops():
        click.echo(f"{w.id}\t{w.code}\t{w.title}\t{w.date}")


@click.command(help=_("Exporte un atelier en Word (docx), Markdown, CSV ou JSON."))
@click.argument("workshop_id")
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="docx", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Fichier à écrire (défaut : d'après le titre de l'atelier)."),
)
@data_option
def export(workshop_id: str, fmt: str, output: Path | None, data_dir: Path | None) -> None:
    from facilitate import store
    from facilitate.errors import FacilitateError
    from facilitate.services.archive import export_filename

    service = data_service(data_dir)
    with service.db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
    if workshop is None:
        raise CliError(_("Aucun atelier « {workshop_id} » : voyez `facilitate list`.", workshop_id=workshop_id))
    try:
        body = service.render_export(workshop.id, fmt)
    except FacilitateError as error:
        fail(error)
    target = output or Path(export_filename(workshop, fmt))
    target.write_bytes(body)
    click.echo(_("{target} ({body} octets)", target=target, body=len(body)))


@click.command("import", help=_("Charge une archive JSON (facilitate export --format json) comme nouvel atelier."))
@click.argument("archive_file", type=click.File("rb"))
@data_option
@port_option
def import_workshop(archive_file: Any, data_dir: Path | None, port: int | None) -> None:
    from facilitate.errors import FacilitateError

    try:
        data = json.loads(archive_file.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CliError(
            _("{archive_file} n'est pas un fichier JSON valide : {error}", archive_file=archive_file.name, error=error)
        ) from None
    service = data_service(data_dir)
    try:
        workshop = service.import_archive(data)
    except FacilitateError as error:
        fail(error)
    _announce(workshop, port)


@click.command(help=_("Supprime un atelier et toutes ses données, définitivement (Loi 25)."))
@click.argument("workshop_id")
@click.option("--yes", is_flag=True, help=_("Ne pas demander de confirmation."))
@data_option
def delete(workshop_id: str, yes: bool, data_dir: Path | None) -> None:
    from facilitate.errors import FacilitateError

    service = data_service(data_dir)
    if not yes:
        click.confirm(
            _("Supprimer définitivement l'atelier {workshop_id} et toutes ses notes ?", workshop_id=workshop_id),
            abort=True,
        )
    try:
        service.delete_workshop(workshop_id)
    except FacilitateError as error:
        fail(error)
    click.echo(_("Atelier {workshop_id} supprimé.", workshop_id=workshop_id))


@click.command(
    help=_("Crée l'atelier de démonstration « Raviver nos couleurs ! » (notes regroupées, votées, synthèse).")
)
@data_option
@port_option
def demo(data_dir: Path | None, port: int | None) -> None:
    from facilitate.demo import demo_archive

    _announce(data_service(data_dir).import_archive(demo_archive()), port)


def _announce(workshop: Any, port: int | None) -> None:
    from facilitate.config import defaults

    port = port or defaults()["PORT"]
    click.echo(workshop.id)
    click.echo(
        _("Console : {url}", url=f"http://127.0.0.1:{port}/w/{workshop.id}/console#key={workshop.facilitator_key}")
    )
