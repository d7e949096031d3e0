"""The synthesis editor's events, the exports over HTTP and the command line,
the JSON archive round trip, deletion, and the demo atelier."""

import csv
import io
import shutil
import subprocess
import sys

import docx
import pytest
from helpers import ROOT, add, changes, ok, public_bloc, staff


def synthesis_of(client):
    return [c["synthesis"] for c in changes(client) if "synthesis" in c][-1]


def test_volets_come_from_the_template_and_are_edited_live(connect, workshop):
    facilitator, projector = staff(connect, workshop), staff(connect, workshop, "projector")
    alice = connect({"code": workshop["code"]})
    volets = next(m["args"][0] for m in facilitator.get_received() if m["name"] == "state")["synthesis"]
    assert [v["title"] for v in volets] == ["Communications", "Impacts", "Reconnaissance", "Membres"]
    first, second = volets[0]["id"], volets[1]["id"]
    projector.get_received()

    bloc = public_bloc(workshop)
    note = add(alice, bloc, "Faire rayonner le DS")["note"]["id"]
    other = add(alice, bloc, "Formations pour les élus")["note"]["id"]
    ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": [{"label": "Rayonnement", "notes": [note]}]})
    cluster = [c for c in changes(facilitator) if "clusters" in c][-1]["clusters"][0]["id"]

    ok(
        facilitator,
        "action:add",
        {"volet": first, "source": {"clusters": [cluster]}, "soutien": "Agent de communication"},
    )
    ok(facilitator, "action:add", {"volet": first, "source": {"notes": [other]}})
    ok(facilitator, "action:add", {"volet": second, "text": "Colliger des exemples concrets"})
    synthesis = synthesis_of(projector)
    actions = synthesis[0]["actions"]
    assert [(a["text"], a["soutien"], a["source"]) for a in actions] == [
        ("Rayonnement", "Agent de communication", {"clusters": [cluster]}),
        ("Formations pour les élus", "", {"notes": [other]}),
    ]
    assert all("synthesis" not in c for c in changes(alice))  # the synthesis is the staff's work

    ok(facilitator, "action:update", {"action": actions[1]["id"], "text": "Former les élus", "soutien": "Communagir"})
    ok(facilitator, "action:update", {"action": actions[0]["id"], "volet": second, "position": 0})
    ok(facilitator, "volet:update", {"volet": second, "title": "Impacts et preuves", "position": 0})
    ok(facilitator, "volet:add", {"title": "Suites"})
    synthesis = synthesis_of(facilitator)
    assert [v["title"] for v in synthesis] == [
        "Impacts et preuves",
        "Communications",
        "Reconnaissance",
        "Membres",
        "Suites",
    ]
    assert [a["text"] for a in synthesis[0]["actions"]] == ["Rayonnement", "Colliger des exemples concrets"]
    assert [(a["text"], a["soutien"]) for a in synthesis[1]["actions"]] == [("Former les élus", "Communagir")]

    refused = facilitator.emit("volet:remove", {"volet": second}, callback=True)
    assert refused["error"]["code"] == "volet_not_empty"
    ok(facilitator, "action:remove", {"action": actions[1]["id"]})
    ok(facilitator, "volet:remove", {"volet": first})
    assert [v["title"] for v in synthesis_of(facilitator)] == [
        "Impacts et preuves",
        "Reconnaissance",
        "Membres",
        "Suites",
    ]
    for event, payload, code in [
        ("action:add", {"volet": 999999, "text": "x"}, "unknown_volet"),
        ("action:add", {"volet": second}, "text_empty"),
        ("action:add", {"volet": second, "source": {"clusters": [999999]}}, "unknown_cluster"),
        ("action:add", {"volet": second, "source": "n1"}, "bad_request"),
        ("action:update", {"action": 999999, "text": "x"}, "unknown_action"),
        ("volet:add", {"title": "  "}, "text_empty"),
        ("volet:update", {"volet": second, "title": "x" * 1001}, "text_too_long"),
    ]:
        assert facilitator.emit(event, payload, callback=True)["error"]["code"] == code, event
    assert alice.emit("volet:add", {"title": "pirate"}, callback=True)["error"]["code"] == "forbidden"


def key_header(w):
    return {"X-Facilitator-Key": w["facilitator_key"]}


@pytest.fixture
def demo(app, http):
    """The demo atelier, imported through the HTTP API."""
    from facilitate.demo import demo_archive

    created = http.post("/api/workshops/import", json=demo_archive())
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_docx_export_of_the_demo_follows_seed_001(http, demo, tmp_path):
    response = http.get(f"/api/workshops/{demo['id']}/export.docx", headers=key_header(demo))
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert 'filename="raviver-nos-couleurs-2016-05-20.docx"' in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Atelier d’échanges" in text or "Atelier d'échanges" in text
    assert "Sonia Racine" in text and "Communagir" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("4 grands volets" in h for h in headings)
    assert any(h.startswith("1- Volet communications") for h in headings)
    assert any("couleurs fondamentales" in h for h in headings)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Simplifier, clarifier le DS" in c for c in cells) and any("FRDSIM" in c for c in cells)
    assert "Humain au cœur" in text or any("Humain au cœur" in c for c in cells)
    (tmp_path / "demo.docx").write_bytes(response.data)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (make test installs libreoffice-writer)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "demo.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "demo.pdf").stat().st_size > 5000


def test_markdown_and_csv_exports(http, demo):
    md = http.get(f"/api/workshops/{demo['id']}/export.md", headers=key_header(demo))
    assert md.mimetype == "text/markdown" and "Volet communications" in md.get_data(as_text=True)
    raw = http.get(f"/api/workshops/{demo['id']}/export.csv", headers=key_header(demo)).data
    assert raw.startswith("\ufeff".encode())  # Excel reads the accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    state = http.get(f"/api/workshops/{demo['id']}", headers=key_header(demo)).get_json()
    assert len(rows) - 1 == len(state["notes"])


def test_exports_need_the_key_and_a_known_format(http, demo):
    assert http.get(f"/api/workshops/{demo['id']}/export.docx").status_code == 403
    unknown = http.get(f"/api/workshops/{demo['id']}/export.pdf", headers=key_header(demo))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_format"


def test_json_export_then_import_gives_the_same_atelier(http, demo):
    first = http.get(f"/api/workshops/{demo['id']}/export.json", headers=key_header(demo)).get_json()
    again = http.post("/api/workshops/import", json=first).get_json()
    second = http.get(f"/api/workshops/{again['id']}/export.json", headers=key_header(again)).get_json()
    assert again["id"] != demo["id"] and again["code"] != demo["code"]
    assert first == second
    assert len(first["notes"]) > 90 and first["votes"] and len(first["synthesis"]) == 4


@pytest.mark.parametrize(
    "body,code",
    [
        ({"format": "autre"}, "bad_archive"),
        ({"format": "facilitate-atelier", "version": 99}, "bad_archive"),
        ({"format": "facilitate-atelier", "version": 1, "workshop": {"title": "x"}}, "bad_archive"),
    ],
)
def test_a_bad_archive_is_refused_and_writes_nothing(http, body, code):
    before = http.get("/api/workshops").get_json()
    response = http.post("/api/workshops/import", json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    assert http.get("/api/workshops").get_json() == before


def test_delete_removes_everything_and_disconnects_screens(http, connect, demo):
    phone = connect({"code": demo["code"]})
    phone.get_received()
    assert http.delete(f"/api/workshops/{demo['id']}").status_code == 403
    assert http.delete(f"/api/workshops/{demo['id']}", headers=key_header(demo)).status_code == 204
    assert any(m["name"] == "workshop:deleted" for m in phone.get_received())
    assert http.get(f"/api/workshops/{demo['id']}", headers=key_header(demo)).status_code == 404
    assert phone.emit("note:add", {"bloc": 1, "text": "trop tard"}, callback=True)["error"]["code"] == "not_connected"
    service = http.application.extensions["facilitate"]
    with service.db.reading() as conn:
        for table in ("bloc", "note", "participant", "cluster", "volet", "action"):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE workshop_id = ?", (demo["id"],)).fetchone()[0] == 0


def run_cli(*args, data):
    return subprocess.run(
        [sys.executable, "-m", "facilitate", *args, "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line_demo_list_export_import_delete(tmp_path):
    data = tmp_path / "donnees"
    created = run_cli("demo", data=data)
    assert created.returncode == 0, created.stderr
    workshop_id = created.stdout.split()[0]
    assert f"/w/{workshop_id}/console#key=" in created.stdout
    listed = run_cli("list", data=data)
    assert listed.stdout.strip().split("\t")[0] == workshop_id and "Raviver nos couleurs !" in listed.stdout
    for fmt in ("docx", "md", "csv", "json"):
        out = tmp_path / f"export.{fmt}"
        result = run_cli("export", workshop_id, "--format", fmt, "-o", str(out), data=data)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    docx.Document(str(tmp_path / "export.docx"))
    imported = run_cli("import", str(tmp_path / "export.json"), data=data)
    assert imported.returncode == 0, imported.stderr
    assert len(run_cli("list", data=data).stdout.strip().splitlines()) == 2
    (tmp_path / "broken.json").write_text("{pas du json", encoding="utf-8")
    broken = run_cli("import", str(tmp_path / "broken.json"), data=data)
    assert broken.returncode != 0 and "n'est pas un fichier JSON valide" in broken.stderr
    missing = run_cli("export", "inconnu", data=data)
    assert missing.returncode != 0 and "Aucun atelier" in missing.stderr
    deleted = run_cli("delete", workshop_id, "--yes", data=data)
    assert deleted.returncode == 0 and workshop_id not in run_cli("list", data=data).stdout
