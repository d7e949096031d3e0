"""Pure: tirage au sort of volunteers into teams (seed 003). Randomness comes
in as a `random.Random`, so tests fix the seed."""

from __future__ import annotations

import random
from collections.abc import Sequence

from facilitate.errors import FacilitateError
from facilitate.i18n import _
from facilitate.model import Draw, DrawMember, DrawStatus

MODES = ("teams", "1-2-4")
MAX_TEAM_SIZE = 20


def draw_teams(
    volunteer_ids: Sequence[int], mode: str, team_size: int, teams: int | None, rng: random.Random
) -> list[DrawMember]:
    """Shuffle the volunteers, fill `teams` teams of `team_size` (by default as
    many full teams as there are volunteers for), and put the rest on the
    waiting list in drawn order. "1-2-4" draws pairs; pairs 0-1, 2-3... make fours."""
    if mode not in MODES:
        raise FacilitateError("bad_request", _("Requête invalide : le mode est « teams » ou « 1-2-4 »."))
    if mode == "1-2-4":
        team_size = 2
    if not 1 <= team_size <= MAX_TEAM_SIZE:
        raise FacilitateError(
            "bad_request",
            _("Requête invalide : une équipe compte de 1 à {maximum} personnes.", maximum=MAX_TEAM_SIZE),
        )
    if len(volunteer_ids) < team_size:
        raise FacilitateError(
            "not_enough_volunteers",
            _(
                "Il faut au moins {team_size} volontaires pour former une équipe ({count} pour l'instant).",
                team_size=team_size,
                count=len(volunteer_ids),
            ),
            409,
        )
    possible = len(volunteer_ids) // team_size
    if teams is None:
        teams = possible
    if not 1 <= teams <= possible:
        raise FacilitateError(
            "not_enough_volunteers",
            _(
                "{count} volontaires ne suffisent pas pour {teams} équipes de {team_size}.",
                count=len(volunteer_ids),
                teams=teams,
                team_size=team_size,
            ),
            409,
        )
    order = sorted(volunteer_ids)
    rng.shuffle(order)
    places = teams * team_size
    return [DrawMember(pid, rank, rank // team_size if rank < places else None) for rank, pid in enumerate(order)]


def answer(draw: Draw, participant_id: int, accept: bool) -> list[DrawMember]:
    """A drawn participant confirms or declines; a decline hands the place to
    the first volunteer still waiting. Returns the members that changed."""
    member = next((m for m in draw.members if m.participant_id == participant_id), None)
    if member is None or member.team is None:
        raise FacilitateError("not_drawn", _("Vous n'avez pas été tiré·e au sort pour une équipe."), 409)
    if member.status == DrawStatus.DECLINED:
        raise FacilitateError("already_declined", _("Vous avez déjà laissé votre place."), 409)
    if accept:
        return [DrawMember(member.participant_id, member.rank, member.team, DrawStatus.CONFIRMED)]
    changed = [DrawMember(member.participant_id, member.rank, member.team, DrawStatus.DECLINED)]
    waiting = sorted(
        (m for m in draw.members if m.team is None and m.status == DrawStatus.PENDING), key=lambda m: m.rank
    )
    if waiting:
        changed.append(DrawMember(waiting[0].participant_id, waiting[0].rank, member.team, DrawStatus.PENDING))
    return changed
