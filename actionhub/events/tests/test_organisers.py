"""The organisers' event pages: check-in at the door, cancelling and moving a date, attendance."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from actionhub.core.models import AuditEntry
from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.events.schedule import series_sync_from_demonstration
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory, SeriesFactory
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code
from actionhub.supporters.tests.factories import PersonFactory

LIST = "/admin/events/occurrence/"
ATTENDANCE = "/admin/events/occurrence/attendance/"


def check_in_url(occurrence) -> str:
    return f"{LIST}{occurrence.pk}/check-in/"


def tuesday(weeks: int) -> date:
    """A Tuesday `weeks` weeks from this one (negative: in the past), never today."""
    today = timezone.localdate()
    this_week = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    return this_week + timedelta(weeks=weeks)


def rsvp(occurrence, first_name="Miriam", last_name="Cohen", email=None, **fields) -> Rsvp:
    email = email or f"{first_name.casefold()}@example.org"
    person = PersonFactory(first_name=first_name, last_name=last_name, email=email)
    return RsvpFactory(occurrence=occurrence, person=person, **fields)


def signed_in_client(client, user):
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_with(client, *codenames):
    """A signed-in staff member (two steps passed) with just these permissions."""
    user = OrganiserFactory(username="volunteer", is_superuser=False)
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return signed_in_client(client, user)


@pytest.fixture
def occurrence(campaign):
    return OccurrenceFactory(series=SeriesFactory(capacity=20), date=tuesday(2), capacity=20)


def messages_on(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Check-in


def test_the_check_in_list_shows_first_names_and_last_initials_only(organiser_client, occurrence):
    rsvp(occurrence, "Miriam", "Cohen", "miriam.cohen@example.org", guests=2)
    rsvp(occurrence, "Dilnur", "Reyhan", status=Rsvp.Status.WAITING)
    rsvp(occurrence, "Pending", "Person", status=Rsvp.Status.PENDING)
    rsvp(occurrence, "Gone", "Away", status=Rsvp.Status.CANCELLED)

    response = organiser_client.get(check_in_url(occurrence))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Miriam C." in page and "+ 2 guests" in page
    assert "Cohen" not in page and "miriam.cohen@example.org" not in page
    assert "Reyhan" not in page and "dilnur@example.org" not in page
    coming, waiting = page.split('id="waiting"')
    assert "Miriam C." in coming and "Dilnur R." in waiting and "Dilnur R." not in coming
    assert "Pending" not in page and "Gone A." not in page, "only those coming or waiting"
    assert "Tuesday" in page and "18:00" in page
    assert counts(page) == {"Coming": 3, "Checked in": 0, "Walk-ins": 0, "Waiting list": 1}


def counts(page: str) -> dict[str, int]:
    return {dt: int(dd) for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page)}


def test_marking_someone_attended_and_undoing_it(organiser_client, organiser, occurrence):
    miriam = rsvp(occurrence, guests=1)

    response = organiser_client.post(check_in_url(occurrence), {"rsvp": miriam.pk, "do": "in"})

    assert response.status_code == 303
    assert response["Location"] == f"{check_in_url(occurrence)}#rsvp-{miriam.pk}"
    miriam.refresh_from_db()
    assert miriam.attended_at is not None
    organiser_client.post(check_in_url(occurrence), {"rsvp": miriam.pk, "do": "in"})
    entry = AuditEntry.objects.get(action="rsvp.checked_in")
    assert entry.actor == organiser and entry.object_id == str(miriam.pk)
    assert "Miriam" not in entry.summary and "Cohen" not in entry.summary
    page = organiser_client.get(check_in_url(occurrence)).content.decode()
    assert counts(page)["Checked in"] == 2, "Miriam and her guest"
    assert "Here since" in page and ">Undo<" in page

    response = organiser_client.post(
        check_in_url(occurrence), {"rsvp": miriam.pk, "do": "undo"}, follow=True
    )

    miriam.refresh_from_db()
    assert miriam.attended_at is None
    assert "Check-in of Miriam C. undone." in messages_on(response)
    assert counts(response.content.decode())["Checked in"] == 0
    assert AuditEntry.objects.filter(action="rsvp.check_in_undone").count() == 1


def test_only_rsvps_for_this_date_can_be_checked_in(organiser_client, occurrence):
    elsewhere = rsvp(OccurrenceFactory(series=occurrence.series, date=tuesday(3)))
    pending = rsvp(occurrence, "Pat", status=Rsvp.Status.PENDING)

    for one in (elsewhere, pending):
        response = organiser_client.post(check_in_url(occurrence), {"rsvp": one.pk, "do": "in"})
        assert response.status_code == 404
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()


def test_a_walk_in_is_added_checked_in_and_counted(organiser_client, organiser, occurrence):
    rsvp(occurrence)
    occurrence.refresh_from_db()
    assert occurrence.places_taken == 1
    url = f"{check_in_url(occurrence)}walk-in/"

    response = organiser_client.post(url, {"first_name": " Sam ", "last_initial": "k", "guests": 2})

    walk_in = Rsvp.objects.get(walk_in=True)
    assert response.status_code == 303
    assert response["Location"].endswith(f"#rsvp-{walk_in.pk}")
    assert walk_in.display_name == "Sam K."
    assert walk_in.status == Rsvp.Status.CONFIRMED and walk_in.attended_at is not None
    assert walk_in.person is None and walk_in.email_normalised == ""
    occurrence.refresh_from_db()
    assert occurrence.places_taken == 1, "walk-ins are there already: they take no places"
    assert AuditEntry.objects.get(action="rsvp.walk_in_added").actor == organiser
    page = organiser_client.get(check_in_url(occurrence)).content.decode()
    assert "Sam K." in page and "walk-in" in page
    assert counts(page) == {"Coming": 1, "Checked in": 3, "Walk-ins": 3, "Waiting list": 0}


def test_a_walk_in_needs_a_first_name(organiser_client, occurrence):
    response = organiser_client.post(
        f"{check_in_url(occurrence)}walk-in/", {"first_name": "", "last_initial": "K"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a first name" in page
    assert 'value="K"' in page, "what was typed is kept"
    assert not Rsvp.objects.exists()


def test_every_view_of_the_check_in_page_is_audited(organiser_client, organiser, occurrence):
    rsvp(occurrence)
    organiser_client.get(LIST)
    assert not AuditEntry.objects.filter(action="occurrence.attendees_viewed").exists()

    organiser_client.get(check_in_url(occurrence))
    organiser_client.get(check_in_url(occurrence))

    entries = AuditEntry.objects.filter(action="occurrence.attendees_viewed")
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {organiser}
    assert {entry.object_id for entry in entries} == {str(occurrence.pk)}


def test_check_in_needs_the_attendees_permission(client, occurrence):
    miriam = rsvp(occurrence)
    staff = staff_with(client, "view_occurrence")

    assert staff.get(check_in_url(occurrence)).status_code == 403
    assert staff.post(check_in_url(occurrence), {"rsvp": miriam.pk}).status_code == 403
    walk_in = staff.post(f"{check_in_url(occurrence)}walk-in/", {"first_name": "Sam"})
    assert walk_in.status_code == 403
    assert staff.get(ATTENDANCE).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="occurrence.").exists()
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()
    page = staff.get(LIST).content.decode()
    assert "check-in/" not in page and "Attendance report" not in page

    permission = Permission.objects.get(codename="view_attendees")
    get_user_model().objects.get(username="volunteer").user_permissions.add(permission)
    assert staff.get(check_in_url(occurrence)).status_code == 200
    assert "check-in/" in staff.get(LIST).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, occurrence):
    for url in (check_in_url(occurrence), ATTENDANCE, f"{LIST}{occurrence.pk}/cancel/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith("/organisers/sign-in/"), url
    assert not AuditEntry.objects.filter(action="occurrence.attendees_viewed").exists()


# Cancelling and moving a date


@pytest.fixture
def people(occurrence):
    """Two coming, one waiting, and some who are not to be emailed."""
    return [
        rsvp(occurrence, "Miriam", email="miriam@example.org"),
        rsvp(occurrence, "Dilnur", email="dilnur@example.org", guests=1),
        rsvp(occurrence, "Waiting", email="waiting@example.org", status=Rsvp.Status.WAITING),
        rsvp(occurrence, "Pending", email="pending@example.org", status=Rsvp.Status.PENDING),
        rsvp(occurrence, "Gone", email="gone@example.org", status=Rsvp.Status.CANCELLED),
    ]


def test_cancelling_a_date_tells_everyone_at_once_and_keeps_it_listed(
    immediate_tasks, organiser_client, organiser, occurrence, people
):
    url = f"{LIST}{occurrence.pk}/cancel/"
    form = organiser_client.get(url).content.decode()
    assert "The 3 people coming or on the waiting list will be emailed" in form

    response = organiser_client.post(url, {"reason": "The road is closed."}, follow=True)

    assert f"{occurrence} is cancelled. 3 people were told by email." in messages_on(response)
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.CANCELLED
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "dilnur@example.org", "miriam@example.org", "waiting@example.org",
    ]  # fmt: skip
    assert all(message.subject.startswith("Cancelled: ") for message in mail.outbox)
    assert all("The road is closed." in message.body for message in mail.outbox)
    assert AuditEntry.objects.get(action="occurrence.cancelled").actor == organiser
    series_page = organiser_client.get(f"/events/{occurrence.series.slug}/").content.decode()
    listed = re.search(rf"{occurrence.date:%A} {occurrence.date.day} .*?</li>", series_page)
    assert "Cancelled</strong>: The road is closed." in listed[0]


def test_a_cancelled_date_cannot_be_cancelled_again(organiser_client, occurrence):
    occurrence.status = Occurrence.Status.CANCELLED
    occurrence.save()

    response = organiser_client.post(
        f"{LIST}{occurrence.pk}/cancel/", {"reason": "Again"}, follow=True
    )

    assert "This date is cancelled already." in messages_on(response)
    assert not AuditEntry.objects.filter(action="occurrence.cancelled").exists()


def test_cancelling_needs_a_reason(organiser_client, occurrence):
    response = organiser_client.post(f"{LIST}{occurrence.pk}/cancel/", {"reason": " "})

    assert response.status_code == 400
    assert "Enter why the date is cancelled" in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.SCHEDULED


def test_cancelling_or_moving_needs_its_own_permission(client, occurrence, people):
    staff = staff_with(client, "view_occurrence", "view_attendees")
    for action in ("cancel", "move"):
        url = f"{LIST}{occurrence.pk}/{action}/"
        assert staff.get(url).status_code == 403
        assert staff.post(url, {"reason": "No"}).status_code == 403
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.SCHEDULED
    assert mail.outbox == []
    page = staff.get(f"{LIST}{occurrence.pk}/change/").content.decode()
    assert "Cancel this date" not in page and "Check-in page" in page


def test_the_date_page_offers_cancel_and_move_to_those_allowed(organiser_client, occurrence):
    page = organiser_client.get(f"{LIST}{occurrence.pk}/change/").content.decode()
    assert f'href="{LIST}{occurrence.pk}/cancel/"' in page
    assert f'href="{LIST}{occurrence.pk}/move/"' in page
    assert 'name="organiser_notes"' in page
    assert 'name="starts_at"' not in page, "a date is changed only by cancelling or moving it"


def test_moving_a_date_changes_its_time_and_tells_people(
    immediate_tasks, organiser_client, occurrence, people
):
    url = f"{LIST}{occurrence.pk}/move/"
    assert 'value="18:00"' in organiser_client.get(url).content.decode()

    response = organiser_client.post(
        url,
        {
            "new_date": occurrence.date.isoformat(), "new_time": "19:30",
            "place_note": "Outside the town hall", "reason": "The embassy is closed.",
        },
        follow=True,
    )  # fmt: skip

    assert "3 people were told by email." in messages_on(response)[0]
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.MOVED
    assert occurrence.local_starts_at.time() == time(19, 30)
    assert occurrence.local_starts_at.date() == occurrence.date
    assert occurrence.local_ends_at.time() == time(20, 30)
    assert occurrence.place_note == "Outside the town hall"
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert "19:30 to 20:30" in body and "Outside the town hall" in body
    assert "The embassy is closed." in body
    assert AuditEntry.objects.filter(action="occurrence.moved").count() == 1


def last_sunday_of_march_ahead() -> date:
    year = timezone.localdate().year + 1
    end_of_march = date(year, 3, 31)
    return end_of_march - timedelta(days=(end_of_march.weekday() + 1) % 7)


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (lambda: (tuesday(-1), "18:00"), "Choose a date and time in the future."),
        (lambda: (last_sunday_of_march_ahead(), "01:30"), "The clocks change at that time"),
        (lambda: (tuesday(2), "18:00"), "That is when and where it is already."),
        (lambda: (tuesday(2), "25:00"), "Enter the time like 18:30."),
    ],
)
def test_a_move_must_be_to_a_real_new_time(organiser_client, occurrence, when, error):
    on, at = when()
    response = organiser_client.post(
        f"{LIST}{occurrence.pk}/move/", {"new_date": on.isoformat(), "new_time": at, "reason": "X"}
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.SCHEDULED


# The list and the attendance report


def test_the_list_of_dates_shows_counts_and_no_names(organiser_client, occurrence):
    rsvp(occurrence, guests=1, attended_at=timezone.now())
    rsvp(occurrence, "Dilnur")
    OccurrenceFactory(series=occurrence.series, date=tuesday(-2))

    this_series = {"series__id__exact": occurrence.series_id}
    page = organiser_client.get(LIST, this_series).content.decode()

    assert "Miriam" not in page and "@example.org" not in page
    assert '<td class="field-places">3 of 20</td>' in page
    assert '<td class="field-rsvps_confirmed">2</td>' in page
    assert '<td class="field-people_attended">2</td>' in page
    assert f'href="{check_in_url(occurrence)}"' in page
    assert "Add occurrence" not in page
    assert page.count('class="field-local_start"') == 1, "past dates are a filter away"
    assert organiser_client.get(LIST, {"when": "past", **this_series}).content.decode().count(
        'class="field-local_start"'
    ) == 1  # fmt: skip


def row(*cells) -> str:
    return "".join(f"<td>{cell}</td>" for cell in cells)


def test_the_attendance_report(organiser_client, campaign):
    series = SeriesFactory(title="Weekly vigil")
    earlier = OccurrenceFactory(series=series, date=tuesday(-3))
    later = OccurrenceFactory(series=series, date=tuesday(-2), status=Occurrence.Status.CANCELLED)
    coming = OccurrenceFactory(series=series, date=tuesday(1))
    came = timezone.now() - timedelta(weeks=3)
    rsvp(earlier, "Miriam", guests=1, attended_at=came)
    rsvp(earlier, "Dilnur")
    rsvp(earlier, "Waiting", status=Rsvp.Status.WAITING)
    rsvp(earlier, "Gone", status=Rsvp.Status.CANCELLED)
    RsvpFactory(
        occurrence=earlier, person=None, email_normalised="", first_name="Sam", last_name="",
        walk_in=True,
        guests=2, attended_at=came,
    )  # fmt: skip
    rsvp(coming, "Future", attended_at=timezone.now())

    page = organiser_client.get(ATTENDANCE).content.decode()

    assert row("Weekly vigil", "Took place", 3, 5, 3) in page
    assert row("Weekly vigil", "Cancelled", 0, 0, 0) in page
    assert page.index(f"{later.date:%a} {later.date.day}") < page.index(
        f"{earlier.date:%a} {earlier.date.day}"
    ), "newest first"
    assert f"{coming.date:%a} {coming.date.day} {coming.date:%b}" not in page
    assert "Miriam" not in page and "Sam" not in page and "@example.org" not in page


def test_the_attendance_report_starts_at_each_date_local_start(organiser_client, occurrence):
    occurrence.starts_at = timezone.now() - timedelta(minutes=5)
    occurrence.ends_at = occurrence.starts_at + timedelta(hours=1)
    occurrence.save()
    rsvp(occurrence, attended_at=timezone.now())

    page = organiser_client.get(ATTENDANCE).content.decode()

    assert row(occurrence.series.title, "Under way", 1, 1, 0) in page, "today's, under way"


@pytest.mark.parametrize(
    ("clock", "status", "shown"),
    [
        (time(18, 30), Occurrence.Status.SCHEDULED, "Under way"),
        (time(19, 0), Occurrence.Status.SCHEDULED, "Took place"),
        (time(21, 0), Occurrence.Status.SCHEDULED, "Took place"),
        (time(21, 0), Occurrence.Status.MOVED, "Took place (moved)"),
        (time(21, 0), Occurrence.Status.CANCELLED, "Cancelled"),
    ],
)
def test_tonight_s_date_says_it_took_place_once_it_has_finished(
    client, organiser, organiser_device, campaign, clock, status, shown
):
    tonight = date(2026, 12, 1)
    series = SeriesFactory(title="Weekly vigil")
    OccurrenceFactory(series=series, date=tonight, status=status)
    OccurrenceFactory(series=series, date=date(2026, 12, 8))  # next week's, still to come
    with time_machine.travel(datetime.combine(tonight, clock, tzinfo=series.zone), tick=False):
        sign_in_with_code(client, organiser, organiser_device)
        report = client.get(ATTENDANCE).content.decode()
        listed = client.get(LIST, {"when": "all", "series__id__exact": series.pk}).content.decode()

    assert row("Weekly vigil", shown, 0, 0, 0) in report
    assert f'<td class="field-current_status">{shown}</td>' in listed
    assert '<td class="field-current_status">Scheduled</td>' in listed, "next week's"


# Series


def test_a_series_from_the_demonstration_keeps_the_copied_fields_read_only(
    organiser_client, campaign
):
    series = series_sync_from_demonstration(demonstration=campaign.demonstration)
    url = f"/admin/events/series/{series.pk}/change/"

    page = organiser_client.get(url).content.decode()

    assert "Edit these on the campaign’s demonstration form (they are copied from it)." in page
    assert 'name="title"' not in page and 'name="start_time"' not in page
    assert 'name="first_date"' not in page and 'name="accessibility"' not in page
    assert 'name="capacity"' in page
    assert "deletelink" not in page, "it would come back from the demonstration, empty"
    response = organiser_client.post(
        url,
        {
            "title": "Changed here", "first_date": "2020-01-01", "capacity": "40",
            "accessibility": "partly", "latitude": "51.55", "longitude": "-0.18",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    series.refresh_from_db()
    assert series.capacity == 40
    assert series.title == campaign.demonstration.title, "copied fields are not changed here"
    assert series.accessibility == "unknown" and series.first_date != date(2020, 1, 1)
    assert series.occurrences.exists() and {o.capacity for o in series.occurrences.all()} == {40}
    assert AuditEntry.objects.filter(action="content.changed", object_id=str(series.pk)).exists()


def test_a_series_of_its_own_is_edited_in_full(organiser_client, campaign):
    series = SeriesFactory()
    page = organiser_client.get(f"/admin/events/series/{series.pk}/change/").content.decode()
    assert 'name="title"' in page and 'name="start_time"' in page
    assert "copied from it" not in page
    listing = organiser_client.get("/admin/events/series/").content.decode()
    assert "Every Tuesday, 18:00" in listing


def test_a_series_people_are_coming_to_cannot_be_deleted(organiser_client, occurrence):
    rsvp(occurrence)
    url = f"/admin/events/series/{occurrence.series.pk}/delete/"

    assert organiser_client.get(url).status_code == 403
    assert organiser_client.post(url, {"post": "yes"}).status_code == 403
    assert Series.objects.filter(pk=occurrence.series.pk).exists()
    empty = SeriesFactory()
    assert organiser_client.get(f"/admin/events/series/{empty.pk}/delete/").status_code == 200
    assert (
        'value="delete_selected"'
        not in organiser_client.get("/admin/events/series/").content.decode()
    )


def test_a_check_in_time_shows_in_the_venue_local_time(organiser_client, occurrence):
    at = datetime.combine(occurrence.date, time(17, 55), tzinfo=occurrence.series.zone)
    rsvp(occurrence, attended_at=at)
    assert "Here since 17:55" in organiser_client.get(check_in_url(occurrence)).content.decode()
