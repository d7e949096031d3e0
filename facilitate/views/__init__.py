"""Thin HTTP blueprints: pages for people, JSON for programs."""

from __future__ import annotations

import ipaddress

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
