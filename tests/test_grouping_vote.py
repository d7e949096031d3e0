"""Regroupement and dot voting through Socket.IO: who may do what, the rules,
secrecy until the vote closes, the ranking and the fondamentaux."""

import pytest
from helpers import add, changes, ok, public_bloc, staff


@pytest.fixture
def board(connect, workshop):
    """Bloc 2 (two columns, public) with five notes from two participants."""
    facilitator = staff(connect, workshop)
    alice = connect({"code": workshop["code"], "name": "Alice"})
    bob = connect({"code": workshop["code"], "name": "Bob"})
    bloc = public_bloc(workshop)
    ok(facilitator, "bloc:goto", {"bloc": bloc["id"]})
    c1 = bloc["columns"][0]["id"]
    texts = [
        "Communauté de pratiques",
        "communauté de pratique",
        "Humain au cœur",
        "Solidarité",
        "Maillage, réseautage",
    ]
    notes = [add(alice if i % 2 else bob, bloc, t, column=c1)["note"]["id"] for i, t in enumerate(texts)]
    for client in (facilitator, alice, bob):
        client.get_received()
    return facilitator, alice, bob, bloc, notes


def clusters_seen(client):
    found = {}
    for patch in changes(client):
        for c in patch.get("clusters", []):
            found[c["id"]] = c
        for gone in patch.get("deleted_clusters", []):
            found.pop(gone, None)
    return found


def test_group_rename_move_merge_ungroup_and_undo(board):
    facilitator, alice, _, bloc, notes = board
    ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": notes[:2]}]})
    first = changes(alice)[-1]
    [cluster] = first["clusters"]
    assert cluster["label"] == "Communauté de pratiques" and cluster["column"] == bloc["columns"][0]["id"]
    assert {n["id"]: n["cluster"] for n in first["notes"]} == {notes[0]: cluster["id"], notes[1]: cluster["id"]}

    ok(facilitator, "cluster:rename", {"cluster": cluster["id"], "label": "Communauté de pratique"})
    assert changes(alice)[-1]["clusters"][0]["label"] == "Communauté de pratique"
    ok(
        facilitator,
        "cluster:group",
        {"bloc": bloc["id"], "clusters": [{"label": "Valeurs", "notes": [notes[2], notes[3]]}]},
    )
    valeurs = changes(alice)[-1]["clusters"][0]["id"]
    ok(facilitator, "cluster:move", {"notes": [notes[4]], "cluster": valeurs})
    ok(facilitator, "cluster:merge", {"clusters": [valeurs, cluster["id"]]})
    merged = changes(alice)[-1]
    assert merged["deleted_clusters"] == [cluster["id"]]
    assert all(n["cluster"] == valeurs for n in merged["notes"])

    ok(facilitator, "cluster:undo", {"bloc": bloc["id"]})  # the merge is undone
    undone = changes(alice)[-1]
    assert {c["id"] for c in undone["clusters"]} == {cluster["id"], valeurs}
    assert {n["id"]: n["cluster"] for n in undone["notes"]} == {notes[0]: cluster["id"], notes[1]: cluster["id"]}
    assert "deleted_clusters" not in undone

    ok(facilitator, "cluster:ungroup", {"cluster": valeurs})
    assert changes(alice)[-1]["deleted_clusters"] == [valeurs]
    ok(facilitator, "cluster:move", {"notes": [notes[0]], "cluster": None})
    undos = 0
    while facilitator.emit("cluster:undo", {"bloc": bloc["id"]}, callback=True)["ok"]:
        undos += 1
    assert undos == 6  # group, rename, group, move, ungroup, move (the merge was undone already)
    nothing = facilitator.emit("cluster:undo", {"bloc": bloc["id"]}, callback=True)
    assert nothing["error"]["code"] == "nothing_to_undo"
    assert clusters_seen(alice) == {}  # back to the ungrouped board


def test_grouping_errors(board, workshop):
    facilitator, alice, _, bloc, notes = board
    for event, payload, code in [
        ("cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": [999999]}]}, "unknown_note"),
        ("cluster:group", {"bloc": bloc["id"], "clusters": []}, "bad_request"),
        ("cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": "1,2"}]}, "bad_request"),
        ("cluster:move", {"notes": [notes[0]], "cluster": 424242}, "unknown_cluster"),
        ("cluster:rename", {"cluster": 424242, "label": "x"}, "unknown_cluster"),
        ("cluster:merge", {"clusters": [1]}, "bad_request"),
    ]:
        ack = facilitator.emit(event, payload, callback=True)
        assert ack["error"]["code"] == code, (event, ack)
    ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": notes[:2]}]})
    cluster = changes(facilitator)[-1]["clusters"][0]["id"]
    assert (
        facilitator.emit("cluster:rename", {"cluster": cluster, "label": "  "}, callback=True)["error"]["code"]
        == "label_empty"
    )
    other = next(b for b in workshop["blocs"] if b["id"] != bloc["id"])
    other_note = add(facilitator, other, "ailleurs")["note"]["id"]
    moved = facilitator.emit("cluster:move", {"notes": [other_note], "cluster": cluster}, callback=True)
    assert moved["error"]["code"] == "unknown_cluster"


def test_participants_group_only_when_allowed(board):
    facilitator, alice, _, bloc, notes = board
    payload = {"bloc": bloc["id"], "clusters": [{"notes": notes[:2]}]}
    assert alice.emit("cluster:group", payload, callback=True)["error"]["code"] == "forbidden"
    ok(facilitator, "bloc:update", {"bloc": bloc["id"], "participants_group": True})
    assert alice.emit("cluster:group", payload, callback=True)["error"]["code"] == "forbidden"  # not the phase yet
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "regroupement"})
    ok(alice, "cluster:group", payload)
    assert alice.emit("cluster:suggest", {"bloc": bloc["id"]}, callback=True)["error"]["code"] == "forbidden"


def test_suggestions_fold_near_duplicates_and_save_nothing(board):
    facilitator, alice, _, bloc, notes = board
    ack = ok(facilitator, "cluster:suggest", {"bloc": bloc["id"]})
    assert {"label": "Communauté de pratiques", "notes": notes[:2]} in ack["clusters"] or any(
        set(notes[:2]) <= set(s["notes"]) for s in ack["clusters"]
    )
    assert changes(alice) == []  # a proposal is not a change
    ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": ack["clusters"]})  # accept all
    assert len(changes(alice)[-1]["clusters"]) == len(ack["clusters"])


def cluster_of(facilitator, bloc, notes):
    ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": [{"label": "Communauté", "notes": notes[:2]}]})
    return f"c{changes(facilitator)[-1]['clusters'][0]['id']}"


def test_vote_rules(board):
    facilitator, alice, bob, bloc, notes = board
    item = cluster_of(facilitator, bloc, notes)
    vote = {"bloc": bloc["id"], "item": item, "dots": 1}
    assert alice.emit("vote", vote, callback=True)["error"]["code"] == "vote_closed"
    ok(facilitator, "bloc:update", {"bloc": bloc["id"], "vote_budget": 2})
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "vote"})
    ok(alice, "vote", vote)
    ok(alice, "vote", vote)  # setting the same count again is harmless
    assert alice.emit("vote", {**vote, "dots": 2}, callback=True)["error"]["code"] == "item_limit"
    ok(alice, "vote", {"bloc": bloc["id"], "item": f"n{notes[2]}", "dots": 1})
    over = alice.emit("vote", {"bloc": bloc["id"], "item": f"n{notes[3]}", "dots": 1}, callback=True)
    assert over["error"]["code"] == "over_budget" and "0 point" in over["error"]["message"]
    assert (
        alice.emit("vote", {"bloc": bloc["id"], "item": "c999999", "dots": 1}, callback=True)["error"]["code"]
        == "unknown_item"
    )
    assert (
        alice.emit("vote", {"bloc": bloc["id"], "item": f"n{notes[0]}", "dots": 1}, callback=True)["error"]["code"]
        == "unknown_item"
    )
    assert facilitator.emit("vote", vote, callback=True)["error"]["code"] == "forbidden"
    # The earlier votes are kept after every refusal.
    mine = [p for c in changes(alice) for p in c.get("participants", [])][-1]
    assert mine["votes"][str(bloc["id"])] == {item: 1, f"n{notes[2]}": 1}
    ok(facilitator, "bloc:update", {"bloc": bloc["id"], "vote_stacking": True})
    ok(alice, "vote", {"bloc": bloc["id"], "item": f"n{notes[2]}", "dots": 0})
    ok(alice, "vote", {**vote, "dots": 2})


def test_votes_stay_secret_until_the_vote_closes(board):
    facilitator, alice, bob, bloc, notes = board
    item = cluster_of(facilitator, bloc, notes)
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "vote"})
    for client in (facilitator, alice, bob):
        client.get_received()
    ok(alice, "vote", {"bloc": bloc["id"], "item": item, "dots": 1})
    ok(bob, "vote", {"bloc": bloc["id"], "item": item, "dots": 1})
    ok(bob, "vote", {"bloc": bloc["id"], "item": f"n{notes[3]}", "dots": 1})
    staff_view = changes(facilitator)
    assert all("results" not in c for c in staff_view)
    assert {p["name"]: p["dots"] for c in staff_view for p in c.get("participants", [])} == {
        "Alice": {str(bloc["id"]): 1},
        "Bob": {str(bloc["id"]): 2},
    }
    assert all("votes" not in p for c in staff_view for p in c.get("participants", []))
    assert all(p["name"] != "Bob" for c in changes(alice) for p in c.get("participants", []))

    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "clos"})
    for screen in (facilitator, alice):
        results = changes(screen)[-1]["results"][str(bloc["id"])]
        assert [(r["item"], r["dots"]) for r in results["ranking"][:2]] == [(item, 2), (f"n{notes[3]}", 1)]
        assert results["retained"] == ["Communauté", "Solidarité"]


def test_fondamentaux_by_size_without_votes_and_adjusted_by_the_facilitator(board):
    facilitator, alice, _, bloc, notes = board
    cluster_of(facilitator, bloc, notes)
    ok(facilitator, "bloc:phase", {"bloc": bloc["id"], "phase": "clos"})
    assert changes(alice)[-1]["results"][str(bloc["id"])]["retained"] == ["Communauté"]
    ok(facilitator, "bloc:retained", {"bloc": bloc["id"], "retained": ["Humain au cœur", "Solidarité"]})
    assert changes(alice)[-1]["results"][str(bloc["id"])]["retained"] == ["Humain au cœur", "Solidarité"]
    ok(facilitator, "bloc:retained", {"bloc": bloc["id"], "retained": None})
    assert changes(alice)[-1]["results"][str(bloc["id"])]["retained"] == ["Communauté"]
    assert (
        alice.emit("bloc:retained", {"bloc": bloc["id"], "retained": []}, callback=True)["error"]["code"] == "forbidden"
    )


def test_the_undo_history_is_bounded(board, monkeypatch):
    from facilitate import store

    monkeypatch.setattr(store, "UNDO_DEPTH", 3)
    facilitator, _, _, bloc, notes = board
    for i in range(5):
        ok(facilitator, "cluster:group", {"bloc": bloc["id"], "clusters": [{"notes": notes[:2], "label": f"G{i}"}]})
    undos = 0
    while facilitator.emit("cluster:undo", {"bloc": bloc["id"]}, callback=True)["ok"]:
        undos += 1
    assert undos == 3
