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
            demo = {"id": demo_id, "facilitator_key": demo_key}
            live = live_atelier(url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                console = browser.new_page(viewport={"width": 1440, "height": 900})
                console.goto(f"{url}/w/{live['id']}/console#key={live['facilitator_key']}")
                console.locator(".note").first.wait_for()
                console.screenshot(path=out / "console.png")
                projector = browser.new_page(viewport={"width": 1920, "height": 1080})
                projector.goto(f"{url}/w/{live['id']}/projecteur#key={live['facilitator_key']}")
                projector.locator(".wall .note").first.wait_for()
                projector.wait_for_timeout(800)  # the newest cards' arrival animation
                projector.screenshot(path=out / "projecteur.png")
                phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
                phone.goto(live["join_url"])
                phone.get_by_label("Votre prénom (facultatif)").fill("Dominique")
                phone.get_by_role("button", name="Participer").click()
                phone.locator("#board").wait_for()
                phone.screenshot(path=out / "telephone.png")
                synthesis = browser.new_page(viewport={"width": 1440, "height": 900})
                synthesis.goto(f"{url}/w/{demo_id}/console#key={demo['facilitator_key']}")
                synthesis.get_by_role("button", name="Synthèse").click()
                synthesis.locator("#synthesis, .synthesis").first.wait_for()
                synthesis.screenshot(path=out / "synthese.png")
                browser.close()
            word_page(url, demo, out, work)
        finally:
            server.terminate()
            server.wait(10)
    for name in ("telephone", "console", "projecteur", "synthese", "word"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
