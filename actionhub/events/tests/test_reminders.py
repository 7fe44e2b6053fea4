"""Reminders at the right local time across the clock changes, once, and never when not wanted."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from actionhub.events.models import Occurrence, Rsvp
from actionhub.events.schedule import occurrences_generate
from actionhub.events.services import rsvp_cancel, rsvps_send_reminders
from actionhub.events.tests.factories import RsvpFactory, SeriesFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")
UTC = ZoneInfo("UTC")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def weekly(campaign):
    series = SeriesFactory(slug="weekly", first_date=date(2026, 1, 6))
    occurrences_generate(series=series, today=date(2026, 3, 20))
    occurrences_generate(series=series, today=date(2026, 10, 15))
    return series


def coming(series, on: str, **fields) -> Rsvp:
    occurrence = Occurrence.objects.get(series=series, date=on)
    defaults = {
        "remind_day_before": True,
        "remind_two_hours": True,
        "confirmed_at": occurrence.starts_at - timedelta(days=5),
    }
    return RsvpFactory(occurrence=occurrence, **(defaults | fields))


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Reminder")]


@pytest.mark.parametrize(
    ("on", "day_before_utc", "two_hours_utc"),
    [
        # After the clocks go forward (29 March 2026): 10:00 and 16:00 BST.
        ("2026-03-31", "2026-03-30T09:00", "2026-03-31T15:00"),
        # Before they go back (25 October 2026): still BST.
        ("2026-10-20", "2026-10-19T09:00", "2026-10-20T15:00"),
        # After they go back: 10:00 and 16:00 GMT.
        ("2026-10-27", "2026-10-26T10:00", "2026-10-27T16:00"),
    ],
)
def test_reminders_go_at_ten_the_day_before_and_two_hours_before_local_time(
    weekly, on, day_before_utc, two_hours_utc
):
    rsvp = coming(weekly, on)

    for moment, expected in [
        (at(day_before_utc) - timedelta(minutes=1), 0),
        (at(day_before_utc), 1),
        (at(day_before_utc) + timedelta(hours=3), 0),  # never twice
        (at(two_hours_utc) - timedelta(minutes=1), 0),
        (at(two_hours_utc), 1),
        (at(two_hours_utc) + timedelta(minutes=30), 0),
    ]:
        with time_machine.travel(moment, tick=False):
            assert rsvps_send_reminders() == expected, moment

    first, second = reminders()
    assert "tomorrow at 18:00" in first.subject
    assert "today at 18:00" in second.subject
    assert first.to == [rsvp.person.email]
    assert first.attachments  # the date for the calendar
    assert "/events/rsvp/cancel/" in first.body


def test_no_reminder_for_a_cancelled_date_a_withdrawn_rsvp_or_one_not_wanted(weekly):
    coming(weekly, "2026-10-27")
    withdrawn = coming(weekly, "2026-10-27")
    coming(weekly, "2026-10-27", remind_day_before=False, remind_two_hours=False)
    rsvp_cancel(rsvp=withdrawn)
    with time_machine.travel(at("2026-10-26T10:00"), tick=False):
        assert rsvps_send_reminders() == 1

    Occurrence.objects.filter(date="2026-10-27").update(status=Occurrence.Status.CANCELLED)
    with time_machine.travel(at("2026-10-27T16:00"), tick=False):
        assert rsvps_send_reminders() == 0


def test_someone_who_says_yes_after_a_reminder_was_due_does_not_get_it(weekly):
    coming(weekly, "2026-10-27", confirmed_at=at("2026-10-26T12:00"))

    with time_machine.travel(at("2026-10-26T12:05"), tick=False):
        assert rsvps_send_reminders() == 0
    with time_machine.travel(at("2026-10-27T16:00"), tick=False):
        assert rsvps_send_reminders() == 1  # the two-hour one is still to come


def test_a_late_worker_sends_nothing_after_the_start(weekly):
    coming(weekly, "2026-10-27")
    with time_machine.travel(at("2026-10-27T18:01"), tick=False):
        assert rsvps_send_reminders() == 0


def test_the_dates_keep_18_00_local_time_across_the_changes(weekly):
    times = {
        o.date.isoformat(): o.starts_at.astimezone(UTC).strftime("%H:%M")
        for o in Occurrence.objects.filter(series=weekly)
    }
    assert times["2026-03-24"] == "18:00"  # GMT
    assert times["2026-03-31"] == "17:00"  # BST
    assert times["2026-10-20"] == "17:00"  # BST
    assert times["2026-10-27"] == "18:00"  # GMT


def test_a_day_before_reminder_running_late_on_the_day_is_not_sent(weekly):
    coming(weekly, "2026-10-27")

    with time_machine.travel(at("2026-10-27T08:00"), tick=False):
        assert rsvps_send_reminders() == 0  # it would say "tomorrow" on the day itself
    assert reminders() == []
