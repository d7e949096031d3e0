"""A whole atelier in real Chromium: the console at laptop size, the
projector, three phones; joining, private writing, reveal, suggested
grouping, vote, closing, synthesis and the Word download. Every screen at
every phase is photographed (test-artifacts/whole-atelier/, ignored by git)
and checked by axe-core (pinned in package.json): zero violations at any
impact level, except the rules listed in helpers.ALLOWED with their reason.

It plays twice: in French, and in English (browsers asking for English, an
English atelier from rekindle-our-colours), where no screen may show a
sample of the French interface's words."""

from __future__ import annotations

import re

import docx
import pytest
import requests
from helpers import AXE, PHONE, check_screens, join
from playwright.sync_api import expect

# What the test reads and types, per language.
WORDS = {
    "fr": {
        "template": "raviver-nos-couleurs",
        "online": "En ligne",
        "join": "Participer",
        "first name": "Votre prénom (facultatif)",
        "you": "Vous : {name}",
        "first bloc": "Bilan croisé des acquis",
        "your note": "Votre note",
        "send": "Envoyer la note",
        "done": "J'ai terminé",
        "done count": "Ont terminé : 1 / 3",
        "reveal": "Dévoilement",
        "grouping": "Regroupement",
        "vote": "Vote",
        "closed": "Clos",
        "suggest": "Proposer des regroupements",
        "accept all": "Tout accepter",
        "add a point": "^Ajouter un point à « ",
        "voted": "3 / 3 ont voté",
        "group region": "^Regroupement ",
        "to synthesis": "→ Synthèse : Communications",
        "synthesis": "Synthèse",
        "volet": "Volet Communications",
        "support": "^Soutien de",
        "download": "Télécharger",
        "notes": {
            "Ana": ["Tisseurs de liens", "Passion"],
            "Ben": ["tisseurs de liens !", "Réseau d'entraide"],
            "Chloé": ["Réseau d’entraide", "Engagement"],
        },
        "first": "[Tt]isseurs",
        "second": "Réseau",
    },
    "en": {
        "template": "rekindle-our-colours",
        "online": "Online",
        "join": "Join",
        "first name": "Your first name (optional)",
        "you": "You: {name}",
        "first bloc": "Cross review of what we have achieved",
        "your note": "Your note",
        "send": "Send the note",
        "done": "I'm done",
        "done count": "Done: 1 / 3",
        "reveal": "Reveal",
        "grouping": "Grouping",
        "vote": "Vote",
        "closed": "Closed",
        "suggest": "Suggest groups",
        "accept all": "Accept all",
        "add a point": "^Add a point to “",
        "voted": "3 / 3 have voted",
        "group region": "^Group ",
        "to synthesis": "→ Synthesis: Communications",
        "synthesis": "Synthesis",
        "volet": "Section Communications",
        "support": "^Support for",
        "download": "Download",
        "notes": {
            "Ana": ["Weavers of ties", "Passion"],
            "Ben": ["weavers of ties!", "Mutual aid network"],
            "Chloé": ["Mutual aid network.", "Commitment"],
        },
        "first": "[Ww]eavers",
        "second": "Mutual",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_whole_atelier_on_five_screens(browser, live_server, lang):
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    w = WORDS[lang]
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops", json={"template": w["template"], "language": lang}, timeout=10
    ).json()
    locale = {"locale": "en-CA"} if lang == "en" else {}  # else the browsers ask for fr-CA (helpers)
    laptop = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True, **locale)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    expect(console.locator("#status")).to_have_text(w["online"])
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, **locale).new_page()
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur#key={workshop['facilitator_key']}")
    join_url = f"{server.url}/j/{workshop['code']}"
    first = browser.new_context(**PHONE, **locale).new_page()
    first.goto(join_url)
    expect(first.get_by_role("button", name=w["join"])).to_be_visible()
    check_screens({"console": console, "projecteur": projector, "telephone-accueil": first}, "0-accueil", lang=lang)
    first.context.close()

    phones = {name: join(browser, join_url, name, lang) for name in ("Ana", "Ben", "Chloé")}
    screens = {"console": console, "projecteur": projector, **{f"telephone-{n}": p for n, p in phones.items()}}
    expect(console.locator("#bloc-title")).to_have_text(w["first bloc"])  # private writing

    for name, texts in w["notes"].items():
        for text in texts:
            phones[name].get_by_label(w["your note"]).fill(text)
            phones[name].get_by_role("button", name=w["send"]).click()
        expect(phones[name].locator("#my-notes .pending")).to_have_count(0)
        expect(phones[name].locator("#my-notes .note")).to_have_count(2)
    phones["Ana"].get_by_role("button", name=w["done"]).click()
    expect(console.locator(".done-count")).to_have_text(w["done count"])
    expect(projector.locator("#private-count")).to_contain_text("6 note(s)")
    check_screens(screens, "1-ecriture", lang=lang)

    console.get_by_role("button", name=w["reveal"], exact=True).click()
    expect(projector.locator(".wall .note")).to_have_count(4)  # identical notes fold: "Tisseurs de liens (2)"
    check_screens(screens, "2-devoilement", lang=lang)

    console.get_by_role("button", name=w["grouping"], exact=True).click()
    console.get_by_role("button", name=w["suggest"]).click()
    expect(console.locator(".suggestions")).to_contain_text("(2)", timeout=30000)
    console.get_by_role("button", name=w["accept all"]).click()
    expect(console.locator(".cluster")).to_have_count(2)
    expect(projector.locator(".wall .cluster")).to_have_count(2)
    check_screens(screens, "3-regroupement", lang=lang)

    console.get_by_role("button", name=w["vote"], exact=True).click()
    for i, phone in enumerate(phones.values()):
        phone.get_by_role("button", name=re.compile(w["add a point"] + w["first"])).click()
        if i:
            phone.get_by_role("button", name=re.compile(w["add a point"] + w["second"])).click()
    expect(console.locator(".vote-count")).to_contain_text(w["voted"])
    check_screens(screens, "4-vote", lang=lang)

    console.get_by_role("button", name=w["closed"], exact=True).click()
    expect(projector.locator(".ranking li").first).to_contain_text("3 points")
    expect(console.locator(".retained li").first).to_contain_text(re.compile(w["first"]))
    for phone in phones.values():
        expect(phone.locator("#results .ranking li").first).to_contain_text(re.compile(w["first"]))
    check_screens(screens, "5-clos", lang=lang)

    cluster = console.get_by_role("region", name=re.compile(w["group region"] + w["first"]))
    cluster.locator("summary").click()
    cluster.get_by_role("button", name=w["to synthesis"]).click()
    console.get_by_role("button", name=w["synthesis"], exact=True).click()
    volet = console.get_by_role("region", name=w["volet"])
    expect(volet.get_by_label("Action", exact=True)).to_have_value(re.compile(w["first"]))
    volet.get_by_label(re.compile(w["support"])).fill("Comité des membres")
    volet.get_by_label(re.compile(w["support"])).press("Tab")
    check_screens({"console": console}, "6-synthese", lang=lang)

    console.get_by_text(w["download"]).click()
    with console.expect_download() as download:
        console.get_by_role("button", name="Word").click()
    document = docx.Document(download.value.path())
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Comité des membres" in cells
    assert any(re.search(w["first"], c) for c in cells)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Notes in detail" if lang == "en" else "Détails des notes") in headings
    for page in phones.values():
        page.context.close()
    projector.context.close()
    laptop.close()
