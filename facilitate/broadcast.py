"""Who hears what of a committed change, and when: coalesced broadcasting.

Every mutation reports a Change. Rather than one frame per change to every
screen, an atelier's patches leave at most once per window: a change after
a quiet window leaves at once, those that follow within the window are
gathered, then each audience receives one patch covering all of them.

Two lanes, each with its own window, so that the room's fan-out never holds
back the screens that follow every note:
- the screens: the staff (console, co-animation), the projector, and each
  participant a change concerns (their own notes, their dots);
- the room: every phone, or each sub-group table.
A lane's window follows what sending costs: the next patches leave when
the last ones have left (their sending, pauses included, is the window), at
most `window` (0.25 s) for the screens and four times that for the room. A room of 30 keeps its live feel (a few
milliseconds); the phones of a room of 5,000 get about a frame a second,
not one per note, while the console and the projector stay live.

Each audience's patch starts at the seq that audience was last sent (or the
seq its screens connected at), so a screen never sees a gap, and never has
to resync, when changes it may not see came in between.

The state a newcomer receives is built once and shared by every phone that
joins before the room's view next changes: a join storm reads the board once.

With several workers (workers.py) every emit crosses the message queue to
every worker; a worker forgets its shared snapshots when any worker tells
the room something new (`room_changed`, through the control bus)."""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitate.errors import FacilitateError
from facilitate.model import Participant, Role
from facilitate.projection import is_empty, participant_json
from facilitate.read_model import patch
from facilitate.rules import Viewer
from facilitate.services import Change, Identity, Service

log = logging.getLogger(__name__)

ROOM_VIEWER = Viewer(Role.PARTICIPANT, None)  # what any participant may see
STAFF_VIEWER = Viewer(Role.FACILITATOR, None)
# The projector is staff (counts during private writing) but faces the room:
# no hidden note, no pseudonym reaches it.
PROJECTOR_VIEWER = Viewer(Role.PROJECTOR, None)

# The screens' longest window (bench/scale.py, docs/benchmarks.md), the room's
# (times the screens'), and how many times its last sending's duration a lane
# waits before the next one (measured: 1, the next frame leaves as soon as the
# last one has; 3 tripled a room of 1,000's latency for no gain).
DEFAULT_WINDOW_SECONDS = 0.25
ROOM_WINDOW_FACTOR = 4.0
WINDOW_PER_SENDING = 1.0
SCREENS, ROOM = "screens", "room"
# The room's phones are spread over this many Socket.IO rooms, sent one after
# the other with a pause between them: the console's and the projector's
# frames never wait behind more than one part of a room of thousands.
ROOM_SHARDS = 16


def room_of(workshop_id: str) -> str:
    return f"w:{workshop_id}"


def staff_room_of(workshop_id: str) -> str:
    return f"w:{workshop_id}:staff"


def projector_room_of(workshop_id: str) -> str:
    return f"w:{workshop_id}:projector"


def shard_room_of(workshop_id: str, shard: int) -> str:
    return f"w:{workshop_id}:s:{shard}"


def shard_of(connection: str) -> int:
    """The part of the room a connection's patches go to (see Broadcaster._send_room)."""
    return zlib.crc32(connection.encode()) % ROOM_SHARDS


def seat_room_of(workshop_id: str, table: int | None, shard: int) -> str:
    """Where a participant's room patches go: their part of the room, or their
    table's (a table sees only its own notes while a bloc runs by table)."""
    return shard_room_of(workshop_id, shard) if table is None else f"w:{workshop_id}:t:{table}"


def audience_of(workshop_id: str, room: str) -> str:
    """The audience a Socket.IO room belongs to: the parts of the room are one."""
    return room_of(workshop_id) if room.startswith(shard_room_of(workshop_id, 0)[:-1]) else room


def participant_room_of(participant_id: int) -> str:
    return f"p:{participant_id}"


def audiences_of(identity: Identity, connection: str, table: int | None = None) -> list[str]:
    """The Socket.IO rooms a connection listens to: a participant's seat (their
    part of the room, or their table) first, then the whole room (for
    announcements) and their own."""
    workshop_id = identity.workshop.id
    if identity.viewer.role == Role.PROJECTOR:
        return [projector_room_of(workshop_id)]
    if identity.viewer.is_staff:
        return [staff_room_of(workshop_id)]
    return [
        seat_room_of(workshop_id, table, shard_of(connection)),
        room_of(workshop_id),
        participant_room_of(identity.viewer.participant_id or 0),
    ]


@dataclass
class _Batch:
    since: int  # the seq before the batch's first change
    participant_ids: set[int] = field(default_factory=set)


@dataclass
class _Lane:
    """One lane of one atelier: its waiting batch, when it last sent and what that cost."""

    pending: _Batch | None = None
    last_flush: float = float("-inf")
    cost: float = 0.0
    sending: bool = False  # a sending is under way (it pauses between the parts of the room)
    flusher: bool = False  # a background flusher will send what is pending


class Broadcaster:
    """One per process. `emit(event, data, room, workshop_id)` sends through
    Socket.IO (and its message queue, with workers, when another worker serves
    the atelier); `start(fn, *args)` runs fn in the
    background; `sleep(seconds)` is the async mode's."""

    def __init__(
        self,
        service: Service,
        emit: Callable[[str, dict[str, Any], str, str], None],
        start: Callable[..., Any],
        sleep: Callable[[float], None],
        window: float = DEFAULT_WINDOW_SECONDS,
        room_changed: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.window = window
        self._emit, self._start, self._sleep = emit, start, sleep
        # Tells every worker (this one included) that the room's view of an atelier changed.
        self._room_changed = room_changed or self.forget_snapshots
        self._clock = clock
        self._lanes: dict[tuple[str, str], _Lane] = {}  # (atelier, lane)
        self._sent: dict[str, dict[str, int]] = {}  # atelier -> room -> last seq it was sent
        self._snapshots: dict[tuple[str, int | None], dict[str, Any]] = {}  # (atelier, table) -> newcomer state

    # -- changes -------------------------------------------------------------------

    def changed(self, change: Change | None) -> None:
        """Record a committed change in both lanes. The first change after a
        quiet window leaves at once (a small room sees each action as it
        happens); those that follow within the window leave together at its end."""
        if change is None:
            return
        for name in (SCREENS, ROOM):
            lane = self._lanes.setdefault((change.workshop_id, name), _Lane())
            idle = lane.pending is None and not lane.sending and not lane.flusher
            if idle and lane.last_flush + self._window(name, lane) <= self._clock():
                self._flush(change.workshop_id, name, _Batch(change.seq - 1, set(change.participant_ids)))
                continue
            if lane.pending is None:
                lane.pending = _Batch(change.seq - 1)
            lane.pending.since = min(lane.pending.since, change.seq - 1)
            lane.pending.participant_ids.update(change.participant_ids)
            if not lane.flusher:
                lane.flusher = True
                self._start(self._flush_later, change.workshop_id, name)

    def _window(self, name: str, lane: _Lane) -> float:
        cap = self.window * (ROOM_WINDOW_FACTOR if name == ROOM else 1.0)
        return min(cap, WINDOW_PER_SENDING * lane.cost)

    def _flush_later(self, workshop_id: str, name: str) -> None:
        """Send what is pending once the lane's window has passed (and any
        sending under way has ended), as long as changes keep coming."""
        lane = self._lanes[(workshop_id, name)]
        try:
            while lane.pending is not None:
                wait = lane.last_flush + self._window(name, lane) - self._clock()
                if lane.sending or wait > 0:
                    self._sleep(max(wait, 0.005))
                    continue
                batch, lane.pending = lane.pending, None
                self._flush(workshop_id, name, batch)
        except Exception:
            log.exception("broadcast of atelier %s failed", workshop_id)
        finally:
            lane.flusher = False

    def _flush(self, workshop_id: str, name: str, batch: _Batch) -> None:
        lane = self._lanes.setdefault((workshop_id, name), _Lane())
        lane.last_flush = started = self._clock()
        lane.sending = True
        try:
            if name == ROOM:
                self._send_room(workshop_id, batch)
            else:
                self._send_screens(workshop_id, batch)
        except FacilitateError:
            return  # the atelier was deleted meanwhile: its screens were told
        finally:
            lane.sending = False
            lane.cost = self._clock() - started

    def _send_screens(self, workshop_id: str, batch: _Batch) -> None:
        self._send(workshop_id, batch, staff_room_of(workshop_id), STAFF_VIEWER, always=True)
        self._send(workshop_id, batch, projector_room_of(workshop_id), PROJECTOR_VIEWER)
        if not batch.participant_ids:
            return
        # A phone has at least what its seat (the room, or its table) was sent: its own patch
        # starts there, not at its connection, or it would replay the room's whole history.
        sent = self._sent.setdefault(workshop_id, {})
        seats = [room_of(workshop_id)]
        seats += [seat_room_of(workshop_id, t, 0) for t in range(1, self.service.table_count(workshop_id) + 1)]
        seen = min((sent[seat] for seat in seats if seat in sent), default=0)
        for participant_id in sorted(batch.participant_ids):
            audience = participant_room_of(participant_id)
            sent[audience] = max(sent.get(audience, batch.since), seen)
            self._send(workshop_id, batch, audience, Viewer(Role.PARTICIPANT, participant_id))

    def _send_room(self, workshop_id: str, batch: _Batch) -> None:
        parts = [shard_room_of(workshop_id, shard) for shard in range(ROOM_SHARDS)]
        told = self._send(workshop_id, batch, room_of(workshop_id), ROOM_VIEWER, parts=parts)
        for table in range(1, self.service.table_count(workshop_id) + 1):
            viewer = Viewer(Role.PARTICIPANT, None, table)
            told = self._send(workshop_id, batch, seat_room_of(workshop_id, table, 0), viewer) or told
        if told:
            self._room_changed(workshop_id)

    def _send(
        self,
        workshop_id: str,
        batch: _Batch,
        audience: str,
        viewer: Viewer,
        always: bool = False,
        parts: list[str] | None = None,
    ) -> bool:
        """One patch for an audience, to its room (or to each of its `parts`, pausing between them)."""
        sent = self._sent.setdefault(workshop_id, {})
        change = patch(self.service, workshop_id, viewer, sent.get(audience, batch.since))
        if not always and is_empty(change):
            return False
        for room in parts or [audience]:
            self._emit("change", change, room, workshop_id)
            if parts:
                self._sleep(0)  # let the frames already queued leave (the console's among them)
        sent[audience] = change["seq"]
        return True

    def connected(self, workshop_id: str, rooms: list[str], seq: int) -> None:
        """A screen joined `rooms` with a state at `seq`: their next patches
        must not start after it (that screen would see a gap)."""
        sent = self._sent.setdefault(workshop_id, {})
        for audience in {audience_of(workshop_id, room) for room in rooms}:
            sent[audience] = min(sent.get(audience, seq), seq)

    # -- newcomers -------------------------------------------------------------------

    def newcomer_state(self, identity: Identity) -> dict[str, Any]:
        """The state of a participant who just joined (no notes, no votes yet):
        the room's snapshot, shared, plus their own entry."""
        participant: Participant = identity.participant  # type: ignore[assignment]
        key = (identity.workshop.id, participant.table)
        shared = self._snapshots.get(key)
        if shared is None:
            viewer = Viewer(Role.PARTICIPANT, None, participant.table)
            shared = self._snapshots[key] = patch(self.service, identity.workshop.id, viewer)
        me = participant_json(participant, {}, [], {}, identity.viewer)
        return {**shared, "participants": [me], "server_time": self.service.clock()}

    def forget_snapshots(self, workshop_id: str) -> None:
        for key in [k for k in self._snapshots if k[0] == workshop_id]:
            del self._snapshots[key]

    def forget(self, workshop_id: str) -> None:
        """A deleted atelier."""
        self.forget_snapshots(workshop_id)
        self._sent.pop(workshop_id, None)
        for name in (SCREENS, ROOM):
            self._lanes.pop((workshop_id, name), None)
