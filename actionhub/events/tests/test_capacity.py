"""Capacity: held by the database under simultaneous RSVPs; beyond it, a waiting list."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from actionhub.core.tests.concurrency import only_where_writers_race, run_together
from actionhub.events.models import Occurrence, Rsvp
from actionhub.events.services import places_take, rsvp_cancel, rsvp_confirm
from actionhub.events.services import rsvp_confirmation_token as token_for
from actionhub.events.tests.factories import RsvpFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def small(series):
    occurrence = Occurrence.objects.get(series=series, date="2026-12-01")
    occurrence.capacity = 3
    occurrence.save()
    return occurrence


def pending(occurrence, n, guests=0):
    return RsvpFactory(
        occurrence=occurrence, status=Rsvp.Status.PENDING, confirmed_at=None,
        confirmation_nonce=f"nonce{n}", guests=guests,
        person__email=f"p{n}@example.org", person__email_normalised=f"p{n}@example.org",
    )  # fmt: skip


@time_machine.travel(MONDAY, tick=False)
def test_beyond_capacity_people_wait_and_are_promoted_in_turn(small):
    first = pending(small, 1, guests=1)
    second = pending(small, 2, guests=1)
    third = pending(small, 3)

    for rsvp in (first, second, third):
        rsvp_confirm(token=token_for(rsvp))

    statuses = {r.pk: r.status for r in Rsvp.objects.all()}
    assert statuses == {
        first.pk: Rsvp.Status.CONFIRMED,
        second.pk: Rsvp.Status.WAITING,  # two places; only one left
        third.pk: Rsvp.Status.CONFIRMED,  # fits, and takes the last place
    }
    small.refresh_from_db()
    assert small.places_taken == 3
    waiting_email = [m for m in mail.outbox if "p2@example.org" in m.to][-1]
    assert "You are on the waiting list" in waiting_email.subject

    rsvp_cancel(rsvp=Rsvp.objects.get(pk=first.pk))

    second.refresh_from_db()
    assert second.status == Rsvp.Status.CONFIRMED
    small.refresh_from_db()
    assert small.places_taken == 3
    promoted = [m for m in mail.outbox if "p2@example.org" in m.to][-1]
    assert "A place has come free" in promoted.subject
    assert promoted.attachments


def test_the_database_refuses_more_places_than_capacity(small):
    assert places_take(occurrence_id=small.pk, places=3)
    assert not places_take(occurrence_id=small.pk, places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.filter(pk=small.pk).update(places_taken=4)


@only_where_writers_race
@time_machine.travel(MONDAY, tick=True)
def test_simultaneous_confirmations_never_overfill_a_date(small):
    rsvps = [pending(small, n) for n in range(12)]

    _, errors = run_together(lambda rsvp: rsvp_confirm(token=token_for(rsvp)), rsvps)

    assert errors == []
    assert Rsvp.objects.filter(status=Rsvp.Status.CONFIRMED).count() == 3
    assert Rsvp.objects.filter(status=Rsvp.Status.WAITING).count() == 9
    small.refresh_from_db()
    assert small.places_taken == 3
