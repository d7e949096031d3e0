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

# A real room behind one venue NAT: never refused by the per-address rule.
ROOM_BEHIND_ONE_ADDRESS = 300


def idle_seats_per_address(max_participants: int, configured: int | None = None) -> int:
    """At most 80 % of the seats, but never fewer than a whole room (or the cap)."""
    if configured is not None:
        return min(configured, max_participants)
    return max(min(max_participants, ROOM_BEHIND_ONE_ADDRESS), max_participants * 4 // 5)


def admission(
    contributors: Set[int], present: Mapping[int, str], address: str, max_participants: int, per_address: int
) -> str | None:
    """None if a newcomer from `address` may take a seat, else the refusal code.
    `present` maps each connected participant to the address they came from."""
    if len(contributors | present.keys()) >= max_participants:
        return "workshop_full"
    idle_here = sum(1 for pid, source in present.items() if source == address and pid not in contributors)
    return "too_many_arrivals" if idle_here >= per_address else None
