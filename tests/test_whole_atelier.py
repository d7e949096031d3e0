"""A whole atelier in real Chromium: the console at laptop size, the
projector, three phones; joining, private writing, reveal, suggested
grouping, vote, closing, synthesis and the Word download. Every screen at
every phase is photographed (test-artifacts/whole-atelier/, ignored by git)
and checked by axe-core (pinned in package.json): zero violations at any
impact level, except the rules listed in helpers.ALLOWED with their reason."""

from __future__ import annotations

import re

import docx
from helpers import AXE, PHONE, check_screens, join
from playwright.sync_api import expect


def test_a_whole_atelier_on_five_screens(browser, atelier):
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    server, workshop = atelier
    laptop = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    expect(console.locator("#status")).to_have_text("En ligne")
    projector = browser.new_page(viewport={"width": 1920, "height": 1080})
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur#key={workshop['facilitator_key']}")
    join_url = f"{server.url}/j/{workshop['code']}"
    first = browser.new_context(**PHONE).new_page()
    first.goto(join_url)
    expect(first.get_by_role("button", name="Participer")).to_be_visible()
    check_screens({"console": console, "projecteur": projector, "telephone-accueil": first}, "0-accueil")
    first.context.close()

    phones = {name: join(browser, join_url, name) for name in ("Ana", "Ben", "Chloé")}
    screens = {"console": console, "projecteur": projector, **{f"telephone-{n}": p for n, p in phones.items()}}
    expect(console.locator("#bloc-title")).to_have_text("Bilan croisé des acquis")  # private writing

    notes = {
        "Ana": ["Tisseurs de liens", "Passion"],
        "Ben": ["tisseurs de liens !", "Réseau d'entraide"],
        "Chloé": ["Réseau d’entraide", "Engagement"],
    }
    for name, texts in notes.items():
        for text in texts:
            phones[name].get_by_label("Votre note").fill(text)
            phones[name].get_by_role("button", name="Envoyer la note").click()
        expect(phones[name].locator("#my-notes .pending")).to_have_count(0)
        expect(phones[name].locator("#my-notes .note")).to_have_count(2)
    phones["Ana"].get_by_role("button", name="J'ai terminé").click()
    expect(console.locator(".done-count")).to_have_text("Ont terminé : 1 / 3")
    expect(projector.locator("#private-count")).to_contain_text("6 note(s)")
    check_screens(screens, "1-ecriture")

    console.get_by_role("button", name="Dévoilement", exact=True).click()
    expect(projector.locator(".wall .note")).to_have_count(4)  # identical notes fold: "Tisseurs de liens (2)"
    check_screens(screens, "2-devoilement")

    console.get_by_role("button", name="Regroupement", exact=True).click()
    console.get_by_role("button", name="Proposer des regroupements").click()
    expect(console.locator(".suggestions")).to_contain_text("(2)", timeout=30000)
    console.get_by_role("button", name="Tout accepter").click()
    expect(console.locator(".cluster")).to_have_count(2)
    expect(projector.locator(".wall .cluster")).to_have_count(2)
    check_screens(screens, "3-regroupement")

    console.get_by_role("button", name="Vote", exact=True).click()
    for i, phone in enumerate(phones.values()):
        phone.get_by_role("button", name=re.compile("^Ajouter un point à « [Tt]isseurs")).click()
        if i:
            phone.get_by_role("button", name=re.compile("^Ajouter un point à « Réseau")).click()
    expect(console.locator(".vote-count")).to_contain_text("3 / 3 ont voté")
    check_screens(screens, "4-vote")

    console.get_by_role("button", name="Clos", exact=True).click()
    expect(projector.locator(".ranking li").first).to_contain_text("3 points")
    expect(console.locator(".retained li").first).to_contain_text(re.compile("[Tt]isseurs"))
    for phone in phones.values():
        expect(phone.locator("#results .ranking li").first).to_contain_text(re.compile("[Tt]isseurs"))
    check_screens(screens, "5-clos")

    cluster = console.get_by_role("region", name=re.compile("^Regroupement [Tt]isseurs"))
    cluster.locator("summary").click()
    cluster.get_by_role("button", name="→ Synthèse : Communications").click()
    console.get_by_role("button", name="Synthèse", exact=True).click()
    volet = console.get_by_role("region", name="Volet Communications")
    expect(volet.get_by_label("Action", exact=True)).to_have_value(re.compile("[Tt]isseurs"))
    volet.get_by_label(re.compile("^Soutien de")).fill("Comité des membres")
    volet.get_by_label(re.compile("^Soutien de")).press("Tab")
    check_screens({"console": console}, "6-synthese")

    console.get_by_text("Télécharger").click()
    with console.expect_download() as download:
        console.get_by_role("button", name="Word").click()
    document = docx.Document(download.value.path())
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Comité des membres" in cells
    assert any(re.search("[Tt]isseurs", c) for c in cells)
    for page in phones.values():
        page.context.close()
    projector.close()
    laptop.close()
