"""The shared cache on a real Redis, and the site going on while Redis cannot be reached."""

import os
import shutil
import uuid

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from actionhub.campaigns.models import Pledge
from actionhub.core.models import RateLimitCounter
from actionhub.core.ratelimit import rate_limit_exceeded
from actionhub.tests.processes import RedisServer, free_port

# A database of its own on the machine's Redis, so the suite never touches anything else there.
REDIS_URL = "redis://127.0.0.1:6379/15"
LIMIT = [(3, 60)]


def use_redis(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "actionhub.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # apart from any other run on this Redis
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.RATE_LIMIT_STORE = "cache"


@pytest.fixture
def redis_running(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        message = "These tests need a Redis on 127.0.0.1:6379: sudo apt-get install redis-server"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI starts one and never skips them)")
        pytest.skip(message)
    use_redis(settings, REDIS_URL)


@pytest.fixture
def redis_full(settings):
    """A Redis of its own at its memory limit, refusing writes (the noeviction policy)."""
    if not shutil.which("redis-server"):
        message = "This test needs Debian's redis-server: sudo apt-get install redis-server"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI never skips it)")
        pytest.skip(message)
    server = RedisServer("--maxmemory-policy", "noeviction")
    try:
        raw = redis.Redis.from_url(server.url)
        raw.config_set("maxmemory", "1")  # a byte: it is over its limit, whatever it holds
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            raw.set("anything", "x")
        use_redis(settings, server.url)
        yield
    finally:
        server.stop()


@pytest.fixture
def redis_away(settings):
    """Nothing listens on the port: every connection is refused, as when Redis is stopped."""
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")


def test_with_redis_running_pages_and_limits_use_it(db, redis_running):
    cache.set("greeting", "shalom")
    assert cache.get("greeting") == "shalom"

    results = [rate_limit_exceeded(key="pledge:192.0.2.7", limits=LIMIT) for _ in range(5)]

    assert results == [False, False, False, True, True]
    assert not RateLimitCounter.objects.exists(), "counted in Redis"


def test_with_redis_running_a_page_is_kept_there_for_every_process(
    campaign, redis_running, settings
):
    settings.PAGE_CACHE_SECONDS = 10
    pledge = Pledge.objects.get()
    Client().get(f"/pledge/{pledge.slug}/")
    pledge.title = "A title changed by an organiser"
    pledge.save()

    assert pledge.title.encode() not in Client().get(f"/pledge/{pledge.slug}/").content


def test_with_redis_away_pages_are_still_served(campaign, redis_away, settings):
    settings.PAGE_CACHE_SECONDS = 10
    pledge = Pledge.objects.get()
    for path in ("/", f"/pledge/{pledge.slug}/", f"/pledge/{pledge.slug}/count.json"):
        response = Client().get(path)
        assert response.status_code == 200, path
    assert cache.get("anything", "missed") == "missed"


def test_with_redis_away_rate_limits_are_counted_in_the_database(db, redis_away):
    results = [rate_limit_exceeded(key="pledge:192.0.2.8", limits=LIMIT) for _ in range(5)]

    assert results == [False, False, False, True, True], "limits still hold"
    assert RateLimitCounter.objects.get().count == 5


def test_with_redis_full_pages_are_served_and_limits_counted_in_the_database(
    campaign, redis_full, settings
):
    settings.PAGE_CACHE_SECONDS = 10
    pledge = Pledge.objects.get()
    for path in ("/", f"/pledge/{pledge.slug}/", f"/pledge/{pledge.slug}/count.json"):
        assert Client().get(path).status_code == 200, path
    cache.set("greeting", "shalom")
    assert cache.get("greeting", "dropped") == "dropped", "what does not fit is dropped"

    results = [rate_limit_exceeded(key="pledge:192.0.2.9", limits=LIMIT) for _ in range(5)]

    assert results == [False, False, False, True, True], "limits still hold"
    assert RateLimitCounter.objects.get().count == 5
