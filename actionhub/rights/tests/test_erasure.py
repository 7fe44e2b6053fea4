"""Erasure by any route (the supporter's own erase link, their data page, the console) does the
same: what is held under the address written another way goes too, and each request about
their data still open says so, without their name, for the lead to answer and close."""

import pytest
from django.urls import reverse

from actionhub.core.models import AuditEntry, OutboundEmail
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.rights.models import DataRequest
from actionhub.rights.operations import requests_open_for
from actionhub.rights.register import (
    data_request_close,
    data_request_record,
    data_requests_note_erasure,
)
from actionhub.rights.tests.people import ADDRESS
from actionhub.rights.tests.test_views import open_data
from actionhub.staff.roles import DATA_PROTECTION_LEAD
from actionhub.supporters.links import ERASE_SALT, supporter_token
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_get_or_create
from actionhub.supporters.tests.test_erasure_everywhere import tables_holding

pytestmark = pytest.mark.usefixtures("immediate_tasks")

GMAIL = "miriam.levy@gmail.com"


def by_data_page(client, smtp, person):
    open_data(client, smtp, email=person.email)
    assert client.post("/your-data/view/erase/").status_code == 200


def by_erase_link(client, smtp, person):
    token = supporter_token(person=person, salt=ERASE_SALT)
    assert client.post(reverse("supporter-erase", args=[token])).status_code == 200


ROUTES = [by_data_page, by_erase_link]


@pytest.fixture
def lead_and_client(db):
    client, user = organiser_in_role("lead", DATA_PROTECTION_LEAD)
    return user, client


@pytest.fixture
def lead(lead_and_client):
    return lead_and_client[0]


def recorded(lead, *, email, kind=DataRequest.Kind.ERASURE, notes=""):
    return data_request_record(
        actor=lead, data_request=DataRequest(kind=kind, email=email, notes=notes)
    )


@pytest.mark.parametrize("erase", ROUTES)
def test_a_supporter_erasing_themselves_leaves_their_open_requests_noted_for_the_lead(
    client, smtp, campaign, lead, erase
):
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam", last_name="Levy")
    erasure = recorded(lead, email="Miriam.Levy+campaign@googlemail.com",
                       notes="Miriam Levy asks us to erase her details too.")  # fmt: skip
    access = recorded(lead, email=GMAIL, kind=DataRequest.Kind.ACCESS)
    someone_elses = recorded(lead, email=ADDRESS, notes="Miriam's friend wrote too.")

    erase(client, smtp, miriam)

    assert not Person.objects.filter(pk=miriam.pk).exists()
    for theirs in (erasure, access):
        theirs.refresh_from_db()
        assert theirs.is_open, "the lead tells them it is done, then closes it"
        assert "Everything held under this address was erased on 30 November 2026." in (
            theirs.notes
        )
        assert "miriam" not in theirs.notes.casefold() and "levy" not in theirs.notes.casefold()
    assert erasure.notes.startswith("[their name] asks us to erase her details too.")
    assert erasure.email == "Miriam.Levy+campaign@googlemail.com", "the address to reply to"
    someone_elses.refresh_from_db()
    assert someone_elses.notes == "Miriam's friend wrote too."
    assert AuditEntry.objects.get(action="supporter.erased").summary == (
        "A supporter erased their details."
    )


def test_a_request_closed_by_the_lead_as_the_supporter_erases_themselves_stays_as_closed(
    campaign, lead
):
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam")
    erasure = recorded(lead, email=GMAIL)
    seen_open = list(requests_open_for(miriam))  # the erasure read them, then the lead closed
    data_request_close(actor=lead, data_request=erasure, status=DataRequest.Status.REFUSED,
                       reason="We could not tell it was hers.")  # fmt: skip

    data_requests_note_erasure(person=miriam, data_requests=seen_open)

    erasure.refresh_from_db()
    assert (erasure.status, erasure.refusal_reason) == ("refused", "We could not tell it was hers.")
    assert "erased" not in erasure.notes


def test_closing_a_request_takes_the_persons_name_out_of_its_notes(campaign, lead):
    ruth = person_get_or_create(email="ruth.cohen@gmail.com", first_name="Ruth", last_name="Cohen")
    data_request = recorded(lead, email="Ruth.Cohen@gmail.com",
                            notes="Ruth Cohen phoned; RUTH said ruth.cohen@gmail.com is hers. "
                            "Truthfully urgent.")  # fmt: skip
    assert data_request.person == ruth

    data_request_close(actor=lead, data_request=data_request, status=DataRequest.Status.DONE)

    data_request.refresh_from_db()
    assert data_request.notes == (
        "[their name] phoned; [their name] said [their address] is hers. Truthfully urgent."
    )


@pytest.mark.parametrize("erase", ROUTES)
def test_a_supporter_erasing_themselves_erases_what_is_held_under_their_address_written_otherwise(
    client, smtp, campaign, erase
):
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam")
    OutboundEmail.objects.create(to=["Miriam.Levy+jaapu@googlemail.com"], subject="Waiting",
                                 body="…", status=OutboundEmail.Status.FAILED)  # fmt: skip
    OutboundEmail.objects.create(to=["someone.else@gmail.com"], subject="Not hers", body="…")

    erase(client, smtp, miriam)

    assert tables_holding("miriam") == []
    assert list(OutboundEmail.objects.values_list("subject", flat=True)) == ["Not hers"]


def test_the_console_erasure_is_audited_as_the_lead_not_as_the_supporter(campaign, lead_and_client):
    lead, client = lead_and_client
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam")

    client.post(f"/admin/rights/datarequest/supporter/{miriam.pk}/erase/", {"confirm": "yes"})

    entry = AuditEntry.objects.get(action="supporter.erased")
    assert entry.actor == lead
    assert entry.summary == "A supporter's details were erased at their request, from the console."


@pytest.mark.parametrize(
    ("first", "last", "notes", "left"),
    [
        ("June", "Lee", "June Lee rang on 3 June; JUNE LEE again.",
         "[their name] rang on 3 [their name]; [their name] again."),
        ("Will", "May", "Received in May; we will not delete it. May wrote.",
         "Received in [their name]; we will not delete it. [their name] wrote."),
        ("An", "He", "[an address] wrote; he said An He asked.",
         "[an address] wrote; he said [their name] asked."),
        ("Siobhán", "O'Brien", "Siobhán O’Brien phoned.", "[their name] phoned."),
    ],
)  # fmt: skip
def test_a_name_goes_from_the_notes_but_words_and_what_stands_for_an_address_stay(
    campaign, lead, first, last, notes, left
):
    person = person_get_or_create(email="someone@example.org", first_name=first, last_name=last)
    data_request = recorded(lead, email=person.email, notes=notes)

    data_request_close(actor=lead, data_request=data_request, status=DataRequest.Status.DONE)

    data_request.refresh_from_db()
    assert data_request.notes == left


def test_the_note_an_erasure_adds_is_not_taken_for_a_name(campaign, lead):
    june = person_get_or_create(email="june.close@example.org", first_name="June",
                                last_name="Close")  # fmt: skip
    data_request = recorded(lead, email=june.email, notes="June asked.")

    data_requests_note_erasure(person=june, data_requests=[data_request])

    data_request.refresh_from_db()
    assert data_request.notes == (
        "[their name] asked.\nEverything held under this address was erased on 30 November "
        "2026. Tell them it is done (or, for another kind of request, that nothing is held any "
        "more), then close this request."
    )
