import os

import pytest

from stats.counters import DatabaseCounter, RedisCounter


def redis_client():
    """A real Redis: REDIS_URL's server on database 15 (tests flush it), or the local default."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, db=15, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REDIS_URL") or os.environ.get("CI"):
            raise
        pytest.skip("Redis not reachable at 127.0.0.1:6379: Redis counter tests skipped (CI runs them).")
    return client


@pytest.fixture(params=["database", "redis"])
def counter(request, db):
    if request.param == "database":
        yield DatabaseCounter()
        return
    client = redis_client()
    client.flushdb()
    yield RedisCounter(client, prefix=f"test{os.getpid()}")
    client.flushdb()
