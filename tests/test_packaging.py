"""`pip install .` (a wheel, not an editable install) gives a working server:
templates/, static/ (with the npm-installed Socket.IO client), session_templates/
and the migrations reach the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import requests
from helpers import ROOT, LiveServer


def test_the_wheel_serves_pages_templates_and_the_socketio_client(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("facilitate-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in [
        "facilitate/templates/participant.html",
        "facilitate/static/js/live.js",
        "facilitate/static/vendor/socket.io.min.js",
        "facilitate/static/vendor/preact.module.js",
        "facilitate/static/vendor/preact-hooks.module.js",
        "facilitate/static/vendor/htm.module.js",
        "facilitate/static/js/console/board.js",
        "facilitate/session_templates/raviver-nos-couleurs.toml",
        "facilitate/migrations/0001_initial.sql",
        "facilitate/translations/en/LC_MESSAGES/messages.po",  # read at startup: no .mo to build
    ]:
        assert expected in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    # Run from an empty folder with only the installed copy on the path.
    server = LiveServer(tmp_path, "eventlet")
    server.cwd = tmp_path
    server.extra_env = {
        "PYTHONPATH": str(target),
        "FACILITATE_DATA": "",
        "XDG_DATA_HOME": "",
        "HOME": str(tmp_path / "home"),
    }
    server.data_arg = False
    server.start()
    try:
        templates = requests.get(f"{server.url}/api/templates", timeout=5).json()
        assert {t["id"] for t in templates} >= {"raviver-nos-couleurs", "mutualisation"}
        for lib in ("socket.io.min.js", "preact.module.js", "preact-hooks.module.js", "htm.module.js"):
            assert requests.get(f"{server.url}/static/vendor/{lib}", timeout=5).ok
        created = requests.post(f"{server.url}/api/workshops", json={"template": "mutualisation"}, timeout=5).json()
        page = requests.get(f"{server.url}/j/{created['code']}", timeout=5)
        assert page.ok and "participant.js" in page.text
        english = requests.get(f"{server.url}/j/{created['code']}", headers={"Accept-Language": "en"}, timeout=5)
        assert "Your first name (optional)" in english.text and '"Envoyer la note": "Send the note"' in english.text
        # The default data folder is the per-user one, here under the fake HOME.
        assert (tmp_path / "home" / ".local" / "share" / "facilitate" / "facilitate.sqlite3").exists()
    finally:
        server.stop()
