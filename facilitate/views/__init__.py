"""Thin HTTP blueprints: pages for people, JSON for programs."""

from __future__ import annotations

import ipaddress
import secrets
import time

from flask import current_app, request

from facilitate.errors import too_many_passwords
from facilitate.services import Service


def service() -> Service:
    return current_app.extensions["facilitate"]


def is_local_request() -> bool:
    """The facilitator's screens answer only on the laptop itself: a phone on
    the same Wi-Fi is sent to the join page instead."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    # A dual-stack socket reports an IPv4 client as ::ffff:127.0.0.1.
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def is_facilitator_request() -> bool:
    """The laptop itself, or anyone with the admin password (HTTP Basic), if one is set.
    Wrong passwords count against the client's address: past the limit, even
    the right one is refused for a minute (FacilitateError too_many_attempts)."""
    if is_local_request():
        return True
    password = current_app.config.get("ADMIN_PASSWORD")
    given = request.authorization.password if request.authorization else None
    if not (password and given):
        return False
    wrong, address, now = current_app.extensions["facilitate_limits"].wrong_passwords, request.remote_addr or "?", time.monotonic()
    if wrong.exceeded(address, now):
        raise too_many_passwords()
    if secrets.compare_digest(given.encode(), password.encode()):
        return True
    wrong.allow(address, now)
    return False
