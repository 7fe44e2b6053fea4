"""Saying you are coming: one date, confirming, the calendar attachment, cancelling."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.events.tests.conftest import hidden_source, last_to, link
from actionhub.supporters.models import Consent

pytestmark = pytest.mark.usefixtures("immediate_tasks")
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@time_machine.travel(MONDAY, tick=False)
def test_an_rsvp_counts_once_confirmed_and_the_email_has_the_date_for_a_calendar(
    client, series, rsvp
):
    page = client.get("/events/weekly/").content.decode()
    assert "Tuesday 1 December, 18:00" in page

    response = rsvp("/events/weekly/", "2026-12-01", guests="2")

    assert response.status_code == 303
    assert response["Location"] == "/events/weekly/check-your-email/"
    answer = Rsvp.objects.get()
    assert answer.status == Rsvp.Status.PENDING
    assert series.occurrences.get(date="2026-12-01").places_taken == 0
    [confirm] = mail.outbox
    assert "Confirm you are coming" in confirm.subject

    opened = client.get(link(confirm, "rsvp/confirm"))
    assert "Yes, I am coming" in opened.content.decode()
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING  # opening the link changes nothing
    page = client.post(link(confirm, "rsvp/confirm"))

    assert "You are coming" in page.content.decode()
    answer.refresh_from_db()
    assert answer.status == Rsvp.Status.CONFIRMED
    assert series.occurrences.get(date="2026-12-01").places_taken == 3
    confirmed = last_to("miriam@example.org")
    [(filename, ics, mimetype)] = confirmed.attachments
    assert mimetype == "text/calendar"
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
    assert "/events/rsvp/cancel/" in confirmed.body
    assert "the day before at 10:00" in confirmed.body
    consent = Consent.objects.get(purpose=Consent.Purpose.RSVP)
    assert consent.person.email == "miriam@example.org"


@time_machine.travel(MONDAY, tick=False)
def test_cancelling_frees_the_places(client, series, rsvp):
    rsvp("/events/weekly/2026-12-01/", "2026-12-01")
    client.post(link(mail.outbox[-1], "rsvp/confirm"))
    cancel = link(last_to("miriam@example.org"), "rsvp/cancel")

    assert "Cancel my place" in client.get(cancel).content.decode()
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED  # opening the link changes nothing
    done = client.post(cancel)

    assert "You are no longer down for Tuesday 1 December" in done.content.decode()
    assert Rsvp.objects.get().status == Rsvp.Status.CANCELLED
    assert series.occurrences.get(date="2026-12-01").places_taken == 0


@time_machine.travel(MONDAY, tick=False)
def test_saying_again_does_not_reveal_anything_and_counts_once(client, series, rsvp):
    rsvp("/events/weekly/", "2026-12-01")
    client.post(link(mail.outbox[-1], "rsvp/confirm"))

    again = rsvp("/events/weekly/", "2026-12-01", email="MIRIAM@example.org")

    assert again["Location"] == "/events/weekly/check-your-email/"
    assert Rsvp.objects.count() == 1
    assert "You are already" in last_to("miriam@example.org").body
    assert series.occurrences.get(date="2026-12-01").places_taken == 1


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": ""}, "Enter your first name."),
        ({"email": "nope"}, "Enter an email address like name@example.com."),
        ({"consent": None}, "Tick the box so that we can keep your place."),
        ({"guests": "11"}, "For more than 10 people, please contact the organisers."),
        ({"guests": "-1"}, "Enter a number of people from 0 to 10."),
        ({"when": "2026-12-02"}, "Select a valid choice."),
        ({"first_name": "Miriam\r\nBcc: x@example.org"}, "must be on one line"),
        ({"first_name": "\u202egpj.exe"}, "Your first name must be on one line"),
        ({"last_name": "\u202eneknab"}, "Your last name must be on one line"),
        ({"first_name": "🙂"}, "Enter your first name using letters."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, series, rsvp, changes, message
):
    response = rsvp("/events/weekly/", "2026-12-01", **changes)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert not Rsvp.objects.exists()


def test_a_cancelled_date_takes_no_rsvps_and_stays_listed(client, series, rsvp):
    Occurrence.objects.filter(date="2026-12-08").update(
        status=Occurrence.Status.CANCELLED, status_reason="The road is closed."
    )
    with time_machine.travel(MONDAY, tick=False):
        page = client.get("/events/weekly/").content.decode()
        date_page = client.get("/events/weekly/2026-12-08/").content.decode()
        refused = rsvp("/events/weekly/", "2026-12-08")

    assert "Cancelled</strong>: The road is closed." in page
    assert 'value="2026-12-08"' not in page
    assert "This date is cancelled" in date_page
    assert refused.status_code == 400
    assert not Rsvp.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_rsvps_per_connection_are_limited(client, series, rsvp, settings):
    settings.EVENTS_RSVP_RATE_LIMITS = [(2, 3600)]
    for n in range(2):
        assert rsvp("/events/weekly/", "2026-12-01", email=f"p{n}@example.org").status_code == 303

    refused = rsvp("/events/weekly/", "2026-12-01", email="p3@example.org")

    assert refused.status_code == 400
    assert "Many people have said they are coming from your connection" in refused.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_a_robot_filling_the_hidden_field_leaves_nothing(client, series, rsvp):
    response = rsvp("/events/weekly/", "2026-12-01", website="http://spam.example")

    assert response.status_code == 303
    assert not Rsvp.objects.exists()
    assert mail.outbox == []


def test_a_broken_link_says_so(client, series):
    assert client.get("/events/rsvp/confirm/broken/").status_code == 400
    assert client.get("/events/rsvp/cancel/broken/").status_code == 400
    assert client.get("/events/every-week/stop/broken/").status_code == 400


@time_machine.travel(MONDAY, tick=False)
def test_the_demonstration_page_is_the_campaign_s_series_with_the_form(client, campaign):
    page = client.get("/demonstration/").content.decode()

    assert "Say you are coming" in page
    assert "Every week, until I stop it" in page
    assert "Tuesday 1 December, 18:00" in page
    assert "webcal://testserver/events/weekly-demonstration/calendar.ics" in page
    assert "Safety guidance" in page


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("first_name", ["Miriam", "张伟", "ئۇيغۇر"])
def test_an_rsvp_with_no_last_name_is_kept_and_shown_by_first_name(
    client, series, rsvp, first_name
):
    response = rsvp("/events/weekly/", "2026-12-01", first_name=first_name, last_name="")

    assert response.status_code == 303
    client.post(link(mail.outbox[-1], "rsvp/confirm"))
    answer = Rsvp.objects.get()
    assert answer.status == Rsvp.Status.CONFIRMED
    assert (answer.person.first_name, answer.person.last_name) == (first_name, "")
    assert answer.display_name == first_name


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("access", "notes", "shown"),
    [
        ("unknown", "", None),
        ("unknown", "Ask at the gate for the ramp.", "Ask at the gate for the ramp."),
        ("accessible", "", "Step-free and accessible."),
        ("partly", "Kerb at the gate.", "Partly accessible. Kerb at the gate."),
    ],
)
def test_access_is_described_only_as_far_as_organisers_know_it(
    client, series, access, notes, shown
):
    demonstration = Series.objects.get(demonstration__isnull=False)  # the campaign's own
    for each in (series, demonstration):
        each.accessibility, each.accessibility_notes = access, notes
        each.save()
    for url in ["/demonstration/", "/events/weekly/", "/events/weekly/2026-12-01/"]:
        page = client.get(url).content.decode()
        assert "Not yet assessed" not in page, url
        assert "tell us when you say you are coming" not in page, url  # the form has no field
        if shown is None:
            assert "<dt>Accessibility</dt>" not in page, url
        else:
            assert f"<dt>Accessibility</dt><dd>{shown}</dd>" in page, url


@time_machine.travel(MONDAY, tick=False)
def test_an_rsvp_from_a_groups_link_to_the_demonstration_keeps_its_source_code(
    client, campaign, rsvp
):
    page = client.get("/demonstration/?source=Shul-Newsletter")
    assert hidden_source(page) == "shul-newsletter"
    on = "/events/weekly-demonstration/2026-12-08/?source=shul-newsletter"
    assert f'href="{on}"' in page.content.decode()  # a date's own page keeps it too
    assert hidden_source(client.get(on)) == "shul-newsletter"

    response = rsvp("/demonstration/", "2026-12-01", source=hidden_source(page))

    assert response.status_code == 303
    assert Rsvp.objects.get().source == "shul-newsletter"


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("source", ["%3Cscript%3E", "a" * 41, ""])
def test_an_rsvp_from_a_link_with_a_bad_source_code_is_kept_without_one(
    client, campaign, rsvp, source
):
    page = client.get(f"/demonstration/?source={source}")
    assert hidden_source(page) == ""

    response = rsvp("/demonstration/", "2026-12-01", source=hidden_source(page))
    tampered = rsvp("/demonstration/", "2026-12-08", source="<script>", email="ruth@example.org")

    assert response.status_code == tampered.status_code == 303
    assert list(Rsvp.objects.values_list("source", flat=True)) == ["", ""]


@time_machine.travel(MONDAY, tick=False)
def test_saying_again_before_confirming_keeps_the_source_code_unless_a_new_one_comes(
    client, series, rsvp
):
    rsvp("/events/weekly/", "2026-12-01", source="shul-newsletter")
    rsvp("/events/weekly/", "2026-12-01", source="", guests="1")
    assert Rsvp.objects.values_list("source", "guests").get() == ("shul-newsletter", 1)

    rsvp("/events/weekly/", "2026-12-01", source="Youth-Club")
    assert Rsvp.objects.get().source == "youth-club"
