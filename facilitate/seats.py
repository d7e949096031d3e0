"""Pure: who may take a seat in an atelier (join floods).

A seat is held by a participant who contributed (a note, a vote, a "j'ai
terminé", a volunteer) or who is connected right now. Someone who came, wrote
nothing and left holds nothing, so a flood of throw-away connections frees its
seats as soon as it stops. While connected, the idle newcomers of one address
may hold only part of the room: a single source cannot fill an atelier, yet a
whole room behind one NAT address (300 phones, measured in bench/join_flood.py)
always gets in."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field

# A real room behind one venue NAT: never refused by the per-address rule.
ROOM_BEHIND_ONE_ADDRESS = 300


def idle_seats_per_address(max_participants: int, configured: int | None = None) -> int:
    """At most 80 % of the seats, but never fewer than a whole room (or the cap)."""
    if configured is not None:
        return min(configured, max_participants)
    return max(min(max_participants, ROOM_BEHIND_ONE_ADDRESS), max_participants * 4 // 5)


def surely_free(joined: int, present: int, max_participants: int, per_address: int) -> bool:
    """Whether a newcomer may take a seat whatever the details: far from both
    limits (contributors are among those who `joined`, the idle newcomers of
    any address among those `present`). A join storm of thousands then costs
    no count of contributors per join."""
    return present < per_address and joined + present < max_participants


def admission(
    contributors: Set[int], present: Mapping[int, str], address: str, max_participants: int, per_address: int
) -> str | None:
    """None if a newcomer from `address` may take a seat, else the refusal code.
    `present` maps each connected participant to the address they came from."""
    if len(contributors | present.keys()) >= max_participants:
        return "workshop_full"
    idle_here = sum(1 for pid, source in present.items() if source == address and pid not in contributors)
    return "too_many_arrivals" if idle_here >= per_address else None


@dataclass
class Presence:
    """Who is connected to each atelier, kept as connections come and go: how
    many screens of any kind, and each participant with the address they came
    from (one participant may have several connections)."""

    _screens: dict[str, int] = field(default_factory=dict)  # atelier -> connections
    _by_workshop: dict[str, dict[int, str]] = field(default_factory=dict)
    _connections: dict[str, tuple[str, int | None]] = field(
        default_factory=dict
    )  # connection -> (atelier, participant)
    _open: dict[tuple[str, int], int] = field(default_factory=dict)  # (atelier, participant) -> connections

    def arrive(self, connection: str, workshop_id: str, participant_id: int | None, address: str) -> None:
        """A screen connects; `participant_id` None for the staff's screens."""
        self._connections[connection] = (workshop_id, participant_id)
        self._screens[workshop_id] = self._screens.get(workshop_id, 0) + 1
        if participant_id is not None:
            key = (workshop_id, participant_id)
            self._open[key] = self._open.get(key, 0) + 1
            self._by_workshop.setdefault(workshop_id, {})[participant_id] = address

    def leave(self, connection: str) -> None:
        found = self._connections.pop(connection, None)
        if found is None:
            return
        workshop_id, participant_id = found
        self._screens[workshop_id] -= 1
        if not self._screens[workshop_id]:
            del self._screens[workshop_id]
        if participant_id is None:
            return
        key = (workshop_id, participant_id)
        self._open[key] -= 1
        if self._open[key] > 0:
            return  # still here on another connection
        del self._open[key]
        present = self._by_workshop[workshop_id]
        present.pop(participant_id, None)
        if not present:
            del self._by_workshop[workshop_id]

    def of(self, workshop_id: str) -> Mapping[int, str]:
        """The atelier's connected participants, with their addresses."""
        return self._by_workshop.get(workshop_id, {})

    def screens(self, workshop_id: str) -> int:
        return self._screens.get(workshop_id, 0)

    def ateliers(self) -> list[str]:
        """The ateliers with at least one screen here."""
        return sorted(self._screens)
