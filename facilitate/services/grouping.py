"""Regroupement and dot voting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, bad_request
from facilitate.model import Bloc, Cluster, Role
from facilitate.rules import (
    check_can_group,
    check_facilitator,
    clean_cluster_label,
)
from facilitate.services.common import (
    Base,
    Change,
    Identity,
    existing_bloc,
    distinct,
)
from facilitate.voting import check_vote, items_of


class GroupingCases(Base):
    # -- regroupement --------------------------------------------------------------

    def _grouping(self, identity: Identity, bloc_id: int, apply: Callable[[Any, Bloc, int], None]) -> Change:
        """Run one grouping action on a bloc as one transaction and one undo step."""
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            check_can_group(identity.viewer, bloc)
            store.push_undo(conn, bloc.id, _grouping_snapshot(conn, bloc.id))
            seq = store.bump_seq(conn, identity.workshop.id)
            apply(conn, bloc, seq)
            _drop_empty_clusters(conn, bloc.id, seq)
        return Change(identity.workshop.id, seq)

    def group_notes(self, identity: Identity, payload: Any) -> Change:
        """{"bloc", "clusters": [{"label"?, "notes": [ids]}]}: each list of notes
        becomes a new cluster (its label defaults to its first note). Used to
        group a selection, to split a cluster, and to accept suggestions."""
        bloc_id = payload["bloc"]
        groups = payload["clusters"]

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            notes = {n.id: n for n in store.notes_of_bloc(conn, bloc.id)}
            for group in groups:
                ids = distinct(group["notes"])
                if not ids or any(i not in notes for i in ids):
                    raise FacilitateError("unknown_note", "Une de ces notes n'existe pas dans ce bloc.", 404)
                label = clean_cluster_label(group.get("label") or notes[ids[0]].text)
                columns = {notes[i].column for i in ids}
                cluster_id = store.insert_cluster(
                    conn, Cluster(0, bloc.workshop_id, bloc.id, label, columns.pop() if len(columns) == 1 else None, seq=seq)
                )
                store.set_note_cluster(conn, ids, cluster_id, seq)

        return self._grouping(identity, bloc_id, apply)

    def move_notes(self, identity: Identity, payload: Any) -> Change:
        """{"notes": [ids], "cluster": id | null}: into a cluster, or out of every one."""
        note_ids = distinct(payload["notes"])
        target = payload.get("cluster")
        with self.db.reading() as conn:
            first = store.get_note(conn, identity.workshop.id, note_ids[0]) if note_ids else None
        if first is None:
            raise FacilitateError("unknown_note", "Cette note n'existe pas ou a été supprimée.", 404)

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            in_bloc = {n.id for n in store.notes_of_bloc(conn, bloc.id)}
            if any(i not in in_bloc for i in note_ids):
                raise FacilitateError("unknown_note", "Une de ces notes n'existe pas dans ce bloc.", 404)
            if target is not None:
                cluster = store.get_cluster(conn, bloc.workshop_id, target)
                if cluster is None or cluster.bloc_id != bloc.id:
                    raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas dans ce bloc.", 404)
            store.set_note_cluster(conn, note_ids, target, seq)

        return self._grouping(identity, first.bloc_id, apply)

    def rename_cluster(self, identity: Identity, payload: Any) -> Change:
        """{"cluster", "label"}."""
        cluster = self._cluster(identity, payload)
        label = clean_cluster_label(payload["label"])

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            cluster.label, cluster.seq = label, seq
            store.save_cluster(conn, cluster)

        return self._grouping(identity, cluster.bloc_id, apply)

    def merge_clusters(self, identity: Identity, payload: Any) -> Change:
        """{"clusters": [ids]}: every note goes to the first cluster, which keeps its label."""
        ids = distinct(payload["clusters"])
        if len(ids) < 2:
            raise bad_request("il faut au moins deux regroupements à fusionner.")
        first = self._cluster(identity, {"cluster": ids[0]})

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            for other_id in ids[1:]:
                other = store.get_cluster(conn, bloc.workshop_id, other_id)
                if other is None or other.bloc_id != bloc.id:
                    raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas dans ce bloc.", 404)
                members = [n.id for n in store.notes_of_bloc(conn, bloc.id) if n.cluster == other.id]
                store.set_note_cluster(conn, members, first.id, seq)

        return self._grouping(identity, first.bloc_id, apply)

    def ungroup(self, identity: Identity, payload: Any) -> Change:
        """{"cluster"}: its notes go back to the pile, the cluster disappears."""
        cluster = self._cluster(identity, payload)

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            members = [n.id for n in store.notes_of_bloc(conn, bloc.id) if n.cluster == cluster.id]
            store.set_note_cluster(conn, members, None, seq)

        return self._grouping(identity, cluster.bloc_id, apply)

    def undo_grouping(self, identity: Identity, payload: Any) -> Change:
        """{"bloc"}: back to the grouping before the last action."""
        bloc_id = payload["bloc"]
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            check_can_group(identity.viewer, bloc)
            snapshot = store.pop_undo(conn, bloc.id)
            if snapshot is None:
                raise FacilitateError("nothing_to_undo", "Il n'y a rien à annuler.", 409)
            seq = store.bump_seq(conn, identity.workshop.id)
            _restore_grouping(conn, bloc, snapshot, seq)
        return Change(identity.workshop.id, seq)

    def suggest_clusters(self, identity: Identity, payload: Any) -> dict[str, Any]:
        """{"bloc"} -> {"clusters": [{"label", "notes": [ids]}]}: a proposal
        computed on this laptop, nothing saved. Singletons are left out."""
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        with self.db.reading() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            notes = [n for n in store.notes_of_bloc(conn, bloc.id) if n.cluster is None]
        from facilitate.clustering import (
            suggest_clusters,  # scikit-learn: loaded on first use
        )

        proposals = []
        for column in {n.column for n in notes}:  # never mix columns or questions
            part = [n for n in notes if n.column == column]
            for suggestion in suggest_clusters([n.text for n in part], prompt=bloc.prompt):
                if len(suggestion.indexes) > 1:
                    proposals.append({"label": suggestion.label, "notes": [part[i].id for i in suggestion.indexes]})
        proposals.sort(key=lambda p: (-len(p["notes"]), p["notes"][0]))
        return {"clusters": proposals}

    def _cluster(self, identity: Identity, payload: Any) -> Cluster:
        cluster_id = payload["cluster"]
        with self.db.reading() as conn:
            cluster = store.get_cluster(conn, identity.workshop.id, cluster_id)
        if cluster is None:
            raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas (ou plus).", 404)
        return cluster
    # -- vote --------------------------------------------------------------------------

    def vote(self, identity: Identity, payload: Any) -> Change:
        """Participant: {"bloc", "item": "c<id>"|"n<id>", "dots": N} sets how many
        of your dots are on that item (0 takes them back). Setting, not adding,
        makes a resend after a drop harmless."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", "Seuls les participants votent.", 403)
        bloc_id = payload["bloc"]
        dots = payload["dots"]
        item = payload["item"]
        participant_id = identity.viewer.participant_id
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            keys = {i.key for i in items_of(store.clusters_of_bloc(conn, bloc.id), store.notes_of_bloc(conn, bloc.id))}
            check_vote(bloc, keys, store.votes_of(conn, participant_id, bloc.id), item, dots)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_vote(conn, participant_id, bloc.id, item, dots)
            store.touch_participant(conn, participant_id, seq)
        return Change(identity.workshop.id, seq, (participant_id,))

    def set_retained(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", "retained": [labels] | null} (null: automatic again)."""
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        labels = payload.get("retained")
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            bloc.retained = None if labels is None else [clean_cluster_label(x) for x in labels]
            bloc.seq = store.bump_seq(conn, identity.workshop.id)
            store.update_bloc(conn, bloc)
        return Change(identity.workshop.id, bloc.seq)


def _grouping_snapshot(conn: Any, bloc_id: int) -> dict[str, Any]:
    return {
        "clusters": [{"id": c.id, "label": c.label, "column": c.column} for c in store.clusters_of_bloc(conn, bloc_id)],
        "notes": {str(n.id): n.cluster for n in store.notes_of_bloc(conn, bloc_id)},
    }


def _restore_grouping(conn: Any, bloc: Bloc, snapshot: dict[str, Any], seq: int) -> None:
    before = {c["id"]: c for c in snapshot["clusters"]}
    for cluster in store.clusters_of_bloc(conn, bloc.id):
        if cluster.id not in before:
            cluster.deleted, cluster.seq = True, seq
            store.save_cluster(conn, cluster)
    for cluster_id, data in before.items():
        store.save_cluster(conn, Cluster(cluster_id, bloc.workshop_id, bloc.id, data["label"], data["column"], seq=seq))
    for note in store.notes_of_bloc(conn, bloc.id):
        wanted = snapshot["notes"].get(str(note.id))
        if note.cluster != wanted:
            store.set_note_cluster(conn, [note.id], wanted, seq)


def _drop_empty_clusters(conn: Any, bloc_id: int, seq: int) -> None:
    used = {n.cluster for n in store.notes_of_bloc(conn, bloc_id)}
    for cluster in store.clusters_of_bloc(conn, bloc_id):
        if cluster.id not in used:
            cluster.deleted, cluster.seq = True, seq
            store.save_cluster(conn, cluster)
