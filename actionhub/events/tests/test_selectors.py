"""The demonstration's next date, as the home page shows it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from actionhub.campaigns.models import Demonstration
from actionhub.events.models import Occurrence
from actionhub.events.schedule import occurrences_generate, series_sync_from_demonstration
from actionhub.events.selectors import demonstration_next_date

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def demonstration(campaign):
    return Demonstration.objects.get()


@pytest.fixture
def series(demonstration):
    series = series_sync_from_demonstration(demonstration=demonstration)
    occurrences_generate(series=series, today=date(2026, 11, 30))
    return series


def test_before_its_dates_are_made_the_rule_gives_the_next_date(demonstration):
    Occurrence.objects.all().delete()  # as if the periodic task had not made them yet
    next_date = demonstration_next_date(demonstration=demonstration, now=MONDAY)
    assert next_date.starts_at == datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
    assert next_date.ends_at == datetime(2026, 12, 1, 19, 0, tzinfo=LONDON)
    assert next_date.rsvp_url == "/demonstration/#rsvp-heading"


def test_the_next_date_links_to_its_own_page_to_say_you_are_coming(demonstration, series):
    next_date = demonstration_next_date(demonstration=demonstration, now=MONDAY)
    assert next_date.starts_at == datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
    assert next_date.rsvp_url == f"/events/{series.slug}/2026-12-01/"


def test_a_date_under_way_is_still_next_until_it_ends(demonstration, series):
    during = datetime(2026, 12, 1, 18, 30, tzinfo=LONDON)
    assert demonstration_next_date(demonstration=demonstration, now=during).starts_at.day == 1
    after = datetime(2026, 12, 1, 19, 0, tzinfo=LONDON)
    assert demonstration_next_date(demonstration=demonstration, now=after).starts_at.day == 8


def test_a_cancelled_date_is_skipped_and_a_moved_one_says_so(demonstration, series):
    series.occurrences.filter(date=date(2026, 12, 1)).update(status=Occurrence.Status.CANCELLED)
    moved = series.occurrences.get(date=date(2026, 12, 8))
    moved.status, moved.place_note = Occurrence.Status.MOVED, "Outside Swiss Cottage station"
    moved.save()
    next_date = demonstration_next_date(demonstration=demonstration, now=MONDAY)
    assert next_date.starts_at.date() == date(2026, 12, 8)
    assert next_date.moved and next_date.place_note == "Outside Swiss Cottage station"


def test_no_next_date_when_every_coming_date_is_cancelled(demonstration, series):
    series.occurrences.update(status=Occurrence.Status.CANCELLED)
    assert demonstration_next_date(demonstration=demonstration, now=MONDAY) is None


def test_no_next_date_after_the_series_has_ended(demonstration, series):
    series.occurrences.all().delete()
    series.end_date = date(2026, 11, 24)
    series.save()
    assert demonstration_next_date(demonstration=demonstration, now=MONDAY) is None
