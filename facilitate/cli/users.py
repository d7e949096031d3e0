"""`facilitate users`: the facilitator accounts of a hosted server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from facilitate.cli import CliError, data_option
from facilitate.cli.workshops import data_service, fail
from facilitate.i18n import _

audit = logging.getLogger("facilitate.audit")


def _read_password() -> str:
    """Twice on a terminal (hidden); one line from standard input otherwise,
    so that scripts can pipe it in."""
    if sys.stdin.isatty():
        # Two prompts of our own: click's confirmation speaks English on a mismatch.
        first = click.prompt(_("Mot de passe"), hide_input=True, err=True)
        if click.prompt(_("Encore une fois"), hide_input=True, err=True) != first:
            raise CliError(_("les deux mots de passe diffèrent ; rien n'a changé."))
        return first
    line = sys.stdin.readline()
    if not line:
        raise CliError(_("aucun mot de passe sur l'entrée standard."))
    return line.rstrip("\r\n")


@click.group(help=_("Comptes d'animation (mode hébergé) : add, list, passwd, delete."))
def users() -> None:
    pass


@users.command("add", help=_("Crée un compte (mot de passe de 12 caractères au moins)."))
@click.argument("email")
@click.option("--admin", is_flag=True, help=_("Voit et gère tous les ateliers."))
@data_option
def add(email: str, admin: bool, data_dir: Path | None) -> None:
    svc = data_service(data_dir)
    try:
        account = svc.add_account(email, _read_password(), admin)
    except Exception as error:  # noqa: BLE001 (FacilitateError becomes a clear message)
        fail(error)
    audit.info("compte créé compte=%s admin=%s", account.email, account.is_admin)
    click.echo(
        _(
            "Compte créé : {account}{administration}",
            account=account.email,
            administration=" " + _("(administration)") if account.is_admin else "",
        )
    )


@users.command("list", help=_("Un compte par ligne : courriel, rôle."))
@data_option
def list_(data_dir: Path | None) -> None:
    for account in data_service(data_dir).list_accounts():
        click.echo(f"{account.email}\t{'admin' if account.is_admin else 'animation'}")


@users.command("passwd", help=_("Change le mot de passe ; les sessions ouvertes avec l'ancien se ferment."))
@click.argument("email")
@data_option
def passwd(email: str, data_dir: Path | None) -> None:
    try:
        account = data_service(data_dir).change_password(email, _read_password())
    except Exception as error:  # noqa: BLE001
        fail(error)
    audit.info("mot de passe changé compte=%s", account.email)
    click.echo(_("Mot de passe changé : {account} (ses autres sessions sont fermées)", account=account.email))


@users.command("delete", help=_("Supprime un compte ; ses ateliers restent, visibles par l'administration."))
@click.argument("email")
@data_option
def delete(email: str, data_dir: Path | None) -> None:
    try:
        data_service(data_dir).delete_account(email)
    except Exception as error:  # noqa: BLE001
        fail(error)
    audit.info("compte supprimé compte=%s", email)
    click.echo(_("Compte supprimé : {email}", email=email))
