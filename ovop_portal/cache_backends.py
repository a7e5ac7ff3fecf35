"""Django's Redis cache, made to keep the portal serving, and fast, while Redis is down or hung.

Django's built-in RedisCache raises on a lost connection, and a page that reads the cache would
answer 500. Here a failed read counts as a miss and a failed write is skipped (both logged), so with
Redis down the portal only gets slower: pages are rendered afresh. django-redis offers the same as
IGNORE_EXCEPTIONS; this keeps Django's own backend and one dependency fewer.

"Only slower" must stay a few milliseconds: a hung Redis holds every operation for the whole socket
timeout, and a page makes several (2.6 s for one page, 16.7 s p95 under load, before the breaker).
So every operation goes through a circuit breaker shared by the process's threads: after
`BREAKER_FAILURES` failures in a row, Redis is not asked at all for `BREAKER_SECONDS`, then one
operation probes it; a success closes the breaker, a failure opens it again.

The `strict_*` operations raise CacheUnavailable instead of pretending: core.caching needs to
know that a version bump was not confirmed (a forgotten invalidation would bring back stale pages
when Redis returns with its saved data).
"""

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from core.errors import CacheUnavailable

logger = logging.getLogger(__name__)


class BreakerOpen(CacheUnavailable):
    """Redis was not asked: it failed too often, too recently."""


class CircuitBreaker:
    def __init__(self, failures: int, reset_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.threshold = max(1, failures)
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        # Operations refused while open: what a dead Redis no longer costs (tests, logs).
        self.skipped = 0
        # How many times Redis came back after the breaker opened: a Redis that returns may hold data
        # saved before writes it never heard of (core.caching bumps its versions then).
        self.recoveries = 0

    @property
    def is_open(self) -> bool:
        return self._failures >= self.threshold

    def allow(self) -> bool:
        with self._lock:
            if self._failures < self.threshold:
                return True
            now = self._clock()
            if now >= self._open_until:
                # Half open: this one operation probes; the others skip until it has answered, or
                # until another period has passed if it never does (a killed thread).
                self._open_until = now + self.reset_seconds
                return True
            self.skipped += 1
            return False

    def succeeded(self) -> None:
        with self._lock:
            if self._failures >= self.threshold:
                logger.warning("Redis answers again: cache breaker closed")
                self.recoveries += 1
            self._failures = 0

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                if self._failures == self.threshold:
                    logger.warning("Redis failing: cache breaker open for %s s", self.reset_seconds)
                self._open_until = self._clock() + self.reset_seconds

    def reset(self) -> None:
        with self._lock:
            self._failures, self._open_until, self.skipped = 0, 0.0, 0


# One breaker per Redis location and process: Django builds a cache backend per thread, and each
# thread learning on its own that Redis hangs would cost one timeout per thread.
_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, failures: int, reset_seconds: float) -> CircuitBreaker:
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or (breaker.threshold, breaker.reset_seconds) != (max(1, failures), reset_seconds):
            breaker = _breakers[location] = CircuitBreaker(failures, reset_seconds)
        return breaker


def _guarded(method: Callable) -> Callable:
    """The operation through the breaker; a Redis failure raises CacheUnavailable."""

    def wrapper(self: "TolerantRedisCache", *args, **kwargs):
        if not self.breaker.allow():
            raise BreakerOpen("Redis skipped: breaker open")
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            self.breaker.failed()
            raise CacheUnavailable(f"{method.__name__}: {error}") from error
        except Exception:
            self.breaker.succeeded()  # Redis answered (e.g. incr of a missing key): not an outage
            raise
        self.breaker.succeeded()
        return result

    wrapper.__name__ = method.__name__
    return wrapper


def _tolerant(strict_method: Callable, default_result: object) -> Callable:
    """The operation that never raises: a miss, or a skipped write, while Redis fails."""

    def wrapper(self: "TolerantRedisCache", *args, **kwargs):
        try:
            return strict_method(self, *args, **kwargs)
        except CacheUnavailable as error:
            if not isinstance(error, BreakerOpen):  # one line per real failure, not per skipped call
                logger.warning("Redis unavailable: %s", error)
            return default_result(*args, **kwargs) if callable(default_result) else default_result

    wrapper.__name__ = strict_method.__name__
    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every cache operation, and each build copies
    redis-py's table of response callbacks: about a quarter of a millisecond, twice per cached page,
    which was a third of a cached page's time (bench/run.py). A redis.Redis is safe to share between
    threads (it takes a connection from its pool per command), so keep one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """OPTIONS may hold, besides redis-py's connection options, `BREAKER_FAILURES` (default 3) and
    `BREAKER_SECONDS` (default 10)."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        failures = int(params["OPTIONS"].pop("BREAKER_FAILURES", 3))
        reset_seconds = float(params["OPTIONS"].pop("BREAKER_SECONDS", 10))
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self.breaker = breaker_for(",".join(self._servers), failures, reset_seconds)

    strict_get = _guarded(RedisCache.get)
    strict_get_many = _guarded(RedisCache.get_many)  # a cached page and its version: one round trip
    strict_add = _guarded(RedisCache.add)
    strict_set = _guarded(RedisCache.set)
    strict_incr = _guarded(RedisCache.incr)
    strict_delete = _guarded(RedisCache.delete)

    get = _tolerant(strict_get, _default)
    get_many = _tolerant(strict_get_many, {})
    has_key = _tolerant(_guarded(RedisCache.has_key), False)
    set = _tolerant(strict_set, None)
    set_many = _tolerant(_guarded(RedisCache.set_many), [])
    add = _tolerant(strict_add, False)
    touch = _tolerant(_guarded(RedisCache.touch), False)
    delete = _tolerant(strict_delete, False)
    delete_many = _tolerant(_guarded(RedisCache.delete_many), None)
    clear = _tolerant(_guarded(RedisCache.clear), None)
    incr = _tolerant(strict_incr, 0)
