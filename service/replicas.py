"""State the replicas share: rate-limit buckets and the Slack event ids already answered.

With `ROLEQA_REDIS_URL` both live in Redis, so N replicas behind a load balancer spend one budget per
client and answer a Slack retry once, whichever replica it lands on. Without it (or while Redis is
unreachable) each process keeps its own, as a single replica needs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from service.config import Settings

logger = logging.getLogger(__name__)

# The same token bucket as TokenBucket, in Redis as GCRA: one key per client holding the "theoretical
# arrival time" (µs, Redis's own clock, so replicas with skewed clocks agree). A request is let through
# when that time is at most burst-1 intervals ahead of now; the key expires once the bucket is full again.
# KEYS[1] bucket; ARGV[1] µs per token; ARGV[2] burst. Returns 0 (allowed) or the µs to wait.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowed_at = tat - (burst - 1) * interval
if now < allowed_at then return math.ceil(allowed_at - now) end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
return 0
"""
# Slack retries come within minutes (3 retries, the last after ~5 min): ids are remembered for 10.
EVENT_TTL_SECONDS = 600
# After a Redis failure, use the in-process state for this long instead of waiting on Redis per request.
REDIS_RETRY_SECONDS = 5.0


class TokenBucket:
    """Per-key token buckets: `rate` tokens a minute, up to `burst` at once. Thread-safe, per process."""

    def __init__(self, per_minute: int, burst: int, max_keys: int = 50_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0.0 when allowed, else the seconds until a token is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                allowed = 0.0
            else:
                self._buckets[key] = (tokens, now)
                allowed = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.max_keys:  # forget the idlest half rather than grow without bound
                for old in sorted(self._buckets, key=lambda k: self._buckets[k][1])[: self.max_keys // 2]:
                    del self._buckets[old]
            return allowed


class EventDeduper:
    """Remembers event ids for a while so Slack's retries are not answered twice (per process)."""

    def __init__(self, ttl_seconds: float = EVENT_TTL_SECONDS, max_items: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_items = max_items
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.max_items):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


class SharedState:
    """Rate limits and Slack de-duplication: in Redis when configured, else (and while it is down) in-process.

    `open()`/`close()` run in the app's lifespan, so the Redis connections belong to the serving event loop.
    """

    def __init__(self, settings: Settings, on_failure: Callable[[], None] | None = None) -> None:
        self.per_minute = settings.rate_limit_per_minute
        self.burst = settings.rate_limit_burst
        self.bucket = TokenBucket(self.per_minute, self.burst) if self.per_minute else None
        self.events = EventDeduper()
        self.url = settings.redis_url.get_secret_value() if settings.redis_url else None
        self.prefix = settings.redis_prefix
        self.on_failure = on_failure
        self.redis: Any = None
        self._gcra: Any = None
        self._down_until = 0.0

    @property
    def configured(self) -> bool:
        return self.url is not None

    async def open(self) -> None:
        if self.url is None:
            return
        import redis.asyncio as aioredis  # the `redis` extra; only needed when ROLEQA_REDIS_URL is set

        # short timeouts: a stalled Redis must not stall requests (they fall back to the local state)
        self.redis = aioredis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                             health_check_interval=30)
        self._gcra = self.redis.register_script(_GCRA)
        logger.info("rate limits and Slack de-duplication shared through Redis at %s", _host(self.url))

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None

    async def take(self, key: str) -> float:
        """0.0 when `key` may make a request now, else the seconds until it may."""
        if self.bucket is None:
            return 0.0
        if self._usable():
            try:
                waited = await self._gcra(keys=[f"{self.prefix}rate:{key}"],
                                          args=[60_000_000 / self.per_minute, self.burst])
                return int(waited) / 1_000_000
            except Exception as exc:  # noqa: BLE001 - any Redis or network error: limit locally instead
                self._failed(exc)
        return self.bucket.take(key)

    async def first_time(self, event_id: str) -> bool:
        """True the first time any replica sees this Slack event id (within EVENT_TTL_SECONDS)."""
        if self._usable():
            try:
                return bool(await self.redis.set(f"{self.prefix}slack-event:{event_id}", b"1", nx=True,
                                                 ex=EVENT_TTL_SECONDS))
            except Exception as exc:  # noqa: BLE001
                self._failed(exc)
        return self.events.first_time(event_id)

    async def ping(self) -> bool | None:
        """None without Redis, else whether it answers."""
        if self.redis is None:
            return None
        try:
            return bool(await self.redis.ping())
        except Exception:  # noqa: BLE001
            return False

    def _usable(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
        logger.warning("Redis unavailable (%s: %s); using this process's rate limits and Slack event ids for %.0f s",
                       type(exc).__name__, exc, REDIS_RETRY_SECONDS)
        if self.on_failure is not None:
            self.on_failure()


def _host(url: str) -> str:
    """The URL without credentials, for logs."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
