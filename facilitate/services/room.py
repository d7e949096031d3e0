"""The room: closing an atelier to new arrivals, removing a participant,
publishing the results at the join address."""

from __future__ import annotations

from typing import Any

from facilitate import store
from facilitate.rules import check_facilitator
from facilitate.services.common import Base, Change, Identity, present_participant


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

    def publish_results(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"public"}: the join address shows the results once the atelier is closed."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_results_public(conn, identity.workshop.id, payload["public"], seq)
        return Change(identity.workshop.id, seq)

    def remove_participant(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"participant": ID}. Their token stops working and they
        leave the staff's list; the notes they wrote stay (delete them one by one)."""
        check_facilitator(identity.viewer)
        participant_id = payload["participant"]
        with self.db.transaction() as conn:
            present_participant(conn, identity.workshop.id, participant_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.remove_participant(conn, participant_id, seq)
        return Change(identity.workshop.id, seq)
