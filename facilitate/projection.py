"""Pure: what one viewer may see of an atelier, as JSON-ready dicts.

The same function makes the full snapshot sent on connect (since=0) and the
small patches broadcast after each change or replayed after a reconnect
(since=N): one code path, so a resynced screen shows exactly what a screen
that never dropped shows."""

from __future__ import annotations

from typing import Any

from facilitate.model import Bloc, Note, Participant, Role, Workshop
from facilitate.rules import Viewer, can_read_note


def workshop_json(w: Workshop, join_url: str) -> dict[str, Any]:
    return {
        "id": w.id,
        "code": w.code,
        "title": w.title,
        "event": w.event,
        "date": w.date,
        "facilitator_name": w.facilitator_name,
        "organisation": w.organisation,
        "template": w.template_id,
        "current_bloc": w.current_bloc,
        "volets": w.volets,
        "join_url": join_url,
    }


def bloc_json(b: Bloc) -> dict[str, Any]:
    return {
        "id": b.id,
        "position": b.position,
        "title": b.title,
        "kind": b.kind.value,
        "prompt": b.prompt,
        "columns": [{"id": c.id, "label": c.label} for c in b.columns],
        "timer_seconds": b.timer_seconds,
        "vote_budget": b.vote_budget,
        "private_writing": b.private_writing,
        "phase": b.phase.value,
    }


def note_json(n: Note, viewer: Viewer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": n.id,
        "bloc": n.bloc_id,
        "column": n.column,
        "text": n.text,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
        "mine": n.participant_id == viewer.participant_id,
    }
    if viewer.is_staff:
        data["author"] = n.participant_id
    return data


def participant_json(p: Participant, counts: dict[int, int]) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "notes": {str(b): n for b, n in counts.items()}}


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
) -> dict[str, Any]:
    """Everything `viewer` may see that changed in (since, seq].

    A bloc that changed (phase, settings) comes with all its visible notes and
    the client replaces that bloc's notes: this is how a reveal reaches the
    room as one snapshot, and how going back to private writing hides them."""
    blocs_by_id = {b.id: b for b in blocs}
    changed_blocs = [b for b in blocs if b.seq > since]
    patch: dict[str, Any] = {"seq": seq, "since": since, "full": since == 0}
    if workshop.meta_seq > since:
        patch["workshop"] = workshop_json(workshop, join_url)
    if changed_blocs:
        patch["blocs"] = [bloc_json(b) for b in changed_blocs]
    visible, deleted = [], []
    for note, author_role in notes:
        bloc = blocs_by_id.get(note.bloc_id)
        if bloc is None or not can_read_note(viewer, note, bloc, author_role):
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
    if viewer.is_staff and participants:
        patch["participants"] = [participant_json(p, counts.get(p.id, {})) for p in participants]
    return patch


def is_empty(patch: dict[str, Any]) -> bool:
    return not any(key in patch for key in ("workshop", "blocs", "notes", "deleted_notes", "participants"))
