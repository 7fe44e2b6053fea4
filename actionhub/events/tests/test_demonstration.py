"""Organisers changing the demonstration: one plain form, a preview of what changes for the
coming dates and who is told, and nothing written until they confirm."""

import re
from datetime import date, time

import pytest
from django.core import mail

from actionhub.campaigns.models import Demonstration
from actionhub.campaigns.services import AdminEditsWouldBeLost, campaign_pack_load
from actionhub.core.models import AuditEntry
from actionhub.core.tests.forms import form_values, page_form_values
from actionhub.events.models import Occurrence, Rsvp, Series, Subscription
from actionhub.events.tests.factories import RsvpFactory
from actionhub.events.tests.test_organisers import staff_with
from actionhub.supporters.tests.factories import PersonFactory


@pytest.fixture
def demonstration(campaign):
    return Demonstration.objects.get(campaign=campaign)


@pytest.fixture
def url(demonstration):
    return f"/admin/campaigns/demonstration/{demonstration.pk}/change/"


@pytest.fixture
def dates(demonstration):
    """The coming Tuesdays (the suite's now is Monday 30 November 2026), with replies."""
    series = Series.objects.get(demonstration=demonstration)
    tuesdays = list(series.occurrences.order_by("date"))
    assert [o.date for o in tuesdays[:2]] == [date(2026, 12, 1), date(2026, 12, 8)]
    for name in ("miriam", "dilnur"):
        person = PersonFactory(email=f"{name}@example.org")
        RsvpFactory(occurrence=tuesdays[0], person=person)
    RsvpFactory(occurrence=tuesdays[1], person=PersonFactory(email="waiting@example.org"),
                status=Rsvp.Status.WAITING)  # fmt: skip
    RsvpFactory(occurrence=tuesdays[1], person=PersonFactory(email="unconfirmed@example.org"),
                status=Rsvp.Status.PENDING)  # fmt: skip
    return tuesdays


def text(response) -> str:
    return " ".join(response.content.decode().split())


def snapshot(demonstration):
    series = Series.objects.get(demonstration=demonstration)
    rows = list(series.occurrences.order_by("date").values_list("date", "status", "starts_at"))
    demonstration.refresh_from_db()
    return (demonstration.recurrence, demonstration.start_time, rows)


def test_the_form_is_plain_fields_without_a_rule_to_type(organiser_client, url):
    page = organiser_client.get(url).content.decode()
    values = page_form_values(page)

    assert "FREQ=" not in page and 'name="recurrence"' not in page
    assert values["weekday"] == "TU"
    assert (values["start_time"], values["end_time"]) == ("18:00", "19:00")
    assert values["timezone"] == "Europe/London"
    assert values["first_date"] == "2026-11-30" and values["end_date"] == ""
    assert values["venue_name"] == "Chinese Embassy – Cultural Section"
    assert "This content comes from the campaign pack" in page
    assert 'data-markdown-preview="/admin/markdown-preview/"' in page


def test_a_new_weekday_is_previewed_and_nothing_is_written_before_confirming(
    organiser_client, url, demonstration, dates
):
    before = snapshot(demonstration)

    response = organiser_client.post(url, form_values(organiser_client, url) | {"weekday": "WE"})

    page = text(response)
    assert response.status_code == 200
    assert "Nothing is saved yet. You changed the weekday." in page
    assert '<th scope="row">Tue 1 Dec 2026</th> <td>Cancelled' in page
    assert '<th scope="row">Wed 2 Dec 2026</th> <td>Added, 18:00</td> <td>0</td>' in page
    assert "<td>Cancelled (it stays listed, marked cancelled)</td> <td>2</td>" in page
    assert page.count("Cancelled (it stays listed") == 10
    assert page.count("<td>Added, 18:00</td>") == 10
    assert "3 people coming or on the waiting list" in page
    assert "Confirm: save and tell 3 people" in page
    assert snapshot(demonstration) == before
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(object_type="campaigns.demonstration").exists()


def test_confirming_applies_the_change_and_tells_people(
    immediate_tasks, organiser_client, organiser, url, demonstration, dates
):
    preview = organiser_client.post(url, form_values(organiser_client, url) | {"weekday": "WE"})
    confirm = page_form_values(preview.content.decode()) | {"confirm": "1"}

    response = organiser_client.post(url, confirm, follow=True)

    assert "The demonstration is saved. 3 people were emailed." in text(response)
    demonstration.refresh_from_db()
    assert demonstration.recurrence == "FREQ=WEEKLY;BYDAY=WE"
    dates[0].refresh_from_db()
    assert dates[0].status == Occurrence.Status.CANCELLED
    series = Series.objects.get(demonstration=demonstration)
    assert series.occurrences.filter(date=date(2026, 12, 2)).exists()
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "dilnur@example.org", "miriam@example.org", "waiting@example.org",
    ]  # fmt: skip
    assert all(message.subject.startswith("Cancelled: ") for message in mail.outbox)
    entry = AuditEntry.objects.get(object_type="campaigns.demonstration")
    assert entry.actor == organiser and entry.action == "content.changed"
    assert "10 added, 10 cancelled" in entry.summary and "3 people emailed" in entry.summary


def test_a_new_time_moves_the_dates_and_tells_those_coming(
    immediate_tasks, organiser_client, url, demonstration, dates
):
    data = form_values(organiser_client, url) | {"start_time": "18:30", "end_time": "20:00"}
    preview = organiser_client.post(url, data)
    page = text(preview)
    assert (
        '<th scope="row">Tue 1 Dec 2026</th> <td>Moved from 18:00–19:00 to 18:30–20:00</td> <td>2</td>'
        in page
    )
    assert (
        '<th scope="row">Tue 8 Dec 2026</th> <td>Moved from 18:00–19:00 to 18:30–20:00</td> <td>1</td>'
        in page
    )

    organiser_client.post(url, page_form_values(preview.content.decode()) | {"confirm": "1"})

    dates[0].refresh_from_db()
    assert dates[0].local_starts_at.time() == time(18, 30)
    assert dates[0].local_ends_at.time() == time(20, 0)
    told = [message for message in mail.outbox if message.subject.startswith("New time: ")]
    assert sorted(address for message in told for address in message.to) == [
        "dilnur@example.org", "miriam@example.org", "waiting@example.org",
    ]  # fmt: skip
    assert "18:30 to 20:00" in told[0].body


def test_a_new_place_tells_those_coming(immediate_tasks, organiser_client, url, dates):
    data = form_values(organiser_client, url) | {"venue_name": "Outside the town hall"}
    preview = organiser_client.post(url, data)
    assert "<td>New place</td> <td>2</td>" in text(preview)

    organiser_client.post(url, page_form_values(preview.content.decode()) | {"confirm": "1"})

    told = [message for message in mail.outbox if message.subject.startswith("New place: ")]
    assert len(told) == 3
    assert "Outside the town hall" in told[0].body


def test_a_preview_that_is_out_of_date_is_shown_again_and_not_applied(
    organiser_client, url, demonstration, dates
):
    preview = organiser_client.post(url, form_values(organiser_client, url) | {"weekday": "WE"})
    RsvpFactory(occurrence=dates[2], person=PersonFactory(email="late@example.org"))
    before = snapshot(demonstration)

    response = organiser_client.post(
        url, page_form_values(preview.content.decode()) | {"confirm": "1"}
    )

    assert "Check them again." in text(response)
    assert "Confirm: save and tell 4 people" in text(response)
    assert snapshot(demonstration) == before


def test_going_back_keeps_what_was_typed(organiser_client, url, demonstration, dates):
    preview = organiser_client.post(url, form_values(organiser_client, url) | {"weekday": "FR"})
    back = organiser_client.post(url, page_form_values(preview.content.decode()) | {"edit": "1"})

    assert page_form_values(back.content.decode())["weekday"] == "FR"
    assert Demonstration.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=TU"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"start_time": "19:00", "end_time": "18:00"},
            "The end time must be after the start time.",
        ),
        ({"end_time": "18:00"}, "The end time must be after the start time."),
        ({"end_date": "2026-11-01"}, "The last date must be on or after the first date."),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list, like Europe/London."),
        ({"start_time": "6pm"}, "Enter the time like 18:30."),
        ({"first_date": ""}, "Enter the first date."),
        ({"town": ""}, "Enter the town."),
    ],
)
def test_a_wrong_entry_is_explained_and_nothing_is_lost(
    organiser_client, url, demonstration, dates, changes, message
):
    before = snapshot(demonstration)
    data = form_values(organiser_client, url) | {"title": "A new title", **changes}

    response = organiser_client.post(url, data)

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert page_form_values(response.content.decode())["title"] == "A new title"
    assert snapshot(demonstration) == before
    assert Demonstration.objects.get().title != "A new title"


def test_words_alone_and_empty_optional_fields_are_saved_at_once(
    organiser_client, url, demonstration, dates
):
    data = form_values(organiser_client, url) | {
        "title": "Tuesday vigil", "accessibility_notes": "", "end_date": "",
    }  # fmt: skip

    response = organiser_client.post(url, data, follow=True)

    assert "The demonstration is saved." in text(response)
    demonstration.refresh_from_db()
    series = Series.objects.get(demonstration=demonstration)
    assert (demonstration.title, series.title) == ("Tuesday vigil", "Tuesday vigil")
    assert series.accessibility_notes == ""
    assert series.end_date is None
    assert mail.outbox == []


def test_a_last_date_cancels_the_dates_after_it(organiser_client, url, demonstration, dates):
    data = form_values(organiser_client, url) | {"end_date": "2026-12-08"}
    preview = organiser_client.post(url, data)
    assert text(preview).count("Cancelled (it stays listed") == 8

    organiser_client.post(url, page_form_values(preview.content.decode()) | {"confirm": "1"})

    series = Series.objects.get(demonstration=demonstration)
    assert series.end_date == date(2026, 12, 8)
    scheduled = series.occurrences.exclude(status=Occurrence.Status.CANCELLED)
    assert [o.date for o in scheduled] == [date(2026, 12, 1), date(2026, 12, 8)]


def test_those_coming_every_week_get_the_added_dates(organiser_client, url, demonstration, dates):
    series = Series.objects.get(demonstration=demonstration)
    person = PersonFactory(email="weekly@example.org")
    Subscription.objects.create(
        series=series, person=person, email_normalised=person.email_normalised,
        first_name="Weekly", status=Subscription.Status.ACTIVE, submitted_at=dates[0].starts_at,
    )  # fmt: skip
    preview = organiser_client.post(url, form_values(organiser_client, url) | {"weekday": "TH"})

    organiser_client.post(url, page_form_values(preview.content.decode()) | {"confirm": "1"})

    thursday = series.occurrences.get(date=date(2026, 12, 3))
    assert thursday.rsvps.filter(person=person, status=Rsvp.Status.CONFIRMED).exists()


def test_changing_it_needs_the_permission(client, url, demonstration, dates):
    staff = staff_with(client, "view_demonstration")
    before = snapshot(demonstration)
    page = staff.get(url).content.decode()
    assert "Save, or check" not in page
    assert re.search(r'<select name="weekday"[^>]*disabled', page), "shown, not editable"

    staff.post(url, form_values(staff, url) | {"weekday": "WE", "confirm": "1"})

    assert snapshot(demonstration) == before


def test_a_changed_pack_does_not_silently_overwrite_a_console_edit(
    organiser_client, url, pack_copy, dates
):
    organiser_client.post(url, form_values(organiser_client, url) | {"title": "Tuesday vigil"})
    yaml = pack_copy / "campaign.yaml"
    yaml.write_text(yaml.read_text().replace('start_time: "18:00"', 'start_time: "18:15"'))

    with pytest.raises(AdminEditsWouldBeLost):
        campaign_pack_load(folder=pack_copy)

    assert Demonstration.objects.get().title == "Tuesday vigil"
    report = campaign_pack_load(folder=pack_copy, force=True)
    assert report.changed and Demonstration.objects.get().start_time == time(18, 15)


def test_a_new_time_zone_keeps_the_local_times_and_says_so(organiser_client, url, dates):
    data = form_values(organiser_client, url) | {"timezone": "Europe/Paris"}

    page = text(organiser_client.post(url, data))

    assert (
        '<th scope="row">Tue 1 Dec 2026</th> <td>Moved from 18:00 (Europe/London) to 18:00 '
        "(Europe/Paris)</td> <td>2</td>"
    ) in page


def test_a_new_end_time_alone_is_previewed_and_those_coming_are_told(
    immediate_tasks, organiser_client, url, demonstration, dates
):
    data = form_values(organiser_client, url) | {"end_time": "20:30"}
    preview = organiser_client.post(url, data)
    assert "Who will be told" in text(preview), "not saved at once"
    assert "<td>Moved from 18:00–19:00 to 18:00–20:30</td>" in text(preview)
    assert dates[0].local_ends_at.time() == time(19, 0), "nothing written before confirming"
    organiser_client.post(url, page_form_values(preview.content.decode()) | {"confirm": "1"})
    dates[0].refresh_from_db()
    assert dates[0].local_ends_at.time() == time(20, 30)
    told = [message for message in mail.outbox if message.subject.startswith("New time: ")]
    assert "18:00 to 20:30" in told[0].body


def test_the_preview_counts_guests_among_those_coming(organiser_client, url, dates):
    RsvpFactory(occurrence=dates[0], person=PersonFactory(email="family@example.org"), guests=3)
    data = form_values(organiser_client, url) | {"start_time": "18:30", "end_time": "20:00"}
    page = text(organiser_client.post(url, data))
    assert (
        '<th scope="row">Tue 1 Dec 2026</th> <td>Moved from 18:00–19:00 to 18:30–20:00</td> <td>6</td>'
        in page
    )
