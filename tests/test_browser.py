"""A real Chromium (Debian's, driven by Playwright): a phone joins through the
join URL and posts a note that appears on the facilitator's console."""

from __future__ import annotations

import re

import requests
from helpers import LAPTOP, PHONE, console_and_projector, drag, facilitator_socket, fetch_state, join
from playwright.sync_api import expect


def test_phone_joins_and_its_note_appears_on_console_and_projector(browser, atelier):
    server, workshop = atelier
    laptop = browser.new_context(**LAPTOP)
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    expect(console.locator("#status")).to_have_text("En ligne")
    assert "key=" not in console.url  # the key leaves the address bar
    console.get_by_role("button", name="2. Les couleurs fondamentales").click()
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
    console.get_by_role("button", name="3. Fondamentaux du contexte").click()
    expect(phone.locator("#bloc-title")).to_have_text("Fondamentaux du contexte")
    expect(projector.locator("#bloc-title")).to_have_text("Fondamentaux du contexte")

    # Nothing fits wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    laptop.close()
    phone_context.close()


def test_phone_edits_and_deletes_its_note(browser, atelier):
    server, workshop = atelier
    facilitator = facilitator_socket(server, workshop)
    public = next(b for b in fetch_state(server, workshop)["blocs"] if not b["private_writing"])
    assert facilitator.call("bloc:goto", {"bloc": public["id"]})["ok"] is True
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
    assert [n["text"] for n in fetch_state(server, workshop)["notes"]] == ["Version finale"]
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Supprimer").click()
    expect(phone.locator("#my-notes .note")).to_have_count(0)
    assert fetch_state(server, workshop)["notes"] == []
    context.close()


def test_wrong_code_page_is_in_french(browser, atelier):
    server, _ = atelier
    page = browser.new_page(**PHONE)
    page.goto(f"{server.url}/j/ZZZZZZ")
    expect(page.get_by_role("alert")).to_contain_text("Aucun atelier ne correspond à ce code")
    page.close()


def test_a_bloc_full_cycle_with_private_writing_timer_and_done(browser, atelier):
    server, workshop = atelier
    laptop, console, projector = console_and_projector(browser, server, workshop)
    expect(console.locator("#bloc-title")).to_have_text("Bilan croisé des acquis")  # private writing
    ana, ben = join(browser, workshop["join_url"], "Ana"), join(browser, workshop["join_url"], "Ben")
    expect(ana.locator("#private-hint")).to_be_visible()

    console.get_by_role("button", name="Démarrer").click()
    for screen in (ana, projector, console):
        expect(screen.locator("#timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    console.get_by_role("button", name="+ 1 min").click()
    expect(console.get_by_role("button", name="Pause")).to_be_visible()

    ana.get_by_label("Votre note").fill("Tisseurs de liens")
    ana.get_by_role("button", name="Envoyer la note").click()
    expect(ana.locator("#my-notes .note-text")).to_have_text(["Tisseurs de liens"])
    expect(console.locator(".writers")).to_contain_text("Ana — 1 note(s)")
    expect(projector.locator("#private-count")).to_contain_text("1 note(s) écrite(s)")
    expect(console.locator("#bloc-notes")).not_to_contain_text("Tisseurs de liens")
    expect(ben.locator("#group")).to_be_hidden()

    ana.get_by_role("button", name="J'ai terminé").click()
    expect(console.locator(".done-count")).to_have_text("Ont terminé : 1 / 2")

    console.get_by_role("button", name="Dévoilement").click()
    expect(projector.locator(".wall .note")).to_have_text(["Tisseurs de liens"])
    expect(console.locator("#bloc-notes .note-text")).to_have_text(["Tisseurs de liens"])
    expect(ben.locator("#group-notes .note-text")).to_have_text(["Tisseurs de liens"])

    for phase in ("Regroupement", "Vote", "Clos"):
        console.get_by_role("button", name=phase, exact=True).click()
        expect(ben.locator("#bloc-phase")).to_have_text(f"Phase : {phase}")
    expect(ben.locator("#note-form")).to_be_hidden()
    expect(ben.locator("#closed-hint")).to_be_visible()
    console.get_by_role("button", name="Écriture", exact=True).click()  # back a phase
    expect(ben.locator("#note-form")).to_be_visible()

    # The facilitator adds a bloc during the atelier and moves everyone to it.
    console.get_by_role("button", name="+ Ajouter un bloc").click()
    dialog = console.get_by_role("dialog")
    dialog.get_by_label("Type").select_option("columns")
    dialog.get_by_label("Titre").fill("Prochaines étapes")
    dialog.get_by_label("Consigne").fill("Qui fait quoi ?")
    dialog.get_by_label("Colonnes ou questions (une par ligne)").fill("Action\nResponsable")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(dialog).to_be_hidden()
    console.get_by_role("button", name="5. Prochaines étapes").click()
    expect(ana.locator("#bloc-title")).to_have_text("Prochaines étapes")
    expect(ana.get_by_text("Responsable")).to_be_visible()
    laptop.close()


def test_volunteers_are_drawn_into_teams_and_confirm_on_their_phones(browser, atelier):
    server, workshop = atelier
    laptop, console, projector = console_and_projector(browser, server, workshop)
    phones = [join(browser, workshop["join_url"], name) for name in ("Ana", "Ben", "Chloé")]
    console.get_by_role("button", name="Tirage au sort", exact=True).click()  # the draw's own view
    console.get_by_role("button", name="Appeler des volontaires").click()
    for phone in phones:
        phone.get_by_role("button", name="Je me porte volontaire").click()
    expect(projector.locator("#draw")).to_contain_text("3 volontaire(s)")
    console.get_by_label("Personnes par équipe").fill("2")
    console.get_by_role("button", name="Tirer au sort").click()
    expect(projector.locator("#draw .teams li")).to_have_count(1)
    expect(console.get_by_text("1 volontaire(s) en réserve")).to_be_visible()
    for phone in phones:
        expect(phone.locator("#draw-text")).to_have_text(re.compile("^Vous êtes (dans l'équipe 1|en réserve)"))
    in_team = [p for p in phones if p.locator("#draw-text").text_content().startswith("Vous êtes dans")]
    assert len(in_team) == 2
    in_team[0].get_by_role("button", name="Je confirme").click()
    expect(in_team[0].locator("#draw-text")).to_contain_text("Vous avez confirmé")
    in_team[1].get_by_role("button", name="Je laisse ma place").click()
    reserve = next(p for p in phones if p not in in_team)
    expect(in_team[1].locator("#draw-card")).to_be_hidden()
    expect(reserve.locator("#draw-text")).to_contain_text("Vous êtes dans l'équipe 1")
    expect(console.locator(".teams")).to_contain_text("✓")
    laptop.close()


def test_notes_written_while_the_server_is_down_wait_on_the_phone_and_arrive_once(browser, live_server, tmp_path):
    server = live_server()
    workshop = requests.post(f"{server.url}/api/workshops", json={"template": "mutualisation"}, timeout=10).json()
    phone = join(browser, workshop["join_url"], "Dora")
    phone.get_by_label("Votre note").fill("avant la coupure")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text(["avant la coupure"])
    expect(phone.locator("#my-notes .pending")).to_have_count(0)  # acknowledged

    server.kill()  # the Wi-Fi drops, or the laptop's server dies
    expect(phone.locator("#status")).to_contain_text("Hors ligne")
    phone.get_by_label("Votre note").fill("pendant la coupure")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .pending")).to_contain_text("En attente d'envoi")
    # The link comes back: the outbox goes out by itself.
    server = live_server(data_dir=tmp_path, port=server.port)
    expect(phone.locator("#status")).to_have_text("En ligne", timeout=15000)
    expect(phone.locator("#my-notes .pending")).to_have_count(0)

    server.kill()
    phone.get_by_label("Votre note").fill("écrite puis page fermée")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .pending")).to_have_count(1)
    context = phone.context
    phone.close()  # the page goes away; the outbox stays in localStorage
    server = live_server(data_dir=tmp_path, port=server.port)
    phone = context.new_page()
    phone.goto(workshop["join_url"])
    expect(phone.locator("#my-notes .pending")).to_have_count(0, timeout=15000)
    expected = ["avant la coupure", "pendant la coupure", "écrite puis page fermée"]
    expect(phone.locator("#my-notes .note-text")).to_have_text(expected)
    assert sorted(n["text"] for n in fetch_state(server, workshop)["notes"]) == sorted(expected)
    phone.context.close()


def test_grouping_on_the_console_and_voting_from_two_phones(browser, atelier):
    server, workshop = atelier
    laptop = browser.new_context(viewport={"width": 1366, "height": 1400})  # drag source and target in view
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur")
    console.get_by_role("button", name="3. Fondamentaux du contexte").click()
    ana, ben = join(browser, workshop["join_url"], "Ana"), join(browser, workshop["join_url"], "Ben")
    for phone, texts in (
        (ana, ["Communauté de pratiques", "Solidarité"]),
        (ben, ["communauté de pratique!", "Humain au cœur"]),
    ):
        for text in texts:
            phone.get_by_label("Votre note").fill(text)
            phone.get_by_role("button", name="Envoyer la note").click()
        expect(phone.locator("#my-notes .note")).to_have_count(2)
        expect(phone.locator("#my-notes .pending")).to_have_count(0)
    expect(console.locator("#note-count")).to_have_text("4")

    console.get_by_role("button", name="Regroupement", exact=True).click()
    console.get_by_role("button", name="Proposer des regroupements").click()
    # The first suggestion loads scikit-learn on the server: allow for a cold start.
    expect(console.locator(".suggestions")).to_contain_text("(2)", timeout=30000)
    console.get_by_role("button", name="Tout accepter").click()
    communaute = console.get_by_role("region", name=re.compile("^Regroupement [Cc]ommunauté"))
    expect(communaute.locator("h4")).to_contain_text("(2)")

    # Without a mouse: tick two notes, group them, rename the group.
    console.get_by_label("Sélectionner « Solidarité »").check()
    console.get_by_label("Sélectionner « Humain au cœur »").check()
    console.get_by_role("button", name="Regrouper la sélection (2)").click()
    console.once("dialog", lambda dialog: dialog.accept("Valeurs"))
    solidarite = console.get_by_role("region", name="Regroupement Solidarité")
    solidarite.get_by_label("Actions pour « Solidarité »").click()  # the cluster's compact menu
    solidarite.get_by_role("button", name="Renommer").click()
    valeurs = console.get_by_role("region", name="Regroupement Valeurs")
    expect(valeurs.locator("h4")).to_have_text("Valeurs (2)")
    expect(projector.locator(".wall .cluster h3")).to_have_text([re.compile("ommunauté.*\\(2\\)"), "Valeurs (2)"])

    # With the mouse: drag a note into another group, then undo.
    drag(console, valeurs.locator(".note", has_text="Solidarité"), communaute)
    expect(communaute.locator("h4")).to_contain_text("(3)")
    console.get_by_role("button", name="Annuler", exact=True).click()
    expect(valeurs.locator("h4")).to_have_text("Valeurs (2)")

    console.get_by_role("button", name="Vote", exact=True).click()
    for phone, targets in ((ana, ["Valeurs"]), (ben, ["Valeurs", "ommunauté"])):
        expect(phone.locator("#dots-left")).to_have_text("Points restants : 5 sur 5")
        for target in targets:
            phone.get_by_role("button", name=re.compile(f"^Ajouter un point à « .*{target}")).click()
        expect(phone.locator("#dots-left")).to_have_text(f"Points restants : {5 - len(targets)} sur 5")
    one_dot = ana.get_by_role("button", name=re.compile("^Ajouter un point à « Valeurs"))
    expect(one_dot).to_be_disabled()  # one dot per item unless the facilitator allows more
    expect(console.locator(".writers")).to_contain_text("Ben — 2 note(s) · 2/5 point(s)")
    expect(projector.locator(".ranking")).to_have_count(0)  # secret until the vote closes

    console.get_by_role("button", name="Clos", exact=True).click()
    expect(projector.locator(".ranking li").first).to_contain_text("Valeurs (2)")
    expect(projector.locator(".ranking li").first).to_contain_text("2 points")
    expect(ana.locator("#results .ranking li").first).to_contain_text("Valeurs")
    expect(console.locator(".retained li")).to_have_text(["Valeurs", re.compile("ommunauté")])
    laptop.close()


def test_participants_group_from_their_phones_when_allowed(browser, atelier):
    server, workshop = atelier
    facilitator = facilitator_socket(server, workshop)
    bloc = fetch_state(server, workshop)["blocs"][0]  # the brainstorm bloc, current from the start
    phone = join(browser, workshop["join_url"], "Eve")
    for text in ("Solidarité", "Entraide"):
        phone.get_by_label("Votre note").fill(text)
        phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note")).to_have_count(2)
    assert facilitator.call("bloc:update", {"bloc": bloc["id"], "participants_group": True, "private_writing": False})[
        "ok"
    ]
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})["ok"]
    phone.get_by_label("Regroupement de « Solidarité »").select_option("new")
    expect(phone.get_by_label("Regroupement de « Entraide »").locator("option")).to_have_count(3)
    phone.get_by_label("Regroupement de « Entraide »").select_option(label="Solidarité")
    expect(phone.locator("#group-notes .cluster strong")).to_have_text(["Solidarité (2)"])
    notes = fetch_state(server, workshop)["notes"]
    assert len({n["cluster"] for n in notes}) == 1 and notes[0]["cluster"] is not None
    facilitator.disconnect()
    phone.context.close()


def test_synthesis_from_a_dragged_cluster_then_the_word_download(browser, atelier):

    import docx

    server, workshop = atelier
    facilitator = facilitator_socket(server, workshop)
    bloc = next(b for b in fetch_state(server, workshop)["blocs"] if not b["private_writing"])
    facilitator.call("bloc:goto", {"bloc": bloc["id"]})
    ids = [
        facilitator.call("note:add", {"bloc": bloc["id"], "text": t})["note"]["id"] for t in ("Solidarité", "Entraide")
    ]
    assert facilitator.call("cluster:group", {"bloc": bloc["id"], "clusters": [{"label": "Solidarité", "notes": ids}]})[
        "ok"
    ]
    facilitator.disconnect()

    page = browser.new_page(viewport={"width": 1366, "height": 2000})  # board and volets both in view
    page.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    page.get_by_role("button", name="Synthèse", exact=True).click()  # the synthesis has its own view
    volet = page.get_by_role("region", name="Volet Communications")
    drag(page, page.locator(".chip", has_text="Solidarité"), volet)
    expect(volet.get_by_label("Action", exact=True)).to_have_value("Solidarité")
    soutien = volet.get_by_label("Soutien de « Solidarité »")
    soutien.fill("Comité des membres")
    soutien.press("Tab")
    impacts = page.get_by_role("region", name="Volet Impacts")
    impacts.get_by_label("Nouvelle action du volet « Impacts »").fill("Mesurer les retombées")
    impacts.get_by_role("button", name="Ajouter").click()
    expect(impacts.get_by_label("Action", exact=True)).to_have_value("Mesurer les retombées")
    expect(impacts.get_by_label("Nouvelle action du volet « Impacts »")).to_have_value("")
    # Without a mouse: the cluster's menu on the board sends it to a volet.
    page.get_by_role("button", name="Tableau", exact=True).click()
    cluster = page.get_by_role("region", name="Regroupement Solidarité")
    cluster.get_by_label("Actions pour « Solidarité »").click()
    cluster.get_by_role("button", name="→ Synthèse : Reconnaissance").click()
    # Or tick notes and send the selection.
    page.get_by_label("Sélectionner « Entraide »").check()
    page.get_by_text("Sélection…").click()
    page.get_by_role("button", name="→ Synthèse : Membres").click()
    page.get_by_role("button", name="Synthèse", exact=True).click()
    reconnaissance = page.get_by_role("region", name="Volet Reconnaissance")
    expect(reconnaissance.get_by_label("Action", exact=True)).to_have_value("Solidarité")
    expect(page.get_by_role("region", name="Volet Membres").get_by_label("Action", exact=True)).to_have_value(
        "Entraide"
    )

    page.get_by_text("Télécharger").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Word").click()
    document = docx.Document(download.value.path())
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Solidarité" in cells and "Comité des membres" in cells and "Mesurer les retombées" in cells
    page.close()


def test_a_vote_made_while_the_server_is_down_waits_and_counts_once(browser, live_server, tmp_path):
    import sqlite3

    server = live_server()
    workshop = requests.post(f"{server.url}/api/workshops", json={"template": "mutualisation"}, timeout=10).json()
    facilitator = facilitator_socket(server, workshop)
    bloc = next(b for b in fetch_state(server, workshop)["blocs"] if not b["private_writing"])
    facilitator.call("bloc:goto", {"bloc": bloc["id"]})
    column = bloc["columns"][0]["id"] if bloc["columns"] else None
    assert facilitator.call("note:add", {"bloc": bloc["id"], "text": "Billetterie commune", "column": column})["ok"]
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "vote"})["ok"]
    facilitator.disconnect()
    phone = join(browser, workshop["join_url"], "Fanny")
    expect(phone.locator("#dots-left")).to_have_text("Points restants : 5 sur 5")

    server.kill()
    expect(phone.locator("#status")).to_contain_text("Hors ligne")
    phone.get_by_role("button", name="Ajouter un point à « Billetterie commune »").click()
    expect(phone.locator(".vote-item")).to_contain_text("Vote en attente d'envoi")
    expect(phone.locator("#dots-left")).to_have_text("Points restants : 4 sur 5")

    live_server(data_dir=tmp_path, port=server.port)
    expect(phone.locator("#status")).to_have_text("En ligne", timeout=15000)
    expect(phone.locator(".vote-item")).not_to_contain_text("en attente")
    with sqlite3.connect(tmp_path / "facilitate.sqlite3") as db:
        assert db.execute("SELECT sum(dots) FROM vote").fetchone()[0] == 1
    phone.context.close()
