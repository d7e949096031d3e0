"""Issue 14 in real Chromium: a bloc run by three tables (seated from the
console, one chosen on a phone), each phone seeing only its table, the
projector showing the tables side by side, a rapporteur grouping and ranking
from a phone, then the plenary that brings the tables together."""

from __future__ import annotations

import requests
from helpers import check_screens, console_and_projector_on_a_public_bloc, join
from playwright.sync_api import expect


def test_three_tables_then_the_plenary(browser, atelier):
    server, workshop = atelier
    bloc, laptop, console, projector = console_and_projector_on_a_public_bloc(browser, server, workshop)
    phones = {name: join(browser, workshop["join_url"], name) for name in ("Ana", "Béa", "Cyr")}

    console.get_by_role("button", name="Tables").click()
    console.get_by_label("Nombre de tables").fill("3")
    console.get_by_label("Les participants choisissent leur table sur leur téléphone").check()
    console.get_by_role("button", name="Enregistrer les tables").click()
    console.get_by_label("Ana").select_option("1")
    console.get_by_label("Béa").select_option("2")
    phones["Cyr"].get_by_label("Choisissez la table où vous êtes assis").select_option("3")
    expect(phones["Cyr"].locator("#who")).to_contain_text("Table 3")
    console.get_by_role("button", name="Nommer Ana rapporteur de la table 1").click()
    console.get_by_label("Ce bloc se fait par table : chaque table ne voit que ses notes").check()

    for name, phone in phones.items():
        phone.get_by_label("Votre note").fill(f"Idée de {name}")
        phone.get_by_role("button", name="Envoyer la note").click()
    for i, name in enumerate(phones, start=1):
        expect(projector.locator(".wall-column", has_text=f"Table {i}")).to_contain_text(f"Idée de {name}")
    phones["Ana"].get_by_label("Votre note").fill("Deuxième idée d'Ana")
    phones["Ana"].get_by_role("button", name="Envoyer la note").click()
    expect(console.locator(".table-board", has_text="Table 1")).to_contain_text("Deuxième idée d'Ana")

    # Each table sees only its own notes while writing.
    expect(phones["Béa"].locator("body")).not_to_contain_text("Idée de Ana")
    expect(phones["Cyr"].locator("body")).not_to_contain_text("Idée de Béa")

    # Ana, rapporteur of table 1, groups and ranks from her phone.
    ana = phones["Ana"]
    ana.locator("#rapporteur-notes").get_by_label("Idée de Ana").check()
    ana.get_by_label("Nom du regroupement (facultatif)").fill("Premier groupe")
    ana.get_by_role("button", name="Regrouper les notes cochées").click()
    ana.locator("#rapporteur-notes").get_by_label("Deuxième idée d'Ana").check()
    ana.get_by_label("Nom du regroupement (facultatif)").fill("Second groupe")
    ana.get_by_role("button", name="Regrouper les notes cochées").click()
    ana.get_by_role("button", name="Monter « Second groupe »").click()
    expect(ana.locator("#rapporteur-ranking li").first).to_contain_text("Second groupe")
    expect(projector.locator(".wall-column", has_text="Table 1")).to_contain_text("Second groupe")
    check_screens({"console": console, "projecteur": projector, "rapporteur": ana}, "par-table", "tables")

    # The plenary brings every table's notes to every phone.
    console.get_by_role("button", name="Réunir les tables en plénière").click()
    for phone in phones.values():
        for name in ("Ana", "Béa", "Cyr"):
            expect(phone.locator("body")).to_contain_text(f"Idée de {name}")
    headers = {"X-Facilitator-Key": workshop["facilitator_key"]}
    markdown = requests.get(f"{server.url}/api/workshops/{workshop['id']}/export.md", headers=headers, timeout=30).text
    assert "Second groupe (table 1)" in markdown and "Idée de Cyr (table 3)" in markdown
    assert markdown.index("Second groupe (table 1)") < markdown.index("Premier groupe (table 1)")
    laptop.close()
