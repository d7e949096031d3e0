"""Pure: a sliding-window counter per key ("at most N in T seconds")."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from facilitate.errors import FacilitateError, too_many_attempts

T = TypeVar("T")


class Limiter(Protocol):
    """A sliding window per key: RateLimiter here, shared_state.SharedRateLimiter across workers."""

    def exceeded(self, key: str, now: float) -> bool: ...

    def allow(self, key: str, now: float) -> bool: ...


# name, limit, window in seconds -> a limiter (in this process, or shared by the workers)
MakeLimiter = Callable[[str, int, float], Limiter]


def in_process(name: str, limit: int, window_seconds: float) -> Limiter:
    return RateLimiter(limit, window_seconds)


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}

    def exceeded(self, key: str, now: float) -> bool:
        """Whether the window already holds `limit` hits (counts nothing)."""
        hits = self._hits.get(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return bool(hits) and len(hits) >= self.limit

    def allow(self, key: str, now: float) -> bool:
        """Count one hit for `key`; False (and not counted) once the limit is reached."""
        if self.exceeded(key, now):
            return False
        hits = self._hits.setdefault(key, deque())
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
        return True


# The refusals that count as a wrong guess of a join code or a facilitator key.
WRONG_GUESSES = frozenset({"unknown_workshop", "bad_key"})


def guarded_guess(limiter: Limiter, address: str, now: float, attempt: Callable[[], T]) -> T:
    """Run one guess of a join code or key (a page, a connection): each wrong
    one counts against the client's address, and past the limit even a right
    one is refused for the window, so codes cannot be found by brute force."""
    if limiter.exceeded(address, now):
        raise too_many_attempts()
    try:
        return attempt()
    except FacilitateError as error:
        if error.code in WRONG_GUESSES:
            limiter.allow(address, now)
        raise


# Wrong admin passwords tolerated per client address and minute: enough for
# typos, far too few to guess a password.
PASSWORD_ATTEMPTS_PER_MINUTE = 10


@dataclass(frozen=True)
class Limits:
    """The limits of one server (or of all its workers): per participant
    (messages, notes) and per client address (wrong join codes, wrong admin passwords)."""

    messages: Limiter
    notes: Limiter
    wrong_codes: Limiter
    wrong_passwords: Limiter

    @classmethod
    def from_settings(cls, settings: dict[str, Any], make: MakeLimiter = in_process) -> Limits:
        return cls(
            make("messages", settings["MESSAGES_PER_MINUTE"], 60),
            make("notes", settings["NOTES_PER_MINUTE"], 60),
            make("wrong_codes", settings["JOIN_ATTEMPTS_PER_MINUTE"], 60),
            make("wrong_passwords", PASSWORD_ATTEMPTS_PER_MINUTE, 60),
        )
