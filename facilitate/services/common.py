"""What every use case shares: the change a mutation reports, who a
connection is, the dependencies of the service, and payload helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from facilitate import store
from facilitate.db import Database
from facilitate.errors import FacilitateError, participant_not_found
from facilitate.i18n import _
from facilitate.model import Bloc, Participant, Role, Workshop
from facilitate.rules import Viewer
from facilitate.session_templates import SessionTemplate


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Change:
    """A committed mutation: the atelier, its new seq, and the participants who
    must get a personal patch (the author of a private note, for instance)."""

    workshop_id: str
    seq: int
    participant_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Identity:
    """Who a connection is, established once at connect."""

    workshop: Workshop
    viewer: Viewer
    participant: Participant | None = None


@dataclass
class Base:
    """The service's dependencies; each area of use cases is a mixin over it."""

    db: Database
    templates: dict[str, SessionTemplate]
    join_url_for: Callable[[str], str]
    user_templates_dir: Path
    max_participants: int = 500
    idle_seats_per_address: int | None = None  # None: seats.idle_seats_per_address decides
    # From this many participants, phones get counts instead of each note while
    # the room writes (rules.holds_back_notes; measured in docs/benchmarks.md).
    large_room: int = 1000
    now: Callable[[], str] = field(default=utc_now)
    clock: Callable[[], float] = field(default=time.time)  # for countdowns, Unix seconds


def find_or_fail(items: list[Any], item_id: int, code: str, message: str) -> Any:
    found = next((i for i in items if i.id == item_id), None)
    if found is None:
        raise FacilitateError(code, message, 404)
    return found


def reorder(items: list[Any], save: Callable[[Any, Any], None], conn: Any) -> None:
    """Positions 0..n-1 in list order, saving only what moved."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            save(conn, item)


# Payloads reach the use cases already read against their declared shape
# (facilitate/payloads.py): fields have their types, only meaning is checked here.


def distinct(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def position_in(payload: dict[str, Any], length: int) -> int:
    return max(0, min(length, payload.get("position", length)))


def existing_bloc(conn: Any, workshop_id: str, bloc_id: int) -> Bloc:
    bloc = store.get_bloc(conn, workshop_id, bloc_id)
    if bloc is None:
        raise FacilitateError("unknown_bloc", _("Ce bloc n'existe pas (ou plus) dans cet atelier."), 404)
    return bloc


def current_participant(conn: Any, identity: Identity) -> Participant | None:
    """The participant behind a connection as the database has them now
    (muted since they connected, for instance); None for the staff."""
    if identity.viewer.is_staff or identity.viewer.participant_id is None:
        return None
    return store.get_participant(conn, identity.workshop.id, identity.viewer.participant_id)


def present_participant(conn: Any, workshop_id: str, participant_id: int) -> Participant:
    """A participant of the atelier who has not been removed."""
    participant = store.get_participant(conn, workshop_id, participant_id)
    if participant is None or participant.role != Role.PARTICIPANT or participant.removed:
        raise participant_not_found()
    return participant
