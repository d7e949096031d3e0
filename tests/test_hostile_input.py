"""Crashes and bad data found by an adversarial pass (issue 9): each defect
through the real server in a subprocess, real python-socketio clients and
the real command line. Every refusal is a coded error of docs/api.md, never
`internal` nor a 500, and nothing half-written is left behind."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import socketio

from facilitate.demo import demo_archive

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "raviver-nos-couleurs"


def create(server, **fields) -> dict:
    created = requests.post(f"{server.url}/api/workshops", json={"template": TEMPLATE, **fields}, timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    workshop["headers"] = {"X-Facilitator-Key": workshop["facilitator_key"]}
    state = requests.get(f"{server.url}/api/workshops/{workshop['id']}", headers=workshop["headers"], timeout=10).json()
    workshop["blocs"] = state["blocs"]
    return workshop


def connect(server, auth: dict) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=10)
    return client


def staff(server, workshop) -> socketio.Client:
    return connect(server, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]})


def brainstorm(workshop) -> dict:
    return next(b for b in workshop["blocs"] if b["kind"] == "brainstorm")


def facilitate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "facilitate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


# -- numbers and types in events ----------------------------------------------------------


def test_huge_integers_nulls_infinity_and_lone_surrogates_get_bad_request(live_server):
    server = live_server()
    workshop = create(server)
    bloc = brainstorm(workshop)["id"]
    facilitator = staff(server, workshop)
    phone = connect(server, {"code": workshop["code"], "name": "Alice"})
    for client, event, payload in [
        (phone, "note:add", {"bloc": 2**63, "text": "x"}),
        (phone, "note:add", {"bloc": bloc, "text": "lone \ud800 surrogate"}),
        (phone, "note:add", {"bloc": bloc, "text": "x", "client_id": "\udfff"}),
        (phone, "vote", {"bloc": bloc, "item": "n1", "dots": 2**64}),
        (facilitator, "draw:run", {"mode": "teams", "team_size": None}),
        (facilitator, "timer", {"bloc": bloc, "action": "extend", "seconds": float("inf")}),
        (facilitator, "timer", {"bloc": bloc, "action": "reset", "seconds": float("nan")}),
        (facilitator, "bloc:update", {"bloc": bloc, "timer_seconds": 2**63}),
        (facilitator, "bloc:goto", {"bloc": -(2**63) - 1}),
        (facilitator, "cluster:move", {"notes": [2**63], "cluster": None}),
        (facilitator, "action:add", {"volet": 2**70, "text": "x"}),
        (facilitator, "cluster:rename", {"cluster": 1, "label": "\ud800"}),
    ]:
        ack = client.call(event, payload, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (event, payload, ack)
        assert ack["error"]["message"].startswith("Requête invalide")
    assert phone.call("note:add", {"bloc": bloc, "text": "toujours là"}, timeout=10)["ok"]
    assert "Traceback" not in server.output()


def test_a_facilitator_key_with_accents_is_a_wrong_key(live_server):
    server = live_server()
    workshop = create(server)
    refused = requests.get(f"{server.url}/api/workshops/{workshop['id']}", headers={"X-Facilitator-Key": "clé"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "bad_key"
    client, reasons = socketio.Client(reconnection=False), []
    client.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url,
            auth={"code": workshop["code"], "facilitator_key": "clé-ÿ"},
            transports=["websocket"],
            wait_timeout=10,
        )
    assert reasons[0]["data"]["code"] == "bad_key"
    assert "Traceback" not in server.output()


def test_http_bodies_with_lone_surrogates_or_wrong_types_are_bad_requests(live_server):
    server = live_server()
    for body in (
        {"template": TEMPLATE, "title": "\ud800"},
        {"template": TEMPLATE, "date": 2**64},
        {"template": ["x"]},
        {"template": TEMPLATE, "organisation": {"a": 1}},
    ):
        refused = requests.post(f"{server.url}/api/workshops", json=body, timeout=10)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request", (body, refused.text)
    workshop = create(server)
    refused = requests.post(
        f"{server.url}/api/workshops/{workshop['id']}/template",
        headers=workshop["headers"],
        json={"title": "\udc00"},
        timeout=10,
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request"
    assert requests.get(f"{server.url}/api/workshops", timeout=10).json() == [
        {k: workshop[k] for k in ("id", "code", "title", "date", "template", "join_url", "created_at")}
    ]


# -- text ------------------------------------------------------------------------------------


def test_a_note_of_invisible_characters_is_empty(live_server):
    server = live_server()
    workshop = create(server)
    phone = connect(server, {"code": workshop["code"]})
    for text in ("\u200b\u200b", "\u2060\ufeff \u200d", "\u202e", "\u3164\u3164", "\u00a0\u200c"):
        ack = phone.call("note:add", {"bloc": brainstorm(workshop)["id"], "text": text}, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == "note_empty", (text, ack)
    # The same for what must not be empty elsewhere: a cluster's label, a volet's title, a bloc's title.
    facilitator = staff(server, workshop)
    for event, payload, code in [
        ("volet:add", {"title": "\u200b"}, "text_empty"),
        ("bloc:add", {"kind": "brainstorm", "title": "\u2060"}, "bloc_invalid"),
        ("bloc:retained", {"bloc": brainstorm(workshop)["id"], "retained": ["\u200b"]}, "label_empty"),
    ]:
        ack = facilitator.call(event, payload, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == code, (event, ack)


DATES = ["20 – 22 mai", "日本", "20 mai\r\n2026", '2026"; filename=x.exe', "2026/05/20"]


def test_exports_with_a_free_text_date_work_in_every_format(live_server, tmp_path):
    server = live_server()
    for number, date in enumerate(DATES):
        exports_work(server, create(server, date=date), tmp_path / str(number))


def exports_work(server, workshop, out: Path) -> None:
    phone = connect(server, {"code": workshop["code"], "name": "Bob\x1b[2J"})
    bloc = brainstorm(workshop)["id"]
    for text in ("\x00=1+1", "\x1b# Titre piégé", "Idée\x07 normale"):
        assert phone.call("note:add", {"bloc": bloc, "text": text}, timeout=10)["ok"]
    for fmt in ("docx", "md", "csv", "json"):
        exported = requests.get(
            f"{server.url}/api/workshops/{workshop['id']}/export.{fmt}", headers=workshop["headers"], timeout=30
        )
        assert exported.status_code == 200, (fmt, exported.text[:200])
        disposition = exported.headers["Content-Disposition"]
        assert disposition.isascii() and disposition.count('"') == 2 and "\n" not in disposition, disposition
        if fmt in ("md", "csv"):
            body = exported.content.decode("utf-8-sig")
            assert not any(c in body for c in "\x00\x1b\x07"), fmt
            assert "Idée normale" in body
    assert "'=1+1" in exported_text(server, workshop, "csv")
    assert "\\# Titre piégé" in exported_text(server, workshop, "md")
    # The command line, without -o, names the file from the same slug.
    out.mkdir()
    for fmt in ("docx", "md"):
        done = facilitate("export", workshop["id"], "--format", fmt, "--data", str(server.data_dir), cwd=out)
        assert done.returncode == 0, done.stderr
    assert len(list(out.iterdir())) == 2


def exported_text(server, workshop, fmt: str) -> str:
    return requests.get(
        f"{server.url}/api/workshops/{workshop['id']}/export.{fmt}", headers=workshop["headers"], timeout=30
    ).content.decode("utf-8-sig")


# -- imports ----------------------------------------------------------------------------------


def broken(change) -> dict:
    archive = copy.deepcopy(demo_archive())
    change(archive)
    return archive


def _set(path: str, value):
    def change(archive: dict) -> None:
        *parents, last = path.split(".")
        target = archive
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


HOSTILE_ARCHIVES = {
    "timer 10^20": _set("blocs.0.timer_seconds", 10**20),
    "timer as text": _set("blocs.0.timer_seconds", "600"),
    "timer Infinity": _set("blocs.0.timer_seconds", float("inf")),
    "budget 0": _set("blocs.0.vote_budget", 0),
    "budget 2^63": _set("blocs.0.vote_budget", 2**63),
    "retained not a list": _set("blocs.0.retained", "abc"),
    "unknown phase": _set("blocs.0.phase", "fini"),
    "unknown kind": _set("blocs.0.kind", "mur"),
    "dots over budget": _set("votes.0.dots", 99),
    "dots negative": _set("votes.0.dots", -1),
    "dangling vote item": _set("votes.0.item", "c99999"),
    "malformed vote item": _set("votes.0.item", "cx"),
    "dangling cluster": _set("notes.0.cluster", 99999),
    "unknown column": _set("notes.0.column", "zz"),
    "unknown author": _set("notes.0.author", 999),
    "unknown role": _set("participants.0.role", "admin"),
    "current bloc absent": _set("workshop.current_bloc", 999),
    "no blocs": _set("blocs", []),
    "huge ref": _set("notes.0.ref", 2**64),
    "text with lone surrogate": _set("notes.0.text", "\ud800"),
    "duplicate bloc ref": lambda a: a["blocs"][1].update(ref=a["blocs"][0]["ref"]),
    "duplicate vote": lambda a: a["votes"].append(dict(a["votes"][0])),
    "duplicate column ids": lambda a: next(b for b in a["blocs"] if b["kind"] == "columns")["columns"].__setitem__(
        slice(None), [{"id": "c1", "label": "Un"}, {"id": "c1", "label": "Deux"}]
    ),
    "two facilitators": lambda a: a["participants"].extend(
        [{"ref": 900, "name": "X", "role": "facilitator"}, {"ref": 901, "name": "Y", "role": "facilitator"}]
    ),
    "dangling action source": lambda a: a["synthesis"][0]["actions"].append(
        {"text": "x", "soutien": "", "source": {"notes": [99999]}}
    ),
    "deep nesting": _set("workshop.title", [[[[[[[[[[[[[["x"]]]]]]]]]]]]]]),
}


def test_hostile_archives_are_refused_whole_and_a_valid_one_always_opens(live_server):
    server = live_server()
    before = requests.get(f"{server.url}/api/workshops", timeout=10).json()
    for name, change in HOSTILE_ARCHIVES.items():
        refused = requests.post(
            f"{server.url}/api/workshops/import",
            data=json.dumps(broken(change)),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )  # Infinity too
        assert refused.status_code == 400, (name, refused.status_code, refused.text[:300])
        assert refused.json()["error"]["code"] == "bad_archive", name
        assert refused.json()["error"]["message"].startswith("Archive invalide"), name
    assert requests.get(f"{server.url}/api/workshops", timeout=10).json() == before  # nothing left behind
    minimal = {
        "format": "facilitate-atelier",
        "version": 1,
        "workshop": {"title": "Court"},
        "blocs": [{"ref": 1, "title": "Seul", "kind": "brainstorm"}],
    }
    for archive in (demo_archive(), minimal):
        created = requests.post(f"{server.url}/api/workshops/import", json=archive, timeout=10)
        assert created.status_code == 201, created.text
        workshop = created.json()
        headers = {"X-Facilitator-Key": workshop["facilitator_key"]}
        assert requests.get(f"{server.url}/api/workshops/{workshop['id']}", headers=headers, timeout=10).ok
        for fmt in ("docx", "md", "csv", "json"):
            assert (
                requests.get(
                    f"{server.url}/api/workshops/{workshop['id']}/export.{fmt}", headers=headers, timeout=30
                ).status_code
                == 200
            )
        connect(server, {"code": workshop["code"], "facilitator_key": workshop["facilitator_key"]}).disconnect()
    assert "Traceback" not in server.output()


def test_the_command_line_refuses_a_hostile_archive_without_a_traceback(tmp_path):
    path = tmp_path / "piege.json"
    path.write_text(
        '{"format": "facilitate-atelier", "version": 1, "workshop": {"title": "x"}, '
        '"blocs": [{"ref": 1, "title": "b", "kind": "brainstorm", "vote_budget": 9223372036854775808}], '
        '"participants": [], "clusters": [], "notes": [], "votes": [], "synthesis": []}'
    )
    done = facilitate("import", str(path), "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert done.returncode != 0 and "bad_archive" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert facilitate("list", "--data", str(tmp_path / "data"), cwd=tmp_path).stdout == ""


# -- templates ----------------------------------------------------------------------------------

NESTED = 'title = "Piège"\nx = ' + "[" * 3000 + "]" * 3000 + "\n"
HUGE_TIMER = 'title = "Long"\n[[blocs]]\nid = "a"\ntitle = "A"\nkind = "brainstorm"\nprompt = "?"\ntimer = 100000000000000000000\n'


def test_a_deeply_nested_template_is_a_named_error_and_serve_skips_it(live_server, tmp_path):
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "piege.toml").write_text(NESTED)
    (folder / "long.toml").write_text(HUGE_TIMER)
    for name in ("piege", "long"):
        done = facilitate("templates", "validate", str(folder / f"{name}.toml"), cwd=tmp_path)
        assert done.returncode == 1 and f"{name}.toml" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
    assert "4 heures" in facilitate("templates", "validate", str(folder / "long.toml"), cwd=tmp_path).stderr
    # A saved template in the data folder is loaded at start: a nested one must not stop the server.
    data = tmp_path / "data"
    (data / "session_templates").mkdir(parents=True)
    (data / "session_templates" / "piege.toml").write_text(NESTED)
    server = live_server(data_dir=data)
    ids = [t["id"] for t in requests.get(f"{server.url}/api/templates", timeout=10).json()]
    assert TEMPLATE in ids and "piege" not in ids
    assert "piege.toml" in server.output() and "RecursionError" not in server.output()  # named, then skipped


def test_saving_as_a_template_gives_a_short_file_and_distinct_bloc_ids_and_it_creates_an_atelier(live_server):
    server = live_server()
    workshop = create(server)
    facilitator = staff(server, workshop)
    for bloc, title in zip(workshop["blocs"], ["Étape 2", "Étape", "Étape", "Étape 2"]):
        assert facilitator.call("bloc:update", {"bloc": bloc["id"], "title": title}, timeout=10)["ok"]
    saved = requests.post(
        f"{server.url}/api/workshops/{workshop['id']}/template",
        headers=workshop["headers"],
        json={"title": "Un très long titre d'atelier " * 6},
        timeout=10,
    )
    assert saved.status_code == 201, saved.text
    template = saved.json()
    assert len(template["id"]) <= 60
    assert len({b["id"] for b in template["blocs"]}) == 4
    files = list((server.data_dir / "session_templates").glob("*.toml"))
    assert [len(f.name) <= 65 for f in files] == [True]
    created = requests.post(f"{server.url}/api/workshops", json={"template": template["id"]}, timeout=10)
    assert created.status_code == 201, created.text


def test_the_declared_shapes_keep_every_field_the_console_sends(live_server):
    """Unknown keys are ignored: a field missing from a declaration would be lost silently."""
    server = live_server()
    workshop = create(server)
    facilitator = staff(server, workshop)
    form = {
        "title": "Mur",
        "prompt": "?",
        "timer_seconds": 600,
        "vote_budget": 3,
        "private_writing": True,
        "fondamentaux": True,
        "participants_group": True,
        "vote_stacking": True,
        "columns": ["Pour", "Contre"],
    }
    assert facilitator.call("bloc:add", {"kind": "columns", **form, "position": 0}, timeout=10)["ok"]
    state = requests.get(f"{server.url}/api/workshops/{workshop['id']}", headers=workshop["headers"], timeout=10).json()
    added = state["blocs"][0]
    assert {k: added[k] for k in form if k != "columns"} == {k: v for k, v in form.items() if k != "columns"}
    assert [c["label"] for c in added["columns"]] == ["Pour", "Contre"]
