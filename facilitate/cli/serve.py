"""`facilitate serve`: run the server for a room of phones."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import click

from facilitate.cli import CliError, data_option
from facilitate.config import ASYNC_MODES, DEFAULT_ASYNC_MODE
from facilitate.i18n import _
from facilitate.workers import WORKER_ENV


def _monkey_patch(mode: str) -> None:
    """eventlet and gevent must patch the standard library before anything
    imports threading or socket, hence the lazy imports in `serve`."""
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


@click.command(help=_("Lance le serveur de l'atelier."))
@click.option("--host", default=None, help=_("Interface d'écoute (défaut : 0.0.0.0, toutes)."))
@click.option("--port", type=int, default=None, help=_("Port (défaut : 5000)."))
@data_option
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_("Dossier des modèles de séance (défaut : les modèles fournis)."),
)
@click.option(
    "--async-mode",
    type=click.Choice(ASYNC_MODES),
    default=None,
    help=_("Moteur réseau (défaut : gevent ; eventlet fonctionne aussi)."),
)
@click.option(
    "--public-url",
    default=None,
    help=_("Adresse annoncée aux téléphones (défaut : détectée) ; https://… active le mode hébergé."),
)
@click.option(
    "--trusted-proxies",
    type=click.IntRange(0, 10),
    default=None,
    help=_("Nombre de serveurs mandataires (Caddy, nginx) dont on croit les en-têtes X-Forwarded-* (défaut : 0)."),
)
@click.option(
    "--retention-days",
    type=click.IntRange(0),
    default=None,
    help=_("Supprime les ateliers sans activité depuis N jours (défaut : 0, jamais)."),
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help=_("Nombre de processus serveurs, sur les ports P, P+1, … (défaut : 1) ; plus d'un demande --message-queue."),
)
@click.option(
    "--message-queue",
    default=None,
    help=_("Redis partagé par les processus (redis://127.0.0.1:6379/0) : changements, limites, présences."),
)
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    templates_dir: Path | None,
    async_mode: str | None,
    public_url: str | None,
    trusted_proxies: int | None,
    retention_days: int | None,
    workers: int | None,
    message_queue: str | None,
) -> None:
    mode = async_mode or os.environ.get("FACILITATE_ASYNC_MODE") or DEFAULT_ASYNC_MODE
    count = workers or int(os.environ.get("FACILITATE_WORKERS") or 1)
    queue = message_queue or os.environ.get("FACILITATE_MESSAGE_QUEUE") or None
    if count > 1:
        # Every option reaches the workers through the environment (config.defaults reads it).
        env = {
            "FACILITATE_ASYNC_MODE": mode,
            "FACILITATE_MESSAGE_QUEUE": queue or "",
            "FACILITATE_WORKERS": "1",
            **{
                f"FACILITATE_{name}": str(value)
                for name, value in (
                    ("HOST", host),
                    ("DATA", data_dir),
                    ("TEMPLATES", templates_dir),
                    ("PUBLIC_URL", public_url),
                    ("TRUSTED_PROXIES", trusted_proxies),
                    ("RETENTION_DAYS", retention_days),
                )
                if value is not None
            },
        }
        _supervise(count, port, queue, env)
        return
    _monkey_patch(mode)

    from facilitate.cli.startup import open_app
    from facilitate.config import defaults, is_hosted
    from facilitate.events import socketio
    from facilitate.network import qr_terminal
    from facilitate.resources import bundled_path
    from facilitate.views.hosting import retention_loop

    overrides: dict[str, object] = {"ASYNC_MODE": mode, "MESSAGE_QUEUE": queue}
    for key, value in (
        ("HOST", host),
        ("PORT", port),
        ("DATA_DIR", data_dir),
        ("TEMPLATES_DIR", templates_dir),
        ("PUBLIC_URL", public_url),
        ("TRUSTED_PROXIES", trusted_proxies),
        ("RETENTION_DAYS", retention_days),
    ):
        if value is not None:
            overrides[key] = value
    settings = {**defaults(), **overrides}
    app, lock = open_app(settings, lock=True)  # `lock` stays open (held) while serving
    base_url = app.config["BASE_URL"]
    for problem in app.config["TEMPLATE_PROBLEMS"]:
        click.echo(_("Modèle ignoré : {problem}", problem=problem), err=True)
    if not (bundled_path("static") / "vendor" / "socket.io.min.js").is_file():
        click.echo(
            _(
                "Attention : la bibliothèque du navigateur static/vendor/socket.io.min.js manque, les pages des "
                "téléphones et de la console ne fonctionneront pas. Installez avec « make serve » (qui passe "
                "par npm), ou copiez node_modules/socket.io-client/dist/socket.io.min.js dans static/vendor/ "
                "avant « pip install . »."
            ),
            err=True,
        )
    try:
        serve_forever = _bind(app, settings["HOST"], settings["PORT"], mode)
    except OSError as error:
        raise CliError(
            _(
                "impossible d'écouter sur {host}:{port} ({reason}). "
                "Le port est peut-être déjà pris : choisissez-en un autre avec --port.",
                host=settings["HOST"],
                port=settings["PORT"],
                reason=error.strerror or error,
            )
        ) from None
    worker = os.environ.get(WORKER_ENV)
    if worker is not None:
        logging.basicConfig(format="%(asctime)s %(name)s %(message)s")
        click.echo(_("Processus {index} : port {port}", index=worker, port=settings["PORT"]))
    elif is_hosted(settings):
        # Who did what to which atelier, for the administrator (journald under systemd).
        logging.basicConfig(format="%(asctime)s %(name)s %(message)s")
        logging.getLogger("facilitate.audit").setLevel(logging.INFO)
        click.echo(_("Mode hébergé : {base_url}/  ·  animation : {base_url}/connexion", base_url=base_url))
        if not app.extensions["facilitate"].list_accounts():
            click.echo(
                _("Aucun compte d'animation : créez-en un avec « facilitate users add COURRIEL --admin »."), err=True
            )
    elif not queue:
        click.echo(qr_terminal(f"{base_url}/"))
        click.echo(_("Participants (téléphones, même réseau Wi-Fi) : {base_url}/", base_url=base_url))
        click.echo(_("Animation (sur ce portable) : http://127.0.0.1:{port}/", port=settings["PORT"]))
    if queue:
        from facilitate.events import share_presence_forever

        socketio.start_background_task(share_presence_forever, app)
    if worker not in (None, "0"):  # one worker keeps the retention and the backups
        click.echo(_("Ctrl-C pour arrêter."), nl=True)
        serve_forever()
        return
    if settings["RETENTION_DAYS"]:
        click.echo(
            _(
                "Conservation : les ateliers sans activité depuis {retention_days} jours sont supprimés.",
                retention_days=settings["RETENTION_DAYS"],
            )
        )
        socketio.start_background_task(retention_loop, app)
    click.echo(_("Données : {data_dir}  ·  moteur : {mode}", data_dir=Path(settings["DATA_DIR"]).resolve(), mode=mode))
    if is_hosted(settings):
        from facilitate.backups import BACKUP_DIRNAME, run_daily
        from facilitate.db import DB_FILENAME

        data = Path(settings["DATA_DIR"])
        socketio.start_background_task(run_daily, data / DB_FILENAME, data / BACKUP_DIRNAME, settings["BACKUPS_KEPT"])
        click.echo(
            _(
                "Sauvegarde quotidienne : {data} ({backups_kept} gardées)",
                data=(data / BACKUP_DIRNAME).resolve(),
                backups_kept=settings["BACKUPS_KEPT"],
            )
        )
    click.echo(_("Ctrl-C pour arrêter."), nl=True)
    serve_forever()


def _supervise(count: int, port: int | None, queue: str | None, env: dict[str, str]) -> None:
    """Several workers: check what they share (the data folder, Redis), print
    the proxy's upstream block, then run them (facilitate/workers.py)."""
    import redis

    from facilitate.cli.startup import hold_for_workers
    from facilitate.config import defaults
    from facilitate.workers import supervise, upstream_block, worker_ports

    if not queue:
        raise CliError(
            _(
                "--workers {count} demande une file de messages partagée : ajoutez "
                "--message-queue redis://127.0.0.1:6379/0 (Debian : apt install redis-server).",
                count=count,
            )
        )
    try:
        redis.Redis.from_url(queue, socket_connect_timeout=2).ping()
    except (redis.RedisError, ValueError) as error:
        raise CliError(
            _(
                "Redis injoignable à {url} ({error}) : démarrez redis-server ou corrigez l'adresse.",
                url=queue,
                error=error,
            )
        ) from None
    os.environ.update(env)  # read by defaults(), as the workers will
    settings = {**defaults(), **({"PORT": port} if port else {})}
    lock = hold_for_workers(settings)  # noqa: F841 (held while the workers run)
    ports = worker_ports(settings["PORT"], count)
    click.echo(
        _(
            "{count} processus sur les ports {first} à {last}, partagés par Redis ({url}).",
            count=count,
            first=ports[0],
            last=ports[-1],
            url=queue,
        )
    )
    click.echo(_("À coller dans la configuration du serveur mandataire (nginx, puis Caddy) :"))
    click.echo(upstream_block(settings["HOST"], settings["PORT"], count))
    click.echo(_("Ctrl-C pour arrêter."))
    supervise(ports, dict(os.environ), lambda line: click.echo(line, err=True))


# Connections waiting to be accepted. gevent's default (128) drops the rest of a
# join storm's SYNs, which the phones resend after 1, 3, 7, 15, 31 s: 5,000
# phones took 31 s to join (bench/scale.py). Linux caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4096


def _bind(app: object, host: str, port: int, mode: str) -> Callable[[], None]:
    """Listen now (so that the address printed next already answers) and return
    the serving loop. What socketio.run does, on a listening socket with
    TCP_NODELAY, which the sockets it accepts inherit: acks and patches leave at
    once instead of waiting for the phone's delayed ACK (bench/ack_latency.py)."""
    from facilitate.network import no_delay

    if mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        server = pywsgi.WSGIServer((host, port), app, handler_class=WebSocketHandler, log=None, backlog=LISTEN_BACKLOG)
        server.init_socket()
        no_delay(server.socket)
        return server.serve_forever
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        family, *_, address = eventlet.green.socket.getaddrinfo(host, port)[0]
        listener = no_delay(eventlet.listen(address, family, backlog=LISTEN_BACKLOG))
        return lambda: eventlet.wsgi.server(listener, app, log_output=False)
    from facilitate.events import socketio

    return lambda: socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)
