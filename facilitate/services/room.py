"""The room: closing an atelier to new arrivals, removing a participant."""

from __future__ import annotations

from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError
from facilitate.i18n import _
from facilitate.model import Role
from facilitate.rules import check_facilitator
from facilitate.services.common import Base, Change, Identity


class RoomCases(Base):
    def lock_workshop(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"locked": bool}. Locked, no new participant gets in;
        those already in (with their token) still come back."""
        check_facilitator(identity.viewer)
        locked = payload["locked"]
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_locked(conn, identity.workshop.id, locked, seq)
        return Change(identity.workshop.id, seq)

    def remove_participant(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"participant": ID}. Their token stops working and they
        leave the staff's list; the notes they wrote stay (delete them one by one)."""
        check_facilitator(identity.viewer)
        participant_id = payload["participant"]
        with self.db.transaction() as conn:
            participant = store.get_participant(conn, identity.workshop.id, participant_id)
            if participant is None or participant.role != Role.PARTICIPANT or participant.removed:
                raise FacilitateError(
                    "unknown_participant", _("Cette personne n'est pas (ou plus) dans l'atelier."), 404
                )
            seq = store.bump_seq(conn, identity.workshop.id)
            store.remove_participant(conn, participant_id, seq)
        return Change(identity.workshop.id, seq)
