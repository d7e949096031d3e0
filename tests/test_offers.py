"""What a participant's screen may offer comes from the server's rules
(`offers` on each bloc), the same rules the server checks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from facilitate.errors import FacilitateError
from facilitate.model import Phase, Role
from facilitate.rules import Viewer, check_can_add_note, check_can_group, check_can_write, participant_offers


def bloc_in(workshop_bloc, phase, **settings):
    return replace(workshop_bloc, phase=phase, **settings)


@pytest.fixture
def bloc(app, workshop):
    from facilitate import store

    with app.extensions["facilitate"].db.reading() as conn:
        return store.get_bloc(conn, workshop["id"], workshop["blocs"][0]["id"])


@pytest.mark.parametrize(
    "phase, write, add, group, vote",
    [
        (Phase.ECRITURE, True, True, False, False),
        (Phase.DEVOILEMENT, True, True, False, False),
        (Phase.REGROUPEMENT, False, True, True, False),
        (Phase.VOTE, False, False, False, True),
        (Phase.CLOS, False, False, False, False),
    ],
)
def test_offers_follow_the_phase_and_agree_with_the_checks(bloc, phase, write, add, group, vote):
    b = bloc_in(bloc, phase, participants_group=True, vote_stacking=False)
    assert participant_offers(b) == {"write": write, "add": add, "group": group, "vote": vote, "dots_per_item": 1}
    participant = Viewer(role=Role.PARTICIPANT, participant_id=1)
    for allowed, check in ((write, check_can_write), (add, check_can_add_note), (group, check_can_group)):
        if allowed:
            check(participant, b)
        else:
            with pytest.raises(FacilitateError):
                check(participant, b)


def test_grouping_and_stacking_settings(bloc):
    assert participant_offers(bloc_in(bloc, Phase.REGROUPEMENT, participants_group=False))["group"] is False
    assert participant_offers(bloc_in(bloc, Phase.VOTE, vote_stacking=True, vote_budget=7))["dots_per_item"] == 7


def test_every_bloc_patch_carries_its_offers(connect, workshop):
    phone = connect({"code": workshop["code"], "name": "Ana"})
    state = next(m["args"][0] for m in phone.get_received() if m["name"] == "state")
    for b in state["blocs"]:
        assert set(b["offers"]) == {"write", "add", "group", "vote", "dots_per_item"}
        assert b["offers"]["write"] is (b["phase"] in ("ecriture", "devoilement"))
