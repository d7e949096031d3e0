"""The console in a real Chromium: suggestions that build on the
facilitator's groups, accepted in part then undone, and a late note offered
to its group."""

from __future__ import annotations

from helpers import facilitator_socket, fetch_state, join, notes_in_two_groups
from playwright.sync_api import expect

NOTES = [
    "Billetterie commune",
    "Trop de paperasse",
    "billetterie partagée entre diffuseurs",
    "Paperasse des subventions trop lourde",
    "Passion",
    "Camion pour les tournées",
    "Camion partagé pour les tournées",
]


def test_accept_some_suggestions_then_undo_then_place_a_late_note(browser, atelier):
    server, workshop = atelier
    staff = facilitator_socket(server, workshop)
    bloc = next(
        b for b in fetch_state(server, workshop)["blocs"] if b["kind"] == "columns" and not b["private_writing"]
    )
    column = bloc["columns"][0]["id"]
    assert staff.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    ids = notes_in_two_groups(staff, bloc, column, NOTES)
    assert staff.call("bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})["ok"]
    staff.disconnect()

    console = browser.new_page(viewport={"width": 1366, "height": 2000})
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    billetterie = console.get_by_role("region", name="Regroupement Billetterie")
    administration = console.get_by_role("region", name="Regroupement Administration")
    expect(billetterie.locator("h4")).to_have_text("Billetterie (1)")

    console.get_by_role("button", name="Proposer des regroupements").click()
    panel = console.locator(".suggestions")
    # The first suggestion loads scikit-learn on the server: allow for a cold start.
    expect(panel.locator("h3")).to_have_text("Regroupements proposés (3)", timeout=60000)
    expect(panel.locator(".placements li")).to_have_text(
        [
            "« billetterie partagée entre diffuseurs » → Billetterie mots communs : billetterie",
            "« Paperasse des subventions trop lourde » → Administration mots communs : paperasse",
        ]
    )
    expect(panel).to_contain_text("Camion pour les tournées (2)")
    expect(panel).not_to_contain_text("Passion")  # unsure: left alone

    console.get_by_label("Placer « Paperasse des subventions trop lourde » dans « Administration »").uncheck()
    console.get_by_role("button", name="Accepter les suggestions cochées (2)").click()
    expect(billetterie.locator("h4")).to_have_text("Billetterie (2)")
    expect(administration.locator("h4")).to_have_text("Administration (1)")  # not accepted: unchanged
    camions = console.get_by_role("region", name="Regroupement Camion pour les tournées")
    expect(camions.locator("h4")).to_have_text("Camion pour les tournées (2)")
    expect(panel).to_have_count(0)

    console.get_by_role("button", name="Annuler", exact=True).click()  # one step undoes the whole acceptance
    expect(billetterie.locator("h4")).to_have_text("Billetterie (1)")
    expect(camions).to_have_count(0)
    state = fetch_state(server, workshop)
    assert {n["id"]: n["cluster"] for n in state["notes"]}[ids[2]] is None
    assert sorted(c["label"] for c in state["clusters"]) == ["Administration", "Billetterie"]

    # A phone drops a note late, during regroupement: the console offers it to the group it resembles.
    phone = join(browser, workshop["join_url"], "Alice")
    expect(phone.locator("#bloc-phase")).to_have_text("Phase : Regroupement")
    phone.get_by_label(bloc["columns"][0]["label"]).check()
    phone.get_by_label("Votre note").fill("Une billetterie régionale")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text(["Une billetterie régionale"])
    expect(phone.locator("#my-notes .pending")).to_have_count(0)
    offers = console.locator(".offers")
    expect(offers.locator("h3")).to_have_text("Notes arrivées en retard (1)", timeout=30000)
    expect(offers).to_contain_text("« Une billetterie régionale » ressemble à Billetterie mots communs : billetterie")
    offers.get_by_role("button", name="Placer dans « Billetterie »").click()
    expect(billetterie.locator("h4")).to_have_text("Billetterie (2)")
    expect(offers).to_have_count(0)
    phone.context.close()
    console.close()
