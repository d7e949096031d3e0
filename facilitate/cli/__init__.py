"""The `facilitate` command: a click group whose default command is `serve`.

Commands are imported only when run: `serve` must monkey-patch for
eventlet/gevent before anything imports threading or socket, and `cluster`
pulls in scikit-learn, which no other command needs."""

from __future__ import annotations

import gettext
import importlib
import sys
from pathlib import Path

import click

from facilitate.i18n import _, cli_language

COMMANDS = {
    "serve": "facilitate.cli.serve:serve",
    "templates": "facilitate.cli.templates:templates",
    "cluster": "facilitate.cli.cluster:cluster",
    "list": "facilitate.cli.workshops:list_workshops",
    "export": "facilitate.cli.workshops:export",
    "import": "facilitate.cli.workshops:import_workshop",
    "delete": "facilitate.cli.workshops:delete",
    "demo": "facilitate.cli.workshops:demo",
    "users": "facilitate.cli.users:users",
    "backup": "facilitate.cli.backup:backup",
    "restore": "facilitate.cli.backup:restore",
}


def click_in_french() -> None:
    """Click's own words (Usage:, Options, its errors) from the French catalog
    translations/fr/LC_MESSAGES/click.po when the command line speaks French:
    each Click module translates them through gettext, imported as `_`."""
    if cli_language() != "fr":
        return
    from babel.messages.pofile import read_po

    with (Path(__file__).resolve().parent.parent / "translations" / "fr" / "LC_MESSAGES" / "click.po").open("rb") as po:
        catalog = read_po(po)

    def french(message: str) -> str:
        entry = catalog.get(message)
        return entry.string if entry is not None and entry.string else message

    for name, module in list(sys.modules.items()):
        if name.startswith("click") and getattr(module, "_", None) is gettext.gettext:
            module._ = french  # type: ignore[attr-defined]


click_in_french()

# --data, the same for every command that opens a data folder.
data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_("Dossier des données (défaut : FACILITATE_DATA ou le dossier de l'utilisateur)."),
)


class CliError(click.ClickException):
    """A refused command: "Erreur : ..." on stderr (click's own prefix is English), exit 1."""

    def show(self, file: object = None) -> None:
        click.echo(_("Erreur : {message}", message=self.format_message()), err=True)


class FacilitateGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `facilitate` alone, or with only options, runs `facilitate serve`.
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h")):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=FacilitateGroup, help=_("facilitate : ateliers d'intelligence collective sur un portable."))
def main() -> None:
    pass
