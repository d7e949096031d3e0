"""What an administrator expects of a server: a health check, the reverse
proxy's headers trusted only when asked, strict security headers, an audit
log, the retention period, and the participant page's service worker."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, send_file
from werkzeug.middleware.proxy_fix import ProxyFix

from facilitate import store
from facilitate.config import is_hosted
from facilitate.resources import bundled_path
from facilitate.views import service

blueprint = Blueprint("hosting", __name__)
audit = logging.getLogger("facilitate.audit")

# No inline script anywhere (script-src 'self'); pages are never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000",
}


def setup(app: Flask) -> None:
    """Called after Socket.IO wrapped the app, so that ProxyFix also rewrites
    what Engine.IO sees (the scheme and host its Origin check compares)."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    if is_hosted(app.config):
        app.after_request(_security_headers)
    app.register_blueprint(blueprint)


def _security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    response.headers.pop("Server", None)
    return response


@blueprint.get("/healthz")
def health() -> Any:
    """For the proxy and monitoring: 200 when the database answers."""
    with service().db.reading() as conn:
        store.ping(conn)
    return jsonify(status="ok"), 200, {"Cache-Control": "no-store"}


@blueprint.get("/sw.js")
def service_worker() -> Any:
    """Served from the root so that it may control /j/<code> pages."""
    response = send_file(bundled_path("static") / "js" / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def purge_expired(app: Flask) -> list[str]:
    """Delete the ateliers idle for longer than the retention period (Law 25)."""
    from facilitate.events import announce_deleted

    days = int(app.config["RETENTION_DAYS"])
    with app.app_context():
        svc = service()
        expired = svc.expired_workshops(days)
        for workshop_id in expired:
            svc.delete_workshop(workshop_id)
            announce_deleted(workshop_id)
            audit.info("suppression atelier=%s par=conservation (%d jours sans activité)", workshop_id, days)
    return expired


def retention_loop(app: Flask, every_seconds: float = 3600) -> None:
    """Runs beside the server (a green thread) while --retention-days is set."""
    from facilitate.events import socketio

    while True:
        try:
            purge_expired(app)
        except Exception:  # the next round tries again; the server keeps serving
            logging.getLogger(__name__).exception("retention purge failed")
        socketio.sleep(every_seconds)


def actor() -> str:
    """Who is acting, for the audit log: an account, the laptop, or a key holder."""
    from facilitate.views import current_account, is_local_request

    account = current_account()
    if account is not None:
        return f"compte={account.email}"
    return "par=portable" if is_local_request() else "par=clé d'animation"


def log_action(action: str, workshop_id: str) -> None:
    audit.info("%s atelier=%s %s", action, workshop_id, actor())
