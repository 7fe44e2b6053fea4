"""Dates made weeks ahead from the campaign's demonstration; personal data kept 30 days."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionhub.campaigns.models import Demonstration
from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.events.schedule import occurrences_generate, occurrences_generate_all
from actionhub.events.services import rsvps_apply_retention
from actionhub.events.tests.factories import RsvpFactory
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.services import consent_record

UTC = ZoneInfo("UTC")


def test_the_demonstration_becomes_a_series_with_ten_weeks_of_dates(campaign):
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        occurrences_generate_all()
        occurrences_generate_all()  # idempotent

    series = Series.objects.get()
    assert series.demonstration == Demonstration.objects.get()
    assert series.venue_name == "Chinese Embassy – Cultural Section"
    dates = list(series.occurrences.values_list("date", flat=True))
    assert dates[0] == date(2026, 12, 1)
    assert len(dates) == 10
    assert all(d.weekday() == 1 for d in dates)


def test_a_changed_time_moves_the_future_dates_and_raises_their_sequence(campaign):
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        occurrences_generate_all()
        Demonstration.objects.update(start_time="18:30")
        occurrences_generate_all()

    occurrence = Occurrence.objects.get(date="2026-12-01")
    assert occurrence.local_starts_at.strftime("%H:%M") == "18:30"
    assert occurrence.sequence == 1


def test_a_one_off_event_has_one_date(campaign):
    from actionhub.events.tests.factories import SeriesFactory

    one_off = SeriesFactory(recurrence="", first_date=date(2026, 12, 10))
    assert occurrences_generate(series=one_off, today=date(2026, 11, 30)) == 1
    assert occurrences_generate(series=one_off, today=date(2026, 11, 30)) == 0


def test_an_end_date_stops_the_dates(campaign):
    from actionhub.events.tests.factories import SeriesFactory

    series = SeriesFactory(end_date=date(2026, 12, 15))
    occurrences_generate(series=series, today=date(2026, 11, 30))
    assert list(series.occurrences.values_list("date", flat=True)) == [
        date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)
    ]  # fmt: skip


def test_rsvp_details_are_erased_30_days_after_the_date_unless_they_asked_to_hear_more(campaign):
    rsvp = RsvpFactory(attended_at=datetime(2026, 12, 1, 18, tzinfo=UTC), source="shul")
    stays = RsvpFactory(occurrence=rsvp.occurrence, hear_more=True)
    consent_record(
        person=stays.person, purpose=Consent.Purpose.CAMPAIGN_EMAILS, wording="Email me",
        method="RSVP form",
    )  # fmt: skip
    stopped = RsvpFactory(occurrence=rsvp.occurrence, hear_more=True)  # then unsubscribed
    pending = RsvpFactory(
        occurrence=rsvp.occurrence, status=Rsvp.Status.PENDING, confirmed_at=None,
        submitted_at=datetime(2026, 11, 20, tzinfo=UTC),
    )  # fmt: skip

    with time_machine.travel(datetime(2026, 12, 30, 20, tzinfo=UTC), tick=False):
        rsvps_apply_retention()
    name = rsvp.first_name
    rsvp.refresh_from_db()
    assert rsvp.first_name == name != ""  # 29 days: still kept
    assert not Rsvp.objects.filter(pk=pending.pk).exists()  # unconfirmed: gone after 7 days

    with time_machine.travel(datetime(2026, 12, 31, 20, tzinfo=UTC), tick=False):
        rsvps_apply_retention()
    rsvp.refresh_from_db()
    assert rsvp.first_name == rsvp.last_name == rsvp.email_normalised == ""
    assert rsvp.person is None
    assert rsvp.attended_at is not None  # attendance is still counted
    assert rsvp.source == "shul"  # and what each link brought: no one's personal data
    stays.refresh_from_db()
    assert stays.first_name and stays.person is not None
    stopped.refresh_from_db()
    assert stopped.first_name == "" and stopped.person is None
    assert list(Person.objects.all()) == [stays.person]


def test_erasing_a_supporter_removes_their_rsvps_and_frees_their_places(campaign):
    from actionhub.events.services import places_take
    from actionhub.supporters.services import person_erase

    rsvp = RsvpFactory(guests=1)
    occurrence = rsvp.occurrence
    Occurrence.objects.filter(pk=occurrence.pk).update(capacity=2)
    waiting = RsvpFactory(
        occurrence=occurrence, status=Rsvp.Status.WAITING,
        waiting_since=datetime(2026, 11, 20, tzinfo=UTC),
    )  # fmt: skip
    assert not places_take(occurrence_id=occurrence.pk, places=1)  # full

    person_erase(person=rsvp.person)

    assert not Rsvp.objects.filter(pk=rsvp.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Rsvp.Status.CONFIRMED
    occurrence.refresh_from_db()
    assert occurrence.places_taken == 1


def test_a_date_the_rule_no_longer_gives_is_cancelled_and_people_are_told(
    campaign, mailoutbox, immediate_tasks
):
    from actionhub.events.tests.factories import SeriesFactory

    series = SeriesFactory(first_date=date(2026, 1, 6))
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        occurrences_generate(series=series, today=date(2026, 11, 30))
        coming = RsvpFactory(occurrence=series.occurrences.get(date=date(2026, 12, 15)))
        series.end_date = date(2026, 12, 8)
        series.save()
        occurrences_generate(series=series, today=date(2026, 11, 30))

    dropped = Occurrence.objects.get(series=series, date=date(2026, 12, 15))
    assert dropped.status == Occurrence.Status.CANCELLED
    assert dropped.status_reason == "This date is no longer in the schedule."
    assert Occurrence.objects.get(series=series, date=date(2026, 12, 8)).status == "scheduled"
    [told] = [m for m in mailoutbox if coming.person.email in m.to]
    assert "is cancelled" in told.body


def test_a_new_time_tells_people_and_more_places_go_to_the_waiting_list(
    campaign, mailoutbox, immediate_tasks
):
    from actionhub.events.tests.factories import SeriesFactory

    series = SeriesFactory(first_date=date(2026, 1, 6), capacity=1)
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        occurrences_generate(series=series, today=date(2026, 11, 30))
        occurrence = series.occurrences.get(date=date(2026, 12, 1))
        coming = RsvpFactory(occurrence=occurrence)
        waiting = RsvpFactory(
            occurrence=occurrence, status=Rsvp.Status.WAITING,
            waiting_since=datetime(2026, 11, 29, tzinfo=UTC),
        )  # fmt: skip
        series.start_time = time(18, 30)
        series.capacity = 2
        series.save()
        occurrences_generate(series=series, today=date(2026, 11, 30))

    occurrence.refresh_from_db()
    assert occurrence.local_starts_at.strftime("%H:%M") == "18:30"
    assert any(coming.person.email in m.to and "18:30" in m.body for m in mailoutbox)
    waiting.refresh_from_db()
    assert waiting.status == Rsvp.Status.CONFIRMED


def test_nobody_is_promoted_to_a_cancelled_date(campaign):
    from actionhub.events.services import rsvp_cancel

    rsvp = RsvpFactory()
    waiting = RsvpFactory(occurrence=rsvp.occurrence, status=Rsvp.Status.WAITING,
                          waiting_since=datetime(2026, 11, 29, tzinfo=UTC))  # fmt: skip
    Occurrence.objects.filter(pk=rsvp.occurrence_id).update(status=Occurrence.Status.CANCELLED)

    rsvp_cancel(rsvp=rsvp)

    waiting.refresh_from_db()
    assert waiting.status == Rsvp.Status.WAITING


def test_the_demonstration_page_writes_nothing_its_dates_are_made_when_the_pack_loads(
    campaign, client
):
    series = Series.objects.get(demonstration__campaign=campaign)
    assert series.occurrences.count() == 10  # made by loading the pack
    for occurrence in series.occurrences.order_by("-date")[:3]:
        occurrence.delete()  # as if three weeks had passed with no periodic task

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/demonstration/").status_code == 200

    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert series.occurrences.count() == 7  # the periodic task makes the next dates, not a visit
