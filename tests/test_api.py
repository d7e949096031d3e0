"""HTTP contract (docs/api.md) through Flask's test client."""

import pytest


def key_header(w):
    return {"X-Facilitator-Key": w["facilitator_key"]}


def test_templates_are_listed(http):
    templates = http.get("/api/templates").get_json()
    ids = [t["id"] for t in templates]
    assert "raviver-nos-couleurs" in ids
    assert all({"id", "title", "blocs"} <= set(t) for t in templates)


def test_create_workshop_returns_code_key_and_lan_join_url(http):
    response = http.post(
        "/api/workshops",
        json={
            "template": "raviver-nos-couleurs",
            "title": "Raviver nos couleurs !",
            "date": "2016-05-20",
            "facilitator_name": "Sonia Racine",
            "organisation": "Communagir",
        },
    )
    assert response.status_code == 201
    data = response.get_json()
    assert {"id", "code", "join_url", "facilitator_key"} <= set(data)
    assert data["join_url"] == f"http://192.0.2.10:5000/j/{data['code']}"
    assert len(data["facilitator_key"]) >= 32
    state = http.get(f"/api/workshops/{data['id']}", headers=key_header(data)).get_json()
    assert state["workshop"]["title"] == "Raviver nos couleurs !"
    assert state["workshop"]["facilitator_name"] == "Sonia Racine"
    assert [b["title"] for b in state["blocs"]][:2] == ["Bilan croisé des acquis", "Les couleurs fondamentales"]
    assert state["current_bloc"] == state["blocs"][0]["id"]
    assert state["seq"] >= 1 and state["notes"] == []


def test_codes_and_keys_differ_between_workshops(http):
    a = http.post("/api/workshops", json={"template": "mutualisation"}).get_json()
    b = http.post("/api/workshops", json={"template": "mutualisation"}).get_json()
    assert a["code"] != b["code"] and a["facilitator_key"] != b["facilitator_key"] and a["id"] != b["id"]


def test_title_defaults_to_the_template_title(http):
    data = http.post("/api/workshops", json={"template": "mutualisation"}).get_json()
    template = next(t for t in http.get("/api/templates").get_json() if t["id"] == "mutualisation")
    assert data["title"] == template["title"]


@pytest.mark.parametrize("headers", [{}, {"X-Facilitator-Key": "wrong"}])
def test_state_needs_the_facilitator_key(http, workshop, headers):
    response = http.get(f"/api/workshops/{workshop['id']}", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "bad_key"


def test_unknown_workshop_is_404(http):
    response = http.get("/api/workshops/nope", headers={"X-Facilitator-Key": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_workshop"


def test_unknown_template_is_a_clear_error(http):
    response = http.post("/api/workshops", json={"template": "inexistant"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_template"
    assert "raviver-nos-couleurs" in error["message"]


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("pas du json", "text/plain"),
        ("{mal formé", "application/json"),
        ("", "application/json"),
    ],
)
def test_non_json_bodies_are_refused(http, body, content_type):
    response = http.post("/api/workshops", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "not_json"


@pytest.mark.parametrize("body", [[1, 2], "texte", {"template": "mutualisation", "title": 42}])
def test_malformed_json_is_a_bad_request(http, body):
    response = http.post("/api/workshops", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_unknown_api_paths_answer_json(http):
    response = http.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_facilitator_home_is_for_the_laptop_only(http, workshop):
    local = http.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert workshop["code"] in local and workshop["facilitator_key"] not in local  # keys go by /w/<id>/ouvrir
    phone = http.get("/", environ_base={"REMOTE_ADDR": "192.168.1.23"})
    page = phone.get_data(as_text=True)
    assert phone.status_code == 200 and "Rejoindre un atelier" in page
    assert workshop["facilitator_key"] not in page and workshop["code"] not in page
    listing = http.get("/api/workshops", environ_base={"REMOTE_ADDR": "192.168.1.23"})
    assert listing.status_code == 403 and listing.get_json()["error"]["code"] == "local_only"
    create = http.post("/api/workshops", json={"template": "mutualisation"}, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert create.status_code == 403


def test_pages_exist(http, workshop):
    assert http.get(f"/j/{workshop['code']}").status_code == 200
    assert http.get(f"/j/{workshop['code'].lower()}").status_code == 200
    assert http.get(f"/j?code={workshop['code']}").status_code == 302
    missing = http.get("/j/ZZZZZZ")
    assert missing.status_code == 404 and "Aucun atelier" in missing.get_data(as_text=True)
    for page in ("console", "projecteur"):
        body = http.get(f"/w/{workshop['id']}/{page}").get_data(as_text=True)
        assert workshop["code"] in body
        assert workshop["facilitator_key"] not in body  # the key travels in the URL fragment only
    svg = http.get(f"/qr/{workshop['code']}.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
