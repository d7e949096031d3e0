"""`facilitate cluster --groups`, run for real in a subprocess: the groups
already made stay whole and first, and bad group files are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run, write

NOTES = [
    "Billetterie commune",  # 0
    "Trop de paperasse",  # 1
    "billetterie partagée entre diffuseurs",  # 2
    "Paperasse des subventions trop lourde",  # 3
    "Passion",  # 4
    "Camion pour les tournées",  # 5
    "Camion partagé pour les tournées",  # 6
]


@pytest.fixture
def notes(tmp_path: Path) -> str:
    return write(tmp_path, "\n".join(NOTES) + "\n")


def groups(tmp_path: Path, value: object) -> str:
    return write(tmp_path, value if isinstance(value, str) else json.dumps(value), "groups.json")


def test_given_groups_first_in_their_order_then_the_rest(tmp_path: Path, notes: str) -> None:
    result = run(notes, "--json", "--groups", groups(tmp_path, [[1], [0]]))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload == {
        "clusters": [[1, 3], [0, 2], [5, 6], [4]],
        "labels": ["Trop de paperasse", "Billetterie commune", "Camion pour les tournées", "Passion"],
    }


def test_two_given_groups_are_never_merged(tmp_path: Path, notes: str) -> None:
    # Two notes that would be clustered together, given as two groups.
    payload = json.loads(run(notes, "--json", "--groups", groups(tmp_path, [[5], [6], [0, 2]])).stdout)
    assert payload["clusters"][:3] == [[5], [6], [0, 2]]
    assert sorted(i for c in payload["clusters"] for i in c) == list(range(len(NOTES)))


def test_no_group_is_the_plain_suggestion(tmp_path: Path, notes: str) -> None:
    assert run(notes, "--json", "--groups", groups(tmp_path, [])).stdout == run(notes, "--json").stdout


def test_human_output_shows_why_each_note_was_placed(tmp_path: Path, notes: str) -> None:
    result = run(notes, "--groups", groups(tmp_path, [[0], [4]]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Billetterie commune (2)",
        "    Billetterie commune",
        "    billetterie partagée entre diffuseurs  [mots communs : billetterie]",
    ]
    # A given group of one note is still a group, shown as such.
    assert "Passion (1)" in lines and "Notes seules" not in result.stdout.split("Passion (1)")[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[[0], [7]]", "le groupe 2 contient l'indice 7, hors limites (0 à 6)"),
        ("[[0, 1], [1]]", "l'indice 1 est donné deux fois"),
        ("[[-1]]", "hors limites"),
        ("[[0], []]", "le groupe 2 est vide"),
        ('[["0"]]', "n'est pas un indice de note"),
        ("[0, 1]", "tableau de tableaux"),
        ('{"groups": [[0]]}', "tableau de tableaux"),
        ("[[0], ", "JSON invalide (ligne 1"),
        ("", "JSON invalide"),
        (b"[[0]] \xe9", "pas en UTF-8"),
    ],
)
def test_bad_groups_fail_with_a_french_message(tmp_path: Path, notes: str, content: str | bytes, expected: str) -> None:
    path = write(tmp_path, content, "groups.json")
    result = run(notes, "--json", "--groups", path)
    assert result.returncode != 0
    assert expected in result.stderr and "groups.json" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_missing_groups_file(tmp_path: Path, notes: str) -> None:
    result = run(notes, "--groups", str(tmp_path / "absent.json"))
    assert result.returncode != 0
    assert "fichier introuvable" in result.stderr and "absent.json" in result.stderr


def test_notes_errors_come_first(tmp_path: Path) -> None:
    result = run(write(tmp_path, "\n\n"), "--groups", groups(tmp_path, [[0]]))
    assert result.returncode != 0 and "aucune note" in result.stderr


def test_groups_from_stdin(notes: str) -> None:
    result = run(notes, "--json", "--groups", "-", stdin=b"[[1], [0]]")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["clusters"][:2] == [[1, 3], [0, 2]]
    both = run("-", "--groups", "-", stdin=b"[[0]]")
    assert both.returncode != 0 and "entrée standard" in both.stderr


def test_help_mentions_groups() -> None:
    assert "GROUPES.json" in run("--help").stdout
