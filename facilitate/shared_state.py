"""What several workers share through Redis (`serve --message-queue`).

- The message queue: Flask-SocketIO's Redis manager, which delivers every
  emit to the worker's own screens first, then to the other workers. Ours
  also carries control messages between workers (cut a connection off,
  reseat a participant, forget a snapshot: facilitate/events.py acts on its
  own connections), says when Redis is out of reach and when it is back
  (the consoles are told; every screen resyncs when it returns), and
  retries every second rather than backing off to a minute.
- Rate limits: the same sliding windows as ratelimit.RateLimiter, kept in
  Redis so that a second worker sees the first one's counts.
- Presence: who is connected to which atelier, from which address (the
  seats of seats.py), each worker's share refreshed in Redis every second.

Redis down: limits let everything through (the worker keeps serving its
own phones), presence is the worker's own; both log it once."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import redis
import socketio

log = logging.getLogger(__name__)

CONTROL_EVENT = "facilitate:control"
CONTROL_ROOM = "facilitate:control"  # no screen ever joins it
RETRY_SECONDS = 1.0
PRESENCE_SECONDS = 1.0  # how often a worker publishes the ateliers' presence
OTHERS_SECONDS = 0.25  # how long a worker trusts what it read of the others' presence
HOST_TTL_SECONDS = 5  # a worker silent this long (killed) no longer counts


class MessageQueue(socketio.RedisManager):  # type: ignore[misc]
    """Flask-SocketIO's Redis manager, plus control messages and status."""

    def __init__(self, url: str, on_control: Callable[[dict[str, Any]], None], on_status: Callable[[bool], None]):
        super().__init__(url, channel="facilitate", redis_options={"socket_connect_timeout": 1, "socket_timeout": 5})
        self.on_control, self.on_status = on_control, on_status
        self.up = True

    def _handle_emit(self, message: dict[str, Any]) -> None:
        # Control messages reach every worker, this one included, and no screen.
        if message.get("event") == CONTROL_EVENT and message.get("room") == CONTROL_ROOM:
            self.on_control(message["data"][0])
        else:
            super()._handle_emit(message)

    def _set_up(self, up: bool) -> None:
        if up != self.up:
            self.up = up
            self.on_status(up)

    def _redis_listen_with_retries(self) -> Any:
        """The library's listener, retrying every second (not up to a minute)
        and telling `on_status` when Redis goes and comes back."""
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                self._set_up(True)
                yield from self.pubsub.listen()
            except Exception as error:
                if self.up:
                    log.error("file de messages Redis injoignable (%s) : nouvel essai chaque seconde", error)
                self._set_up(False)
                time.sleep(RETRY_SECONDS)


class SharedRateLimiter:
    """ratelimit.RateLimiter's contract (exceeded, allow), kept in Redis."""

    # Drop the hits older than the window, then count (and add one if allowed).
    _SCRIPT = """
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
    local hits = redis.call('ZCARD', KEYS[1])
    if hits >= tonumber(ARGV[3]) then return 0 end
    if ARGV[4] == '1' then
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
        redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
    end
    return 1
    """

    def __init__(self, client: redis.Redis, name: str, limit: int, window_seconds: float) -> None:
        self.limit, self.window = limit, window_seconds
        self._prefix = f"facilitate:limit:{name}:"
        self._run = client.register_script(self._SCRIPT)
        self._warned = False

    def _ask(self, key: str, now: float, count: bool) -> bool:
        # The machine's monotonic clock is the same in every worker; wall time would do across machines.
        try:
            args = [now, self.window, self.limit, "1" if count else "0", uuid.uuid4().hex]
            return bool(self._run(keys=[self._prefix + key], args=args))
        except redis.RedisError as error:
            if not self._warned:
                log.error("limites partagées indisponibles (%s) : laissées ouvertes tant que Redis manque", error)
                self._warned = True
            return True

    def exceeded(self, key: str, now: float) -> bool:
        return not self._ask(key, now, count=False)

    def allow(self, key: str, now: float) -> bool:
        return self._ask(key, now, count=True)


@dataclass(frozen=True)
class _Others:
    """What the other workers serve of one atelier, as last read from Redis."""

    read_at: float
    participants: dict[int, str]  # their connected participants, with their addresses
    screens: int  # their connections of any kind to it


class SharedPresence:
    """Who is connected to an atelier, over every worker: this worker's live
    list plus the others' shares, which each worker writes to Redis every
    second, and at once when it gets its first screen of an atelier (a
    killed worker's share expires with it). It tells the seats who is there,
    and the broadcaster whether any other worker serves the atelier: if none
    does, its patches need not cross Redis."""

    def __init__(
        self, client: redis.Redis, local: Callable[[str], Mapping[int, str]], screens: Callable[[str], int]
    ) -> None:
        self._redis, self._local, self._screens = client, local, screens
        self.host = f"{socket.gethostname()}:{os.getpid()}"
        self._others: dict[str, _Others] = {}
        self._shared: set[str] = set()  # the ateliers this worker last wrote a share for

    def present(self, workshop_id: str) -> dict[int, str]:
        return {**self._others_of(workshop_id).participants, **self._local(workshop_id)}

    def served_elsewhere(self, workshop_id: str) -> bool:
        return self._others_of(workshop_id).screens > 0

    def _others_of(self, workshop_id: str) -> _Others:
        cached = self._others.get(workshop_id)
        if cached is None or time.monotonic() - cached.read_at > OTHERS_SECONDS:
            cached = self._others[workshop_id] = self._read_others(workshop_id)
        return cached

    def _read_others(self, workshop_id: str) -> _Others:
        try:
            shares = self._redis.hgetall(f"facilitate:present:{workshop_id}")
            alive = {host for host, beat in self._beats().items() if time.time() - beat < HOST_TTL_SECONDS}
        except redis.RedisError:
            return _Others(time.monotonic(), {}, screens=1)  # unknown: send through the queue
        participants: dict[int, str] = {}
        screens = 0
        for host, raw in shares.items():
            if host.decode() in alive and host.decode() != self.host:
                share = json.loads(raw)
                participants.update({int(pid): address for pid, address in share["participants"].items()})
                screens += share["screens"]
        return _Others(time.monotonic(), participants, screens)

    def _beats(self) -> dict[str, float]:
        return {host.decode(): float(beat) for host, beat in self._redis.hgetall("facilitate:hosts").items()}

    def publish(self, workshop_ids: list[str]) -> None:
        """This worker's share of each atelier it serves (an empty one for an
        atelier it no longer serves), and its heartbeat."""
        try:
            with self._redis.pipeline() as pipe:
                pipe.hset("facilitate:hosts", self.host, time.time())
                for workshop_id in self._shared | set(workshop_ids):
                    key = f"facilitate:present:{workshop_id}"
                    share = {"participants": dict(self._local(workshop_id)), "screens": self._screens(workshop_id)}
                    pipe.hset(key, self.host, json.dumps(share))
                    pipe.expire(key, 24 * 3600)
                pipe.execute()
            self._shared = set(workshop_ids)
        except redis.RedisError:
            pass  # said once by the message queue
