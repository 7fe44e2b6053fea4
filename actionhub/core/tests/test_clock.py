"""The suite runs at one fixed instant, so no result depends on the day it is run."""

from datetime import date, timedelta

from django.utils import timezone

from actionhub.core.tests.clock import SUITE_NOW, SUITE_TODAY, next_weekday


def test_every_test_starts_at_the_suites_instant_and_time_runs_on():
    now = timezone.now()
    assert SUITE_NOW <= now < SUITE_NOW + timedelta(minutes=1)
    assert date.today() == SUITE_TODAY
    assert timezone.localdate() == SUITE_TODAY


def test_next_weekday_is_always_after_the_day_given():
    tuesday = 1
    assert next_weekday(tuesday, after=date(2026, 11, 30)) == date(2026, 12, 1)  # a Monday
    assert next_weekday(tuesday, after=date(2026, 12, 1)) == date(2026, 12, 8)  # a Tuesday
    assert next_weekday(tuesday) > SUITE_TODAY
