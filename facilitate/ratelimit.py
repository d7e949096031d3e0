"""Pure: a sliding-window counter per key ("at most N in T seconds")."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any


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


# Wrong admin passwords tolerated per client address and minute: enough for
# typos, far too few to guess a password.
PASSWORD_ATTEMPTS_PER_MINUTE = 10


@dataclass(frozen=True)
class Limits:
    """The limits of one server: per participant (messages, notes) and per
    client address (wrong join codes, wrong admin passwords)."""

    messages: RateLimiter
    notes: RateLimiter
    wrong_codes: RateLimiter
    wrong_passwords: RateLimiter

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Limits:
        return cls(
            RateLimiter(settings["MESSAGES_PER_MINUTE"], 60),
            RateLimiter(settings["NOTES_PER_MINUTE"], 60),
            RateLimiter(settings["JOIN_ATTEMPTS_PER_MINUTE"], 60),
            RateLimiter(PASSWORD_ATTEMPTS_PER_MINUTE, 60),
        )
