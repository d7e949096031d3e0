"""Pure projection: the same function makes snapshots and patches."""

from facilitate.model import Bloc, BlocKind, Note, Participant, Phase, Role, Workshop
from facilitate.projection import build_patch, is_empty
from facilitate.rules import Viewer

WORKSHOP = Workshop(id="w", code="ABCDEF", title="Atelier", facilitator_key="k", current_bloc=1, seq=9, meta_seq=1)
STAFF = Viewer(Role.FACILITATOR, 1)
ROOM = Viewer(Role.PARTICIPANT, None)
ALICE = Viewer(Role.PARTICIPANT, 10)


def make_bloc(seq=1, **kw):
    return Bloc(id=1, workshop_id="w", position=0, title="B", kind=BlocKind.BRAINSTORM, prompt="?", seq=seq, **kw)


def make_note(id, seq, author=10, deleted=False):
    return Note(
        id=id,
        workshop_id="w",
        bloc_id=1,
        participant_id=author,
        text="" if deleted else f"n{id}",
        deleted=deleted,
        seq=seq,
    )


def patch(viewer, since, blocs, notes, participants=()):
    return build_patch(
        viewer=viewer,
        since=since,
        seq=9,
        workshop=WORKSHOP,
        join_url="http://x/j/ABCDEF",
        blocs=blocs,
        notes=[(n, Role.PARTICIPANT) for n in notes],
        participants=list(participants),
        counts={10: {1: 2}},
        done={10: [1]},
        draw=None,
        names={},
        volunteers=0,
        now=1000.0,
        clusters=[],
        votes={},
        results={},
        synthesis=None,
    )


def test_full_snapshot_has_everything_visible_and_no_tombstones():
    p = patch(STAFF, 0, [make_bloc()], [make_note(1, 2), make_note(2, 3, deleted=True)])
    assert p["full"] is True
    assert p["workshop"]["join_url"] == "http://x/j/ABCDEF"
    assert [n["id"] for n in p["notes"]] == [1]
    assert "deleted_notes" not in p


def test_patch_carries_only_changes_and_tombstones():
    p = patch(ROOM, 5, [make_bloc(seq=1)], [make_note(3, 6), make_note(2, 7, deleted=True)])
    assert p["full"] is False and p["since"] == 5 and p["seq"] == 9
    assert "workshop" not in p and "blocs" not in p
    assert [n["id"] for n in p["notes"]] == [3]
    assert p["deleted_notes"] == [2]


def test_private_notes_reach_only_their_author_and_counts_reach_the_staff():
    private = make_bloc(seq=1, private_writing=True)
    alice = Participant(10, "w", "t", "Alice")
    notes = [make_note(3, 6)]
    assert is_empty(patch(ROOM, 5, [private], notes))
    mine = patch(ALICE, 5, [private], notes)
    assert mine["notes"][0]["mine"] is True and "author" not in mine["notes"][0]
    staff = patch(STAFF, 5, [private], notes, [alice])
    assert "notes" not in staff
    assert staff["participants"] == [
        {
            "id": 10,
            "name": "Alice",
            "muted": False,
            "table": None,
            "rapporteur": False,
            "notes": {"1": 2},
            "done": [1],
            "volunteer": False,
            "dots": {},
        }
    ]


def test_removed_blocs_are_announced_and_their_notes_hidden():
    removed = make_bloc(seq=8)
    removed.deleted = True
    p = patch(ROOM, 7, [removed], [make_note(1, 8)])
    assert p["deleted_blocs"] == [1] and "notes" not in p and "blocs" not in p


def test_a_changed_bloc_comes_with_its_notes():
    revealed = make_bloc(seq=8, private_writing=True, phase=Phase.DEVOILEMENT)
    p = patch(ROOM, 7, [revealed], [make_note(1, 2), make_note(2, 3)])
    assert [b["phase"] for b in p["blocs"]] == ["devoilement"]
    assert [n["id"] for n in p["notes"]] == [1, 2]
