"""Pure: what one viewer may see of an atelier, as JSON-ready dicts.

The same function makes the full snapshot sent on connect (since=0) and the
small patches broadcast after each change or replayed after a reconnect
(since=N): one code path, so a resynced screen shows exactly what a screen
that never dropped shows."""

from __future__ import annotations

from typing import Any

from facilitate.model import Bloc, Cluster, Draw, DrawStatus, Note, Participant, Role, Volet, Workshop
from facilitate.rules import (
    Viewer,
    can_read_note,
    is_hidden_by_private_writing,
    participant_offers,
    sees_table,
    shows_names,
)


def draw_json(draw: Draw | None, names: dict[int, str | None]) -> dict[str, Any] | None:
    """Teams in order, each member with their answer; the waiting list as a count."""
    if draw is None:
        return None
    teams: dict[int, list[dict[str, Any]]] = {}
    for m in draw.members:
        if m.team is not None and m.status != DrawStatus.DECLINED:
            teams.setdefault(m.team, []).append(
                {"id": m.participant_id, "name": names.get(m.participant_id), "status": m.status.value}
            )
    return {
        "id": draw.id,
        "mode": draw.mode,
        "team_size": draw.team_size,
        "teams": [teams[t] for t in sorted(teams)],
        "waiting": sum(1 for m in draw.members if m.team is None and m.status == DrawStatus.PENDING),
        "reserve": [m.participant_id for m in draw.members if m.team is None and m.status == DrawStatus.PENDING],
    }


def workshop_details(w: Workshop) -> dict[str, Any]:
    """What the facilitator typed at creation, and the template: screens and the archive."""
    return {
        "title": w.title,
        "event": w.event,
        "date": w.date,
        "facilitator_name": w.facilitator_name,
        "organisation": w.organisation,
        "template": w.template_id,
        "language": w.language,
    }


def workshop_json(w: Workshop, join_url: str) -> dict[str, Any]:
    return {
        "id": w.id,
        "code": w.code,
        **workshop_details(w),
        "current_bloc": w.current_bloc,
        "join_url": join_url,
        "volunteering": w.volunteering,
        "locked": w.locked,
        "identity": w.identity.value,
        "tables": w.tables,
        "tables_choice": w.tables_choice,
        "results_public": w.results_public,
    }


def bloc_settings(b: Bloc) -> dict[str, Any]:
    """A bloc's plan and phase: what screens show and what the archive keeps."""
    return {
        "title": b.title,
        "kind": b.kind.value,
        "prompt": b.prompt,
        "columns": [{"id": c.id, "label": c.label} for c in b.columns],
        "timer_seconds": b.timer_seconds,
        "vote_budget": b.vote_budget,
        "private_writing": b.private_writing,
        "phase": b.phase.value,
        "fondamentaux": b.fondamentaux,
        "participants_group": b.participants_group,
        "vote_stacking": b.vote_stacking,
        "moderated": b.moderated,
        "by_table": b.by_table,
        "plenary": b.plenary,
    }


def bloc_json(b: Bloc) -> dict[str, Any]:
    return {
        "id": b.id,
        "position": b.position,
        **bloc_settings(b),
        "offers": participant_offers(b),
        "timer": None
        if b.timer is None
        else {
            "running": b.timer.running,
            "remaining": round(b.timer.remaining, 3),
            "ends_at": b.timer.ends_at,
        },
    }


def note_json(n: Note, viewer: Viewer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": n.id,
        "bloc": n.bloc_id,
        "column": n.column,
        "cluster": n.cluster,
        "text": n.text,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
        "mine": n.participant_id == viewer.participant_id,
        "paper": n.paper,
        "table": n.table,
    }
    if viewer.is_staff:
        data["author"] = n.participant_id
        data["hidden"] = n.hidden
    if viewer.is_staff or data["mine"]:
        data["pending"] = n.pending
    return data


def participant_json(
    p: Participant,
    counts: dict[int, int],
    done: list[int],
    votes: dict[int, dict[str, int]],
    viewer: Viewer,
    names_shown: bool = True,
) -> dict[str, Any]:
    """The staff see how many dots each person used; only you see where yours
    went. A name is shown to its owner, and to others when the atelier's
    identity mode allows (rules.shows_names)."""
    data: dict[str, Any] = {
        "id": p.id,
        "name": p.name if names_shown or viewer.participant_id == p.id else None,
        "muted": p.muted,
        "table": p.table,
        "rapporteur": p.rapporteur,
        "notes": {str(b): n for b, n in counts.items()},
        "done": done,
        "volunteer": p.volunteer,
        "dots": {str(b): sum(items.values()) for b, items in votes.items()},
    }
    if viewer.participant_id == p.id:
        data["votes"] = {str(b): items for b, items in votes.items()}
    return data


def synthesis_json(volets: list[Volet]) -> list[dict[str, Any]]:
    return [
        {
            "id": v.id,
            "title": v.title,
            "actions": [{"id": a.id, "text": a.text, "soutien": a.soutien, "source": a.source} for a in v.actions],
        }
        for v in volets
    ]


def cluster_json(c: Cluster) -> dict[str, Any]:
    return {"id": c.id, "bloc": c.bloc_id, "label": c.label, "column": c.column, "table": c.table, "rank": c.rank}


def build_patch(
    *,
    viewer: Viewer,
    since: int,
    seq: int,
    workshop: Workshop,
    join_url: str,
    blocs: list[Bloc],
    notes: list[tuple[Note, Role]],
    participants: list[Participant],
    counts: dict[int, dict[int, int]],
    done: dict[int, list[int]],
    draw: Draw | None,
    names: dict[int, str | None],
    volunteers: int,
    now: float,
    clusters: list[Cluster],
    votes: dict[int, dict[int, dict[str, int]]],
    results: dict[int, dict[str, Any]],
    synthesis: list[Volet] | None,
    note_counts: dict[int, int] | None = None,
) -> dict[str, Any]:
    """Everything `viewer` may see that changed in (since, seq].

    A bloc that changed (phase, settings) comes with all its visible notes and
    the client replaces that bloc's notes: this is how a reveal reaches the
    room as one snapshot, and how going back to private writing hides them.
    `blocs` includes removed ones, sent as `deleted_blocs`. `participants` are
    all of them for the staff, the viewer alone for a participant.
    `server_time` lets screens show countdowns on the server's clock.
    A changed bloc also comes with all its clusters; `results` (ranking and
    fondamentaux) are given for closed blocs that changed. `note_counts`
    (bloc -> notes on its board) go to the phones of a large room, which do
    not get the notes themselves while the room writes (rules.holds_back_notes)."""
    names_shown = shows_names(workshop.identity, viewer)
    live_blocs = {b.id: b for b in blocs if not b.deleted}
    changed_blocs = [b for b in live_blocs.values() if b.seq > since]
    patch: dict[str, Any] = {"seq": seq, "since": since, "full": since == 0, "server_time": now}
    if workshop.meta_seq > since:
        patch["workshop"] = {
            **workshop_json(workshop, join_url),
            "volunteers": volunteers,
            "draw": draw_json(draw, names if names_shown else {}),
        }
    if changed_blocs:
        patch["blocs"] = [bloc_json(b) for b in changed_blocs]
    removed = [b.id for b in blocs if b.deleted and b.seq > since and since > 0]
    if removed:
        patch["deleted_blocs"] = removed
    visible, deleted = [], []
    for note, author_role in notes:
        bloc = live_blocs.get(note.bloc_id)
        if bloc is None:
            continue
        if not can_read_note(viewer, note, bloc, author_role):
            if since > 0 and note.hidden:
                # Hidden meanwhile: off the screens that showed it. (A waiting note was
                # never shown to them; telling the room to drop it would drop it from
                # its author's screen too when the room's patch comes after theirs.)
                deleted.append(note.id)
            continue
        if note.deleted:
            if since > 0:
                deleted.append(note.id)
        else:
            visible.append(note_json(note, viewer))
    if visible:
        patch["notes"] = visible
    if deleted:
        patch["deleted_notes"] = deleted
    shown = [
        c
        for c in clusters
        if c.bloc_id in live_blocs
        and not is_hidden_by_private_writing(live_blocs[c.bloc_id])
        and sees_table(viewer, live_blocs[c.bloc_id], c.table)
    ]
    if any(not c.deleted for c in shown):
        patch["clusters"] = [cluster_json(c) for c in shown if not c.deleted]
    if since > 0 and any(c.deleted for c in shown):
        patch["deleted_clusters"] = [c.id for c in shown if c.deleted]
    if synthesis is not None and viewer.is_staff and workshop.synthesis_seq > since:
        patch["synthesis"] = synthesis_json(synthesis)
    if note_counts:
        patch["note_counts"] = {str(b): n for b, n in note_counts.items()}
    if results:
        patch["results"] = {str(b): r for b, r in results.items()}
    if any(not p.removed for p in participants):
        patch["participants"] = [
            participant_json(p, counts.get(p.id, {}), done.get(p.id, []), votes.get(p.id, {}), viewer, names_shown)
            for p in participants
            if not p.removed
        ]
    if since > 0 and any(p.removed for p in participants):
        patch["deleted_participants"] = [p.id for p in participants if p.removed]
    return patch


PATCH_CONTENT = (
    "workshop",
    "blocs",
    "deleted_blocs",
    "notes",
    "deleted_notes",
    "clusters",
    "deleted_clusters",
    "results",
    "note_counts",
    "participants",
    "deleted_participants",
    "synthesis",
)


def is_empty(patch: dict[str, Any]) -> bool:
    return not any(key in patch for key in PATCH_CONTENT)
