"""Defects seen by a new user (issue 13), each pinned by a test: the
server-side ones here, the screen ones in tests/test_console_ui.py."""

from __future__ import annotations

from click.testing import CliRunner

from facilitate.cli import main as cli


def test_missing_page_is_a_french_page_not_werkzeugs(http):
    response = http.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page and 'lang="fr-CA"' in page
    assert "Not Found" not in page
    assert "<h1>Page introuvable</h1>" in http.get("/w/inconnu/console").get_data(as_text=True)
    # The API keeps its JSON errors.
    assert http.get("/api/nulle-part").get_json()["error"]["code"] == "not_found"


def test_server_error_is_a_french_page(app):
    app.testing = False  # as in production: the error becomes a page, not a traceback

    def boom():
        raise RuntimeError("panne simulée")

    app.add_url_rule("/panne", view_func=boom)
    response = app.test_client().get("/panne")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur du serveur" in page and "Internal Server Error" not in page


def test_demo_prints_the_console_on_the_servers_port(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--data", str(tmp_path), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/w/" in result.output
    result = CliRunner().invoke(cli, ["demo", "--data", str(tmp_path)], env={"FACILITATE_PORT": "8200"})
    assert "http://127.0.0.1:8200/w/" in result.output
