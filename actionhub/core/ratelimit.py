"""Counting requests per key in fixed windows, in the shared cache (Redis in production)."""

import ipaddress
import time

from django.core.cache import cache


def rate_limit_exceeded(*, key: str, limits: list[tuple[int, int]]) -> bool:
    """Count one request for `key`; True if any (count, seconds) limit is now exceeded."""
    exceeded = False
    now = int(time.time())
    for allowed, seconds in limits:
        window_key = f"ratelimit:{key}:{seconds}:{now // seconds}"
        cache.add(window_key, 0, timeout=seconds + 1)
        try:
            used = cache.incr(window_key)
        except ValueError:  # expired between add and incr: this is the first in a new window
            cache.set(window_key, 1, timeout=seconds + 1)
            used = 1
        exceeded = exceeded or used > allowed
    return exceeded


def rate_limit_key(ip_address: str | None) -> str:
    """One key per visitor: an IPv6 /64 is one household's or phone's, so it counts as one."""
    if not ip_address:
        return "unknown"
    address = ipaddress.ip_address(ip_address)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
