"""Pure rules: note text, names, columns, who reads and who changes a note."""

import pytest

from facilitate.errors import FacilitateError
from facilitate.model import Bloc, BlocKind, Column, Note, Phase, Role
from facilitate.payloads import NoteAdd, read
from facilitate.rules import (
    MAX_NOTE_LENGTH,
    Viewer,
    can_read_note,
    check_can_change_note,
    check_can_write,
    check_column,
    clean_display_name,
    clean_note_text,
)


def bloc(**overrides):
    fields = dict(id=1, workshop_id="w", position=0, title="Bloc", kind=BlocKind.BRAINSTORM, prompt="?")
    return Bloc(**{**fields, **overrides})


def note(author=10):
    return Note(id=1, workshop_id="w", bloc_id=1, participant_id=author, text="x")


ALICE = Viewer(Role.PARTICIPANT, 10)
BOB = Viewer(Role.PARTICIPANT, 11)
FACILITATOR = Viewer(Role.FACILITATOR, 1)
PROJECTOR = Viewer(Role.PROJECTOR, 1)


def test_note_text_is_trimmed():
    assert clean_note_text("  Solidarité \n") == "Solidarité"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_notes_are_refused(text):
    with pytest.raises(FacilitateError) as error:
        clean_note_text(text)
    assert error.value.code == "note_empty"


def test_long_notes_are_refused_with_the_count():
    clean_note_text("é" * MAX_NOTE_LENGTH)
    with pytest.raises(FacilitateError) as error:
        clean_note_text("é" * (MAX_NOTE_LENGTH + 1))
    assert error.value.code == "note_too_long"
    assert str(MAX_NOTE_LENGTH + 1) in error.value.message


@pytest.mark.parametrize("text", [None, 12, ["a"], {"t": "a"}])
def test_non_text_notes_are_bad_requests(text):
    # The type is checked where the payload is read, before any rule runs.
    with pytest.raises(FacilitateError) as error:
        read(NoteAdd, {"bloc": 1, "text": text})
    assert error.value.code == "bad_request" and "« text » doit être un texte" in error.value.message


def test_display_names():
    assert clean_display_name("  Marie   Ève ") == "Marie Ève"
    assert clean_display_name("   ") is None
    assert clean_display_name(None) is None
    with pytest.raises(FacilitateError):
        clean_display_name("x" * 61)


def test_columns_default_to_the_first_and_must_exist():
    board = bloc(kind=BlocKind.COLUMNS, columns=[Column("c1", "Forces"), Column("c2", "À protéger")])
    assert check_column(board, None) == "c1"
    assert check_column(board, "c2") == "c2"
    with pytest.raises(FacilitateError) as error:
        check_column(board, "c9")
    assert error.value.code == "unknown_column"
    assert check_column(bloc(), None) is None
    with pytest.raises(FacilitateError):
        check_column(bloc(), "c1")


def test_public_notes_are_read_by_everyone():
    for viewer in (ALICE, BOB, FACILITATOR, PROJECTOR):
        assert can_read_note(viewer, note(), bloc(), Role.PARTICIPANT)


def test_private_writing_hides_texts_from_everyone_but_the_author():
    private = bloc(private_writing=True)
    assert can_read_note(ALICE, note(), private, Role.PARTICIPANT)
    assert not can_read_note(BOB, note(), private, Role.PARTICIPANT)
    assert not can_read_note(FACILITATOR, note(), private, Role.PARTICIPANT)
    assert not can_read_note(PROJECTOR, note(), private, Role.PARTICIPANT)
    # The facilitator's own notes stay on the staff screens.
    assert can_read_note(PROJECTOR, note(author=1), private, Role.FACILITATOR)
    # The reveal shows them to all.
    revealed = bloc(private_writing=True, phase=Phase.DEVOILEMENT)
    assert can_read_note(BOB, note(), revealed, Role.PARTICIPANT)


def test_participants_change_only_their_own_notes_while_writing():
    check_can_change_note(ALICE, note(), bloc())
    check_can_change_note(FACILITATOR, note(), bloc(phase=Phase.CLOS))
    with pytest.raises(FacilitateError) as error:
        check_can_change_note(BOB, note(), bloc())
    assert error.value.code == "not_your_note"
    with pytest.raises(FacilitateError) as error:
        check_can_change_note(ALICE, note(), bloc(phase=Phase.VOTE))
    assert error.value.code == "writing_closed"


def test_the_projector_never_writes():
    with pytest.raises(FacilitateError):
        check_can_write(PROJECTOR, bloc())
    check_can_write(FACILITATOR, bloc(phase=Phase.CLOS))
