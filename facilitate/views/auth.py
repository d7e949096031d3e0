"""Facilitator accounts in hosted mode: the login page, sessions (Flask-Login)
and CSRF (Flask-WTF). On a laptop none of this is switched on."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from facilitate.errors import FacilitateError
from facilitate.i18n import _
from facilitate.model import Account
from facilitate.views import current_account, service

blueprint = Blueprint("auth", __name__)
audit = logging.getLogger("facilitate.audit")
login_manager = LoginManager()
csrf = CSRFProtect()
LOCK_SECONDS = 15 * 60


class Facilitator(UserMixin):
    """Flask-Login's view of an account. The id carries the account's session
    token, so a password change ends every session made before it."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_token}"


@login_manager.user_loader
def load_user(user_id: str) -> Facilitator | None:
    account_id, _, token = user_id.partition(":")
    account = service().account(int(account_id)) if account_id.isdigit() else None
    return Facilitator(account) if account and account.session_token == token else None


def setup(app: Flask) -> None:
    """Sessions and CSRF for the hosted mode: Secure, HttpOnly, SameSite=Lax cookies."""
    app.config.update(
        SESSION_COOKIE_NAME="facilitate_session",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in check_csrf: requests carrying a facilitator key need no token
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    make = app.extensions["facilitate_make_limiter"]
    app.extensions["facilitate_login_limits"] = (
        make("login_account", app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"], LOCK_SECONDS),
        make("login_address", app.config["LOGIN_ATTEMPTS_PER_ADDRESS"], LOCK_SECONDS),
    )
    app.before_request(check_csrf)
    app.context_processor(lambda: {"hosted_mode": True})
    app.register_blueprint(blueprint)


def check_csrf() -> None:
    """Every state-changing request made with the session cookie needs the
    CSRF token (form field csrf_token or header X-CSRFToken). A request with
    the facilitator key in a header cannot be forged by another site."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and "X-Facilitator-Key" not in request.headers:
        csrf.protect()


@blueprint.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> Any:
    message = _("Formulaire expiré ou incomplet (jeton CSRF) : rechargez la page et réessayez.")
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "csrf_failed", "message": message}), 400
    return render_template("login.html", error=message, email="", next=""), 400


def _safe_next(target: str | None) -> str:
    """Only a path of this site, never another host (open redirect)."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@blueprint.get("/connexion")
def login() -> Any:
    return render_template("login.html", error=None, email="", next=request.args.get("suivant", ""))


@blueprint.post("/connexion")
def login_post() -> Any:
    email = (request.form.get("email") or "").strip().lower()
    per_account, per_address = current_app.extensions["facilitate_login_limits"]
    address, now = request.remote_addr or "?", time.monotonic()
    refusal = (
        _("Trop de tentatives pour ce compte : réessayez dans 15 minutes.")
        if per_account.exceeded(email, now)
        else _("Trop de tentatives depuis cette adresse : réessayez dans 15 minutes.")
        if per_address.exceeded(address, now)
        else None
    )
    account = None if refusal else service().authenticate(email, request.form.get("password"))
    if account is None:
        if refusal is None:
            per_account.allow(email, now)
            per_address.allow(address, now)
        audit.info("connexion refusée compte=%s adresse=%s%s", email[:200], address, " (bloqué)" if refusal else "")
        return render_template(
            "login.html",
            error=refusal or _("Courriel ou mot de passe incorrect."),
            email=email,
            next=request.form.get("next", ""),
        ), 429 if refusal else 401
    login_user(Facilitator(account))
    audit.info("connexion compte=%s adresse=%s", account.email, address)
    return redirect(_safe_next(request.form.get("next")))


@blueprint.get("/compte")
def account_page() -> Any:
    if current_account() is None:
        return redirect(url_for("auth.login", suivant="/compte"))
    return render_template("account.html", account=current_account(), error=None, done=False)


@blueprint.post("/compte")
def change_password() -> Any:
    """A facilitator changes their own password; their other sessions end."""
    account = current_account()
    if account is None:
        return redirect(url_for("auth.login", suivant="/compte"))
    form, error = request.form, None
    if service().authenticate(account.email, form.get("current")) is None:
        error = _("Mot de passe actuel incorrect.")
    elif form.get("new") != form.get("confirm"):
        error = _("Les deux nouveaux mots de passe diffèrent.")
    else:
        try:
            account = service().change_password(account.email, form.get("new"))
        except FacilitateError as refused:
            error = refused.message
    if error:
        return render_template("account.html", account=account, error=error, done=False), 400
    login_user(Facilitator(account))  # this session goes on with the new token
    audit.info("mot de passe changé compte=%s", account.email)
    return render_template("account.html", account=account, error=None, done=True)


@blueprint.post("/deconnexion")
def logout() -> Any:
    account = current_account()
    if account:
        audit.info("déconnexion compte=%s", account.email)
    logout_user()
    return redirect(url_for("pages.home"))
