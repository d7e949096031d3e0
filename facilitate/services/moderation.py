"""Moderation and the room's identity: hiding a note, letting waiting notes
through, muting a participant, the atelier's identity mode, and notes typed
in from paper by the animation."""

from __future__ import annotations

from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, note_not_found
from facilitate.i18n import _
from facilitate.model import IdentityMode, Note
from facilitate.rules import check_column, check_facilitator, check_identity_change, clean_note_text
from facilitate.services.common import Base, Change, Identity, existing_bloc, present_participant

# A paste of a whole wall of paper notes, not a book: beyond, split it.
MAX_PAPER_NOTES = 200


class ModerationCases(Base):
    def hide_note(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"note", "hidden"}. A hidden note stays on the staff's
        screens, marked; it leaves every other screen, the votes and the exports."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            note = store.get_note(conn, identity.workshop.id, payload["note"])
            if note is None:
                raise note_not_found()
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_note_moderation(conn, [note.id], seq=seq, hidden=payload["hidden"])
        return Change(identity.workshop.id, seq, (note.participant_id,))

    def approve_notes(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"note"} lets one waiting note through, {"bloc"} all of a bloc's."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            if payload.get("note") is not None:
                note = store.get_note(conn, identity.workshop.id, payload["note"])
                if note is None:
                    raise note_not_found()
                notes = [note] if note.pending else []
            elif payload.get("bloc") is not None:
                bloc = existing_bloc(conn, identity.workshop.id, payload["bloc"])
                notes = [n for n in store.notes_of_bloc(conn, bloc.id) if n.pending]
            else:
                raise FacilitateError("bad_request", _("Requête invalide : indiquez « note » ou « bloc »."))
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_note_moderation(conn, [n.id for n in notes], seq=seq, pending=False)
        return Change(identity.workshop.id, seq, tuple({n.participant_id for n in notes}))

    def mute_participant(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"participant", "muted"}. A muted participant reads the
        board but can no longer post or vote here; their notes stay."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            participant = present_participant(conn, identity.workshop.id, payload["participant"])
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_muted(conn, participant.id, payload["muted"], seq)
        return Change(identity.workshop.id, seq, (participant.id,))

    def set_identity_mode(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"identity"}: more discreet at any time, less only before anyone joined."""
        check_facilitator(identity.viewer)
        wanted = IdentityMode(payload["identity"])
        with self.db.transaction() as conn:
            workshop = store.get_workshop(conn, identity.workshop.id)
            assert workshop is not None
            check_identity_change(workshop.identity, wanted, store.participant_count(conn, workshop.id))
            seq = store.bump_seq(conn, workshop.id)
            store.set_identity(conn, workshop.id, wanted, seq)
        return Change(identity.workshop.id, seq)

    def add_paper_notes(self, identity: Identity, payload: dict[str, Any]) -> tuple[list[Note], Change]:
        """Facilitator: {"bloc", "column"?, "text"}: one note per non-empty line,
        written by the animation and marked as coming from paper."""
        check_facilitator(identity.viewer)
        lines = [line for line in payload["text"].splitlines() if line.strip()]
        if not lines:
            raise FacilitateError("note_empty", _("Écrivez au moins une note (une par ligne)."))
        if len(lines) > MAX_PAPER_NOTES:
            raise FacilitateError(
                "too_many_notes", _("Au plus {n} notes à la fois : collez le reste ensuite.", n=MAX_PAPER_NOTES)
            )
        texts = [clean_note_text(line) for line in lines]
        author_id = identity.viewer.participant_id
        assert author_id is not None
        now = self.now()
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, payload["bloc"])
            column = check_column(bloc, payload.get("column"))
            seq = store.bump_seq(conn, identity.workshop.id)
            notes = [
                store.insert_note(
                    conn,
                    Note(
                        0, identity.workshop.id, bloc.id, author_id, text, column, None, now, now, seq=seq, paper=True
                    ),
                )
                for text in texts
            ]
        return notes, Change(identity.workshop.id, seq)
