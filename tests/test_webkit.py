"""Half the phones in a room are iPhones: the participant's whole path (join,
write, vote, results) in WebKit, Safari's engine, through Debian's
WebKitGTK WebDriver (webkit2gtk-driver) and Selenium, on an Xvfb display
this test starts itself (`-displayfd`: the X server picks a free display)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import requests
import socketio
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

WAIT = 60  # seconds: a loaded machine, a cold WebKit


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: apt-get install xvfb"
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    number = b""
    with os.fdopen(read_end, "rb") as chosen:  # Xvfb writes the display's number once it is ready
        while not number.endswith(b"\n"):
            chunk = chosen.read(1)
            assert chunk, "Xvfb stopped before opening a display"
            number += chunk
    yield f":{number.decode().strip()}"
    server.terminate()
    server.wait(10)


@pytest.fixture
def safari(display: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.WebKitGTK]:
    driver_path = shutil.which("WebKitWebDriver")
    browsers = glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser")
    assert driver_path and browsers, "WebKitWebDriver is missing: apt-get install webkit2gtk-driver"
    monkeypatch.setenv("DISPLAY", display)
    options = Options()
    options.binary_location = browsers[0]
    options.add_argument("--automation")
    driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=driver_path))
    driver.set_window_size(360, 740)
    yield driver
    driver.quit()


def test_participant_joins_writes_votes_and_reads_the_results_in_webkit(safari, live_server):
    server = live_server()
    workshop = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs"}, timeout=10
    ).json()
    key = workshop["facilitator_key"]
    blocs = requests.get(
        f"{server.url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": key}, timeout=10
    ).json()["blocs"]
    bloc = blocs[0]
    facilitator = socketio.Client(reconnection=False)
    facilitator.connect(server.url, auth={"code": workshop["code"], "facilitator_key": key}, transports=["websocket"])
    assert facilitator.call("bloc:goto", {"bloc": bloc["id"]})["ok"]
    wait = WebDriverWait(safari, WAIT)

    # Join, in French whatever the engine's own language (the interface's language cookie).
    safari.get(workshop["join_url"])
    safari.add_cookie({"name": "langue", "value": "fr", "path": "/"})
    safari.get(workshop["join_url"])
    agent = safari.execute_script("return navigator.userAgent")
    assert "AppleWebKit" in agent and "Chrome" not in agent  # WebKit itself, not a Chromium
    wait.until(seen.visibility_of_element_located((By.ID, "name"))).send_keys("Maëlle")
    safari.find_element(By.CSS_SELECTOR, "#join button[type=submit]").click()
    wait.until(seen.text_to_be_present_in_element((By.ID, "bloc-title"), bloc["title"]))

    # Write: the note reaches the server.
    text = "Une vraie écoute des régions"
    wait.until(seen.visibility_of_element_located((By.ID, "note-text"))).send_keys(text)
    wait.until(seen.element_to_be_clickable((By.ID, "send"))).click()
    wait.until(seen.text_to_be_present_in_element((By.ID, "my-count"), "1"))

    def notes() -> list[str]:
        return [
            n["text"]
            for n in requests.get(
                f"{server.url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": key}, timeout=10
            ).json()["notes"]
        ]

    # Vote: one dot on the note (the vote shows every text; private writing hid them until now).
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "vote"})["ok"]
    WebDriverWait(None, WAIT, poll_frequency=0.2).until(lambda _: notes() == [text])  # the note reached the server
    plus = wait.until(
        seen.element_to_be_clickable((By.CSS_SELECTOR, f'button[aria-label="Ajouter un point à « {text} »"]'))
    )
    plus.click()
    wait.until(
        seen.text_to_be_present_in_element((By.ID, "dots-left"), f"Points restants : {bloc['vote_budget'] - 1} sur")
    )

    # Results: the closed bloc on the phone, then, once every bloc is closed and the results
    # published, the atelier's results page at the join address.
    assert facilitator.call("bloc:phase", {"bloc": bloc["id"], "phase": "clos"})["ok"]
    wait.until(seen.text_to_be_present_in_element((By.ID, "results-card"), text))
    for other in blocs[1:]:
        assert facilitator.call("bloc:phase", {"bloc": other["id"], "phase": "clos"})["ok"]
    assert facilitator.call("workshop:results", {"public": True})["ok"]
    facilitator.disconnect()
    safari.get(workshop["join_url"])
    wait.until(seen.visibility_of_element_located((By.CSS_SELECTOR, "ol.ranking")))
    page = safari.find_element(By.TAG_NAME, "main").text
    assert text in page and "1 point" in page
    assert "Maëlle" not in page
