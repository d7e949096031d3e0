"""facilitate: ateliers d'intelligence collective served from a laptop."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from flask import Flask

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the defaults (see facilitate.config).

    Imports are inside: `facilitate serve` must monkey-patch for eventlet or
    gevent before anything imports threading or socket."""
    from pathlib import Path

    from flask import Flask

    from facilitate import events, i18n
    from facilitate.broadcast import Broadcaster
    from facilitate.config import defaults, is_hosted
    from facilitate.hosts import HostCheck, served_names
    from facilitate.network import public_base_url
    from facilitate.ratelimit import Limits, in_process
    from facilitate.resources import bundled_path
    from facilitate.views import api, auth, hosting, pages

    settings = {**defaults(), **(config or {})}
    app = Flask(
        __name__,
        template_folder=str(bundled_path("templates")),
        static_folder=str(bundled_path("static")),
    )
    app.config.update(settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    service, problems = open_service(settings)
    app.config["TEMPLATE_PROBLEMS"] = [str(p) for p in problems]
    app.config["BASE_URL"] = base_url = public_base_url(settings["HOST"], settings["PORT"], settings["PUBLIC_URL"])
    app.extensions["facilitate"] = service
    data_dir = Path(settings["DATA_DIR"])
    i18n.setup(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    make_limiter, client_manager = in_process, None
    if settings["MESSAGE_QUEUE"]:
        make_limiter, client_manager = share_with_workers(app, settings["MESSAGE_QUEUE"])
    app.extensions["facilitate_make_limiter"] = make_limiter
    app.extensions["facilitate_limits"] = Limits.from_settings(settings, make_limiter)
    allowed_origins = set(settings["ALLOWED_ORIGINS"])
    if is_hosted(settings):
        # Behind the proxy the browser's origin is the public URL, whatever the proxy forwards.
        allowed_origins.add(public_origin(base_url))
        app.secret_key = secret_key(data_dir)
        auth.setup(app)

    def origin_allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        """Browsers on our own pages (same origin), programs (no Origin), and the allowlist."""
        same = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin is None or origin == same or origin in allowed_origins

    events.socketio.init_app(
        app,
        async_mode=settings["ASYNC_MODE"],
        max_http_buffer_size=16 * 1024,  # no sticky note needs more; bigger messages are refused
        cors_allowed_origins=origin_allowed,
        **({"client_manager": client_manager} if client_manager else {}),
    )
    presence = app.extensions.get("facilitate_presence")

    def emit(event: str, data: dict[str, Any], room: str, workshop_id: str) -> None:
        """With workers, an atelier that no other worker serves gets its patches without Redis."""
        only_here = presence is not None and not presence.served_elsewhere(workshop_id)
        events.socketio.emit(event, data, to=room, **({"ignore_queue": True} if only_here else {}))

    app.extensions["facilitate_broadcast"] = Broadcaster(
        service,
        emit=emit,
        start=events.socketio.start_background_task,
        sleep=events.socketio.sleep,
        window=settings["BROADCAST_WINDOW_MS"] / 1000,
        room_changed=lambda workshop_id: room_changed(app, workshop_id),
    )
    hosting.setup(app)
    # Outermost, so that Socket.IO is covered too (DNS rebinding).
    app.wsgi_app = HostCheck(app.wsgi_app, served_names(settings["PUBLIC_URL"], settings["ALLOWED_HOSTS"]))
    return app


def room_changed(app: Flask, workshop_id: str) -> None:
    """The room's view of an atelier changed: every worker forgets its newcomers' snapshot."""
    from facilitate import events

    with app.app_context():
        events.tell_workers({"kind": "room_changed", "workshop": workshop_id})


def share_with_workers(app: Flask, url: str) -> tuple[Any, Any]:
    """Several workers: the message queue, rate limits and presence in Redis
    (facilitate/shared_state.py). Returns the limiter maker and the queue."""
    import redis

    from facilitate import events
    from facilitate.shared_state import MessageQueue, SharedPresence, SharedRateLimiter

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)

    def on_control(message: dict[str, Any]) -> None:
        with app.app_context():
            events.on_control(message)

    queue = MessageQueue(url, on_control=on_control, on_status=events.queue_status)
    app.extensions["facilitate_queue"] = queue
    app.extensions["facilitate_presence"] = SharedPresence(client, events.local_presence, events.local_screens)
    return (lambda name, limit, window: SharedRateLimiter(client, name, limit, window)), queue


def open_service(settings: dict[str, Any]) -> tuple[Any, list[Any]]:
    """The use cases over a data folder, without the web app (the commands use
    it alone): its database, the bundled and saved templates, join addresses.
    Returns the Service and the templates that could not be loaded."""
    from pathlib import Path

    from facilitate.db import DB_FILENAME, Database
    from facilitate.network import public_base_url
    from facilitate.resources import bundled_path
    from facilitate.services import Service
    from facilitate.session_templates import load_templates

    data_dir = Path(settings["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    templates_dir = Path(settings["TEMPLATES_DIR"] or bundled_path("session_templates"))
    # Ateliers saved as templates go to the data folder: the bundled one may be read-only.
    user_templates_dir = data_dir / "session_templates"
    templates, problems = load_templates(templates_dir)
    if user_templates_dir.is_dir():
        saved, saved_problems = load_templates(user_templates_dir)
        templates += [t for t in saved if t.id not in {b.id for b in templates}]
        problems += saved_problems
    for problem in problems:
        log.warning("modèle ignoré : %s", problem)
    base_url = public_base_url(settings["HOST"], settings["PORT"], settings["PUBLIC_URL"])
    service = Service(
        db=Database(data_dir / DB_FILENAME),
        templates={t.id: t for t in templates},
        join_url_for=lambda code: f"{base_url}/j/{code}",
        user_templates_dir=user_templates_dir,
        max_participants=settings["MAX_PARTICIPANTS"],
        idle_seats_per_address=settings["IDLE_SEATS_PER_ADDRESS"],
        large_room=settings["LARGE_ROOM"],
    )
    return service, problems


def public_origin(url: str) -> str:
    """https://host[:port] of a URL: what a browser sends as Origin."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def secret_key(data_dir: Path) -> str:
    """Signs the session cookies: FACILITATE_SECRET_KEY, else a random key kept
    in the data folder (readable by its owner only) so sessions survive a restart."""
    import os
    import secrets

    if os.environ.get("FACILITATE_SECRET_KEY"):
        return os.environ["FACILITATE_SECRET_KEY"]
    path = data_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()
