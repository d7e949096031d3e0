"""JSON API (contract in docs/api.md). Errors are {"error": {"code", "message"}}."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from facilitate import archive
from facilitate.errors import FacilitateError
from facilitate.events import announce_deleted
from facilitate.model import Role
from facilitate.rules import Viewer
from facilitate.views import is_facilitator_request, service
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
    """Listing and creating ateliers: the laptop, or the admin password."""
    if not is_facilitator_request():
        raise FacilitateError("local_only", "Réservé à l'ordinateur de l'animation (ou au mot de passe d'animation).", 403)


def _json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        raise FacilitateError("not_json", "Le corps de la requête doit être un objet JSON (Content-Type: application/json).")
    return body


@blueprint.get("/templates")
def list_templates() -> Any:
    return jsonify([t.summary() for t in sorted(service().templates.values(), key=lambda t: t.id)])


@blueprint.get("/workshops")
def list_workshops() -> Any:
    _require_local()
    return jsonify([_summary(w) for w in service().list_workshops()])


@blueprint.post("/workshops")
def create_workshop() -> Any:
    _require_local()
    workshop = service().create_workshop(_json_body())
    return jsonify({**_summary(workshop), "facilitator_key": workshop.facilitator_key}), 201


@blueprint.get("/workshops/<workshop_id>")
def get_workshop(workshop_id: str) -> Any:
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    state = service().patch(workshop.id, Viewer(Role.FACILITATOR, None))
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
    body = archive.render_export(service(), workshop.id, fmt, offload=in_os_thread)
    return Response(body, mimetype=archive.EXPORT_FORMATS[fmt], headers={
        "Content-Disposition": content_disposition(archive.export_filename(workshop, fmt),
                                                   archive.readable_filename(workshop, fmt)),
    })


def content_disposition(ascii_name: str, readable_name: str) -> str:
    """RFC 6266: a plain `filename` (a safe slug) for every client, and the
    readable UTF-8 name percent-encoded in `filename*` (RFC 5987)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable_name, safe='')}"


@blueprint.post("/workshops/import")
def import_workshop() -> Any:
    """A JSON archive (as exported) becomes a new atelier."""
    _require_local()
    workshop = archive.import_archive(service(), _json_body())
    return jsonify({**_summary(workshop), "facilitator_key": workshop.facilitator_key}), 201


@blueprint.delete("/workshops/<workshop_id>")
def delete_workshop(workshop_id: str) -> Any:
    """The atelier and everything in it, for good (Québec's Law 25)."""
    workshop = service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))
    service().delete_workshop(workshop.id)
    announce_deleted(workshop.id)
    return "", 204


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
