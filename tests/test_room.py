"""In the room: the Wi-Fi QR code for the projector, printable join cards,
and the retention period that deletes idle ateliers (Law 25)."""

import re
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone

import requests
from helpers import LAPTOP, create_workshop
from playwright.sync_api import expect

from facilitate.accounts import deletion_date, wifi_qr_text
from facilitate.db import DB_FILENAME


def key_header(workshop):
    return {"X-Facilitator-Key": workshop["facilitator_key"]}


def test_wifi_qr_text_follows_the_standard_format():
    assert wifi_qr_text("Salle Desjardins", "gommette42", "WPA") == "WIFI:T:WPA;S:Salle Desjardins;P:gommette42;;"
    assert wifi_qr_text('Café;"Wi:Fi"', "a,b\\c;d", "WPA") == 'WIFI:T:WPA;S:Café\\;\\"Wi\\:Fi\\";P:a\\,b\\\\c\\;d;;'
    assert wifi_qr_text("Ouvert", "ignoré", "nopass") == "WIFI:T:nopass;S:Ouvert;;"


def test_the_wifi_is_kept_with_the_atelier_for_the_staff_only(http, workshop, connect):
    url = f"/api/workshops/{workshop['id']}/wifi"
    assert http.get(url).status_code == 403
    assert http.put(url, json={"ssid": "Salle", "password": "gommette42"}).status_code == 403
    short = http.put(url, json={"ssid": "Salle", "password": "court"}, headers=key_header(workshop))
    assert short.status_code == 400 and short.get_json()["error"]["code"] == "wifi_invalid"
    assert http.put(url, json="Salle", headers=key_header(workshop)).get_json()["error"]["code"] == "bad_request"
    saved = http.put(url, json={"ssid": "Salle", "password": "gommette42"}, headers=key_header(workshop))
    assert saved.get_json() == {"ssid": "Salle", "password": "gommette42", "security": "WPA"}
    qr = http.get(f"{url}.svg", headers=key_header(workshop))
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    # Never on a participant's page, nor in what a phone receives.
    phone = connect({"code": workshop["code"]})
    assert "gommette42" not in str(phone.get_received())
    assert "gommette42" not in http.get(f"/j/{workshop['code']}").get_data(as_text=True)
    assert http.put(url, json={"ssid": ""}, headers=key_header(workshop)).get_json()["ssid"] is None
    assert http.get(f"{url}.svg", headers=key_header(workshop)).status_code == 404


def test_printable_join_cards(http, workshop):
    page = http.get(f"/w/{workshop['id']}/cartes").get_data(as_text=True)
    assert page.count(f">{workshop['code']}<") == 8 and page.count(workshop["join_url"]) == 8
    assert "paper-lettre" in page and f"/qr/{workshop['code']}.svg" in page
    assert "paper-a4" in http.get(f"/w/{workshop['id']}/cartes?papier=a4").get_data(as_text=True)
    assert http.get("/w/inconnu/cartes").status_code == 404


def test_deletion_date():
    assert deletion_date("2026-01-01T10:00:00.000+00:00", 0) is None
    assert deletion_date("2026-01-01T10:00:00.000+00:00", 30) == datetime(2026, 1, 31, 10, tzinfo=timezone.utc)


def test_the_console_announces_the_deletion_date(tmp_path):
    from facilitate import create_app

    app = create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading", "RETENTION_DAYS": 30})
    http = app.test_client()
    w = http.post("/api/workshops", json={"template": "mutualisation"}).get_json()
    due = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d")
    assert f"supprimé le {due}" in http.get(f"/w/{w['id']}/console").get_data(as_text=True)
    assert f"supprimé le {due}" in http.get("/").get_data(as_text=True)
    assert "supprimé le" not in create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading"}).test_client().get(
        f"/w/{w['id']}/console"
    ).get_data(as_text=True)


def test_the_server_deletes_ateliers_idle_past_the_retention_period(live_server, tmp_path):
    server = live_server()
    old, recent = create_workshop(server), create_workshop(server)
    server.stop()
    long_ago = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="milliseconds")
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        conn.execute("UPDATE workshop SET created_at = ? WHERE id = ?", (long_ago, old["id"]))
        conn.execute("UPDATE participant SET joined_at = ? WHERE workshop_id = ?", (long_ago, old["id"]))
    server = live_server(extra_args=("--retention-days", "30"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if (
            requests.get(f"{server.url}/api/workshops/{old['id']}", headers=key_header(old), timeout=5).status_code
            == 404
        ):
            break
        time.sleep(0.2)
    assert (
        requests.get(f"{server.url}/api/workshops/{old['id']}", headers=key_header(old), timeout=5).status_code == 404
    )
    assert requests.get(f"{server.url}/api/workshops/{recent['id']}", headers=key_header(recent), timeout=5).ok
    assert "Conservation" in server.output()


def test_the_projector_shows_the_wifi_typed_in_the_console_and_the_owner_renews_the_link(browser, live_server):
    server = live_server()
    w = create_workshop(server)
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{w['id']}/console#key={w['facilitator_key']}")
    expect(console.locator("#status")).to_have_text("En ligne")
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{w['id']}/projecteur")
    expect(projector.locator("#join-code")).to_have_text(w["code"])
    expect(projector.locator("#wifi-panel")).to_be_hidden()

    console.get_by_label("Nom du réseau").fill("Salle Desjardins")
    console.get_by_label("Mot de passe").fill("gommette42")
    console.get_by_role("button", name="Afficher au projecteur").click()
    expect(console.locator("#wifi-message")).to_contain_text("Salle Desjardins")
    expect(projector.locator("#wifi-name")).to_have_text("Salle Desjardins", timeout=15_000)
    projector.wait_for_function("document.getElementById('wifi-qr').naturalWidth > 0")

    old_link = console.locator("#cofac-link").input_value()
    public = w["join_url"].split("/j/")[0]  # the address phones use, not the laptop's 127.0.0.1
    assert old_link == f"{public}/w/{w['id']}/console#key={w['facilitator_key']}"
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Nouveau lien (révoque l'ancien)").click()
    expect(console.locator("#cofac-link")).not_to_have_value(old_link)
    expect(console.locator("#status")).to_have_text("En ligne")
    assert requests.get(f"{server.url}/api/workshops/{w['id']}", headers=key_header(w), timeout=5).status_code == 403


def test_join_cards_print_eight_to_a_sheet_of_letter_or_a4(browser, live_server, tmp_path):
    server = live_server()
    w = create_workshop(server)
    page = browser.new_context(**LAPTOP).new_page()
    for paper, size in (("lettre", "(letter)"), ("a4", "(A4)")):
        page.goto(f"{server.url}/w/{w['id']}/cartes?papier={paper}")
        expect(page.locator(".card-code")).to_have_count(8)
        page.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth > 0)")
        pdf = tmp_path / f"{paper}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Pages:\s+1\n", info), info
        assert size in info, info
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        codes = [line.replace(" ", "") for line in text.splitlines()]  # letter-spacing may split the code
        assert codes.count(w["code"]) == 8 and "Imprimer" not in text
