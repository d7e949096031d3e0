"""Sub-group tables (seed 001's "travail collectif en sous-groupes"): how many
tables, who sits where (from the draw, set by the facilitator, or chosen by
participants), each table's rapporteur, and what a rapporteur does from a
phone: group their table's notes and rank the groups. A bloc runs by table
with bloc:update {"by_table": true}; {"plenary": true} brings the tables
together (their notes and groups keep their table as a tag)."""

from __future__ import annotations

from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, cluster_not_in_bloc, note_not_in_bloc
from facilitate.i18n import _
from facilitate.model import Cluster, DrawStatus, Role
from facilitate.rules import check_facilitator, check_rapporteur, clean_cluster_label
from facilitate.services.common import Base, Change, Identity, current_participant, existing_bloc, present_participant

MAX_TABLES = 50


class TableCases(Base):
    def table_count(self, workshop_id: str) -> int:
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
        return workshop.tables if workshop else 0

    def seats(self, workshop_id: str) -> dict[int, int | None]:
        """Each participant's table."""
        with self.db.reading() as conn:
            return {p.id: p.table for p in store.list_participants(conn, workshop_id)}

    def set_tables(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"count", "choose"?, "from_draw"?}. `from_draw` seats the
        last draw's teams at tables 1, 2, ... (and makes as many tables)."""
        check_facilitator(identity.viewer)
        workshop_id = identity.workshop.id
        with self.db.transaction() as conn:
            seats: dict[int, int] = {}
            count = payload.get("count", 0)
            if payload.get("from_draw"):
                draw = store.latest_draw(conn, workshop_id)
                if draw is None:
                    raise FacilitateError(
                        "no_draw", _("Aucun tirage au sort à reprendre : tirez d'abord les équipes."), 409
                    )
                seats = {
                    m.participant_id: m.team + 1
                    for m in draw.members
                    if m.team is not None and m.status != DrawStatus.DECLINED
                }
                count = max(seats.values(), default=0)
            if not 0 <= count <= MAX_TABLES:
                raise FacilitateError("tables_invalid", _("De 0 à {n} tables.", n=MAX_TABLES))
            seq = store.bump_seq(conn, workshop_id)
            store.set_tables(conn, workshop_id, count, bool(payload.get("choose")), seq)
            for participant_id, table in seats.items():
                store.seat(conn, participant_id, table, seq)
        return Change(workshop_id, seq)

    def seat(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """{"table": N | null, "participant"?}: the facilitator seats anyone; a
        participant seats themselves when the tables are chosen from the list."""
        workshop_id = identity.workshop.id
        with self.db.transaction() as conn:
            workshop = store.get_workshop(conn, workshop_id)
            assert workshop is not None
            if identity.viewer.role == Role.FACILITATOR:
                participant_id = payload.get("participant") or 0
            elif workshop.tables_choice and payload.get("participant") in (None, identity.viewer.participant_id):
                participant_id = identity.viewer.participant_id or 0
            else:
                raise FacilitateError("forbidden", _("C'est l'animation qui place les personnes aux tables."), 403)
            participant = present_participant(conn, workshop_id, participant_id)
            table = payload.get("table")
            if table is not None and not 1 <= table <= workshop.tables:
                raise FacilitateError("unknown_table", _("Choisissez une table de 1 à {n}.", n=workshop.tables), 404)
            seq = store.bump_seq(conn, workshop_id)
            store.seat(conn, participant.id, table, seq)
        return Change(workshop_id, seq, (participant.id,))

    def set_rapporteur(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """Facilitator: {"table", "participant"}: someone seated at that table."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            participant = store.get_participant(conn, identity.workshop.id, payload["participant"])
            if participant is None or participant.table != payload["table"] or participant.removed:
                raise FacilitateError("not_your_table", _("Cette personne n'est pas assise à cette table."), 409)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_rapporteur(conn, identity.workshop.id, payload["table"], participant.id, seq)
        return Change(identity.workshop.id, seq, (participant.id,))

    def group_for_table(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """A rapporteur: {"bloc", "notes": [ids], "label"?}: a new group of their
        table's notes, tagged with the table (ranked last)."""
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, payload["bloc"])
            by_id = {n.id: n for n in store.notes_of_bloc(conn, bloc.id)}
            if not payload["notes"] or any(i not in by_id for i in payload["notes"]):
                raise note_not_in_bloc()
            notes = [by_id[i] for i in dict.fromkeys(payload["notes"])]
            table = check_rapporteur(current_participant(conn, identity), bloc, notes)
            label = clean_cluster_label(payload.get("label") or notes[0].text)
            ranked = [c for c in store.clusters_of_bloc(conn, bloc.id) if c.table == table]
            seq = store.bump_seq(conn, identity.workshop.id)
            cluster_id = store.insert_cluster(
                conn, Cluster(0, identity.workshop.id, bloc.id, label, notes[0].column, seq=seq, table=table)
            )
            store.set_cluster_ranks(conn, {cluster_id: len(ranked) + 1}, seq)
            store.set_note_cluster(conn, [n.id for n in notes], cluster_id, seq)
        return Change(identity.workshop.id, seq)

    def rank_table(self, identity: Identity, payload: dict[str, Any]) -> Change:
        """A rapporteur: {"bloc", "clusters": [ids]}: their table's groups, first first."""
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, payload["bloc"])
            table = check_rapporteur(current_participant(conn, identity), bloc, [])
            mine = {c.id for c in store.clusters_of_bloc(conn, bloc.id) if c.table == table}
            order = list(dict.fromkeys(payload["clusters"]))
            if set(order) != mine:
                raise cluster_not_in_bloc()
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_cluster_ranks(conn, {cid: i for i, cid in enumerate(order, start=1)}, seq)
        return Change(identity.workshop.id, seq)
