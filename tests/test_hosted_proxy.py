"""Hosted mode end to end, behind the real proxies of deploy/: Caddy (Debian's
package, `tls internal`) and nginx (a self-signed certificate made here),
each started by the test on free ports in front of the real server. A phone
in Chromium joins through the https join URL, posts a note that reaches the
console of a logged-in facilitator account, survives losing the network
(service worker), and a second account cannot open the first one's atelier."""

from __future__ import annotations

import re
import time

import pytest
import requests
import socketio
import urllib3
from helpers import LAPTOP, PHONE, Caddy, Nginx, free_port, launch_chromium
from playwright.sync_api import expect, sync_playwright

from facilitate import create_app

PASSWORD = "une phrase de passe"
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # test certificates only


@pytest.fixture(params=["caddy", "nginx"])
def hosted(request, live_server, tmp_path):
    """(proxy, server): facilitate in hosted mode behind the proxy, with two accounts."""
    data = tmp_path / "data"
    data.mkdir()
    service = create_app({"DATA_DIR": data, "ASYNC_MODE": "threading"}).extensions["facilitate"]
    service.add_account("ana@exemple.org", PASSWORD)
    service.add_account("bob@exemple.org", PASSWORD)
    workdir = tmp_path / request.param
    workdir.mkdir()
    proxy_class = Caddy if request.param == "caddy" else Nginx
    port = free_port()
    proxy = proxy_class(workdir, port)
    server = live_server(data_dir=data, port=port, extra_args=("--public-url", proxy.url, "--trusted-proxies", "1"))
    proxy.start()
    yield proxy, server
    proxy.stop()


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        # --ignore-certificate-errors: the test CA is not trusted, and without it
        # the service worker's script is refused (DESIGN.md, verified here).
        browser = launch_chromium(playwright, "--ignore-certificate-errors")
        yield browser
        browser.close()


def watch_csp(page, violations):
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))


def login_session(proxy, email):
    """A requests session logged in through the proxy, as a browser would."""
    http = requests.Session()
    http.verify = False
    http.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify=False
    page = http.get(f"{proxy.url}/connexion", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = http.post(
        f"{proxy.url}/connexion",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": f"{proxy.url}/connexion"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return http


def test_a_phone_reaches_a_facilitator_account_through_the_proxy(hosted, chromium):
    proxy, server = hosted
    violations: list[str] = []
    laptop = chromium.new_context(**LAPTOP, ignore_https_errors=True)
    console = laptop.new_page()
    watch_csp(console, violations)
    console.goto(f"{proxy.url}/animation")
    expect(console).to_have_url(re.compile("/connexion"))
    console.get_by_label("Courriel").fill("ana@exemple.org")
    console.get_by_label("Mot de passe").fill(PASSWORD)
    console.get_by_role("button", name="Se connecter").click()
    expect(console.locator("#account-email")).to_have_text("ana@exemple.org")
    console.get_by_label("Modèle de séance").select_option("mutualisation")
    console.get_by_label("Titre de l'atelier").fill("Atelier hébergé")
    console.get_by_role("button", name="Créer l'atelier").click()
    expect(console.locator("#status")).to_have_text("En ligne")
    workshop_id = console.url.split("/w/")[1].split("/")[0]
    join_url = console.locator("#join-url").inner_text()
    code = console.locator("#join-code").inner_text()
    assert join_url == f"{proxy.url}/j/{code}"

    phone_context = chromium.new_context(**PHONE, ignore_https_errors=True)
    phone = phone_context.new_page()
    watch_csp(phone, violations)
    phone.goto(join_url)
    phone.get_by_role("button", name="Rester anonyme").click()
    expect(phone.locator("#status")).to_have_text("En ligne")
    phone.get_by_label("Votre note").fill("Par les données mobiles")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(console.locator("#bloc-notes")).to_contain_text("Par les données mobiles")

    # The projector and the printable cards work under the policy too.
    projector = laptop.new_page()
    watch_csp(projector, violations)
    projector.goto(f"{proxy.url}/w/{workshop_id}/projecteur")
    expect(projector.locator("#join-code")).to_have_text(code)
    cards = laptop.new_page()
    watch_csp(cards, violations)
    cards.goto(f"{proxy.url}/w/{workshop_id}/cartes")
    expect(cards.locator(".card-code")).to_have_count(8)

    # The network goes away: the phone reloads its page (from the service
    # worker), still shows its bloc, writes a note (kept in its outbox), and
    # the note arrives once the network is back.
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    bloc_title = phone.locator("#bloc-title").inner_text()
    proxy.stop()
    expect(phone.locator("#status")).to_contain_text("Hors ligne", timeout=15_000)
    phone.reload()
    expect(phone.locator("#status")).to_contain_text("Hors ligne")
    expect(phone.locator("#bloc-title")).to_have_text(bloc_title)
    phone.get_by_label("Votre note").fill("Écrite hors ligne")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .pending")).to_have_count(1)
    assert "Écrite hors ligne" in phone.evaluate(f"localStorage.getItem('facilitate:outbox:{code}')")
    proxy.start()
    expect(console.locator("#bloc-notes")).to_contain_text("Écrite hors ligne", timeout=30_000)
    expect(phone.locator("#status")).to_have_text("En ligne")
    expect(phone.locator("#my-notes .pending")).to_have_count(0)  # acknowledged, so out of the outbox
    assert phone.evaluate(f"localStorage.getItem('facilitate:outbox:{code}')") == "[]"
    assert violations == []

    # A second account: 403 on the pages, the API and Socket.IO.
    bob = login_session(proxy, "bob@exemple.org")
    for page in ("console", "projecteur"):
        assert bob.get(f"{proxy.url}/w/{workshop_id}/{page}", timeout=10).status_code == 403
    assert bob.get(f"{proxy.url}/api/workshops/{workshop_id}", timeout=10).status_code == 403
    assert bob.get(f"{proxy.url}/api/workshops", timeout=10).json() == []
    intruder = socketio.Client(reconnection=False, ssl_verify=False, http_session=bob)
    refusals = []
    intruder.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        intruder.connect(
            # A loaded machine may take long to answer: the refusal, not a timeout, is what is checked.
            proxy.url,
            auth={"code": code, "facilitator_key": "devine"},
            transports=["websocket"],
            wait_timeout=30,
        )
    deadline = time.monotonic() + 10
    while not refusals and time.monotonic() < deadline:  # the handler may run just after connect() raises
        time.sleep(0.05)
    assert refusals[0]["data"]["code"] == "bad_key"

    # Headers: the policy, and no server banner with a version.
    headers = requests.get(f"{proxy.url}/connexion", verify=False, timeout=10).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert not re.search(r"\d", headers.get("Server", ""))
    # The audit log says who did what to which atelier, never a note's text.
    log = server.output()
    assert "connexion compte=ana@exemple.org" in log and "connexion compte=bob@exemple.org" in log
    assert f"création atelier={workshop_id} compte=ana@exemple.org" in log
    assert re.search(rf"facilitator connecté atelier={workshop_id} compte=ana@exemple.org", log)
    assert "Par les données mobiles" not in log and "Écrite hors ligne" not in log
    # A forged X-Forwarded-For through the proxy reaches no facilitator page.
    forged = requests.get(f"{proxy.url}/", headers={"X-Forwarded-For": "127.0.0.1"}, verify=False, timeout=10)
    assert "Rejoindre un atelier" in forged.text and "Nouvel atelier" not in forged.text
