"""The read model: what a viewer may see of an atelier that changed after a
seq, read from the database in one transaction and shaped by the pure
projection (projection.build_patch). Connects, resyncs and broadcasts all
go through `patch`, so a screen that dropped sees what others saw."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from facilitate import store
from facilitate.errors import workshop_not_found
from facilitate.model import Bloc, Phase, Role
from facilitate.projection import build_patch
from facilitate.rules import Viewer
from facilitate.services.common import Base
from facilitate.voting import items_of, ranking, retained


def patch(service: Base, workshop_id: str, viewer: Viewer, since: int = 0) -> dict[str, Any]:
    """What `viewer` may see that changed after `since` (0: everything)."""
    with service.db.reading() as conn:
        workshop = store.get_workshop(conn, workshop_id)
        if workshop is None:
            raise workshop_not_found()
        if since > workshop.seq or since < 0:
            since = 0  # a seq from another life of the database: start afresh
        if viewer.role == Role.PARTICIPANT:
            viewer = replace(viewer, crowd=store.participant_count(conn, workshop_id) >= service.large_room)
        if viewer.role == Role.PARTICIPANT and viewer.participant_id is not None:
            me = store.get_participant(conn, workshop_id, viewer.participant_id)
            viewer = replace(viewer, table=me.table if me else None)  # where they sit now
        blocs = store.list_blocs(conn, workshop_id, with_deleted=True)
        changed_bloc_ids = [b.id for b in blocs if b.seq > since]
        notes = store.notes_for_patch(conn, workshop_id, since, changed_bloc_ids)
        if viewer.is_staff:
            participants = store.participants_since(conn, workshop_id, since)
        elif viewer.participant_id is not None:
            participants = store.participants_since(conn, workshop_id, since, only=viewer.participant_id)
        else:
            participants = []
        ids = [p.id for p in participants]
        counts, done, votes = store.note_counts(conn, ids), store.done_blocs(conn, ids), store.my_votes(conn, ids)
        clusters = store.clusters_since(conn, workshop_id, since, changed_bloc_ids)
        touched = set(changed_bloc_ids) | {n.bloc_id for n, _ in notes} | {c.bloc_id for c in clusters}
        written = {n.bloc_id for n, _ in notes if n.seq > since}
        counts_now = store.board_note_counts(conn, sorted(written)) if viewer.crowd and written else None
        results = {
            b.id: _results(conn, b) for b in blocs if b.id in touched and b.phase == Phase.CLOS and not b.deleted
        }
        meta_changed = workshop.meta_seq > since
        draw = store.latest_draw(conn, workshop_id) if meta_changed else None
        names = store.participant_names(conn, workshop_id) if draw else {}
        volunteers = len(store.volunteer_ids(conn, workshop_id)) if meta_changed else 0
        wants_synthesis = viewer.is_staff and workshop.synthesis_seq > since
        volets = store.synthesis(conn, workshop_id) if wants_synthesis else None
    return build_patch(
        viewer=viewer,
        since=since,
        seq=workshop.seq,
        workshop=workshop,
        join_url=service.join_url_for(workshop.code),
        blocs=blocs,
        notes=notes,
        participants=participants,
        counts=counts,
        done=done,
        draw=draw,
        names=names,
        volunteers=volunteers,
        now=service.clock(),
        clusters=clusters,
        votes=votes,
        results=results,
        synthesis=volets,
        note_counts=counts_now,
    )


def _results(conn: Any, bloc: Bloc) -> dict[str, Any]:
    """The vote's ranking and the fondamentaux of a closed bloc."""
    items = items_of(store.clusters_of_bloc(conn, bloc.id), store.notes_of_bloc(conn, bloc.id))
    ranked = ranking(items, store.vote_totals(conn, [bloc.id])[bloc.id])
    return {"ranking": ranked, "retained": retained(bloc, ranked)}
