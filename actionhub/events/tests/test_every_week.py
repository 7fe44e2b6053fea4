""" "Come every week": one confirmation, every date, new dates as they are made, one-click stop."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from actionhub.events.models import Rsvp, Subscription
from actionhub.events.schedule import occurrences_generate
from actionhub.events.services import subscriptions_fill_all
from actionhub.events.tests.conftest import hidden_source, last_to, link

pytestmark = pytest.mark.usefixtures("immediate_tasks")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def subscribed(client, series, rsvp):
    with time_machine.travel(MONDAY, tick=False):
        rsvp("/events/weekly/", "every-week")
        assert Subscription.objects.get().status == Subscription.Status.PENDING
        assert not Rsvp.objects.exists()
        assert (
            "Yes, I am coming"
            in client.get(link(mail.outbox[-1], "every-week/confirm")).content.decode()
        )
        assert not Rsvp.objects.exists()
        page = client.post(link(mail.outbox[-1], "every-week/confirm"))
    assert "You are coming every week" in page.content.decode()
    return Subscription.objects.get()


def test_one_confirmation_gives_a_place_on_every_coming_date(subscribed, series):
    dates = sorted(Rsvp.objects.values_list("occurrence__date", flat=True))
    assert dates == sorted(series.occurrences.values_list("date", flat=True))
    assert len(dates) == 10
    assert set(Rsvp.objects.values_list("status", flat=True)) == {Rsvp.Status.CONFIRMED}
    email = last_to("miriam@example.org")
    assert "/events/every-week/stop/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_new_dates_get_an_rsvp_when_they_are_made(subscribed, series):
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        occurrences_generate(series=series, today=date(2026, 12, 7))
        subscriptions_fill_all()
        subscriptions_fill_all()  # and only once

    assert Rsvp.objects.filter(occurrence__date="2027-02-09").count() == 1


def test_stopping_and_starting_again_gives_the_places_back(client, series, subscribed, rsvp):
    stop = link(last_to("miriam@example.org"), "every-week/stop")
    with time_machine.travel(MONDAY, tick=False):
        client.post(stop)
        rsvp("/events/weekly/", "every-week")
        client.post(link(mail.outbox[-1], "every-week/confirm"))

    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    statuses = set(Rsvp.objects.values_list("status", flat=True))
    assert statuses == {Rsvp.Status.CONFIRMED}
    assert Rsvp.objects.count() == 10


def test_opening_the_stop_link_changes_nothing_until_stop_is_pressed(client, subscribed):
    stop = link(last_to("miriam@example.org"), "every-week/stop")
    assert "Stop coming every week" in client.get(stop).content.decode()
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE


def test_one_click_stop_withdraws_every_coming_date(client, subscribed):
    stop = link(last_to("miriam@example.org"), "every-week/stop")

    with time_machine.travel(MONDAY, tick=False):
        response = client.post(stop)  # as a mail program does (RFC 8058), with no session

    assert response.status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.STOPPED
    assert set(Rsvp.objects.values_list("status", flat=True)) == {Rsvp.Status.CANCELLED}


def test_unconfirmed_and_stopped_requests_are_deleted(client, series, rsvp, subscribed):
    from datetime import timedelta

    from actionhub.events.services import rsvps_apply_retention, subscription_stop

    with time_machine.travel(MONDAY, tick=False):
        rsvp("/events/weekly/", "every-week", email="someone.else@example.org")
        subscription_stop(subscription=subscribed)
    assert Subscription.objects.count() == 2

    rsvps_apply_retention(now=MONDAY + timedelta(days=8))
    assert list(Subscription.objects.values_list("status", flat=True)) == ["stopped"]
    rsvps_apply_retention(now=MONDAY + timedelta(days=31))
    assert not Subscription.objects.exists()


def test_every_week_with_no_last_name_gives_each_date_the_name_as_typed(client, series, rsvp):
    with time_machine.travel(MONDAY, tick=False):
        response = rsvp("/events/weekly/", "every-week", first_name="Amina", last_name="")
        assert response.status_code == 303
        client.post(link(mail.outbox[-1], "every-week/confirm"))

    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    assert set(Rsvp.objects.values_list("first_name", "last_name")) == {("Amina", "")}


def test_every_week_uses_the_name_given_on_its_own_form(client, series, rsvp):
    from actionhub.supporters.services import person_get_or_create

    person_get_or_create(email="miriam@example.org", first_name="Miriam Cohen")  # from a letter
    with time_machine.travel(MONDAY, tick=False):
        rsvp("/events/weekly/", "every-week", first_name="Miri", last_name="C")
        client.post(link(mail.outbox[-1], "every-week/confirm"))

    assert {rsvp.display_name for rsvp in Rsvp.objects.all()} == {"Miri C."}


def test_every_week_from_a_groups_link_gives_each_date_its_source_code(client, series, rsvp):
    with time_machine.travel(MONDAY, tick=False):
        page = client.get("/events/weekly/?source=Shul-Newsletter")
        rsvp("/events/weekly/", "every-week", source=hidden_source(page))
        rsvp("/events/weekly/", "every-week", source="")  # sent again, from a plain link
        client.post(link(mail.outbox[-1], "every-week/confirm"))

    assert Subscription.objects.get().source == "shul-newsletter"
    assert Rsvp.objects.count() == 10
    assert set(Rsvp.objects.values_list("source", flat=True)) == {"shul-newsletter"}


@pytest.mark.parametrize("source", ["%3Cscript%3E", "a" * 41, ""])
def test_every_week_from_a_link_with_a_bad_source_code_is_kept_without_one(
    client, series, rsvp, source
):
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(f"/events/weekly/?source={source}")
        response = rsvp("/events/weekly/", "every-week", source=hidden_source(page))
        client.post(link(mail.outbox[-1], "every-week/confirm"))

    assert response.status_code == 303
    assert Subscription.objects.get().source == ""
    assert set(Rsvp.objects.values_list("source", flat=True)) == {""}
