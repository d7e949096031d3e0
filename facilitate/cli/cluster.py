"""`facilitate cluster`: suggest groups for a list of notes, from a file."""

from __future__ import annotations

import json
import sys

import click

from facilitate.cli import CliError


def _read(path: str) -> str:
    """The file's text (or stdin's for "-"), decoded as UTF-8."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except FileNotFoundError:
        raise CliError(f"fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise CliError(f"« {path} » est un dossier, pas un fichier de notes") from None
    except OSError as error:
        raise CliError(f"lecture impossible de {path} : {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")  # a BOM from Windows editors is fine
    except UnicodeDecodeError as error:
        raise CliError(
            f"{'l’entrée standard' if path == '-' else path} n’est pas en UTF-8 "
            f"(octet invalide à la position {error.start})"
        ) from None


def _notes(text: str) -> list[str]:
    """A JSON array of strings if the text starts with "[", else one note per
    non-empty line."""
    if text.lstrip().startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(f"JSON invalide (ligne {error.lineno}, colonne {error.colno})") from None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CliError("le JSON doit être un tableau de chaînes, par exemple [\"note 1\", \"note 2\"]")
        notes = value
    else:
        notes = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(note.strip() for note in notes):
        raise CliError("aucune note à regrouper")
    return notes


@click.command(short_help="Suggère des regroupements pour une liste de notes.")
@click.argument("file", metavar="FICHIER")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON : {\"clusters\": [[0, 3], ...], \"labels\": [...]}.")
@click.option("--prompt", "--question", default="", metavar="TEXTE", help="La question posée : ses mots ne servent pas à regrouper.")
def cluster(file: str, as_json: bool, prompt: str) -> None:
    """Suggère des regroupements pour les notes de FICHIER (« - » : entrée standard).

    FICHIER est en UTF-8 : soit une note par ligne (les lignes vides sont
    ignorées ; la note 0 est la première ligne non vide), soit un tableau JSON
    de chaînes (reconnu quand le fichier commence par « [ » ; la note 0 est
    le premier élément).

    Par défaut : chaque groupe avec son titre, son nombre de notes « (n) » et
    ses notes, puis les notes restées seules. Avec --json : un objet
    {"clusters": [[indice, ...], ...], "labels": ["titre", ...]} où chaque
    indice (à partir de 0) apparaît dans exactement un groupe, notes seules
    comprises, du plus grand groupe au plus petit.
    """
    notes = _notes(_read(file))
    from facilitate.clustering import suggest_clusters  # scikit-learn: only when needed

    clusters = suggest_clusters(notes, prompt)
    if as_json:
        payload = {"clusters": [list(c.indexes) for c in clusters], "labels": [c.label for c in clusters]}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    groups = [c for c in clusters if len(c.indexes) > 1]
    alone = [c for c in clusters if len(c.indexes) == 1]
    for group in groups:
        click.echo(f"{group.label} ({len(group.indexes)})")
        for index in group.indexes:
            click.echo(f"    {notes[index]}")
        click.echo()
    if alone:
        click.echo(f"Notes seules ({len(alone)})")
        for single in alone:
            click.echo(f"    {notes[single.indexes[0]]}")
