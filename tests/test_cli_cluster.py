"""`facilitate cluster`, run for real in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run, write

ROOT = Path(__file__).resolve().parent.parent

NOTES = [
    "Billetterie commune",
    "Trop de paperasse",
    "billeterie commune!!",
    "Site web pour les organismes",
    "trop de paperasse!!",
]


def assert_valid_json_output(stdout: str, count: int) -> dict:
    payload = json.loads(stdout)
    assert set(payload) == {"clusters", "labels"}
    assert len(payload["clusters"]) == len(payload["labels"])
    assert sorted(i for c in payload["clusters"] for i in c) == list(range(count))
    assert all(isinstance(label, str) and label for label in payload["labels"])
    return payload


def test_text_file_human_output(tmp_path: Path) -> None:
    # Blank lines are skipped; they do not count as notes.
    path = write(tmp_path, "\n".join(NOTES[:2]) + "\n\n   \n" + "\n".join(NOTES[2:]) + "\n")
    result = run(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Billetterie commune (2)",
        "    Billetterie commune",
        "    billeterie commune!!",
        "",
        "Trop de paperasse (2)",
        "    Trop de paperasse",
        "    trop de paperasse!!",
        "",
        "Notes seules (1)",
        "    Site web pour les organismes",
    ]
    assert result.stderr == ""


def test_text_file_json_output_indexes_follow_non_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "\r\n".join(["", NOTES[0], "", *NOTES[1:]]) + "\r\n")
    result = run(path, "--json")
    assert result.returncode == 0, result.stderr
    payload = assert_valid_json_output(result.stdout, len(NOTES))
    assert payload == {
        "clusters": [[0, 2], [1, 4], [3]],
        "labels": ["Billetterie commune", "Trop de paperasse", "Site web pour les organismes"],
    }


def test_json_array_input(tmp_path: Path) -> None:
    path = write(tmp_path, "  \n" + json.dumps(NOTES, ensure_ascii=False, indent=2), "notes.json")
    result = run("--json", path)
    assert result.returncode == 0, result.stderr
    payload = assert_valid_json_output(result.stdout, len(NOTES))
    assert [0, 2] in payload["clusters"] and [1, 4] in payload["clusters"]


def test_json_output_keeps_accents_unescaped(tmp_path: Path) -> None:
    path = write(tmp_path, "Comptabilité commune\ncomptabilite commune\nÉducation des aînés\n")
    result = run(path, "--json")
    assert result.returncode == 0, result.stderr
    assert "Comptabilité commune" in result.stdout and "\\u00e9" not in result.stdout
    assert_valid_json_output(result.stdout, 3)


def test_stdin(tmp_path: Path) -> None:
    result = run("-", "--json", stdin="\n".join(NOTES).encode("utf-8"))
    assert result.returncode == 0, result.stderr
    payload = assert_valid_json_output(result.stdout, len(NOTES))
    assert [0, 2] in payload["clusters"]


def test_stdin_json_array() -> None:
    result = run("-", stdin=json.dumps(NOTES).encode("utf-8"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Billetterie commune (2)\n")


def test_prompt_option(tmp_path: Path) -> None:
    path = write(tmp_path, "Mutualiser la paie\nMutualiser le camion\n")
    assert len(json.loads(run(path, "--json").stdout)["clusters"]) == 1
    result = run(path, "--json", "--prompt", "Que pourrions-nous mutualiser ?")
    assert json.loads(result.stdout)["clusters"] == [[0], [1]]


def test_help_is_in_french() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "une note par ligne" in result.stdout and "tableau JSON" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "aucune note"),
        ("\n  \n\t\n", "aucune note"),
        ("[]", "aucune note"),
        ('["", "  "]', "aucune note"),
        (b"Billetterie \xe9quitable\n", "pas en UTF-8"),
        ('["Billetterie", ', "JSON invalide"),
        ("[1, 2]", "tableau de chaînes"),
        ('["Billetterie", null]', "tableau de chaînes"),
        ('[["imbriqué"]]', "tableau de chaînes"),
    ],
)
def test_bad_input_fails_with_a_french_message(tmp_path: Path, content: str | bytes, expected: str) -> None:
    result = run(write(tmp_path, content))
    assert result.returncode != 0
    assert expected in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_only_a_leading_bracket_means_json(tmp_path: Path) -> None:
    # Not an array: read as a text line, which is still a note. Only "[" means JSON.
    result = run(write(tmp_path, '{"notes": ["a"]}'), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["clusters"] == [[0]]


def test_missing_file(tmp_path: Path) -> None:
    result = run(str(tmp_path / "absent.txt"))
    assert result.returncode != 0
    assert "fichier introuvable" in result.stderr and "absent.txt" in result.stderr


def test_directory_instead_of_file(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.returncode != 0
    assert "dossier" in result.stderr


def test_invalid_utf8_on_stdin() -> None:
    result = run("-", stdin=b"\xff\xfe notes")
    assert result.returncode != 0
    assert "entrée standard" in result.stderr and "UTF-8" in result.stderr


def test_empty_stdin() -> None:
    result = run("-", stdin=b"")
    assert result.returncode != 0
    assert "aucune note" in result.stderr
