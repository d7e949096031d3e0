"""Issue 13: participants can get the results. When the facilitator chooses,
the atelier's join address shows a read-only page of the synthesis and the
ranking once every bloc is closed (real server, real clients, Chromium)."""

from __future__ import annotations

import requests
from helpers import PHONE, Screen, check_screens, fetch_state
from playwright.sync_api import expect


def test_the_join_address_shows_the_results_only_when_published_and_closed(browser, live_server):
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs", "identity": "pseudonym"}, timeout=10
    ).json()
    staff = Screen(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    zoe = Screen(server.url, {"code": workshop["code"], "name": "Zoé Secrète"})
    try:
        blocs = fetch_state(server, workshop)["blocs"]
        first = blocs[0]
        note = zoe.call("note:add", {"bloc": first["id"], "text": "Mutualiser les achats"})["note"]
        assert staff.call("bloc:phase", {"bloc": first["id"], "phase": "vote"})["ok"]
        assert zoe.call("vote", {"bloc": first["id"], "item": f"n{note['id']}", "dots": 1})["ok"]
        assert staff.call("volet:add", {"title": "Agir ensemble"})["ok"]
        volet = fetch_state(server, workshop)["synthesis"][-1]
        assert staff.call("action:add", {"volet": volet["id"], "text": "Un groupe d'achat", "soutien": "RQDS"})["ok"]
        for bloc in blocs:
            assert staff.call("bloc:phase", {"bloc": bloc["id"], "phase": "clos"})["ok"]
        join = workshop["join_url"]
        assert "Votre pseudonyme" in requests.get(join, timeout=10).text  # closed, but not published

        assert staff.call("workshop:results", {"public": True})["ok"]
        page = browser.new_context(**PHONE).new_page()
        page.goto(join)
        expect(page.locator("h1")).to_have_text(workshop["title"])
        expect(page.locator(".ranking")).to_contain_text("Mutualiser les achats — 1 point(s)")
        expect(page.locator("body")).to_contain_text("Un groupe d'achat — Soutien : RQDS")
        expect(page.locator("body")).not_to_contain_text("Zoé")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        check_screens({"telephone": page}, "resultats", "public-results")

        # Reopening a bloc (or unpublishing) brings the join page back.
        assert staff.call("bloc:phase", {"bloc": first["id"], "phase": "vote"})["ok"]
        assert "Votre pseudonyme" in requests.get(join, timeout=10).text
        assert staff.call("bloc:phase", {"bloc": first["id"], "phase": "clos"})["ok"]
        assert "Mutualiser les achats" in requests.get(join, timeout=10).text
        assert staff.call("workshop:results", {"public": False})["ok"]
        assert "Votre pseudonyme" in requests.get(join, timeout=10).text
        refused = zoe.call("workshop:results", {"public": True})
        assert refused["error"]["code"] == "forbidden"
        page.context.close()
    finally:
        staff.close()
        zoe.close()


def test_the_console_publishes_and_withdraws_the_results(browser, atelier):
    server, workshop = atelier
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    console.get_by_text("Atelier…").click()
    console.get_by_role(
        "button", name="Publier les résultats à l'adresse de l'atelier (une fois tous les blocs clos)"
    ).click()
    expect(console.get_by_role("button", name="Retirer les résultats publiés")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert fetch_state(server, workshop)["workshop"]["results_public"] is True
    console.get_by_role("button", name="Retirer les résultats publiés").click()
    expect(console.locator("#publish-results")).to_have_attribute("aria-pressed", "false")
    assert fetch_state(server, workshop)["workshop"]["results_public"] is False
    console.context.close()
