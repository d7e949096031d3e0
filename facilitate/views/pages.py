"""HTML pages. The pages are shells: their script connects over Socket.IO and
renders the state, so a page and a reconnecting phone show the same thing."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from facilitate import store
from facilitate.errors import FacilitateError, unknown_workshop
from facilitate.export.document import ranking
from facilitate.i18n import COOKIE, _, supported
from facilitate.network import qr_svg
from facilitate.ratelimit import guarded_guess
from facilitate.views import (
    current_account,
    hosted,
    is_facilitator_request,
    is_local_request,
    may_open_workshop,
    not_yours,
    service,
)

blueprint = Blueprint("pages", __name__)


@blueprint.errorhandler(FacilitateError)
def refused(error: FacilitateError) -> Any:
    return render_template("join.html", code="", error=error.message), error.status


@blueprint.get("/")
def home() -> Any:
    """On the laptop (or logged in, hosted): the facilitator's home. Anywhere else: the join form."""
    if not (is_local_request() or current_account()):
        return render_template("join.html", code="", error=None)
    return _facilitator_home()


@blueprint.get("/animation")
def facilitator_home() -> Any:
    """The facilitator's home from another machine, with the admin password
    (FACILITATE_ADMIN_PASSWORD) over HTTP Basic authentication."""
    if not is_facilitator_request():
        return _ask_for_password()
    return _facilitator_home()


def to_login() -> Any:
    return redirect(url_for("auth.login", suivant=request.full_path.rstrip("?")))


def _ask_for_password() -> Any:
    if hosted():
        return to_login()
    if current_app.config["ADMIN_PASSWORD"]:
        return Response(
            _("Mot de passe d'animation requis."),
            401,
            {"WWW-Authenticate": 'Basic realm="facilitate", charset="UTF-8"'},
        )
    return render_template(
        "join.html", code="", error=_("L'animation se fait depuis l'ordinateur qui fait tourner facilitate.")
    ), 403


def _facilitator_home() -> Any:
    svc, account = service(), current_account()
    return render_template(
        "home.html",
        workshops=svc.workshops_for(account) if account else svc.list_workshops(),
        templates=sorted(svc.templates.values(), key=lambda t: t.title),
        account=account,
        deletion=svc.deletion_dates(current_app.config["RETENTION_DAYS"]),
    )


@blueprint.get("/langue/<lang>")
def choose_language(lang: str) -> Any:
    """The switch on every screen: remember the language for a year, back to the page."""
    back = request.args.get("suivant", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"  # only our own pages
    response = redirect(back, 303)
    chosen = supported(lang)
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@blueprint.get("/j")
def join_form() -> Any:
    code = request.args.get("code", "").strip().upper()
    if not code:
        return render_template("join.html", code="", error=None)
    return redirect(url_for("pages.participant", code=code))


@blueprint.get("/j/<code>")
def participant(code: str) -> Any:
    code = code.strip().upper()
    try:
        workshop = _workshop_by_code(code)
    except FacilitateError as refusal:
        return render_template("join.html", code=code, error=refusal.message), refusal.status
    results = service().public_results(workshop)
    if results is not None:
        return render_template("results.html", workshop=workshop, document=results, ranking=ranking)
    return render_template("participant.html", workshop=workshop)


def _workshop_by_code(code: str) -> Any:
    """The atelier of a join code; guessing codes counts like a connection's."""

    def find() -> Any:
        with service().db.reading() as conn:
            workshop = store.get_workshop_by_code(conn, code)
        if workshop is None:
            raise unknown_workshop()
        return workshop

    limiter = current_app.extensions["facilitate_limits"].wrong_codes
    return guarded_guess(limiter, request.remote_addr or "?", time.monotonic(), find)


def _staff_page(template: str, workshop_id: str, **context: Any) -> Any:
    with service().db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
    if workshop is None:
        abort(404)
    if not may_open_workshop(workshop.id):
        return render_template(
            "join.html",
            code="",
            error=not_yours().message + " " + _("Un lien de co-animation s'ouvre sans être connecté."),
        ), 403
    deletion = service().deletion_dates(current_app.config["RETENTION_DAYS"]).get(workshop.id)
    return render_template(
        template, workshop=workshop, join_url=service().join_url_for(workshop.code), deletion=deletion, **context
    )


@blueprint.get("/w/<workshop_id>/ouvrir")
def open_console(workshop_id: str) -> Any:
    """The facilitator's way into a console: the key travels once in a redirect
    to the console's URL fragment, so no page lists keys (a page on another
    site, or a rebinding one, has nothing to read)."""
    if not is_facilitator_request():
        return _ask_for_password()
    with service().db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
    if workshop is None:
        abort(404)
    if not may_open_workshop(workshop.id):  # hosted: another facilitator's atelier
        return render_template("join.html", code="", error=not_yours().message), 403
    target = url_for("pages.console", workshop_id=workshop.id) + f"#key={workshop.facilitator_key}"
    return redirect(target, 303), {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.get("/w/<workshop_id>/console")
def console(workshop_id: str) -> Any:
    return _staff_page("console.html", workshop_id)


@blueprint.get("/w/<workshop_id>/projecteur")
def projector(workshop_id: str) -> Any:
    return _staff_page("projector.html", workshop_id)


@blueprint.get("/w/<workshop_id>/co")
def cofacilitator(workshop_id: str) -> Any:
    """The co-animation view: its key, in the fragment, is checked at connection."""
    with service().db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
    if workshop is None:
        abort(404)
    return render_template("co.html", workshop=workshop)


@blueprint.get("/w/<workshop_id>/cartes")
def join_cards(workshop_id: str) -> Any:
    """Printable join cards for the tables: QR code, address and code, several per page."""
    paper = "a4" if request.args.get("papier") == "a4" else "lettre"
    return _staff_page("cards.html", workshop_id, paper=paper, count=8)


@blueprint.get("/qr/<code>.svg")
def qr(code: str) -> Any:
    """The join QR code; guessing codes here counts like on /j/<code>."""
    try:
        workshop = _workshop_by_code(code.upper())
    except FacilitateError as refusal:
        return Response(refusal.message, refusal.status, mimetype="text/plain")
    return Response(qr_svg(service().join_url_for(workshop.code)), mimetype="image/svg+xml")


def error_texts(status: int) -> tuple[str, str]:
    """Our error pages (Werkzeug's own are in English only): what happened, what to do."""
    if status == 404:
        return _("Page introuvable"), _("Cette adresse ne mène à aucune page. Vérifiez-la, ou repartez de l'accueil.")
    if status == 405:
        return _("Action impossible"), _("Cette page ne s'utilise pas de cette façon.")
    if status == 500:
        return _("Erreur du serveur"), _(
            "Le serveur a rencontré un problème. Rien de ce qui était enregistré n'est perdu : réessayez dans un instant."
        )
    return _("Requête impossible"), _("Le serveur n'a pas pu répondre à cette demande.")


def error_page(error: HTTPException) -> Any:
    status = error.code or 500
    title, text = error_texts(status)
    return render_template("error.html", title=title, text=text, status=status), status
