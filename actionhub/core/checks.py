"""System checks for a deployment."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def rate_limits_are_shared(app_configs, **kwargs):
    """Limits counted in one process's memory hold per process: N processes allow N times."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.RATE_LIMIT_STORE == "cache" and backend in PER_PROCESS_CACHES:
        return [
            Warning(
                "Rate limits and per-address caps are counted in each web process's own memory "
                f"({backend}), so several processes allow several times each limit.",
                hint="Set CACHE_URL to a Redis server, or leave it unset so that the database "
                "keeps the counts.",
                id="actionhub.W001",
            )
        ]
    return []
