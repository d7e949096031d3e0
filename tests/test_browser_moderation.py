"""Issue 14 in real Chromium: the console's Modération view (waiting notes,
hiding, paper notes, muting), what the projector and the phones show, and the
join page of an anonymous atelier. axe-core checks the new screens."""

from __future__ import annotations

import requests
from helpers import PHONE, check_screens, console_and_projector_on_a_public_bloc, join
from playwright.sync_api import expect


def test_moderating_a_bloc_from_the_console(browser, atelier):
    server, workshop = atelier
    bloc, laptop, console, projector = console_and_projector_on_a_public_bloc(browser, server, workshop)
    phone = join(browser, workshop["join_url"], "Alice")

    console.get_by_role("button", name="Modération").click()
    console.get_by_label("Validation avant affichage : les nouvelles notes attendent ici").check()
    phone.get_by_label("Votre note").fill("Une note à relire")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes")).to_contain_text("En attente : l'animation la lira avant de l'afficher")
    expect(console.get_by_role("button", name="Modération (1)")).to_be_visible()
    expect(console.locator("#moderation")).to_contain_text("Une note à relire")
    expect(projector.locator("body")).not_to_contain_text("Une note à relire")
    check_screens({"console": console, "telephone": phone}, "attente", "moderation")

    console.get_by_role("button", name="Laisser passer « Une note à relire »").click()
    expect(projector.locator(".wall")).to_contain_text("Une note à relire")
    expect(phone.locator("#my-notes")).not_to_contain_text("En attente")

    # Hidden: off the projector and the phone, kept (marked) on the console's board.
    console.locator("#moderation li", has_text="Une note à relire").get_by_role("button", name="Masquer").click()
    expect(projector.locator(".wall")).not_to_contain_text("Une note à relire")
    expect(phone.locator("#my-notes")).not_to_contain_text("Une note à relire")
    console.get_by_role("button", name="Tableau").click()
    expect(console.locator(".note.hidden-note")).to_contain_text("Une note à relire")
    console.get_by_role("button", name="Modération").click()

    # Paper notes, one per line, reach the room like any other.
    console.get_by_label("Une note par ligne, telle qu'écrite sur le papier").fill("Covoiturage\nSalle gratuite")
    console.get_by_role("button", name="Ajouter les notes").click()
    expect(projector.locator(".wall")).to_contain_text("Covoiturage")
    expect(projector.locator(".wall")).to_contain_text("Salle gratuite")

    # Muted: the phone says so and offers no note form.
    console.get_by_role("button", name="Suspendre Alice").click()
    expect(phone.locator("#muted-hint")).to_be_visible()
    expect(phone.locator("#note-form")).to_be_hidden()
    check_screens({"console": console, "telephone": phone, "projecteur": projector}, "suspendu", "moderation")
    console.get_by_role("button", name="Rétablir les envois de Alice").click()
    expect(phone.locator("#note-form")).to_be_visible()
    laptop.close()


def test_an_anonymous_atelier_says_so_and_asks_no_name(browser, live_server):
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs", "identity": "anonymous"}, timeout=10
    ).json()
    page = browser.new_context(**PHONE).new_page()
    page.goto(workshop["join_url"])
    expect(page.locator("#identity-notice")).to_contain_text("aucun nom n'est demandé")
    expect(page.get_by_label("Votre prénom (facultatif)")).to_have_count(0)
    check_screens({"telephone": page}, "anonyme-accueil", "moderation")
    page.get_by_role("button", name="Participer").click()
    expect(page.locator("#board")).to_be_visible()
    page.context.close()
