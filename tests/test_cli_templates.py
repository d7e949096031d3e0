"""`facilitate templates`: listing and validating template files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitate.cli.templates import templates

VALID = """title = "Atelier du soir"
[[blocs]]
id = "bilan"
title = "Bilan"
kind = "brainstorm"
prompt = "Nos fiertés"
"""
BROKEN = VALID.replace('kind = "brainstorm"', 'kind = "colonnes"')
BUNDLED_IDS = [
    "cooperation-territoire",
    "mutualisation",
    "partenariats-municipaux",
    "raviver-nos-couleurs",
    "rekindle-our-colours",
]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("FACILITATE_TEMPLATES", raising=False)
    return CliRunner()


def test_lists_bundled_templates(runner: CliRunner) -> None:
    result = runner.invoke(templates, [])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == BUNDLED_IDS
    raviver = lines[BUNDLED_IDS.index("raviver-nos-couleurs")]
    assert "Raviver nos couleurs !" in raviver
    assert raviver.endswith("(4 blocs)")
    assert result.stderr == ""


def test_list_reports_broken_files_and_keeps_the_others(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "soir.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "casse.toml").write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(templates, ["--dir", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["soir  Atelier du soir  (1 bloc)"]
    assert result.stderr.startswith("ignoré : ")
    assert "casse.toml, blocs[1].kind" in result.stderr
    assert "Correctif" in result.stderr


def test_list_honours_environment_variable(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "soir.toml").write_text(VALID, encoding="utf-8")
    result = runner.invoke(templates, [], env={"FACILITATE_TEMPLATES": str(tmp_path)})
    assert result.exit_code == 0
    assert result.stdout.split()[0] == "soir"


def test_list_missing_folder_fails(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(templates, ["--dir", str(tmp_path / "absent")])
    assert result.exit_code == 1
    assert "introuvable" in result.stderr


def test_validate_success(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "soir.toml"
    path.write_text(VALID, encoding="utf-8")
    result = runner.invoke(templates, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout == f"{path} : valide (1 bloc)\n"


def test_validate_failure_exits_1_and_reports_every_file(runner: CliRunner, tmp_path: Path) -> None:
    good, bad = tmp_path / "soir.toml", tmp_path / "casse.toml"
    good.write_text(VALID, encoding="utf-8")
    bad.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(templates, ["validate", str(bad), str(good), str(tmp_path / "absent.toml")])
    assert result.exit_code == 1
    assert result.stdout == f"{good} : valide (1 bloc)\n"
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"{bad}, blocs[1].kind (« Bilan ») : type de bloc inconnu « colonnes »")
    assert 'Correctif : écrivez kind = "columns"' in errors[0]
    assert errors[1].startswith(f"{tmp_path / 'absent.toml'}, fichier")


def test_validate_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "soir.toml").write_text(VALID, encoding="utf-8")
    assert runner.invoke(templates, ["validate", str(tmp_path)]).exit_code == 0
    (tmp_path / "casse.toml").write_text(BROKEN, encoding="utf-8")
    assert runner.invoke(templates, ["validate", str(tmp_path)]).exit_code == 1
    empty = tmp_path / "vide"
    empty.mkdir()
    assert runner.invoke(templates, ["validate", str(empty)]).exit_code == 1


def test_validate_needs_a_file(runner: CliRunner) -> None:
    assert runner.invoke(templates, ["validate"]).exit_code == 2


def test_through_python_dash_m(tmp_path: Path) -> None:
    (tmp_path / "casse.toml").write_text(BROKEN, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "FACILITATE_TEMPLATES"}
    root = Path(__file__).resolve().parent.parent
    listing = subprocess.run(
        [sys.executable, "-m", "facilitate", "templates"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=60,
    )
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()] == BUNDLED_IDS
    check = subprocess.run(
        [sys.executable, "-m", "facilitate", "templates", "validate", str(tmp_path / "casse.toml")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=60,
    )
    assert check.returncode == 1
    assert "Correctif" in check.stderr
