"""HTML pages. The pages are shells: their script connects over Socket.IO and
renders the state, so a page and a reconnecting phone show the same thing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from facilitate import store
from facilitate.network import qr_svg
from facilitate.views import is_local_request, service

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home() -> Any:
    if not is_local_request():
        return render_template("join.html", code="", error=None)
    svc = service()
    return render_template(
        "home.html",
        workshops=svc.list_workshops(),
        templates=sorted(svc.templates.values(), key=lambda t: t.title),
    )


@blueprint.get("/j")
def join_form() -> Any:
    code = request.args.get("code", "").strip().upper()
    if not code:
        return render_template("join.html", code="", error=None)
    return redirect(url_for("pages.participant", code=code))


@blueprint.get("/j/<code>")
def participant(code: str) -> Any:
    code = code.strip().upper()
    with service().db.reading() as conn:
        workshop = store.get_workshop_by_code(conn, code)
    if workshop is None:
        error = "Aucun atelier ne correspond à ce code. Vérifiez le code affiché à l'écran."
        return render_template("join.html", code=code, error=error), 404
    return render_template("participant.html", workshop=workshop)


def _staff_page(template: str, workshop_id: str) -> Any:
    with service().db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
    if workshop is None:
        abort(404)
    return render_template(template, workshop=workshop, join_url=service().join_url_for(workshop.code))


@blueprint.get("/w/<workshop_id>/console")
def console(workshop_id: str) -> Any:
    return _staff_page("console.html", workshop_id)


@blueprint.get("/w/<workshop_id>/projecteur")
def projector(workshop_id: str) -> Any:
    return _staff_page("projector.html", workshop_id)


@blueprint.get("/qr/<code>.svg")
def qr(code: str) -> Any:
    with service().db.reading() as conn:
        workshop = store.get_workshop_by_code(conn, code.upper())
    if workshop is None:
        abort(404)
    return Response(qr_svg(service().join_url_for(workshop.code)), mimetype="image/svg+xml")
