"""A bidi override (U+202E) typed in a name, a note or a title stays inside
what that person typed, on every screen (real Chromium, real server)."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

RLO = "\u202e"

# Every text node holding a bidi control must sit in an isolating element.
SCAN = """() => {
  const found = [], leaks = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\\u202a-\\u202e\\u2066-\\u2069]/.test(node.data)) continue;
    found.push(node.data);
    const bidi = getComputedStyle(node.parentElement).unicodeBidi;
    if (!["isolate", "isolate-override", "plaintext"].includes(bidi)) leaks.push(node.parentElement.outerHTML);
  }
  return {found, leaks};
}"""


def isolated(page, at_least: int) -> None:
    result = page.evaluate(SCAN)
    assert len(result["found"]) >= at_least, result
    assert result["leaks"] == [], result["leaks"]


def test_bidi_overrides_are_isolated_on_phone_console_and_projector(browser, live_server):
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops",
        json={"template": "raviver-nos-couleurs", "title": f"Atelier {RLO}esrever"},
        timeout=10,
    ).json()
    laptop = browser.new_context(viewport={"width": 1366, "height": 768})
    console = laptop.new_page()
    console.goto(f"{server.url}/w/{workshop['id']}/console#key={workshop['facilitator_key']}")
    console.get_by_role("button", name="2. Les couleurs fondamentales").click()
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{workshop['id']}/projecteur")

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.goto(workshop["join_url"])
    phone.get_by_label("Votre prénom (facultatif)").fill(f"{RLO}Zoé")
    phone.get_by_role("button", name="Participer").click()
    phone.get_by_text("À protéger, à préserver, et qui nous distingue").click()
    phone.get_by_label("Votre note").fill(f"{RLO}abc def")
    phone.get_by_role("button", name="Envoyer la note").click()
    expect(phone.locator("#my-notes .note-text")).to_have_text([f"{RLO}abc def"])
    expect(console.locator(".note-author")).to_have_text([f"{RLO}Zoé"])
    expect(projector.locator(".wall .note")).to_have_text([f"{RLO}abc def"])

    isolated(phone, 3)  # title, name, note
    isolated(console, 4)  # title, note, author, the writers list
    isolated(projector, 1)
