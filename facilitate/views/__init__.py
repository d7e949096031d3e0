"""Thin HTTP blueprints: pages for people, JSON for programs."""

from __future__ import annotations

import ipaddress
import secrets
import time

from flask import current_app, request

from facilitate.config import is_hosted
from facilitate.errors import FacilitateError, too_many_passwords
from facilitate.i18n import _
from facilitate.model import Account
from facilitate.services import Service


def service() -> Service:
    return current_app.extensions["facilitate"]


def hosted() -> bool:
    return is_hosted(current_app.config)


def current_account() -> Account | None:
    """The logged-in facilitator's account (hosted mode only), else None."""
    if not hosted():
        return None
    from flask_login import current_user

    return current_user.account if current_user.is_authenticated else None


def is_local_request() -> bool:
    """The facilitator's screens answer only on the laptop itself: a phone on
    the same Wi-Fi is sent to the join page instead. In hosted mode the
    loopback grants nothing: behind a proxy every request comes from it."""
    if hosted():
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    # A dual-stack socket reports an IPv4 client as ::ffff:127.0.0.1.
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def is_facilitator_request() -> bool:
    """The laptop itself, or anyone with the admin password (HTTP Basic), if one is set;
    in hosted mode, a logged-in facilitator account and nothing else.
    Wrong passwords count against the client's address: past the limit, even
    the right one is refused for a minute (FacilitateError too_many_attempts)."""
    if hosted():
        return current_account() is not None
    if is_local_request():
        return True
    password = current_app.config.get("ADMIN_PASSWORD")
    given = request.authorization.password if request.authorization else None
    if not (password and given):
        return False
    wrong, address, now = (
        current_app.extensions["facilitate_limits"].wrong_passwords,
        request.remote_addr or "?",
        time.monotonic(),
    )
    if wrong.exceeded(address, now):
        raise too_many_passwords()
    if secrets.compare_digest(given.encode(), password.encode()):
        return True
    wrong.allow(address, now)
    return False


def may_open_workshop(workshop_id: str) -> bool:
    """In hosted mode, a logged-in facilitator opens only their own ateliers
    (an admin: all). Anyone else gets the page's shell: its script still needs
    the facilitator key (a co-facilitator's link) to see or do anything."""
    account = current_account()
    return account is None or service().may_manage(account, workshop_id)


def require_owner(workshop_id: str) -> None:
    """Hosted mode: the atelier's owner (or an admin) logged in. Laptop: the key."""
    if hosted():
        account = current_account()
        if account is None:
            raise login_required()
        if not service().may_manage(account, workshop_id):
            raise not_yours()
    else:
        service().workshop_for_key(workshop_id, request.headers.get("X-Facilitator-Key"))


def login_required() -> FacilitateError:
    return FacilitateError("login_required", _("Connectez-vous avec votre compte d'animation (/connexion)."), 401)


def not_yours() -> FacilitateError:
    return FacilitateError("not_your_workshop", _("Cet atelier appartient à un autre compte d'animation."), 403)
