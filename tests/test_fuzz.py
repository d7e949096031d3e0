"""Hostile events against the real server: a seeded generator sends a few
thousand payloads (every event of the contract, shapes from its declared
payload, then broken: wrong types, null, huge integers, Infinity, lone
surrogates, deep nesting) through real python-socketio clients. Every ack
must be ok or a coded error of docs/api.md, never `internal`; afterwards the
server is up and the atelier still opens, exports and imports."""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest
import requests
import socketio
from helpers import LiveServer

from facilitate import create_app
from facilitate.events import socketio as server_socketio
from facilitate.payloads import EVENTS

API_MD = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
SEED = 20261123
EVENTS_PER_RUN = 3000


def documented_events() -> set[str]:
    section = API_MD.split("### Client events", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([a-z:]+)` \|", section, re.MULTILINE))


def documented_error_codes() -> set[str]:
    section = API_MD.split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \|", section, re.MULTILINE)
    return {code for row in rows for code in re.findall(r"`([a-z_]+)`", row)}


def test_every_event_is_documented_declared_and_registered(tmp_path):
    create_app({"DATA_DIR": tmp_path, "ASYNC_MODE": "threading"})
    registered = set(server_socketio.server.handlers["/"]) - {"connect", "disconnect"}
    assert registered == set(EVENTS), "an event without a declared payload (facilitate/payloads.py EVENTS)"
    assert documented_events() == set(EVENTS), "docs/api.md's client events and payloads.EVENTS differ"


# -- the generator --------------------------------------------------------------------------

HUGE = [2**53 + 1, 2**63, 2**64, -(2**63) - 1, 10**30, float("inf"), float("-inf"), float("nan"), 1e308]
ODD_TEXT = [
    "\ud800",
    "a\udfffb",
    "\x00\x1b[31m",
    "\u202eevil",
    "\u200b\u200b",
    "",
    " ",
    "日本",
    "x" * 600,
    "=1+1",
    "<img src=x onerror=alert(1)>",
    "Ünïcödé\r\nligne",
]
WORDS = [
    "ecriture",
    "devoilement",
    "regroupement",
    "vote",
    "clos",
    "brainstorm",
    "columns",
    "questions",
    "teams",
    "1-2-4",
    "start",
    "pause",
    "extend",
    "reset",
    "c1",
    "c2",
    "n1",
    "n3",
    "c99",
    "Idée",
]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def small_id(self) -> int:
        return self.rng.choice([self.rng.randint(1, 12), self.rng.randint(0, 40), -1])

    def hostile(self, depth: int = 0) -> object:
        r = self.rng.random()
        if r < 0.25:
            return self.rng.choice(HUGE)
        if r < 0.45:
            return self.rng.choice(ODD_TEXT)
        if r < 0.55:
            return None
        if r < 0.65:
            return self.rng.choice([True, False, 0, -5, 3.5, "12", [], {}])
        if r < 0.75 and depth < 3:
            return [self.hostile(depth + 1) for _ in range(self.rng.randint(0, 3))]
        if r < 0.85 and depth < 3:
            return {self.rng.choice(["bloc", "notes", "label", "x", "\ud800"]): self.hostile(depth + 1)}
        if r < 0.9:
            nested: object = 1
            for _ in range(self.rng.choice([50, 200])):
                nested = [nested]
            return nested
        return self.rng.choice(WORDS)

    def plausible(self, name: str) -> object:
        """A value that often means something to the server."""
        rng = self.rng
        if name in ("notes", "clusters") and rng.random() < 0.5:
            return [self.small_id() for _ in range(rng.randint(0, 4))]
        if name == "clusters":
            return [{"label": rng.choice(WORDS), "notes": [self.small_id() for _ in range(rng.randint(1, 3))]}]
        if name == "source":
            return {"clusters": [self.small_id()], "notes": [self.small_id()]}
        if name == "columns":
            return rng.choice([["Pour", "Contre"], [{"id": "c1", "label": "Un"}, "Deux"], ["Seule"], []])
        if name == "retained":
            return rng.choice([None, ["Idée"], [" "]])
        if name in ("text", "label", "title", "prompt", "soutien", "client_id"):
            return rng.choice(["Une idée", "Autre idée", rng.choice(ODD_TEXT)])
        if name in ("phase", "kind", "mode", "action", "item", "column"):
            return rng.choice(WORDS)
        if name in (
            "done",
            "open",
            "volunteer",
            "accept",
            "private_writing",
            "fondamentaux",
            "participants_group",
            "vote_stacking",
        ):
            return rng.choice([True, False])
        if name in ("timer_seconds", "seconds"):
            return rng.choice([60, 300, 0, -30, 14400, 14401, 2.5])
        return self.small_id()

    def payload(self, event: str) -> object:
        rng = self.rng
        if rng.random() < 0.05:
            return self.hostile()  # not even an object
        fields = {name: self.plausible(name) for name in EVENTS[event].model_fields if rng.random() < 0.85}
        for _ in range(rng.choice([0, 0, 1, 2])):  # break a field, or add an unknown one
            name = rng.choice([*fields, "extra"]) if fields else "extra"
            fields[name] = self.hostile()
        return fields


def connect(url: str, auth: dict) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    return client


@pytest.fixture
def server(tmp_path):
    # Rate limits are lifted so that the fuzzing reaches the handlers (they have their own tests).
    live = LiveServer(tmp_path)
    live.extra_env = {"FACILITATE_MESSAGES_PER_MINUTE": "1000000", "FACILITATE_NOTES_PER_MINUTE": "1000000"}
    yield live.start()
    live.stop()


def test_thousands_of_hostile_events_get_coded_answers_and_the_atelier_survives(server):
    codes = documented_error_codes() - {"internal"}
    created = requests.post(
        f"{server.url}/api/workshops", json={"template": "raviver-nos-couleurs", "date": "20 – 22 mai"}
    )
    workshop = created.json()
    staff = connect(server.url, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})
    phones = [connect(server.url, {"code": workshop["code"], "name": name}) for name in ("Alice", "Benoît")]
    for phone in phones:
        phone.call("draw:volunteer", {"volunteer": True}, timeout=10)
    generator = Generator(SEED)
    events = sorted(EVENTS)
    refused: dict[str, int] = {}
    for _ in range(EVENTS_PER_RUN):
        event = generator.rng.choice(events)
        client = generator.rng.choice([staff, staff, *phones])
        if not client.connected:  # removed by a fuzzed participant:remove: a new phone takes its place
            staff.call("workshop:lock", {"locked": False}, timeout=10)
            phones[phones.index(client)] = client = connect(server.url, {"code": workshop["code"], "name": "Relève"})
        payload = generator.payload(event)
        try:
            ack = client.call(event, payload, timeout=15)
        except socketio.exceptions.TimeoutError:
            pytest.fail(f"no answer in 15 s to {event} {payload!r} (connected: {client.connected})")
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, payload, ack)
        if event == "participant:remove" and ack["ok"]:  # a removed phone is cut off just after the ack
            deadline = time.monotonic() + 2
            while all(phone.connected for phone in phones) and time.monotonic() < deadline:
                time.sleep(0.05)
        if not ack["ok"]:
            code = ack["error"]["code"]
            assert code in codes and ack["error"]["message"], (event, payload, ack)
            refused[code] = refused.get(code, 0) + 1
    assert refused.get("bad_request", 0) > EVENTS_PER_RUN // 10  # the generator did break payloads
    assert sum(refused.values()) < EVENTS_PER_RUN  # and some got through

    # Hostile connections are refused with a coded error, or accepted.
    for auth in (
        {"code": workshop["code"], "facilitator_key": "clé-é"},
        {"code": "\ud800"},
        {"code": workshop["code"], "name": "\ud800"},
        {"code": workshop["code"], "since": 2**70},
        {"code": workshop["code"], "token": 12},
        {"code": [workshop["code"]]},
        "texte",
        [1],
        {},
    ):
        client, reasons = socketio.Client(reconnection=False), []
        client.on("connect_error", reasons.append)
        try:
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=10)
            client.disconnect()
        except socketio.exceptions.ConnectionError:
            assert reasons and reasons[0]["data"]["code"] in codes, (auth, reasons)

    assert "Traceback" not in server.output()
    for client in (staff, *phones):
        client.disconnect()
    key = {"X-Facilitator-Key": workshop["facilitator_key"]}
    assert requests.get(f"{server.url}/api/workshops/{workshop['id']}", headers=key).ok
    for fmt in ("docx", "md", "csv", "json"):
        exported = requests.get(f"{server.url}/api/workshops/{workshop['id']}/export.{fmt}", headers=key)
        assert exported.status_code == 200, (fmt, exported.text[:300])
    again = requests.post(f"{server.url}/api/workshops/import", json=exported.json())
    assert again.status_code == 201, again.text


# -- hostile archives and templates (in-process: thousands of files, seconds) ------------------

HOSTILE_VALUES = [
    10**20,
    2**63,
    -1,
    0,
    1.5,
    float("inf"),
    "texte",
    "",
    [],
    {},
    True,
    None,
    "x" * 6000,
    "\ud800",
    [[[[[["x"]]]]]],
    "c1",
    "n1",
    1,
    2,
    "columns",
    "clos",
]


def mutate(value: object, rng: random.Random) -> object:
    """The value with one place inside it replaced by a hostile value, or removed."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value, key=str))
        copy = dict(value)
        if rng.random() < 0.15:
            del copy[key]
        else:
            copy[key] = mutate(copy[key], rng)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        copy = list(value)
        index = rng.randrange(len(copy))
        if rng.random() < 0.1:
            copy.append(copy[index])  # a duplicate
        else:
            copy[index] = mutate(copy[index], rng)
        return copy
    return rng.choice(HOSTILE_VALUES)


def test_hostile_archives_are_refused_as_bad_archive_or_open(app):
    from facilitate.demo import demo_archive

    http, rng, accepted = app.test_client(), random.Random(SEED), 0
    original = demo_archive()
    for _ in range(400):
        archive = original
        for _ in range(rng.choice([1, 1, 2, 3])):
            archive = mutate(archive, rng)
        body = json.dumps(archive)  # Infinity included, as Python's json reads it
        answer = http.post("/api/workshops/import", data=body, content_type="application/json")
        assert answer.status_code in (201, 400), (answer.status_code, body[:300])
        if answer.status_code == 400:
            assert answer.get_json()["error"]["code"] in ("bad_archive", "not_json"), answer.get_json()
            continue
        accepted += 1
        workshop = answer.get_json()
        key = {"X-Facilitator-Key": workshop["facilitator_key"]}
        assert http.get(f"/api/workshops/{workshop['id']}", headers=key).status_code == 200
        for fmt in ("md", "csv", "json") + (("docx",) if accepted <= 5 else ()):
            assert http.get(f"/api/workshops/{workshop['id']}/export.{fmt}", headers=key).status_code == 200, fmt
    assert accepted > 10  # the mutations did not only break the format


def test_hostile_templates_are_named_errors_or_create_an_atelier(app, tmp_path):
    import tomli_w

    from facilitate.session_templates import TemplateError, load_template, tomllib

    service, http, rng = app.extensions["facilitate"], app.test_client(), random.Random(SEED)
    original = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "session_templates" / "raviver-nos-couleurs.toml").read_text(
            encoding="utf-8"
        )
    )
    valid = 0
    for number in range(400):
        data = mutate(original, rng)
        if isinstance(data, dict) and isinstance(data.get("blocs"), list) and rng.random() < 0.3:
            # Numbers are where a file that validated used to break the creation of an atelier.
            data = {
                **data,
                "blocs": [
                    {**bloc, rng.choice(["timer", "vote_budget"]): rng.choice(HOSTILE_VALUES)}
                    if isinstance(bloc, dict)
                    else bloc
                    for bloc in data["blocs"]
                ],
            }
        try:
            text = tomli_w.dumps(data)
        except (TypeError, ValueError, AttributeError, UnicodeEncodeError):
            text = json.dumps(data)  # not TOML at all: a syntax error to report
        if rng.random() < 0.2:  # raw damage: a stray character, a cut, a deep nesting
            cut = rng.randrange(len(text) + 1)
            text = (
                text[:cut]
                + rng.choice(
                    ['"', "[", "\\uD800", "\x00", "]]", "\n[[blocs]]\n", "\nx = " + "[" * 3000 + "]" * 3000 + "\n"]
                )
                + text[cut:]
            )
        path = tmp_path / f"fuzz-{number}.toml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))  # as a file on disk, however broken
        try:
            template = load_template(path)
        except TemplateError as error:
            assert f"fuzz-{number}.toml" in str(error)
            continue
        valid += 1
        service.templates[template.id] = template
        created = http.post("/api/workshops", json={"template": template.id})
        assert created.status_code == 201, (created.get_json(), text[:500])
    assert valid > 10
