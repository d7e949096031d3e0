"""Sticky notes: add (idempotent by client_id), edit, delete."""

from __future__ import annotations

from typing import Any

from facilitate import store
from facilitate.errors import note_not_found
from facilitate.model import Bloc, Note, Role
from facilitate.rules import (
    check_can_add_note,
    check_can_change_note,
    check_column,
    check_not_muted,
    clean_note_text,
)
from facilitate.services.common import (
    Base,
    Change,
    Identity,
    current_participant,
    existing_bloc,
)


class NoteCases(Base):
    # -- notes ------------------------------------------------------------------

    def add_note(self, identity: Identity, payload: Any) -> tuple[Note, Change | None]:
        """Add a note; the same client_id sent again returns the same note."""
        client_id = payload.get("client_id")
        text = clean_note_text(payload.get("text"))
        bloc_id = payload["bloc"]
        author_id = identity.viewer.participant_id
        assert author_id is not None
        workshop_id = identity.workshop.id
        now = self.now()
        with self.db.transaction() as conn:
            if client_id:
                existing = store.find_note_by_client_id(conn, author_id, client_id)
                if existing is not None:
                    return existing, None
            bloc = existing_bloc(conn, workshop_id, bloc_id)
            check_can_add_note(identity.viewer, bloc)
            author = current_participant(conn, identity)
            check_not_muted(author)
            column = check_column(bloc, payload.get("column"))
            seq = store.bump_seq(conn, workshop_id)
            # In a moderated bloc a participant's note waits for the facilitator.
            pending = bloc.moderated and identity.viewer.role == Role.PARTICIPANT
            note = store.insert_note(
                conn,
                Note(
                    0,
                    workshop_id,
                    bloc.id,
                    author_id,
                    text,
                    column,
                    client_id or None,
                    now,
                    now,
                    seq=seq,
                    pending=pending,
                    table=author.table if author and bloc.by_table else None,
                ),
            )
            store.touch_participant(conn, author_id, seq)
        return note, Change(workshop_id, seq, (author_id,))

    def edit_note(self, identity: Identity, payload: Any) -> tuple[Note, Change]:
        text = clean_note_text(payload.get("text"))
        with self.db.transaction() as conn:
            note, bloc = self._changeable_note(conn, identity, payload)
            check_not_muted(current_participant(conn, identity))
            seq = store.bump_seq(conn, identity.workshop.id)
            store.update_note_text(conn, note.id, text, seq, self.now())
            note.text, note.seq = text, seq
        return note, Change(identity.workshop.id, seq, (note.participant_id,))

    def delete_note(self, identity: Identity, payload: Any) -> tuple[dict[str, Any], Change]:
        with self.db.transaction() as conn:
            note, _ = self._changeable_note(conn, identity, payload)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.delete_note(conn, note.id, seq, self.now())
            store.touch_participant(conn, note.participant_id, seq)
        return {"id": note.id}, Change(identity.workshop.id, seq, (note.participant_id,))

    def _changeable_note(self, conn: Any, identity: Identity, payload: dict[str, Any]) -> tuple[Note, Bloc]:
        note = store.get_note(conn, identity.workshop.id, payload["id"])
        if note is None:
            raise note_not_found()
        bloc = existing_bloc(conn, identity.workshop.id, note.bloc_id)
        check_can_change_note(identity.viewer, note, bloc)
        return note, bloc
