"""Rate limits hold across every web process: counted in the database without a shared cache."""

import pytest
from django.core.cache import cache
from django.core.checks import run_checks

from actionhub.core.models import RateLimitCounter
from actionhub.core.ratelimit import rate_limit_counters_delete_expired, rate_limit_exceeded
from actionhub.core.tests.concurrency import only_where_writers_race, run_together

LIMIT = [(3, 60)]


def test_the_count_is_kept_in_the_database_not_in_one_process_memory(db, settings):
    settings.RATE_LIMIT_STORE = "database"
    results = []
    for _ in range(5):
        results.append(rate_limit_exceeded(key="pledge:192.0.2.1", limits=LIMIT))
        cache.clear()  # what another process's memory would hold: nothing

    assert results == [False, False, False, True, True]
    assert RateLimitCounter.objects.get().count == 5


def test_windows_expire_and_their_counters_are_deleted(db, settings, time_machine):
    settings.RATE_LIMIT_STORE = "database"
    time_machine.move_to("2026-11-30 09:00:00+00:00", tick=False)
    for _ in range(4):
        rate_limit_exceeded(key="k", limits=LIMIT)
    assert rate_limit_exceeded(key="k", limits=LIMIT)

    time_machine.shift(62)
    assert not rate_limit_exceeded(key="k", limits=LIMIT), "a new window"
    assert rate_limit_counters_delete_expired() == 1
    assert RateLimitCounter.objects.count() == 1


@only_where_writers_race
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_from_many_processes_are_each_counted_once(settings):
    settings.RATE_LIMIT_STORE = "database"

    results, errors = run_together(
        lambda _: rate_limit_exceeded(key="flood", limits=[(10, 60)]), list(range(24))
    )

    assert errors == []
    assert sorted(results) == [False] * 10 + [True] * 14
    assert RateLimitCounter.objects.get().count == 24


def test_check_deploy_warns_when_limits_would_live_in_each_process(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RATE_LIMIT_STORE = "cache"
    warned = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "actionhub.W001" in warned

    settings.RATE_LIMIT_STORE = "database"
    assert "actionhub.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
