"""English beside French: every extracted string has its English translation,
the language follows the browser then the switch's cookie, and server
messages (HTTP and Socket.IO) come in the asker's language."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import docx
import requests
import socketio
from babel.messages.pofile import read_po
from helpers import PHONE
from playwright.sync_api import expect

from facilitate import i18n

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = Path(sys.executable).with_name("pybabel")
ENGLISH = {"Accept-Language": "en-CA,en;q=0.9"}


def extracted(tmp_path: Path) -> set[str]:
    """The message ids `make i18n` finds in Python, templates and JavaScript (its keywords)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(PYBABEL),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "t",
            "-k",
            "N_",
            "-k",
            "translate:2",
            "-k",
            "tr",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as source:
        return {m.id for m in read_po(source) if m.id}


def test_every_extracted_string_is_translated_in_english(tmp_path):
    with i18n.po_path("en").open("rb") as source:
        catalog = {m.id: m for m in read_po(source, locale="en") if m.id}
    missing = sorted(msgid for msgid in extracted(tmp_path) if msgid not in catalog)
    untranslated = sorted(m.id for m in catalog.values() if not m.string or m.fuzzy)
    assert not missing, "run `make i18n`, then translate in messages.po: " + " | ".join(missing)
    assert not untranslated, "translate in facilitate/translations/en/LC_MESSAGES/messages.po: " + " | ".join(
        untranslated
    )
    placeholders = re.compile(r"\{\w+\}")
    for message in catalog.values():
        assert set(placeholders.findall(message.id)) == set(placeholders.findall(message.string)), message.id


def test_the_javascript_extractor_finds_t_and_n_calls_but_not_comments(tmp_path):
    source = tmp_path / "x.js"
    source.write_text(
        '// t("Dans un commentaire")\nconst a = t("Bonjour « {name} »", { name });\n'
        'const L = [N_("Écriture")];\nhtml`<b>${t("Dans \\"htm\\"")}</b>`;\n',
        encoding="utf-8",
    )
    with source.open("rb") as js:
        found = [(line, message) for line, _f, message, _c in i18n.extract_js(js, (), (), {})]
    assert found == [(2, "Bonjour « {name} »"), (3, "Écriture"), (4, 'Dans "htm"')]


def test_pages_follow_the_browser_then_the_switch(http):
    french = http.get("/").get_data(as_text=True)
    assert '<html lang="fr-CA">' in french and "Nouvel atelier" in french and 'hreflang="en">English' in french
    english = http.get("/", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="en">' in english and "New workshop" in english and "Nouvel atelier" not in english
    assert 'hreflang="fr">Français' in english

    switched = http.get("/langue/fr?suivant=/j", headers=ENGLISH)
    assert switched.status_code == 303 and switched.headers["Location"] == "/j"
    assert "langue=fr" in switched.headers["Set-Cookie"] and "Max-Age=31536000" in switched.headers["Set-Cookie"]
    # The cookie wins over the browser's English.
    assert "Rejoindre un atelier" in http.get("/j", headers=ENGLISH).get_data(as_text=True)
    http.get("/langue/en?suivant=/")
    assert "Join a workshop" in http.get("/j").get_data(as_text=True)


def test_the_switch_goes_back_only_to_our_own_pages(http):
    for elsewhere in ("https://example.org/", "//example.org/x", "javascript:alert(1)"):
        response = http.get("/langue/en", query_string={"suivant": elsewhere})
        assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in http.get("/langue/klingon?suivant=/").headers


def test_english_pages_carry_the_javascript_catalog(http, workshop):
    page = http.get(f"/w/{workshop['id']}/console", headers=ENGLISH).get_data(as_text=True)
    assert 'id="i18n-catalog"' in page and '"Phase suivante": "Next phase"' in page
    assert "Open the projector" in page and "Ouvrir le projecteur" not in page
    assert 'id="i18n-catalog"' not in http.get(f"/w/{workshop['id']}/console").get_data(as_text=True)


def test_error_pages_and_api_errors_in_english(http):
    page = http.get("/nulle-part", headers=ENGLISH)
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    refused = http.get("/api/workshops/inconnu", headers=ENGLISH).get_json()
    assert refused["error"] == {"code": "unknown_workshop", "message": "Workshop not found."}
    assert http.get("/api/workshops/inconnu").get_json()["error"]["message"] == "Atelier introuvable."


def test_socket_refusals_come_in_the_connections_language(atelier):
    server, workshop = atelier
    answers = {}
    for lang, headers in (("fr", {}), ("en", ENGLISH)):
        client = socketio.Client(reconnection=False)
        client.connect(
            server.url, auth={"code": workshop["code"]}, headers=headers, transports=["websocket"], wait_timeout=10
        )
        state = requests.get(
            f"{server.url}/api/workshops/{workshop['id']}",
            headers={"X-Facilitator-Key": workshop["facilitator_key"]},
            timeout=10,
        ).json()
        answers[lang] = client.call(
            "note:add", {"bloc": state["blocs"][0]["id"], "text": "  ", "client_id": str(uuid.uuid4())}, timeout=10
        )
        client.disconnect()
    assert answers["fr"]["error"]["message"].startswith("La note est vide")
    assert answers["en"]["error"] == {
        "code": answers["fr"]["error"]["code"],
        "message": "The note is empty: write a few words before sending.",
    }


def test_an_atelier_has_a_language_from_the_request_or_chosen(http):
    def create(headers=None, **fields):
        answer = http.post("/api/workshops", json={"template": "raviver-nos-couleurs", **fields}, headers=headers)
        assert answer.status_code == 201, answer.get_json()
        created = answer.get_json()
        state = http.get(f"/api/workshops/{created['id']}", headers={"X-Facilitator-Key": created["facilitator_key"]})
        return state.get_json()["workshop"]["language"]

    assert create() == "fr"
    assert create(ENGLISH) == "en"
    assert create(ENGLISH, language="fr") == "fr"
    assert create(language="en") == "en"
    refused = http.post("/api/workshops", json={"template": "raviver-nos-couleurs", "language": "de"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"


def test_the_home_page_offers_the_atelier_language_preselected(http):
    page = http.get("/", headers=ENGLISH).get_data(as_text=True)
    assert '<option value="en" lang="en" selected>English</option>' in page


def english_demo(http):
    """The demo atelier (seed 001's synthesis, votes, fondamentaux) as an English atelier."""
    from facilitate.demo import demo_archive

    archive = demo_archive()
    archive["workshop"]["language"] = "en"
    created = http.post("/api/workshops/import", json=archive)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_an_english_ateliers_exports_have_english_fixed_words(http):
    demo = english_demo(http)
    key = {"X-Facilitator-Key": demo["facilitator_key"]}
    document = docx.Document(io.BytesIO(http.get(f"/api/workshops/{demo['id']}/export.docx", headers=key).data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0].startswith("Discussion workshop: ")
    assert "Synthesis: 4 main sections" in headings and "Notes in detail" in headings
    assert any(h.startswith("Block 1 – ") for h in headings) and "Vote results" in headings
    assert not [h for h in headings if h.startswith(("Bloc ", "Synthèse", "Détails", "Résultats", "Atelier d"))]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Facilitated by Sonia Racine — Communagir" in text and "May 20, 2016" in text
    header_rows = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["Actions", "Support"] in header_rows and any(row[:2] == ["Rank", "Item"] for row in header_rows)
    assert "".join(r.text for r in document.sections[0].footer.paragraphs[0].runs).startswith("Page 1 of ")
    assert document.core_properties.language == "en-CA"

    markdown = http.get(f"/api/workshops/{demo['id']}/export.md", headers=key).get_data(as_text=True)
    assert "## Notes in detail" in markdown and "| Actions | Support |" in markdown
    assert "Détails des notes" not in markdown and " :" not in markdown.split("\n")[2]

    raw = http.get(f"/api/workshops/{demo['id']}/export.csv", headers=key).data
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Block no.", "Block", "Column or question", "Grouping", "Votes", "Group's votes", "Author",
                      "Time", "Text"]  # fmt: skip

    archive = http.get(f"/api/workshops/{demo['id']}/export.json", headers=key).get_json()
    assert archive["workshop"]["language"] == "en"


def run_cli(*args: str, lang: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "facilitate", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_command_line_speaks_the_locales_language(tmp_path):
    data = str(tmp_path / "data")
    english = run_cli("export", "inconnu", "--data", data, lang="en_CA.UTF-8")
    assert english.returncode == 1 and english.stderr.strip() == "Error: No workshop “inconnu”: see `facilitate list`."
    french = run_cli("export", "inconnu", "--data", data, lang="C.UTF-8")
    assert french.stderr.strip() == "Erreur : Aucun atelier « inconnu » : voyez `facilitate list`."

    listed = run_cli("templates", lang="en_CA.UTF-8")
    assert "raviver-nos-couleurs" in listed.stdout and " blocks)" in listed.stdout and "blocs)" not in listed.stdout
    helped = run_cli("--help", lang="en_US.UTF-8").stdout
    assert "Exports a workshop as Word (docx), Markdown, CSV or JSON." in helped and "Exporte" not in helped


def test_clicks_own_words_follow_the_locale_too():
    french = run_cli("--help", lang="fr_CA.UTF-8").stdout
    assert french.startswith("Utilisation : facilitate") and "Afficher ce message et quitter." in french
    assert "Usage:" not in french and "Show this message" not in french
    unknown = run_cli("nope", lang="fr_CA.UTF-8")
    assert unknown.returncode == 2 and "Erreur : Aucune commande 'nope'." in unknown.stderr
    english = run_cli("--help", lang="en_CA.UTF-8").stdout
    assert english.startswith("Usage: facilitate") and "Show this message and exit." in english


def test_templates_stay_in_their_own_language(tmp_path):
    from facilitate.session_templates import TemplateError, load_templates, parse_template

    bundled = {t.id: t for t in load_templates(ROOT / "session_templates")[0]}
    assert bundled["raviver-nos-couleurs"].language == "fr"
    english = bundled["rekindle-our-colours"]
    assert english.language == "en" and english.summary()["language"] == "en"
    assert [b.kind for b in english.blocs] == [b.kind for b in bundled["raviver-nos-couleurs"].blocs]
    valid = run_cli("templates", "validate", str(ROOT / "session_templates" / "rekindle-our-colours.toml"), lang="C")
    assert valid.returncode == 0, valid.stderr
    try:
        parse_template(
            'title = "x"\nlanguage = "de"\n[[blocs]]\nid="a"\ntitle="a"\nkind="brainstorm"\nprompt="p"', "x", "x"
        )
    except TemplateError as error:
        assert "language" in str(error)
    else:
        raise AssertionError("language = 'de' accepted")


def test_template_checks_speak_english_too(tmp_path):
    broken = tmp_path / "atelier.toml"
    broken.write_text('titre = "T"\n', encoding="utf-8")
    english = run_cli("templates", "validate", str(broken), lang="en_CA.UTF-8")
    assert english.returncode == 1
    assert "unknown key “titre”" in english.stderr and "Fix: replace “titre” with “title”" in english.stderr
    french = run_cli("templates", "validate", str(broken), lang="C.UTF-8")
    assert "clé inconnue « titre »" in french.stderr and "Correctif : remplacez" in french.stderr


def test_an_english_atelier_saved_as_a_template_stays_english(http):
    created = http.post("/api/workshops", json={"template": "rekindle-our-colours", "language": "en"}).get_json()
    key = {"X-Facilitator-Key": created["facilitator_key"]}
    saved = http.post(f"/api/workshops/{created['id']}/template", json={"title": "Rekindle, 2026"}, headers=key)
    assert saved.status_code == 201, saved.get_json()
    assert saved.get_json()["language"] == "en"


def test_the_switch_on_a_phone_changes_the_language_and_keeps_it(browser, atelier):
    server, workshop = atelier
    phone = browser.new_context(**PHONE).new_page()  # the browser asks for French (helpers.launch_chromium)
    phone.goto(f"{server.url}/j/{workshop['code']}")
    expect(phone.get_by_role("button", name="Participer")).to_be_visible()
    phone.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(phone.get_by_role("button", name="Join")).to_be_visible()
    assert phone.url == f"{server.url}/j/{workshop['code']}"
    phone.reload()
    phone.get_by_label("Your first name (optional)").fill("Ana")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#who")).to_have_text("You: Ana")
    expect(phone.locator("#status")).to_have_text("Online")
    phone.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(phone.locator("#who")).to_have_text("Vous : Ana")  # the same participant, back in French
    phone.context.close()
