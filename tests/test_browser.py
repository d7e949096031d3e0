"""A real Chromium (Debian's, driven by Playwright): a phone joins through the
join URL and posts a note that appears on the facilitator's console."""

from __future__ import annotations

import shutil

import pytest
import requests
import socketio
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def room(live_server):
    server = live_server()
    workshop = requests.post(f"{server.url}/api/workshops", json={
        "template": "raviver-nos-couleurs", "title": "Raviver nos couleurs !"}, timeout=10).json()
    return server, workshop


def test_phone_joins_and_its_note_appears_on_console_and_projector(browser, room):
    server, workshop = room
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    expect(console.locator("#status")).to_have_text("En ligne")
    assert "key=" not in console.url  # the key leaves the address bar
    console.get_by_role("button", name="Les couleurs fondamentales").click()
    expect(console.locator("#bloc-title")).to_have_text("Les couleurs fondamentales")
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur")  # the key is remembered
    expect(projector.locator("#join-code")).to_have_text(workshop["code"])
    expect(projector.locator("#bloc-title")).to_have_text("Les couleurs fondamentales")
    expect(projector.locator("img.qr")).to_be_visible()

    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.goto(workshop["join_url"])
    phone.get_by_label("Votre prénom (facultatif)").fill("Josée")
    phone.get_by_role("button", name="Participer").click()
    expect(phone.locator("#bloc-title")).to_have_text("Les couleurs fondamentales")
    phone.get_by_text("À protéger, à préserver, et qui nous distingue").click()
    phone.get_by_label("Votre note").fill("Humain au cœur <script>alert(1)</script>")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text(["Humain au cœur <script>alert(1)</script>"])

    column = console.get_by_role("region", name="À protéger, à préserver, et qui nous distingue")
    expect(column.locator(".note-text")).to_have_text(["Humain au cœur <script>alert(1)</script>"])
    expect(column.locator(".note-author")).to_have_text(["Josée"])
    expect(projector.locator(".wall .note")).to_have_text(["Humain au cœur <script>alert(1)</script>"])

    # The phone sleeps and reloads: same identity, same notes.
    phone.reload()
    expect(phone.locator("#who")).to_have_text("Vous : Josée")
    expect(phone.locator("#my-notes .note-text")).to_have_text(["Humain au cœur <script>alert(1)</script>"])

    # The facilitator moves on: the phone follows.
    console.get_by_role("button", name="Fondamentaux du contexte").click()
    expect(phone.locator("#bloc-title")).to_have_text("Fondamentaux du contexte")
    expect(projector.locator("#bloc-title")).to_have_text("Fondamentaux du contexte")

    # Nothing fits wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    laptop.close()
    phone_context.close()


def api_state(server, workshop):
    return requests.get(f"{server.url}/api/workshops/{workshop['id']}",
                        headers={"X-Facilitator-Key": workshop["facilitator_key"]}, timeout=10).json()


def test_phone_edits_and_deletes_its_note(browser, room):
    server, workshop = room
    facilitator = socketio.Client()
    facilitator.connect(server.url, auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]},
                        transports=["websocket"])
    public = next(b for b in api_state(server, workshop)["blocs"] if not b["private_writing"])
    assert facilitator.call("bloc:goto", {"bloc": public["id"]}) == {"ok": True}
    facilitator.disconnect()
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(workshop["join_url"])
    phone.get_by_role("button", name="Rester anonyme").click()
    expect(phone.locator("#who")).to_have_text("Vous participez de façon anonyme")
    phone.get_by_label("Votre note").fill("Premier jet")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text(["Premier jet"])
    phone.get_by_role("button", name="Modifier").click()
    phone.get_by_label("Votre note").fill("Version finale")
    phone.get_by_role("button", name="Enregistrer la modification").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text(["Version finale"])
    assert [n["text"] for n in api_state(server, workshop)["notes"]] == ["Version finale"]
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Supprimer").click()
    expect(phone.locator("#my-notes .note")).to_have_count(0)
    assert api_state(server, workshop)["notes"] == []
    context.close()


def test_wrong_code_page_is_in_french(browser, room):
    server, _ = room
    page = browser.new_page(**PHONE)
    page.goto(f"{server.url}/j/ZZZZZZ")
    expect(page.get_by_role("alert")).to_contain_text("Aucun atelier ne correspond à ce code")
    page.close()
