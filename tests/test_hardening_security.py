"""Issue 9, security: DNS rebinding, brute force, the export's file name.
Through the real server: requests from another machine come over the
machine's LAN address, which is not the loopback."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pytest
import requests
import socketio
from helpers import create_workshop

from facilitate.network import lan_address

LAN = lan_address()
needs_lan = pytest.mark.skipif(LAN.startswith("127."), reason="no LAN address on this machine")


def basic(password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"animation:{password}".encode()).decode()}


def test_a_rebinding_domain_is_refused_everywhere(live_server):
    """A hostile page whose domain resolves to 127.0.0.1 sends its own name as Host."""
    server = live_server()
    workshop = create_workshop(server)
    evil = {"Host": f"rebind.evil.example:{server.port}"}
    for path in ("/", "/api/workshops", f"/w/{workshop['id']}/ouvrir", "/socket.io/?EIO=4&transport=polling"):
        response = requests.get(server.url + path, headers=evil, timeout=5, allow_redirects=False)
        assert response.status_code == 400, path
        assert response.json()["error"]["code"] == "bad_host"
        assert workshop["facilitator_key"] not in response.text
    deleted = requests.delete(
        f"{server.url}/api/workshops/{workshop['id']}",
        timeout=5,
        headers={**evil, "X-Facilitator-Key": workshop["facilitator_key"]},
    )
    assert deleted.status_code == 400
    with pytest.raises(socketio.exceptions.ConnectionError):
        client = socketio.Client(reconnection=False)
        client.connect(
            server.url, auth={"code": workshop["code"]}, headers=evil, transports=["polling"], wait_timeout=5
        )
    # The names the server does serve still work, with or without a port.
    for host in (
        "localhost",
        f"localhost:{server.port}",
        f"127.0.0.1:{server.port}",
        f"{LAN}:{server.port}",
        f"[::1]:{server.port}",
    ):
        assert requests.get(f"{server.url}/api/templates", headers={"Host": host}, timeout=5).status_code == 200, host
    assert (
        requests.get(
            f"{server.url}/api/workshops/{workshop['id']}",
            timeout=5,
            headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        ).status_code
        == 200
    )


def test_the_public_url_and_extra_names_are_served(live_server, tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATE_ALLOWED_HOSTS", "atelier.lan")
    server = live_server(extra_args=("--public-url", "https://ateliers.example.org"))
    for host in ("ateliers.example.org", "atelier.lan:5000", "ATELIER.LAN"):
        assert requests.get(f"{server.url}/api/templates", headers={"Host": host}, timeout=5).status_code == 200
    assert requests.get(f"{server.url}/api/templates", headers={"Host": "example.org"}, timeout=5).status_code == 400


def test_the_home_page_holds_no_key_and_opens_consoles_by_a_redirect(live_server):
    server = live_server()
    workshop = create_workshop(server)
    home = requests.get(f"{server.url}/", timeout=5).text
    assert workshop["code"] in home and workshop["facilitator_key"] not in home
    assert f'href="/w/{workshop["id"]}/ouvrir"' in home
    opened = requests.get(f"{server.url}/w/{workshop['id']}/ouvrir", timeout=5, allow_redirects=False)
    assert opened.status_code == 303 and opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Location"].endswith(f"/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    assert requests.get(f"{server.url}/w/inconnu/ouvrir", timeout=5, allow_redirects=False).status_code == 404


@needs_lan
def test_a_phone_cannot_open_a_console(live_server):
    server = live_server(extra_args=("--host", "0.0.0.0"))
    workshop = create_workshop(server)
    phone = f"http://{LAN}:{server.port}"
    opened = requests.get(f"{phone}/w/{workshop['id']}/ouvrir", timeout=5, allow_redirects=False)
    assert opened.status_code == 403 and workshop["facilitator_key"] not in opened.text + str(opened.headers)


def test_ipv4_mapped_loopback_is_the_laptop(live_server):
    """On a dual-stack socket an IPv4 client is ::ffff:127.0.0.1: still the laptop."""
    server = live_server(extra_args=("--host", "::"))
    workshop = create_workshop(server)  # POST /api/workshops: loopback only
    home = requests.get(f"{server.url}/", timeout=5).text
    assert "Nouvel atelier" in home and workshop["code"] in home


@needs_lan
def test_guessing_the_admin_password_is_limited_per_address(live_server, tmp_path):
    server = live_server(extra_args=("--host", "0.0.0.0"))
    server.stop()
    server.extra_env = {"FACILITATE_ADMIN_PASSWORD": "gommette-42"}
    server.start()
    phone = f"http://{LAN}:{server.port}"
    assert requests.get(f"{phone}/animation", headers=basic("gommette-42"), timeout=5).status_code == 200
    for attempt in range(10):
        assert requests.get(f"{phone}/animation", headers=basic(f"essai-{attempt}"), timeout=5).status_code == 401
    blocked = requests.get(f"{phone}/animation", headers=basic("gommette-42"), timeout=5)
    assert blocked.status_code == 429 and "Trop de mots de passe erronés" in blocked.text
    api = requests.post(
        f"{phone}/api/workshops", json={"template": "mutualisation"}, headers=basic("gommette-42"), timeout=5
    )
    assert api.status_code == 429 and api.json()["error"]["code"] == "too_many_attempts"
    # The laptop itself is never locked out.
    assert requests.get(f"{server.url}/animation", timeout=5).status_code == 200


@needs_lan
def test_guessing_codes_on_the_qr_route_is_limited_like_the_join_page(live_server, monkeypatch):
    monkeypatch.setenv("FACILITATE_JOIN_ATTEMPTS_PER_MINUTE", "5")
    server = live_server(extra_args=("--host", "0.0.0.0"))
    workshop = create_workshop(server)
    phone = f"http://{LAN}:{server.port}"
    assert requests.get(f"{phone}/qr/{workshop['code']}.svg", timeout=5).status_code == 200
    for guess in range(5):
        assert requests.get(f"{phone}/qr/ZZZZ{guess:02d}.svg", timeout=5).status_code == 404
    blocked = requests.get(f"{phone}/qr/{workshop['code']}.svg", timeout=5)
    assert blocked.status_code == 429 and "Trop de codes erronés" in blocked.text
    assert requests.get(f"{phone}/j/{workshop['code']}", timeout=5).status_code == 429  # one budget for both
    assert requests.get(f"{server.url}/qr/{workshop['code']}.svg", timeout=5).status_code == 200  # another address


def test_the_export_file_name_cannot_inject_into_the_header(live_server):
    server = live_server()
    for date in ('2026" ; filename="evil.exe', "20 – 22 mai", "2026/05/20", "日本\r\nX-Evil: 1"):
        created = requests.post(
            f"{server.url}/api/workshops",
            timeout=10,
            json={"template": "mutualisation", "title": "Réseau « Scènes »", "date": date},
        ).json()
        response = requests.get(
            f"{server.url}/api/workshops/{created['id']}/export.md",
            timeout=10,
            headers={"X-Facilitator-Key": created["facilitator_key"]},
        )
        assert response.status_code == 200, date
        header = response.headers["Content-Disposition"]
        assert "X-Evil" not in response.headers and "evil.exe" not in header.split("filename*=")[0]
        plain = header.split('filename="', 1)[1].split('"', 1)[0]
        assert plain.startswith("reseau-scenes") and plain.endswith(".md")
        assert all(c.isascii() and (c.isalnum() or c in "-.") for c in plain)
        readable = unquote(header.split("filename*=UTF-8''", 1)[1])
        assert readable.startswith("Réseau « Scènes » ") and "/" not in readable and "\n" not in readable
