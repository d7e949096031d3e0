"""Pictures for the README and the facilitator's guide, made from the real
thing so that they stay true: `make screenshots` (or
`python docs/screenshots.py [OUT_DIR]`, default docs/images).

It runs `facilitate demo` (seed 001, grouped, voted, synthesised) and a
fresh atelier with notes arriving from phones, serves them on a free port,
and photographs with Playwright (Debian's Chromium): a phone (360x740), the
console (1440x900), the projector (1920x1080), the console's synthesis, and
the first page of the Word export (LibreOffice -> PDF -> pdftoppm PNG)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTES = [
    "Mutualiser la billetterie entre diffuseurs",
    "Un camion partagé pour les tournées",
    "Moins de paperasse pour les subventions",
    "Former la relève bénévole",
    "Des résidences d'artistes en région",
    "Parler d'une seule voix aux élus",
]


IMAGES = (
    "accueil", "console", "projecteur", "telephone", "telephone-vote", "console-resultats",
    "projecteur-resultats", "console-synthese", "console-tirage", "telephone-resultats", "word",
)  # fmt: skip


class Shots:
    """One browser, pages at the sizes of the room's screens."""

    def __init__(self, browser, url: str, out: Path) -> None:
        self.browser, self.url, self.out = browser, url, out

    def laptop(self, name: str, path: str, ready: str, view: str | None = None) -> None:
        page = self.browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-CA")
        page.goto(self.url + path)
        if view:
            page.get_by_role("button", name=view, exact=True).click()
        page.locator(ready).first.wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=self.out / f"{name}.png")

    def projector(self, name: str, workshop: dict, ready: str) -> None:
        page = self.browser.new_page(viewport={"width": 1920, "height": 1080}, locale="fr-CA")
        page.goto(f"{self.url}/w/{workshop['id']}/projecteur#key={workshop['facilitator_key']}")
        page.locator(ready).first.wait_for()
        page.wait_for_timeout(800)  # the newest cards' arrival animation
        page.screenshot(path=self.out / f"{name}.png")

    def phone(self, address: str, name: str | None = None):
        page = self.browser.new_page(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="fr-CA"
        )
        page.goto(address)
        if name:
            page.get_by_label("Votre prénom (facultatif)").fill(name)
            page.get_by_role("button", name="Participer").click()
            page.locator("#board").wait_for()
        else:
            page.locator("main").first.wait_for()
        return page

    def voting_phone(self, workshop: dict):
        """A phone during the vote of the live atelier's bloc, one point placed."""
        staff = socketio.Client()
        staff.connect(self.url, auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
        state = requests.get(
            f"{self.url}/api/workshops/{workshop['id']}",
            headers={"X-Facilitator-Key": workshop["facilitator_key"]},
            timeout=10,
        ).json()
        staff.call("bloc:phase", {"bloc": state["workshop"]["current_bloc"], "phase": "vote"})
        staff.disconnect()
        page = self.phone(workshop["join_url"], "Emma")
        page.locator("#vote-items button[aria-label^='Ajouter un point']").first.click()
        page.wait_for_timeout(300)
        return page


def publish_results(url: str, workshop: dict) -> None:
    """The demo atelier is closed: its results go to its join address, and its
    screens show a bloc that was voted on."""
    state = requests.get(
        f"{url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": workshop["facilitator_key"]}, timeout=10
    ).json()
    voted = next(int(b) for b, r in state.get("results", {}).items() if any(i["dots"] for i in r["ranking"]))
    staff = socketio.Client()
    staff.connect(url, auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    staff.call("workshop:results", {"public": True})
    staff.call("bloc:goto", {"bloc": voted})
    staff.disconnect()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "facilitate", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([*command, "--data", str(data)], cwd=ROOT, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/templates", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("le serveur n'a pas démarré")


def live_atelier(url: str) -> dict:
    """A fresh atelier on its second bloc, with notes from three phones, in regroupement."""
    workshop = requests.post(f"{url}/api/workshops", json={"template": "raviver-nos-couleurs"}, timeout=10).json()
    staff = socketio.Client()
    staff.connect(url, auth={"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    state = requests.get(
        f"{url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": workshop["facilitator_key"]}, timeout=10
    ).json()
    bloc = next(b for b in state["blocs"] if b["kind"] == "columns" and not b["private_writing"])
    staff.call("bloc:goto", {"bloc": bloc["id"]})
    phones = [socketio.Client() for _ in range(3)]
    for i, phone in enumerate(phones):
        phone.connect(url, auth={"code": workshop["code"], "name": ["Ana", "Béa", "Cyr"][i]})
    for i, text in enumerate(NOTES):
        column = bloc["columns"][i % len(bloc["columns"])]["id"]
        phones[i % 3].call("note:add", {"bloc": bloc["id"], "text": text, "column": column})
    staff.call("bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})
    for client in (staff, *phones):
        client.disconnect()
    return workshop


def word_page(url: str, workshop: dict, out: Path, work: Path) -> None:
    docx = requests.get(
        f"{url}/api/workshops/{workshop['id']}/export.docx",
        headers={"X-Facilitator-Key": workshop["facilitator_key"]},
        timeout=60,
    )
    (work / "synthese.docx").write_bytes(docx.content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(work / "synthese.docx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(work / "synthese.pdf"),
         str(out / "word")],
        check=True,
        timeout=60,
    )  # fmt: skip


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data, port = work / "data", free_port()
        printed = subprocess.run(
            [sys.executable, "-m", "facilitate", "demo", "--data", str(data), "--port", str(port)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout  # its id, then "Console : <address>#key=KEY"
        demo_id, demo_key = printed.split()[0], printed.split("#key=")[1].strip()
        server = serve(data, port)
        url = f"http://127.0.0.1:{port}"
        try:
            demo_code = next(w["code"] for w in requests.get(f"{url}/api/workshops", timeout=10).json())
            demo = {"id": demo_id, "code": demo_code, "facilitator_key": demo_key}
            live = live_atelier(url)
            publish_results(url, demo)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                shots = Shots(browser, url, out)
                shots.laptop("accueil", "/", ready="#create-form")
                shots.laptop("console", f"/w/{live['id']}/console#key={live['facilitator_key']}", ready=".note")
                shots.projector("projecteur", live, ready=".wall .note")
                phone = shots.phone(live["join_url"], "Dominique")
                phone.screenshot(path=out / "telephone.png")
                demo_console = f"/w/{demo_id}/console#key={demo_key}"
                shots.laptop("console-resultats", demo_console, ready=".ranking")
                shots.projector("projecteur-resultats", demo, ready=".ranking")
                shots.laptop("console-synthese", demo_console, ready="#synthesis, .synthesis", view="Synthèse")
                shots.laptop("console-tirage", demo_console, ready="#draw", view="Tirage au sort")
                results = shots.phone(f"{url}/j/{demo_code}")
                results.screenshot(path=out / "telephone-resultats.png")
                vote = shots.voting_phone(live)
                vote.screenshot(path=out / "telephone-vote.png")
                browser.close()
            word_page(url, demo, out, work)
        finally:
            server.terminate()
            server.wait(10)
    for name in IMAGES:
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
