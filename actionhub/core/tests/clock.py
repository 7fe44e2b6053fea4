"""The suite's clock: every test starts at the same instant, whatever the real date is.

The root conftest travels to `SUITE_NOW` before each test (time runs on from there), so a
test that needs "today", "next Tuesday" or "a date that is over" builds it from this instant,
and the suite gives the same results on any day, at any hour, a year ahead or months back.
A test about one particular moment travels there itself with `time_machine.travel`.
"""

from datetime import UTC, date, datetime, timedelta

# A Monday morning in winter (London time is UTC), a day before the weekly Tuesday
# demonstration and weeks from either change of the clocks.
SUITE_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SUITE_TODAY = SUITE_NOW.date()


def next_weekday(weekday: int, *, after: date = SUITE_TODAY) -> date:
    """The first date after `after` that falls on `weekday` (Monday is 0)."""
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)
