"""Pure countdown arithmetic on the server's clock (Unix seconds)."""

from __future__ import annotations

from facilitate.model import Countdown

MAX_TIMER_SECONDS = 4 * 3600


def start(timer: Countdown, now: float) -> Countdown:
    if timer.running:
        return timer
    return Countdown(True, timer.remaining, now + timer.remaining)


def pause(timer: Countdown, now: float) -> Countdown:
    return Countdown(False, timer.left(now)) if timer.running else timer


def extend(timer: Countdown, seconds: float, now: float) -> Countdown:
    """Add (or, negative, remove) time; never below zero."""
    left = max(0.0, min(MAX_TIMER_SECONDS, timer.left(now) + seconds))
    return Countdown(True, left, now + left) if timer.running else Countdown(False, left)


def reset(seconds: float) -> Countdown:
    return Countdown(False, float(seconds))
