"""`facilitate templates`: list and check the session templates (TOML files)."""

from __future__ import annotations

from pathlib import Path

import click

from facilitate.cli import CliError
from facilitate.i18n import _
from facilitate.resources import bundled_path
from facilitate.session_templates import TemplateError, load_template, load_templates


def _blocs(count: int) -> str:
    return _("{count} bloc", count=count) if count == 1 else _("{count} blocs", count=count)


@click.group(
    invoke_without_command=True,
    help=_(
        "Liste les gabarits d'atelier : identifiant, titre, nombre de blocs.\n\nUn fichier invalide est signalé sur la sortie d'erreur (« ignoré : ... »)\net les autres sont quand même listés."
    ),
)
@click.option(
    "--dir",
    "directory",
    metavar="DOSSIER",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FACILITATE_TEMPLATES",
    default=None,
    help=_("Dossier des gabarits (par défaut : les gabarits fournis). Variable : FACILITATE_TEMPLATES."),
)
@click.pass_context
def templates(ctx: click.Context, directory: Path | None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    folder = directory if directory is not None else bundled_path("session_templates")
    if not folder.is_dir():
        raise CliError(_("dossier de gabarits introuvable : {folder}", folder=folder))
    found, errors = load_templates(folder)
    width = max((len(t.id) for t in found), default=0)
    for template in found:
        click.echo(f"{template.id:<{width}}  {template.title}  ({_blocs(len(template.blocs))})")
    for error in errors:
        click.echo(_("ignoré : {error}", error=error), err=True)
    if not found and not errors:
        click.echo(_("aucun gabarit (*.toml) dans {folder}", folder=folder), err=True)


@templates.command(
    short_help=_("Vérifie des fichiers de gabarit."),
    help=_(
        "Vérifie un ou plusieurs fichiers de gabarit (ou tous les *.toml d'un dossier).\n\nCode de sortie 1 si l'un d'eux est invalide."
    ),
)
@click.argument("files", metavar="FICHIER...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    paths: list[Path] = []
    invalid = 0
    for path in files:
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.toml") if not p.name.startswith("."))
            if not inside:
                click.echo(_("{path} : aucun fichier .toml dans ce dossier", path=path), err=True)
                invalid += 1
            paths.extend(inside)
        else:
            paths.append(path)
    for path in paths:
        try:
            template = load_template(path)
        except TemplateError as error:
            invalid += 1
            click.echo(str(error), err=True)
        else:
            click.echo(_("{path} : valide ({_blocs})", path=path, _blocs=_blocs(len(template.blocs))))
    if invalid:
        ctx.exit(1)
