"""Pure: dot-vote rules, the ranking, and the "grands fondamentaux retenus".

An item of a bloc is a cluster ("c<id>") or a note left out of every cluster
("n<id>"): once notes are grouped, people vote on the groups."""

from __future__ import annotations

from dataclasses import dataclass

from facilitate.errors import FacilitateError
from facilitate.i18n import _
from facilitate.model import Bloc, Cluster, Note
from facilitate.rules import participant_offers

MAX_RETAINED = 7  # seed 001 kept seven fondamentaux


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    size: int  # how many notes it gathers


def items_of(clusters: list[Cluster], notes: list[Note]) -> list[Item]:
    """What the room votes on: each group with its shown notes, then each shown
    note outside a group (hidden and waiting notes take no part)."""
    notes = [n for n in notes if n.shown]
    live = {c.id for c in clusters}
    sizes: dict[int, int] = {}
    for n in notes:
        if n.cluster in live:
            sizes[n.cluster] = sizes.get(n.cluster, 0) + 1
    items = [Item(f"c{c.id}", c.label, sizes.get(c.id, 0)) for c in clusters if sizes.get(c.id)]
    items += [Item(f"n{n.id}", n.text, 1) for n in notes if n.cluster not in live]
    return items


def check_vote(bloc: Bloc, item_keys: set[str], mine: dict[str, int], item: str, dots: int) -> None:
    """May this participant put `dots` dots on `item` (replacing what they had there)?"""
    offers = participant_offers(bloc)
    if not offers["vote"]:
        raise FacilitateError("vote_closed", _("Le vote n'est pas ouvert pour ce bloc."), 409)
    if item not in item_keys:
        raise FacilitateError("unknown_item", _("Cet élément n'existe pas dans ce bloc."), 404)
    if dots < 0:
        raise FacilitateError("bad_request", _("Requête invalide : « dots » ne peut pas être négatif."))
    limit = offers["dots_per_item"]
    if dots > limit:
        raise FacilitateError(
            "item_limit",
            _("Un seul point par élément.")
            if limit == 1
            else _("Au plus {limit} points sur un même élément.", limit=limit),
            409,
        )
    used = sum(n for key, n in mine.items() if key != item and key in item_keys) + dots
    if used > bloc.vote_budget:
        left = bloc.vote_budget - (used - dots)
        raise FacilitateError(
            "over_budget",
            _("Vous n'avez plus que {left} point(s) sur {budget}.", left=left, budget=bloc.vote_budget),
            409,
        )


def ranking(items: list[Item], totals: dict[str, int]) -> list[dict[str, object]]:
    """Items by dots, then by size; ties keep the board's order."""
    ordered = sorted(items, key=lambda i: (-totals.get(i.key, 0), -i.size))
    return [{"item": i.key, "label": i.label, "size": i.size, "dots": totals.get(i.key, 0)} for i in ordered]


def retained(bloc: Bloc, ranked: list[dict[str, object]]) -> list[str]:
    """The facilitator's list if they set one; otherwise the top items by votes,
    or by size (groups of two notes or more) when nobody voted."""
    if bloc.retained is not None:
        return list(bloc.retained)
    voted = any(r["dots"] for r in ranked)
    keep = [r for r in ranked if (r["dots"] if voted else r["size"] >= 2)]  # type: ignore[operator]
    return [str(r["label"]) for r in keep[:MAX_RETAINED]]
