"""Regroupement and dot voting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitate import store
from facilitate.errors import (
    FacilitateError,
    bad_request,
    cluster_not_found,
    cluster_not_in_bloc,
    note_not_found,
    note_not_in_bloc,
)
from facilitate.i18n import _
from facilitate.model import Bloc, Cluster, Note, Phase, Role
from facilitate.rules import (
    check_can_group,
    check_facilitator,
    check_not_muted,
    clean_cluster_label,
)
from facilitate.services.common import (
    Base,
    Change,
    Identity,
    current_participant,
    distinct,
    existing_bloc,
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
            for ids, label in [_new_group(group, notes) for group in groups]:
                _insert_group(conn, bloc, [notes[i] for i in ids], label, seq)

        return self._grouping(identity, bloc_id, apply)

    def move_notes(self, identity: Identity, payload: Any) -> Change:
        """{"notes": [ids], "cluster": id | null}: into a cluster, or out of every one."""
        note_ids = distinct(payload["notes"])
        target = payload.get("cluster")
        with self.db.reading() as conn:
            first = store.get_note(conn, identity.workshop.id, note_ids[0]) if note_ids else None
        if first is None:
            raise note_not_found()

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            in_bloc = {n.id for n in store.notes_of_bloc(conn, bloc.id)}
            if any(i not in in_bloc for i in note_ids):
                raise note_not_in_bloc()
            if target is not None:
                cluster = store.get_cluster(conn, bloc.workshop_id, target)
                if cluster is None or cluster.bloc_id != bloc.id:
                    raise cluster_not_in_bloc()
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
            raise bad_request(_("il faut au moins deux regroupements à fusionner."))
        first = self._cluster(identity, {"cluster": ids[0]})

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            for other_id in ids[1:]:
                other = store.get_cluster(conn, bloc.workshop_id, other_id)
                if other is None or other.bloc_id != bloc.id:
                    raise cluster_not_in_bloc()
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
                raise FacilitateError("nothing_to_undo", _("Il n'y a rien à annuler."), 409)
            seq = store.bump_seq(conn, identity.workshop.id)
            _restore_grouping(conn, bloc, snapshot, seq)
        return Change(identity.workshop.id, seq)

    def suggest_clusters(self, identity: Identity, payload: Any) -> dict[str, Any]:
        """{"bloc"} -> {"placements": [{"note", "cluster", "words", "closest"}],
        "clusters": [{"label", "notes": [ids]}]}: a proposal computed on this
        laptop, nothing saved. Loose notes go to an existing cluster only when
        clearly close to it; new groups for the rest (singletons left out)."""
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        with self.db.reading() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            notes = store.notes_of_bloc(conn, bloc.id)
        placements, proposals = [], []
        for column in sorted({n.column or "" for n in notes}):  # never mix columns or questions
            part = [n for n in notes if (n.column or "") == column]
            placed, new = _build_on_clusters(part, bloc.prompt)
            placements += placed
            proposals += [
                {"label": c.label, "notes": [part[i].id for i in c.indexes]} for c in new if len(c.indexes) > 1
            ]
        proposals.sort(key=lambda p: (-len(p["notes"]), p["notes"][0]))
        return {"placements": placements, "clusters": proposals}

    def accept_suggestions(self, identity: Identity, payload: Any) -> tuple[list[int], Change]:
        """{"bloc", "placements": [{"note", "cluster"}], "clusters": [{"label"?,
        "notes"}]}: the suggestions the facilitator kept, as one undo step.
        Only loose notes move: a note grouped meanwhile stays where it is, and
        its id is returned as skipped."""
        bloc_id = payload["bloc"]
        placements = payload.get("placements", [])
        groups = payload.get("clusters", [])
        if not placements and not groups:
            raise bad_request(_("aucune suggestion à accepter."))
        moves = [(p["note"], p["cluster"]) for p in placements]
        skipped: list[int] = []

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            notes = {n.id: n for n in store.notes_of_bloc(conn, bloc.id)}
            clusters = {c.id for c in store.clusters_of_bloc(conn, bloc.id)}
            new_groups = [_new_group(group, notes) for group in groups]
            for note_id, cluster_id in moves:
                if note_id not in notes:
                    raise note_not_in_bloc()
                if cluster_id not in clusters:
                    raise cluster_not_in_bloc()
            for note_id, cluster_id in moves:
                if notes[note_id].cluster is None:
                    store.set_note_cluster(conn, [note_id], cluster_id, seq)
                    notes[note_id].cluster = cluster_id
                else:
                    skipped.append(note_id)
            for ids, label in new_groups:
                skipped.extend(i for i in ids if notes[i].cluster is not None)
                loose = [notes[i] for i in ids if notes[i].cluster is None]
                if loose:
                    _insert_group(conn, bloc, loose, label, seq)

        change = self._grouping(identity, bloc_id, apply)
        return skipped, change

    def offer_late_note(self, workshop_id: str, note_id: int) -> dict[str, Any] | None:
        """The existing cluster a note written during regroupement most
        resembles, for the facilitator to accept: {"bloc", "note", "cluster",
        "words", "closest"}, or None when no cluster is clearly close."""
        with self.db.reading() as conn:
            note = store.get_note(conn, workshop_id, note_id)
            bloc = store.get_bloc(conn, workshop_id, note.bloc_id) if note else None
            if note is None or bloc is None or bloc.phase != Phase.REGROUPEMENT or note.cluster is not None:
                return None
            # The grouped notes of its column, and the note itself: other loose notes are no reference.
            part = [
                n
                for n in store.notes_of_bloc(conn, bloc.id)
                if n.column == note.column and (n.cluster is not None or n.id == note.id)
            ]
        placed, _ = _build_on_clusters(part, bloc.prompt)
        return {"bloc": bloc.id, **placed[0]} if placed else None

    def _cluster(self, identity: Identity, payload: Any) -> Cluster:
        cluster_id = payload["cluster"]
        with self.db.reading() as conn:
            cluster = store.get_cluster(conn, identity.workshop.id, cluster_id)
        if cluster is None:
            raise cluster_not_found()
        return cluster

    # -- vote --------------------------------------------------------------------------

    def vote(self, identity: Identity, payload: Any) -> Change:
        """Participant: {"bloc", "item": "c<id>"|"n<id>", "dots": N} sets how many
        of your dots are on that item (0 takes them back). Setting, not adding,
        makes a resend after a drop harmless."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", _("Seuls les participants votent."), 403)
        bloc_id = payload["bloc"]
        dots = payload["dots"]
        item = payload["item"]
        participant_id = identity.viewer.participant_id
        with self.db.transaction() as conn:
            check_not_muted(current_participant(conn, identity))
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


def _new_group(group: dict[str, Any], notes: dict[int, Note]) -> tuple[list[int], str]:
    """A {"label"?, "notes": [ids]} group, checked: its note ids and its label."""
    ids = distinct(group["notes"])
    if not ids or any(i not in notes for i in ids):
        raise note_not_in_bloc()
    return ids, clean_cluster_label(group.get("label") or notes[ids[0]].text)


def _insert_group(conn: Any, bloc: Bloc, notes: list[Note], label: str, seq: int) -> None:
    columns = {n.column for n in notes}
    cluster_id = store.insert_cluster(
        conn, Cluster(0, bloc.workshop_id, bloc.id, label, columns.pop() if len(columns) == 1 else None, seq=seq)
    )
    store.set_note_cluster(conn, [n.id for n in notes], cluster_id, seq)


def _build_on_clusters(notes: list[Note], prompt: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """One column's notes: placements of its loose notes into its clusters
    ({"note", "cluster", "words", "closest"}), and the new groups for the rest."""
    from facilitate.clustering import build_on_groups  # scikit-learn: loaded on first use

    cluster_ids = sorted({n.cluster for n in notes if n.cluster is not None})
    groups = [[i for i, n in enumerate(notes) if n.cluster == c] for c in cluster_ids]
    result = build_on_groups([n.text for n in notes], groups, prompt)
    placements = [
        {
            "note": notes[p.index].id,
            "cluster": cluster_ids[p.group],
            "words": list(p.words),
            "closest": notes[p.closest].id,
        }
        for p in result.placements
    ]
    return placements, list(result.clusters[len(groups) :])


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
