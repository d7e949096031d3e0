"""Pure: the team draw and the countdown arithmetic."""

import random

import pytest

from facilitate import countdown
from facilitate.draw import answer, draw_teams
from facilitate.errors import FacilitateError
from facilitate.model import Countdown, Draw, DrawStatus


def test_draw_fills_full_teams_and_keeps_a_waiting_list():
    members = draw_teams(list(range(1, 12)), "teams", 4, None, random.Random(7))
    assert sorted(m.participant_id for m in members) == list(range(1, 12))
    teams = {}
    for m in members:
        teams.setdefault(m.team, []).append(m.participant_id)
    assert sorted(len(v) for k, v in teams.items() if k is not None) == [4, 4]
    assert len(teams[None]) == 3  # 11 volunteers, two teams of four


def test_same_seed_same_draw_whatever_the_input_order():
    a = draw_teams([5, 3, 9, 1, 7, 2], "teams", 2, None, random.Random(42))
    b = draw_teams([1, 2, 3, 5, 7, 9], "teams", 2, None, random.Random(42))
    assert a == b
    c = draw_teams([1, 2, 3, 5, 7, 9], "teams", 2, None, random.Random(43))
    assert [m.participant_id for m in a] != [m.participant_id for m in c]


def test_chosen_number_of_teams():
    members = draw_teams(list(range(10)), "teams", 3, 2, random.Random(1))
    assert sum(m.team is not None for m in members) == 6
    with pytest.raises(FacilitateError) as error:
        draw_teams(list(range(10)), "teams", 3, 4, random.Random(1))
    assert error.value.code == "not_enough_volunteers"


def test_one_two_four_draws_pairs():
    members = draw_teams(list(range(8)), "1-2-4", 5, None, random.Random(3))
    assert {m.team for m in members} == {0, 1, 2, 3}


@pytest.mark.parametrize("ids,mode,size", [([1], "teams", 2), ([1, 2], "nope", 2), ([1, 2], "teams", 0)])
def test_draw_errors(ids, mode, size):
    with pytest.raises(FacilitateError):
        draw_teams(ids, mode, size, None, random.Random(0))


def test_a_decline_hands_the_place_to_the_first_waiting_volunteer():
    members = draw_teams([1, 2, 3, 4, 5], "teams", 2, None, random.Random(9))
    draw = Draw(1, "teams", 2, tuple(members))
    drawn = next(m for m in members if m.team == 1)
    first_waiting = next(m for m in members if m.team is None)
    changed = answer(draw, drawn.participant_id, accept=False)
    assert changed[0].status == DrawStatus.DECLINED
    assert changed[1].participant_id == first_waiting.participant_id and changed[1].team == 1
    assert answer(draw, drawn.participant_id, accept=True)[0].status == DrawStatus.CONFIRMED
    with pytest.raises(FacilitateError) as error:
        answer(draw, first_waiting.participant_id, accept=True)
    assert error.value.code == "not_drawn"


def test_countdown_runs_pauses_and_extends_on_the_server_clock():
    timer = countdown.reset(300)
    assert timer.left(1000.0) == 300
    running = countdown.start(timer, 1000.0)
    assert running.ends_at == 1300.0 and running.left(1100.0) == 200
    assert countdown.start(running, 1200.0) == running  # starting twice changes nothing
    paused = countdown.pause(running, 1100.0)
    assert not paused.running and paused.left(5000.0) == 200
    assert countdown.extend(paused, 60, 5000.0).left(9999.0) == 260
    assert countdown.extend(running, 60, 1100.0).ends_at == 1360.0
    assert countdown.extend(running, -1000, 1100.0).left(1100.0) == 0
    assert Countdown(True, 0, 1300.0).left(2000.0) == 0  # never negative: nothing is cut off
