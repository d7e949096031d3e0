"""`facilitate serve`: run the server for a room of phones."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from facilitate.config import ASYNC_MODES, DEFAULT_ASYNC_MODE


def _monkey_patch(mode: str) -> None:
    """eventlet and gevent must patch the standard library before anything
    imports threading or socket, hence the lazy imports in `serve`."""
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


@click.command()
@click.option("--host", default=None, help="Interface d'écoute (défaut : 0.0.0.0, toutes).")
@click.option("--port", type=int, default=None, help="Port (défaut : 5000).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier des données (défaut : FACILITATE_DATA ou le dossier de l'utilisateur).")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier des modèles de séance (défaut : les modèles fournis).")
@click.option("--async-mode", type=click.Choice(ASYNC_MODES), default=None,
              help="Moteur réseau (défaut : gevent ; eventlet fonctionne aussi).")
@click.option("--public-url", default=None,
              help="Adresse annoncée aux téléphones (défaut : détectée) ; https://… active le mode hébergé.")
@click.option("--trusted-proxies", type=click.IntRange(0, 10), default=None,
              help="Nombre de serveurs mandataires (Caddy, nginx) dont on croit les en-têtes X-Forwarded-* (défaut : 0).")
@click.option("--retention-days", type=click.IntRange(0), default=None,
              help="Supprime les ateliers sans activité depuis N jours (défaut : 0, jamais).")
def serve(host: str | None, port: int | None, data_dir: Path | None, templates_dir: Path | None,
          async_mode: str | None, public_url: str | None, trusted_proxies: int | None,
          retention_days: int | None) -> None:
    """Lance le serveur de l'atelier."""
    mode = async_mode or os.environ.get("FACILITATE_ASYNC_MODE") or DEFAULT_ASYNC_MODE
    _monkey_patch(mode)

    from facilitate import create_app
    from facilitate.config import defaults, is_hosted
    from facilitate.events import socketio
    from facilitate.network import qr_terminal
    from facilitate.views.hosting import retention_loop

    overrides = {"ASYNC_MODE": mode}
    for key, value in (("HOST", host), ("PORT", port), ("DATA_DIR", data_dir),
                       ("TEMPLATES_DIR", templates_dir), ("PUBLIC_URL", public_url),
                       ("TRUSTED_PROXIES", trusted_proxies), ("RETENTION_DAYS", retention_days)):
        if value is not None:
            overrides[key] = value
    settings = {**defaults(), **overrides}
    app = create_app(settings)
    base_url = app.config["BASE_URL"]
    for problem in app.config["TEMPLATE_PROBLEMS"]:
        click.echo(f"Modèle ignoré : {problem}", err=True)
    if is_hosted(settings):
        # Who did what to which atelier, for the administrator (journald under systemd).
        logging.basicConfig(format="%(asctime)s %(name)s %(message)s")
        logging.getLogger("facilitate.audit").setLevel(logging.INFO)
        click.echo(f"Mode hébergé : {base_url}/  ·  animation : {base_url}/connexion")
        if not app.extensions["facilitate"].list_accounts():
            click.echo("Aucun compte d'animation : créez-en un avec « facilitate users add COURRIEL --admin ».", err=True)
    else:
        click.echo(qr_terminal(f"{base_url}/"))
        click.echo(f"Participants (téléphones, même réseau Wi-Fi) : {base_url}/")
        click.echo(f"Animation (sur ce portable) : http://127.0.0.1:{settings['PORT']}/")
    if settings["RETENTION_DAYS"]:
        click.echo(f"Conservation : les ateliers sans activité depuis {settings['RETENTION_DAYS']} jours sont supprimés.")
        socketio.start_background_task(retention_loop, app)
    click.echo(f"Données : {Path(settings['DATA_DIR']).resolve()}  ·  moteur : {mode}")
    click.echo("Ctrl-C pour arrêter.", nl=True)
    socketio.run(app, host=settings["HOST"], port=settings["PORT"], log_output=False,
                 allow_unsafe_werkzeug=True)
