"""Which Host headers the server answers (DNS rebinding defence).

A page on a hostile domain can make that domain resolve to 127.0.0.1 and
then talk to the laptop's server as if it were the laptop itself. Its requests
still carry the hostile name in `Host`, so refusing every name we do not serve
closes the door. IP literals are always accepted: rebinding needs a name, and a
laptop's Wi-Fi address may change in the middle of an atelier."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

BAD_HOST_MESSAGE = (
    "Adresse non reconnue par ce serveur : ouvrez facilitate par son adresse IP, "
    "par localhost ou par son adresse publique."
)


def host_name(host_header: str) -> str:
    """`Host` without its port, lower-case, IPv6 brackets removed."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def served_names(public_url: str | None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names this server answers to: localhost, this machine's own names
    (for `portable.local` on the venue's network), the public URL's host."""
    names = {"localhost", *(n.strip().lower() for n in extra if n.strip())}
    hostname = socket.gethostname().lower()
    names |= {hostname, f"{hostname}.local"}
    if public_url:
        names.add((urlsplit(public_url).hostname or "").lower())
    return frozenset(n for n in names if n)


def host_allowed(host_header: str | None, names: frozenset[str]) -> bool:
    if not host_header:
        return True  # HTTP/1.0 without Host: no browser sends that, no name to rebind
    name = host_name(host_header).rstrip(".")
    return is_ip_literal(name) or name in names


class HostCheck:
    """WSGI middleware around the whole app (pages, API and Socket.IO): a
    request for a name we do not serve gets 400 `bad_host`."""

    def __init__(self, app: Callable[..., Any], names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if host_allowed(environ.get("HTTP_HOST"), self.names):
            return self.app(environ, start_response)
        body = json.dumps({"error": {"code": "bad_host", "message": BAD_HOST_MESSAGE}}, ensure_ascii=False)
        start_response(
            "400 Bad Request", [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
        )
        return [body.encode("utf-8")]
