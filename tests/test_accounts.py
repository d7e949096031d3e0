"""Hosted mode's facilitator accounts, tried through the real app: login,
lockout, CSRF, cookie flags, sessions ended by a new password, and each
facilitator kept to their own ateliers."""

import fcntl
import os
import pty
import re
import subprocess
import sys
import termios

import pytest
from flask.testing import FlaskClient

from facilitate import create_app
from facilitate.accounts import check_password, clean_email
from facilitate.errors import FacilitateError
from facilitate.events import socketio as server_socketio

HTTPS = "https://ateliers.exemple.org"
PASSWORD = "une phrase de passe"
PHONE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def hosted(tmp_path):
    app = create_app(
        {
            "DATA_DIR": tmp_path,
            "ASYNC_MODE": "threading",
            "PUBLIC_URL": HTTPS,
            "LOGIN_ATTEMPTS_PER_ACCOUNT": 3,
            "LOGIN_ATTEMPTS_PER_ADDRESS": 6,
        }
    )
    svc = app.extensions["facilitate"]
    svc.add_account("ana@exemple.org", PASSWORD)
    svc.add_account("bob@exemple.org", PASSWORD)
    svc.add_account("admin@exemple.org", PASSWORD, is_admin=True)
    return app


class HttpsClient(FlaskClient):
    """Requests to the public HTTPS address, so that Secure cookies travel,
    with the Referer a browser sends on its own pages (Flask-WTF checks it)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", HTTPS)
        kwargs["headers"] = {"Referer": HTTPS + "/", **(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


def client(app):
    return HttpsClient(app, app.response_class, use_cookies=True)


def csrf_of(http, path="/connexion"):
    page = http.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(http, email, password=PASSWORD, environ_base=PHONE, **extra):
    return http.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": csrf_of(http), **extra},
        environ_base=environ_base,
    )


def logged_in(app, email):
    http = client(app)
    assert login(http, email).status_code == 302
    return http


def create(http):
    token = csrf_of(http, "/")
    created = http.post("/api/workshops", json={"template": "mutualisation"}, headers={"X-CSRFToken": token})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_the_login_page_logs_in_with_a_redirect_and_a_session_cookie(hosted):
    http = client(hosted)
    page = http.get("/connexion")
    assert page.status_code == 200 and "Connexion de l'animation" in page.get_data(as_text=True)
    answer = login(http, "Ana@Exemple.org", next="/animation")
    assert answer.status_code == 302 and answer.headers["Location"] == "/animation"
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("facilitate_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= flags
    home = http.get("/")
    assert "ana@exemple.org" in home.get_data(as_text=True) and "Nouvel atelier" in home.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_login_never_redirects_to_another_site(hosted, target):
    assert login(client(hosted), "ana@exemple.org", next=target).headers["Location"] == "/"


def test_wrong_password_and_unknown_account_get_the_same_message(hosted):
    http = client(hosted)
    wrong = login(http, "ana@exemple.org", "pas le bon mot de passe")
    unknown = login(http, "personne@exemple.org", PASSWORD)
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "Courriel ou mot de passe incorrect." in answer.get_data(as_text=True)
    assert http.get("/animation").status_code == 302


def test_an_account_is_locked_after_too_many_wrong_passwords(hosted):
    http = client(hosted)
    for _ in range(3):
        assert login(http, "ana@exemple.org", "mauvais mot de passe").status_code == 401
    locked = login(http, "ana@exemple.org", PASSWORD)  # even the right password now
    assert locked.status_code == 429 and "Trop de tentatives pour ce compte" in locked.get_data(as_text=True)
    assert login(http, "bob@exemple.org").status_code == 302  # other accounts are not locked


def test_one_address_is_locked_after_too_many_attempts_on_many_accounts(hosted):
    http = client(hosted)
    for i in range(6):
        assert login(http, f"inconnu{i}@exemple.org", "mauvais mot de passe").status_code == 401
    locked = login(http, "bob@exemple.org")
    assert locked.status_code == 429 and "depuis cette adresse" in locked.get_data(as_text=True)
    assert login(client(hosted), "bob@exemple.org", environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 302


def test_csrf_token_missing_is_refused(hosted):
    http = client(hosted)
    refused = http.post("/connexion", data={"email": "ana@exemple.org", "password": PASSWORD})
    assert refused.status_code == 400 and "jeton CSRF" in refused.get_data(as_text=True)
    http = logged_in(hosted, "ana@exemple.org")
    api = http.post("/api/workshops", json={"template": "mutualisation"})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "csrf_failed"
    assert http.post("/deconnexion").status_code == 400  # logging out needs the token too


def test_a_new_password_ends_every_other_session(hosted):
    first, second = logged_in(hosted, "ana@exemple.org"), logged_in(hosted, "ana@exemple.org")
    assert "Nouvel atelier" in first.get("/").get_data(as_text=True)
    hosted.extensions["facilitate"].change_password("ana@exemple.org", "une toute nouvelle phrase")
    for http in (first, second):
        assert http.get("/animation").status_code == 302
        assert "Rejoindre un atelier" in http.get("/").get_data(as_text=True)
    assert login(client(hosted), "ana@exemple.org", "une toute nouvelle phrase").status_code == 302


def test_a_facilitator_changes_their_password_and_their_other_sessions_end(hosted):
    here, elsewhere = logged_in(hosted, "ana@exemple.org"), logged_in(hosted, "ana@exemple.org")
    form = {"current": PASSWORD, "new": "une toute nouvelle phrase", "confirm": "une toute nouvelle phrase"}
    wrong = here.post("/compte", data={**form, "current": "devine devine", "csrf_token": csrf_of(here, "/compte")})
    assert wrong.status_code == 400 and "Mot de passe actuel incorrect." in wrong.get_data(as_text=True)
    short = here.post(
        "/compte", data={**form, "new": "court", "confirm": "court", "csrf_token": csrf_of(here, "/compte")}
    )
    assert short.status_code == 400 and "12 caractères" in short.get_data(as_text=True)
    assert here.post("/compte", data=form).status_code == 400  # no CSRF token
    done = here.post("/compte", data={**form, "csrf_token": csrf_of(here, "/compte")})
    assert done.status_code == 200 and "vos autres sessions sont fermées" in done.get_data(as_text=True)
    assert "Nouvel atelier" in here.get("/").get_data(as_text=True)  # this session goes on
    assert elsewhere.get("/animation").status_code == 302  # the other one ended
    assert login(client(hosted), "ana@exemple.org").status_code == 401


def test_the_loopback_grants_nothing_in_hosted_mode(hosted):
    http = client(hosted)  # the test client comes from 127.0.0.1, as a proxy on the same host would
    home = http.get("/").get_data(as_text=True)
    assert "Rejoindre un atelier" in home and 'href="/connexion"' in home
    assert http.get("/animation").headers["Location"].startswith("/connexion")
    refused = http.post("/api/workshops", json={"template": "mutualisation"}, headers={"X-CSRFToken": csrf_of(http)})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "login_required"
    assert http.get("/api/workshops").status_code == 401


def test_a_facilitator_sees_and_runs_only_their_own_ateliers(hosted):
    ana, bob, admin = (logged_in(hosted, f"{n}@exemple.org") for n in ("ana", "bob", "admin"))
    mine = create(ana)
    assert [w["id"] for w in ana.get("/api/workshops").get_json()] == [mine["id"]]
    assert bob.get("/api/workshops").get_json() == []
    assert mine["code"] not in bob.get("/").get_data(as_text=True)
    assert mine["code"] in admin.get("/").get_data(as_text=True)
    # Bob: 403 on the pages, the API and Socket.IO.
    for page in ("console", "projecteur", "cartes"):
        assert bob.get(f"/w/{mine['id']}/{page}").status_code == 403
        assert ana.get(f"/w/{mine['id']}/{page}").status_code == 200
        assert admin.get(f"/w/{mine['id']}/{page}").status_code == 200
    assert bob.get(f"/api/workshops/{mine['id']}").status_code == 403
    assert bob.post(f"/api/workshops/{mine['id']}/key", headers={"X-CSRFToken": csrf_of(bob, "/")}).status_code == 403
    socket = server_socketio.test_client(
        hosted, auth={"code": mine["code"], "facilitator_key": "devine"}, flask_test_client=bob
    )
    assert not socket.is_connected()
    # The owner's link (the key) lets a co-facilitator in, until the owner renews it.
    cofac = server_socketio.test_client(hosted, auth={"code": mine["code"], "facilitator_key": mine["facilitator_key"]})
    assert cofac.is_connected()
    renewed = ana.post(f"/api/workshops/{mine['id']}/key", headers={"X-CSRFToken": csrf_of(ana, "/")})
    assert renewed.status_code == 200
    assert not cofac.is_connected()
    assert not server_socketio.test_client(
        hosted, auth={"code": mine["code"], "facilitator_key": mine["facilitator_key"]}
    ).is_connected()
    assert server_socketio.test_client(
        hosted, auth={"code": mine["code"], "facilitator_key": renewed.get_json()["facilitator_key"]}
    ).is_connected()


def test_security_headers_in_hosted_mode_only(hosted, app):
    headers = client(hosted).get("/connexion").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["Referrer-Policy"] == "same-origin" and "Server" not in headers
    assert "Content-Security-Policy" not in app.test_client().get("/").headers


def test_health(hosted, http):
    for h in (client(hosted), http):
        answer = h.get("/healthz")
        assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(app, tmp_path):
    # Laptop mode: a phone forging X-Forwarded-For: 127.0.0.1 still gets the join form.
    forged = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Host": "127.0.0.1", "X-Real-IP": "127.0.0.1"}
    page = app.test_client().get("/", environ_base=PHONE, headers=forged).get_data(as_text=True)
    assert "Rejoindre un atelier" in page and "Nouvel atelier" not in page and "/connexion" not in page
    assert (
        app.test_client()
        .post("/api/workshops", json={"template": "mutualisation"}, environ_base=PHONE, headers=forged)
        .status_code
        == 403
    )
    # One trusted proxy: the client address is the one the proxy appended, not a forged one before it.
    proxied = create_app({"DATA_DIR": tmp_path / "p", "ASYNC_MODE": "threading", "TRUSTED_PROXIES": 1})
    page = proxied.test_client().get("/", headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.7"}).get_data(as_text=True)
    assert "Rejoindre un atelier" in page


def test_users_command(tmp_path):
    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, "-m", "facilitate", "users", *args, "--data", str(tmp_path)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("add", "Ana@Exemple.org", "--admin", stdin=PASSWORD + "\n").returncode == 0
    weak = run("add", "bob@exemple.org", stdin="court\n")
    assert weak.returncode == 1 and "au moins 12 caractères" in weak.stderr
    assert run("add", "bob@exemple.org", stdin=PASSWORD + "\n").returncode == 0
    assert run("list").stdout.splitlines() == ["ana@exemple.org\tadmin", "bob@exemple.org\tanimation"]
    assert run("passwd", "bob@exemple.org", stdin="une autre phrase de passe\n").returncode == 0
    assert "Aucun compte" in run("delete", "carole@exemple.org").stderr
    assert run("delete", "bob@exemple.org").returncode == 0
    assert run("list").stdout.splitlines() == ["ana@exemple.org\tadmin"]
    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading"})
    assert app.extensions["facilitate"].authenticate("ana@exemple.org", PASSWORD) is not None


def test_email_and_password_rules():
    assert clean_email("  Ana@Exemple.ORG ") == "ana@exemple.org"
    for bad in ("ana", "ana@exemple", "a b@exemple.org", None, 42):
        with pytest.raises(FacilitateError) as refused:
            clean_email(bad)
        assert refused.value.code == "bad_email"
    assert check_password("douze car. ok") == "douze car. ok"
    for weak in ("onze carac.", "", None):
        with pytest.raises(FacilitateError) as refused:
            check_password(weak)
        assert refused.value.code == "weak_password" and "12 caractères" in refused.value.message


def run_on_terminal(args, typed):
    """Run a command with a pseudo-terminal as its controlling terminal, typing
    each (prompt, line) of `typed` when its prompt appears."""
    master, slave = pty.openpty()

    def take_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "facilitate", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        preexec_fn=take_terminal,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    for prompt, line in typed:
        # Type only once the prompt is there: getpass flushes earlier input.
        while not output.rstrip().endswith(prompt.encode() + b":"):
            output += os.read(master, 1024)
        os.write(master, line.encode() + b"\n")
        output += os.read(master, 1024)
    process.wait(60)
    try:
        while chunk := os.read(master, 1024):
            output += chunk
    except OSError:  # the terminal closes with the process
        pass
    os.close(master)
    return process.returncode, output.decode()


def test_users_add_asks_twice_on_a_terminal(tmp_path):
    data = ["--data", str(tmp_path)]
    code, output = run_on_terminal(
        ["users", "add", "ana@exemple.org", *data],
        [("Mot de passe", PASSWORD), ("Encore une fois", "autre chose encore")],
    )
    assert code == 1 and "Mot de passe" in output and "Encore une fois" in output and "diffèrent" in output
    assert PASSWORD not in output  # not echoed
    code, output = run_on_terminal(
        ["users", "add", "ana@exemple.org", *data], [("Mot de passe", PASSWORD), ("Encore une fois", PASSWORD)]
    )
    assert code == 0 and "Compte créé : ana@exemple.org" in output
