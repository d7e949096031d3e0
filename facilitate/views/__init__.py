"""Thin HTTP blueprints: pages for people, JSON for programs."""

from __future__ import annotations

import ipaddress
import secrets

from flask import current_app, request

from facilitate.services import Service


def service() -> Service:
    return current_app.extensions["facilitate"]


def is_local_request() -> bool:
    """The facilitator's screens answer only on the laptop itself: a phone on
    the same Wi-Fi is sent to the join page instead."""
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def is_facilitator_request() -> bool:
    """The laptop itself, or anyone with the admin password (HTTP Basic), if one is set."""
    if is_local_request():
        return True
    password = current_app.config.get("ADMIN_PASSWORD")
    given = request.authorization.password if request.authorization else None
    return bool(password and given) and secrets.compare_digest(given.encode(), password.encode())
