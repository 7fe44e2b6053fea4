"""Counting requests per key in fixed windows, shared by every web process.

The counters live in the shared cache when there is one (Redis, `CACHE_URL`), and otherwise in
the database, so that gunicorn's workers, and every server behind a load balancer, count
together: a per-process memory cache would let N processes allow N times each limit.

A key is often an email address or an IP address: it is stored only as a keyed hash, so the
counters name nobody (an erased supporter's address is in no counter either).
"""

import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from actionhub.core.cache import UNREACHABLE
from actionhub.core.models import RateLimitCounter


def rate_limit_exceeded(*, key: str, limits: list[tuple[int, int]]) -> bool:
    """Count one request for `key`; True if any (count, seconds) limit is now exceeded."""
    exceeded = False
    now = int(time.time())
    for allowed, seconds in limits:
        window_key = f"{rate_limit_stored_key(key)}:{seconds}:{now // seconds}"
        used = _count_in(window_key, seconds)
        exceeded = exceeded or used > allowed
    return exceeded


def rate_limit_stored_key(key: str) -> str:
    """What the counters are stored under for `key`: the same for every process, and without
    the address or email the key holds."""
    digest = salted_hmac("actionhub.core.ratelimit", key, algorithm="sha256").hexdigest()
    return f"ratelimit:{digest[:32]}"


def _count_in(window_key: str, seconds: int) -> int:
    if settings.RATE_LIMIT_STORE == "cache":
        try:
            return _count_in_cache(window_key, seconds)
        except UNREACHABLE:
            # Redis is away or full: the database is shared by every process too, so limits hold.
            return _count_in_database(window_key, seconds)
    return _count_in_database(window_key, seconds)


def _count_in_cache(window_key: str, seconds: int) -> int:
    return cache.count(window_key, seconds + 1)  # the shared cache: core.cache


def _count_in_database(window_key: str, seconds: int) -> int:
    """One UPDATE ... RETURNING per count (or the window's first INSERT): the database
    serialises them, and each request learns its own place in the count."""
    counted = _add_one(window_key)
    if counted is not None:
        return counted
    try:
        with transaction.atomic():
            RateLimitCounter.objects.create(
                key=window_key, count=1, expires_at=timezone.now() + timedelta(seconds=seconds + 1)
            )
        return 1
    except IntegrityError:  # another process counted the window's first at the same moment
        return _add_one(window_key) or 1


def _add_one(window_key: str) -> int | None:
    quote = connection.ops.quote_name
    table, count, key = quote(RateLimitCounter._meta.db_table), quote("count"), quote("key")
    # The names are quoted by Django and the key is a parameter: nothing typed reaches the SQL.
    sql = f"UPDATE {table} SET {count} = {count} + 1 WHERE {key} = %s RETURNING {count}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [window_key])
        row = cursor.fetchone()
    return row[0] if row else None


def rate_limit_counters_delete_expired(*, now=None) -> int:
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def rate_limit_key(ip_address: str | None) -> str:
    """One key per visitor: an IPv6 /64 is one household's or phone's, so it counts as one."""
    if not ip_address:
        return "unknown"
    address = ipaddress.ip_address(ip_address)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
