"""`facilitate cluster`: suggest groups for a list of notes, from a file."""

from __future__ import annotations

import json
import sys

import click

from facilitate.cli import CliError
from facilitate.i18n import _


def _read(path: str) -> str:
    """The file's text (or stdin's for "-"), decoded as UTF-8."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except FileNotFoundError:
        raise CliError(_("fichier introuvable : {path}", path=path)) from None
    except IsADirectoryError:
        raise CliError(_("« {path} » est un dossier, pas un fichier de notes", path=path)) from None
    except OSError as error:
        raise CliError(
            _("lecture impossible de {path} : {reason}", path=path, reason=error.strerror or error)
        ) from None
    try:
        return data.decode("utf-8-sig")  # a BOM from Windows editors is fine
    except UnicodeDecodeError as error:
        source = _("l’entrée standard") if path == "-" else path
        raise CliError(
            _(
                "{source} n’est pas en UTF-8 (octet invalide à la position {position})",
                source=source,
                position=error.start,
            )
        ) from None


def _notes(text: str) -> list[str]:
    """A JSON array of strings if the text starts with "[", else one note per
    non-empty line."""
    if text.lstrip().startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(
                _("JSON invalide (ligne {lineno}, colonne {colno})", lineno=error.lineno, colno=error.colno)
            ) from None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CliError(_('le JSON doit être un tableau de chaînes, par exemple ["note 1", "note 2"]'))
        notes = value
    else:
        notes = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(note.strip() for note in notes):
        raise CliError(_("aucune note à regrouper"))
    return notes


def _groups(path: str, count: int) -> list[list[int]]:
    """The groups already made, from a JSON file: an array of arrays of note indexes."""
    from facilitate.clustering import GroupsError, check_groups

    try:
        value = json.loads(_read(path))
    except json.JSONDecodeError as error:
        raise CliError(
            _(
                "{path} : JSON invalide (ligne {lineno}, colonne {colno})",
                path=path,
                lineno=error.lineno,
                colno=error.colno,
            )
        ) from None
    try:
        return check_groups(value, count)
    except GroupsError as error:
        raise CliError(f"{path} : {error}") from None


def _why(words: tuple[str, ...], closest: str) -> str:
    if words:
        return _("mots communs : {words}", words=", ".join(words))
    return _("proche de « {note} »", note=closest)


@click.command(
    short_help=_("Suggère des regroupements pour une liste de notes."),
    help=_(
        'Suggère des regroupements pour les notes de FICHIER (« - » : entrée standard).\n\nFICHIER est en UTF-8 : soit une note par ligne (les lignes vides sont\nignorées ; la note 0 est la première ligne non vide), soit un tableau JSON\nde chaînes (reconnu quand le fichier commence par « [ » ; la note 0 est\nle premier élément).\n\nAvec --groups, les groupes déjà faits restent entiers, en premier et dans\nleur ordre, jamais fusionnés ; chaque autre note rejoint le groupe dont\nelle est nettement la plus proche (avec la raison), ou reste à regrouper\nparmi les autres quand rien n\'est assez proche.\n\nPar défaut : chaque groupe avec son titre, son nombre de notes « (n) » et\nses notes, puis les notes restées seules. Avec --json : un objet\n{"clusters": [[indice, ...], ...], "labels": ["titre", ...]} où chaque\nindice (à partir de 0) apparaît dans exactement un groupe, notes seules\ncomprises : les groupes donnés d\'abord, puis du plus grand au plus petit.'
    ),
)
@click.argument("file", metavar="FICHIER")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=_("Sortie JSON : {example}.", example='{"clusters": [[0, 3], ...], "labels": [...]}'),
)
@click.option(
    "--prompt",
    "--question",
    default="",
    metavar="TEXTE",
    help=_("La question posée : ses mots ne servent pas à regrouper."),
)
@click.option(
    "--groups",
    "groups_file",
    metavar="GROUPES.json",
    help=_("Les groupes déjà faits : un tableau JSON de tableaux d'indices de notes, par exemple [[0, 3], [5]]."),
)
def cluster(file: str, as_json: bool, prompt: str, groups_file: str | None) -> None:
    if groups_file == "-" and file == "-":
        raise CliError(_("les notes et les groupes ne peuvent pas tous deux venir de l'entrée standard"))
    notes = _notes(_read(file))
    groups = _groups(groups_file, len(notes)) if groups_file else []
    from facilitate.clustering import build_on_groups  # scikit-learn: only when needed

    result = build_on_groups(notes, groups, prompt)
    if as_json:
        payload = {"clusters": [list(c.indexes) for c in result.clusters], "labels": [c.label for c in result.clusters]}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    why = {p.index: _why(p.words, notes[p.closest]) for p in result.placements}
    shown = [c for k, c in enumerate(result.clusters) if k < len(groups) or len(c.indexes) > 1]
    alone = [c for c in result.clusters if c not in shown]
    for group in shown:
        click.echo(f"{group.label} ({len(group.indexes)})")
        for index in group.indexes:
            click.echo(f"    {notes[index]}" + (f"  [{why[index]}]" if index in why else ""))
        click.echo()
    if alone:
        click.echo(_("Notes seules ({alone})", alone=len(alone)))
        for single in alone:
            click.echo(f"    {notes[single.indexes[0]]}")
