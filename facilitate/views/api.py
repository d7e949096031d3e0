"""JSON API (contract in docs/api.md). Errors are {"error": {"code", "message"}}."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from facilitate.accounts import wifi_qr_text
from facilitate.errors import FacilitateError
from facilitate.events import announce_deleted, revoke_cofacilitators, revoke_staff
from facilitate.i18n import _
from facilitate.model import Role
from facilitate.network import qr_svg
from facilitate.read_model import patch
from facilitate.rules import Viewer
from facilitate.services.archive import EXPORT_FORMATS, export_filename, readable_filename
from facilitate.views import current_account, hosted, is_facilitator_request, login_required, require_owner, service
from facilitate.views.hosting import log_action
from facilitate.views.pages import error_page

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.errorhandler(FacilitateError)
def facilitate_error(error: FacilitateError) -> Any:
    return jsonify(error=error.to_dict()), error.status


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """JSON errors for every /api path, matched by a route or not; a page in
    French for the others."""
    if not request.path.startswith(blueprint.url_prefix or "/api"):
        return error_page(error)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.code or 500, "http_error")
    return jsonify(error={"code": code, "message": error.description}), error.code


def _require_local() -> None:
    """Listing and creating ateliers: the laptop, or the admin password; in
    hosted mode, a logged-in facilitator."""
    if hosted() and current_account() is None:
        raise login_required()
    if not is_facilitator_request():
        raise FacilitateError(
            "local_only", _("Réservé à l'ordinateur de l'animation (ou au mot de passe d'animation)."), 403
        )


def _json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        raise FacilitateError(
            "not_json", _("Le corps de la requête doit être un objet JSON (Content-Type: application/json).")
        )
    return body


@blueprint.get("/templates")
def list_templates() -> Any:
    return jsonify([t.summary() for t in sorted(service().templates.values(), key=lambda t: t.id)])


@blueprint.get("/workshops")
def list_workshops() -> Any:
    _require_local()
    account = current_account()
    workshops = service().workshops_for(account) if account else service().list_workshops()
    return jsonify([_summary(w) for w in workshops])


@blueprint.post("/workshops")
def create_workshop() -> Any:
    _require_local()
    workshop = service().create_workshop(_json_body(), owner=current_account())
    log_action("création", workshop.id)
    return jsonify({**_summary(workshop), "facilitator_key": workshop.facilitator_key}), 201


@blueprint.get("/workshops/<workshop_id>")
def get_workshop(workshop_id: str) -> Any:
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    state = patch(service(), workshop.id, Viewer(Role.FACILITATOR, None))
    state.pop("full", None)
    state.pop("since", None)
    state["current_bloc"] = state["workshop"]["current_bloc"]
    state.setdefault("notes", [])
    state.setdefault("participants", [])
    return jsonify(state)


@blueprint.post("/workshops/<workshop_id>/template")
def save_as_template(workshop_id: str) -> Any:
    """The atelier's plan (as adjusted) becomes a new session template."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    template = service().save_as_template(workshop.id, _json_body())
    return jsonify(template.summary()), 201


@blueprint.get("/workshops/<workshop_id>/export.<fmt>")
def export(workshop_id: str, fmt: str) -> Any:
    """The Word synthesis, Markdown, CSV (one row per note) or the JSON archive."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    body = service().render_export(workshop.id, fmt, offload=in_os_thread)
    log_action(f"export {fmt}", workshop.id)
    return Response(
        body,
        mimetype=EXPORT_FORMATS[fmt],
        headers={
            "Content-Disposition": content_disposition(
                export_filename(workshop, fmt), readable_filename(workshop, fmt)
            ),
        },
    )


def content_disposition(ascii_name: str, readable_name: str) -> str:
    """RFC 6266: a plain `filename` (a safe slug) for every client, and the
    readable UTF-8 name percent-encoded in `filename*` (RFC 5987)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable_name, safe='')}"


@blueprint.post("/workshops/import")
def import_workshop() -> Any:
    """A JSON archive (as exported) becomes a new atelier."""
    _require_local()
    workshop = service().import_archive(_json_body())
    if current_account():
        service().set_owner(workshop.id, current_account())  # type: ignore[arg-type]
    log_action("import", workshop.id)
    return jsonify({**_summary(workshop), "facilitator_key": workshop.facilitator_key}), 201


@blueprint.delete("/workshops/<workshop_id>")
def delete_workshop(workshop_id: str) -> Any:
    """The atelier and everything in it, for good (Québec's Law 25)."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    service().delete_workshop(workshop.id)
    announce_deleted(workshop.id)
    log_action("suppression", workshop.id)
    return "", 204


@blueprint.post("/workshops/<workshop_id>/key")
def regenerate_key(workshop_id: str) -> Any:
    """A new facilitator key: co-facilitators' links stop working and their
    consoles are disconnected. Hosted: the owner (or an admin) logged in."""
    require_owner(workshop_id)
    key = service().regenerate_key(workshop_id)
    revoke_staff(workshop_id)
    log_action("nouvelle clé d'animation", workshop_id)
    return jsonify(facilitator_key=key)


def _cofacilitator_url(workshop_id: str, key: str) -> str:
    return f"{current_app.config['BASE_URL']}/w/{workshop_id}/co#key={quote(key)}"


@blueprint.post("/workshops/<workshop_id>/cofacilitator")
def invite_cofacilitator(workshop_id: str) -> Any:
    """A co-animation invitation (timer, moderation, grouping); a new one
    revokes the previous one and disconnects its views."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    key = service().invite_cofacilitator(workshop.id)
    revoke_cofacilitators(workshop.id)
    log_action("invitation de co-animation", workshop.id)
    return jsonify(url=_cofacilitator_url(workshop.id, key)), 201


@blueprint.delete("/workshops/<workshop_id>/cofacilitator")
def revoke_cofacilitator(workshop_id: str) -> Any:
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    service().revoke_cofacilitator(workshop.id)
    revoke_cofacilitators(workshop.id)
    log_action("invitation de co-animation retirée", workshop.id)
    return jsonify(ok=True)


@blueprint.get("/workshops/<workshop_id>/cofacilitator.svg")
def cofacilitator_qr(workshop_id: str) -> Any:
    """The invitation as a QR code, for a phone to scan from the console."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    if not workshop.cofacilitator_key:
        raise FacilitateError("no_invitation", _("Aucune invitation de co-animation en cours."), 404)
    url = _cofacilitator_url(workshop.id, workshop.cofacilitator_key)
    return Response(qr_svg(url), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@blueprint.get("/workshops/<workshop_id>/wifi")
def get_wifi(workshop_id: str) -> Any:
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    wifi = service().wifi(workshop.id)
    return _wifi_json(wifi)


@blueprint.put("/workshops/<workshop_id>/wifi")
def set_wifi(workshop_id: str) -> Any:
    """The room's Wi-Fi for the projector's second QR code; an empty ssid removes it."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    wifi = service().set_wifi(workshop.id, _json_body())
    log_action("wi-fi", workshop.id)
    return _wifi_json(wifi)


def _wifi_json(wifi: Any) -> Any:
    """The saved network, or an empty form (WPA by default) when there is none."""
    return jsonify(
        ssid=wifi.ssid if wifi else None,
        password=wifi.password if wifi else "",
        security=wifi.security if wifi else "WPA",
    )


@blueprint.get("/workshops/<workshop_id>/wifi.svg")
def wifi_qr(workshop_id: str) -> Any:
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    wifi = service().wifi(workshop.id)
    if wifi is None:
        raise FacilitateError("no_wifi", _("Aucun réseau Wi-Fi n'est enregistré pour cet atelier."), 404)
    return Response(
        qr_svg(wifi_qr_text(wifi.ssid, wifi.password, wifi.security)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )


def in_os_thread(fn: Any, *args: Any) -> Any:
    """Run pure CPU work (the Word rendering) in a real OS thread, so that the
    eventlet or gevent loop keeps serving the room meanwhile."""
    mode = current_app.config["ASYNC_MODE"]
    if mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(fn, *args)
    if mode == "gevent":
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def _summary(workshop: Any) -> dict[str, Any]:
    return {
        "id": workshop.id,
        "code": workshop.code,
        "title": workshop.title,
        "date": workshop.date,
        "template": workshop.template_id,
        "join_url": service().join_url_for(workshop.code),
        "created_at": workshop.created_at,
    }
