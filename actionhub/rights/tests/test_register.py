"""The data protection lead's register: a request recorded with the day it arrived, its
one-month deadline, the list with the most urgent first, the dashboard's warning, closing it
(which takes the address off it), and how long a closed one is kept."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from actionhub.core.models import AuditEntry
from actionhub.core.periodic import REGISTRY
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.rights.inventory import person_inventory
from actionhub.rights.models import DataRequest
from actionhub.rights.register import (
    ADDRESS_REMOVED,
    CLOSED_KEPT,
    DEADLINE_NEAR_DAYS,
    OTHER_ADDRESS_REMOVED,
    address_fingerprint,
    data_request_close,
    data_request_deadline,
    data_request_record,
    months_after,
)
from actionhub.rights.tasks import apply_data_request_retention
from actionhub.rights.tests.people import ADDRESS
from actionhub.staff.roles import DATA_PROTECTION_LEAD, ORGANISER
from actionhub.supporters.models import Person
from actionhub.supporters.tests.factories import PersonFactory

REGISTER = "/admin/rights/datarequest/"
ADD = REGISTER + "add/"


def change_url(data_request) -> str:
    return reverse("admin:rights_datarequest_change", args=[data_request.pk])


def close_url(data_request) -> str:
    return reverse("admin:rights_datarequest_close", args=[data_request.pk])


def today() -> date:
    return timezone.localdate()


def recorded(actor, *, email=ADDRESS, kind=DataRequest.Kind.ERASURE, received_on=None, **more):
    return data_request_record(
        actor=actor,
        data_request=DataRequest(kind=kind, email=email, received_on=received_on or today(),
                                 **more),
    )  # fmt: skip


@pytest.fixture
def lead(db):
    """A signed-in data protection lead (the role, not a superuser), and their account."""
    return organiser_in_role("lead", DATA_PROTECTION_LEAD)


# The deadline


@pytest.mark.parametrize(
    ("received", "months", "deadline"),
    [
        (date(2026, 11, 3), 1, date(2026, 12, 3)),  # the same date next month
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # into the next year
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2028, 1, 29), 1, date(2028, 2, 29)),
        (date(2027, 1, 29), 1, date(2027, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),  # not "the end of the month"
        (date(2026, 12, 30), 2, date(2027, 2, 28)),  # two months, to a shorter month
    ],
)
def test_the_deadline_is_one_calendar_month_or_the_months_last_day(received, months, deadline):
    assert months_after(received, months) == deadline


@pytest.mark.parametrize(
    ("received", "first", "extended"),
    [
        # Worked out by hand: one calendar month, then two further months from that deadline.
        (date(2027, 1, 31), date(2027, 2, 28), date(2027, 4, 28)),  # not 30 April
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 4, 29)),  # a leap year: not 30 April
        (date(2027, 1, 29), date(2027, 2, 28), date(2027, 4, 28)),  # not 29 April
        (date(2026, 10, 31), date(2026, 11, 30), date(2027, 1, 30)),  # not 31 January
        (date(2026, 5, 31), date(2026, 6, 30), date(2026, 8, 30)),  # not 31 August
        (date(2026, 11, 30), date(2026, 12, 30), date(2027, 2, 28)),  # no 30 February
        (date(2027, 11, 30), date(2027, 12, 30), date(2028, 2, 29)),  # nor in a leap year
        (date(2028, 2, 29), date(2028, 3, 29), date(2028, 5, 29)),
        (date(2026, 8, 31), date(2026, 9, 30), date(2026, 11, 30)),
        (date(2026, 12, 31), date(2027, 1, 31), date(2027, 3, 31)),  # into the next year
        (date(2026, 11, 3), date(2026, 12, 3), date(2027, 2, 3)),
    ],
)
def test_an_extension_is_two_further_months_from_the_first_deadline(received, first, extended):
    """Art. 12(3): "extended by two further months"; counting three months from the day it
    arrived would be two days late for a request of 31 January."""
    assert data_request_deadline(received_on=received) == first
    assert data_request_deadline(received_on=received, extended=True) == extended


# Recording a request


def test_a_request_recorded_in_the_console_has_its_deadline_and_finds_the_person(lead):
    client, user = lead
    person = PersonFactory(email=ADDRESS)
    arrived = today() - timedelta(days=6)  # a letter that came last week

    response = client.post(ADD, {"kind": "erasure", "email": "Ruth.Cohen@Example.org",
                                 "received_on": arrived.isoformat(), "notes": ""})  # fmt: skip

    data_request = DataRequest.objects.get()
    assert response.status_code == 303 and response["Location"] == change_url(data_request)
    assert data_request.email == "Ruth.Cohen@Example.org", "kept as the person gave it"
    assert data_request.person == person
    assert data_request.received_on == arrived
    assert data_request.deadline == months_after(arrived, 1)
    assert data_request.email_fingerprint == address_fingerprint(ADDRESS)
    page = client.get(change_url(data_request)).content.decode()
    assert f"Recorded. It is to be answered by {data_request.deadline:%-d %B %Y}." in page
    assert "Find their data" in page and "A supporter has this address" in page
    entry = AuditEntry.objects.get(action="rights.request_recorded")
    assert entry.actor == user and entry.object_id == str(data_request.pk)
    assert "ruth" not in entry.summary.casefold()


def test_a_request_may_be_for_an_address_nobody_has(lead):
    client, _ = lead
    client.post(ADD, {"kind": "access", "email": "stranger@example.org",
                      "received_on": today().isoformat()})  # fmt: skip

    data_request = DataRequest.objects.get()
    assert data_request.person is None
    assert "No supporter has this address" in client.get(change_url(data_request)).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "", "Enter the email address the person gave."),
        ("email", "ruth at example", "Enter an email address like name@example.com."),
        ("email", "ruth\u200b@example.org", "characters in it that cannot be seen"),
        ("received_on", "", "Enter the day the request arrived."),
        ("received_on", "31/02/2026", "Enter the day the request arrived as a date"),
        ("kind", "", "Choose what the person asks for."),
    ],
)
def test_the_form_says_what_is_wrong_and_records_nothing(lead, field, value, error):
    client, _ = lead
    data = {"kind": "access", "email": ADDRESS, "received_on": today().isoformat(), field: value}

    response = client.post(ADD, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_request_cannot_arrive_in_the_future(lead):
    client, user = lead
    tomorrow = today() + timedelta(days=1)

    response = client.post(ADD, {"kind": "access", "email": ADDRESS,
                                 "received_on": tomorrow.isoformat()})  # fmt: skip

    assert "The day it arrived cannot be after today" in response.content.decode()
    assert not DataRequest.objects.exists()
    with pytest.raises(Exception, match="cannot be after today"):
        recorded(user, received_on=tomorrow)


@time_machine.travel(datetime(2027, 2, 10, 12, tzinfo=UTC), tick=False)
def test_correcting_an_open_request_moves_its_deadline_and_finds_the_person(db):
    client, user = organiser_in_role("lead", DATA_PROTECTION_LEAD)  # signed in on that day
    data_request = recorded(user, email="ruth.cohen@example.og", received_on=date(2027, 2, 9))
    person = PersonFactory(email=ADDRESS)

    response = client.post(change_url(data_request), {
        "kind": "erasure", "email": ADDRESS, "received_on": "2027-01-31",
        "extended": "on", "notes": "Asked them to confirm by replying from the address.",
    })  # fmt: skip

    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.person == person
    assert data_request.deadline == date(2027, 4, 28), "28 February and two months"
    entry = AuditEntry.objects.get(action="rights.request_changed")
    assert entry.summary.endswith("to answer by 28 April 2027 (extended)")
    assert "77 days left" in client.get(REGISTER).content.decode()  # 18 + 31 + 28


def test_an_extension_cannot_be_taken_once_the_first_month_is_over(lead):
    client, user = lead
    received = today() - timedelta(days=45)
    data_request = recorded(user, email=ADDRESS, received_on=received)

    response = client.post(change_url(data_request), {
        "kind": "erasure", "email": ADDRESS, "received_on": received.isoformat(),
        "extended": "on", "notes": "",
    })  # fmt: skip

    assert response.status_code == 200
    assert "It is too late to extend" in response.content.decode()
    data_request.refresh_from_db()
    assert not data_request.extended and data_request.deadline == months_after(received, 1)


# The list


def due_in(data_request, days: int):
    """Move a request's deadline to `days` from today (negative: past)."""
    DataRequest.objects.filter(pk=data_request.pk).update(deadline=today() + timedelta(days=days))
    return data_request


def test_the_register_puts_open_requests_first_the_most_urgent_at_the_top(lead):
    client, user = lead
    later = due_in(recorded(user, email="c@example.org"), 20)
    closed = recorded(user, email="d@example.org", received_on=today() - timedelta(days=50))
    data_request_close(actor=user, data_request=closed, status=DataRequest.Status.DONE)
    overdue = due_in(recorded(user, email="a@example.org"), -9)
    near = due_in(recorded(user, email="b@example.org"), 3)
    one_day = due_in(recorded(user, email="e@example.org"), -1)

    page = client.get(REGISTER).content.decode()

    rows = [page.index(change_url(r)) for r in (overdue, one_day, near, later, closed)]
    assert rows == sorted(rows)
    assert '<strong class="request-overdue">Overdue by 9 days</strong>' in page
    assert '<strong class="request-overdue">Overdue by 1 day</strong>' in page
    assert '<strong class="request-near">3 days left</strong>' in page
    assert "20 days left" in page and '<strong class="request-near">20' not in page
    assert "(removed when closed)" in page
    assert "d@example.org" not in page


def test_the_register_filters_by_status_kind_and_deadline(lead):
    client, user = lead
    overdue = recorded(user, email="a@example.org", kind="access",
                       received_on=today() - timedelta(days=40))  # fmt: skip
    fresh = recorded(user, email="b@example.org", kind="objection")
    closed = recorded(user, email="c@example.org", kind="access")
    data_request_close(actor=user, data_request=closed, status=DataRequest.Status.DONE)

    def listed(query):
        page = client.get(REGISTER + query).content.decode()
        return {r for r in (overdue, fresh, closed) if change_url(r) in page}

    assert listed("?status__exact=open") == {overdue, fresh}
    assert listed("?status__exact=done") == {closed}
    assert listed("?kind__exact=access") == {overdue, closed}
    assert listed("?deadline=overdue") == {overdue}
    assert listed("?deadline=near") == set()


def test_the_register_takes_no_address_in_its_own_address(lead):
    client, user = lead
    recorded(user)

    assert client.get(REGISTER + f"?email={ADDRESS}").status_code == 400
    assert client.get(REGISTER + "?email__icontains=ruth").status_code == 400
    assert client.get(REGISTER + "?q=ruth").status_code == 200, "no search box: ignored"


# The dashboard


def test_the_dashboard_warns_of_requests_near_or_past_their_deadline(lead):
    client, user = lead
    recorded(user, email="a@example.org", received_on=today() - timedelta(days=40))
    recorded(user, email="b@example.org", received_on=today() - timedelta(days=35))
    due_in(recorded(user, email="c@example.org"), DEADLINE_NEAR_DAYS)
    due_in(recorded(user, email="d@example.org"), 0)  # today is not past it
    recorded(user, email="e@example.org", received_on=today())  # a month to go: no warning

    page = client.get("/admin/").content.decode()

    assert "2 data protection requests past their one-month deadline" in page
    assert f"2 data protection requests due within {DEADLINE_NEAR_DAYS} days" in page
    assert f'href="{REGISTER}?deadline=overdue"' in page
    assert f'href="{REGISTER}?deadline=near"' in page
    organiser, _ = organiser_in_role("organiser-role", ORGANISER)
    assert "data protection request" not in organiser.get("/admin/").content.decode()


def test_no_warning_once_answered(lead):
    client, user = lead
    late = recorded(user, received_on=today() - timedelta(days=40))
    data_request_close(actor=user, data_request=late, status=DataRequest.Status.DONE)

    assert "data protection request" not in client.get("/admin/").content.decode()


# Closing


def test_closing_takes_the_address_off_the_request_and_out_of_its_notes(lead):
    client, user = lead
    person = PersonFactory(email=ADDRESS)
    data_request = recorded(user, email="RUTH.COHEN@example.org",
                            notes="Replied to ruth.cohen@example.org on Monday.")  # fmt: skip

    response = client.post(close_url(data_request), {"outcome": "done", "reason": ""})

    assert response.status_code == 303 and response["Location"] == change_url(data_request)
    data_request.refresh_from_db()
    assert (data_request.status, data_request.email, data_request.person) == ("done", "", None)
    assert data_request.notes == f"Replied to {ADDRESS_REMOVED} on Monday."
    assert data_request.email_fingerprint == address_fingerprint(ADDRESS), "still findable"
    assert data_request.closed_at is not None
    assert (data_request.handled_by, data_request.handled_by_label) == (user, "lead")
    assert "ruth" not in AuditEntry.objects.get(action="rights.request_done").summary.casefold()
    assert Person.objects.filter(pk=person.pk).exists(), "closing erases nothing by itself"
    page = client.get(change_url(data_request)).content.decode()
    assert "Closed: the address is no longer in the register." in page
    assert "ruth" not in page.casefold()
    assert "Close the request" not in page


def test_closing_takes_every_spelling_of_their_address_out_of_the_notes(lead):
    """As the supporters app compares addresses: capitals, Gmail's dots and +tags, and
    googlemail.com are all the same mailbox, and none of them stays in what is kept."""
    client, user = lead
    person = PersonFactory(email="ruth.cohen@gmail.com")
    data_request = recorded(user, email="Ruth.Cohen@gmail.com", notes="\n".join([
        "She also wrote from ruth.cohen+jaapu@gmail.com.",
        "And from Ruth.Cohen+campaign@googlemail.com, and as RUTH.COHEN@GMAIL.COM",
        "Replied to ruthcohen@gmail.com on 3 May; ID checked",
    ]))  # fmt: skip

    client.post(close_url(data_request), {"outcome": "done", "reason": ""})

    data_request.refresh_from_db()
    assert data_request.notes == "\n".join([
        f"She also wrote from {ADDRESS_REMOVED}.",
        f"And from {ADDRESS_REMOVED}, and as {ADDRESS_REMOVED}",
        f"Replied to {ADDRESS_REMOVED} on 3 May; ID checked",
    ])  # fmt: skip
    page = client.get(change_url(data_request)).content.decode()
    assert "Replied to [their address] on 3 May; ID checked" in page
    assert "ruth" not in page.casefold()
    [you] = [s for s in person_inventory(person=person).sections if s.key == "you"]
    assert "@" not in dict(you.items[-1].fields)["Our notes"], "what the person sees of it"


def test_closing_leaves_no_one_elses_address_in_the_notes_or_the_reason(lead):
    """The record kept holds no address at all: someone writing for them, or another address
    of theirs, is personal data too."""
    client, user = lead
    data_request = recorded(user, notes="Her daughter (sarah.cohen@example.org) wrote for her; "
                                        "she also uses ruth@work.example.org.")  # fmt: skip

    client.post(close_url(data_request), {
        "outcome": "refused",
        "reason": "We could not confirm it: the reply came from r.cohen@example.net.",
    })  # fmt: skip

    data_request.refresh_from_db()
    assert data_request.notes == (
        f"Her daughter ({OTHER_ADDRESS_REMOVED}) wrote for her; she also uses "
        f"{OTHER_ADDRESS_REMOVED}."
    )
    assert data_request.refusal_reason == (
        f"We could not confirm it: the reply came from {OTHER_ADDRESS_REMOVED}."
    )


@pytest.mark.parametrize(
    ("notes", "kept"),
    [
        ("Replied on 3 May; ID checked", "Replied on 3 May; ID checked"),
        ("Met at the stall @ 10:30, ruth at example dot org.",
         "Met at the stall @ 10:30, ruth at example dot org."),  # not an address
        ("Sent to ruth.cohen@example.org.", "Sent to [their address]."),
        ("Sent to ruth.cohen@example.org.uk", "Sent to [an address]"),  # not only its start
        ("<Ruth.Cohen@Example.ORG>: confirmed", "<[their address]>: confirmed"),
        ("mailto:ruth.cohen@example.org", "mailto:[their address]"),
        ("\uff52uth.cohen\uff20example.org", "[their address]"),  # full-width, as NFKC reads it
        ("Her partner: o'brien@example.org's", "Her partner: [an address]'s"),
    ],
)  # fmt: skip
def test_what_is_taken_out_of_the_notes_on_closing(lead, notes, kept):
    _, user = lead
    data_request = recorded(user, notes=notes)

    data_request_close(actor=user, data_request=data_request, status=DataRequest.Status.DONE)

    data_request.refresh_from_db()
    assert data_request.notes == kept


def test_a_refusal_needs_its_reason(lead):
    client, user = lead
    data_request = recorded(user)

    response = client.post(close_url(data_request), {"outcome": "refused", "reason": "  "})

    assert response.status_code == 400
    assert "Give the reason for refusing: the person must be told it." in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.is_open and data_request.email == ADDRESS
    with pytest.raises(Exception, match="Give the reason"):
        data_request_close(actor=user, data_request=data_request, status="refused", reason="")

    client.post(close_url(data_request), {"outcome": "refused",
                                          "reason": "We could not confirm it was theirs."})  # fmt: skip
    data_request.refresh_from_db()
    assert (data_request.status, data_request.refusal_reason) == (
        "refused", "We could not confirm it was theirs.",
    )  # fmt: skip


def test_a_closed_request_is_not_changed_or_closed_again(lead):
    client, user = lead
    data_request = recorded(user)
    data_request_close(actor=user, data_request=data_request, status=DataRequest.Status.DONE)

    changed = client.post(change_url(data_request), {"kind": "access", "email": ADDRESS,
                                                     "received_on": today().isoformat()})  # fmt: skip
    again = client.post(close_url(data_request), {"outcome": "refused", "reason": "No"})

    assert changed.status_code == 403
    assert again.status_code == 303
    data_request.refresh_from_db()
    assert (data_request.status, data_request.email, data_request.kind) == ("done", "", "erasure")


def test_the_database_refuses_a_closed_request_that_holds_an_address(lead):
    from django.db import IntegrityError, transaction

    _, user = lead
    data_request = recorded(user)
    data_request_close(actor=user, data_request=data_request, status=DataRequest.Status.DONE)

    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.filter(pk=data_request.pk).update(email=ADDRESS)


# What the person sees of it


def test_the_person_sees_their_request_open_then_closed(lead):
    _, user = lead
    person = PersonFactory(email=ADDRESS)
    data_request = recorded(user, kind=DataRequest.Kind.ACCESS, notes="Sent the files.")

    [you] = [s for s in person_inventory(person=person).sections if s.key == "you"]
    item = you.items[-1]
    assert item.title == "Your request: Access: a copy of their data"
    assert dict(item.fields)["Status"] == "Open: we are dealing with it"
    assert dict(item.fields)["Our notes"] == "Sent the files."
    assert "Kept, with your address, while we deal with it" in item.deleted

    data_request_close(actor=user, data_request=data_request, status=DataRequest.Status.DONE)
    [you] = [s for s in person_inventory(person=person).sections if s.key == "you"]
    assert dict(you.items[-1].fields)["Status"] == "Done", "found again by its fingerprint"
    assert "it holds no address" in you.items[-1].deleted


# How long a closed request is kept


def test_a_closed_request_is_deleted_a_year_after_closing_by_the_retention_task(
    lead, immediate_tasks
):
    _, user = lead
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        closed = recorded(user, email="a@example.org")
        data_request_close(actor=user, data_request=closed, status=DataRequest.Status.DONE)
        still_open = recorded(user, email="b@example.org",
                              received_on=today() - timedelta(days=300))  # fmt: skip

        traveller.shift(CLOSED_KEPT)
        apply_data_request_retention.enqueue()
        assert DataRequest.objects.filter(pk=closed.pk).exists(), "not before its time"

        traveller.shift(timedelta(seconds=1))
        apply_data_request_retention.enqueue()
        assert not DataRequest.objects.filter(pk=closed.pk).exists()
        assert DataRequest.objects.filter(pk=still_open.pk).exists(), "open: kept"
    assert REGISTRY[apply_data_request_retention.module_path][1] == timedelta(days=1)


def test_requests_extended_under_the_old_count_get_the_deadline_of_the_new_one(lead):
    _, user = lead
    counted_before = recorded(user, received_on=date(2026, 10, 31), extended=True)
    DataRequest.objects.filter(pk=counted_before.pk).update(deadline=date(2027, 1, 31))
    not_extended = recorded(user, received_on=date(2026, 10, 31))
    migration = importlib.import_module("actionhub.rights.migrations.0004_extended_deadlines")

    migration.extended_deadlines_recount(apps, None)

    counted_before.refresh_from_db()
    not_extended.refresh_from_db()
    assert counted_before.deadline == date(2027, 1, 30)  # 30 November, then two months on
    assert not_extended.deadline == date(2026, 11, 30)
