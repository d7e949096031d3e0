"""The atelier commands (list, demo, export, import, delete) reach the use
cases directly: they must not build the web app (Flask, Socket.IO)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from click.testing import CliRunner
from facilitate.cli import main

data, out = sys.argv[1], sys.argv[2]
runner = CliRunner()
demo = runner.invoke(main, ["demo", "--data", data, "--port", "8123"])
workshop_id = demo.output.splitlines()[0]
listed = runner.invoke(main, ["list", "--data", data])
exported = runner.invoke(main, ["export", workshop_id, "--format", "json", "-o", out, "--data", data])
web = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "flask_socketio", "engineio", "socketio"))
print(json.dumps({"demo": demo.output, "list": listed.output, "export": exported.exit_code, "web": web}))
"""


def test_commands_work_without_building_the_web_app(tmp_path: Path) -> None:
    out = tmp_path / "archive.json"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data"), str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    workshop_id = report["demo"].splitlines()[0]
    assert f"http://127.0.0.1:8123/w/{workshop_id}/console#key=" in report["demo"]
    assert report["list"].startswith(workshop_id) and "Raviver nos couleurs" in report["list"]
    assert report["export"] == 0 and json.loads(out.read_text())["workshop"]["title"] == "Raviver nos couleurs !"
    assert report["web"] == []
