"""Django's Redis cache, made to keep the portal serving while Redis is down.

Django's built-in RedisCache raises on a lost connection, and a page that reads the cache would
answer 500. Here a failed read counts as a miss and a failed write is skipped (both logged), so with
Redis down the portal only gets slower: pages are rendered afresh and sessions (cached_db) are read
from the database. django-redis offers the same as IGNORE_EXCEPTIONS; this keeps Django's own backend
and one dependency fewer.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(default_result):
    def decorate(method):
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("Redis unavailable (%s): %s", method.__name__, error)
                return default_result(*args, **kwargs) if callable(default_result) else default_result

        wrapper.__name__ = method.__name__
        return wrapper

    return decorate


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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    get = _tolerant(_default)(RedisCache.get)
    get_many = _tolerant({})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    set = _tolerant(None)(RedisCache.set)
    set_many = _tolerant([])(RedisCache.set_many)
    add = _tolerant(False)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(None)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            logger.warning("Redis unavailable (incr): %s", error)
            return 0
