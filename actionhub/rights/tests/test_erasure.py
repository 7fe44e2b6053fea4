"""Erasure by any route (the supporter's own erase link, their data page, the console) does the
same: what is held under the address written another way goes too, and an open request to
erase the data is closed as done, by whoever did it."""

import pytest
from django.urls import reverse

from actionhub.core.models import AuditEntry, OutboundEmail
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.rights.models import DataRequest
from actionhub.rights.register import data_request_close, data_request_record
from actionhub.rights.tests.people import ADDRESS
from actionhub.rights.tests.test_views import open_data
from actionhub.staff.roles import DATA_PROTECTION_LEAD
from actionhub.supporters.links import ERASE_SALT, supporter_token
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_erase, person_get_or_create
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
def test_a_supporter_erasing_themselves_closes_their_open_erasure_request(
    client, smtp, campaign, lead, erase
):
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam")
    erasure = recorded(lead, email="Miriam.Levy+campaign@googlemail.com",
                       notes="Wrote from Miriam.Levy+campaign@googlemail.com on 28 November.")  # fmt: skip
    access = recorded(lead, email=GMAIL, kind=DataRequest.Kind.ACCESS)
    someone_elses = recorded(lead, email=ADDRESS)

    erase(client, smtp, miriam)

    assert not Person.objects.filter(pk=miriam.pk).exists()
    erasure.refresh_from_db()
    assert (erasure.status, erasure.email, erasure.handled_by_label) == (
        "done",
        "",
        "The supporter",
    )
    assert "erased their details themselves" in erasure.notes
    assert "miriam" not in erasure.notes.casefold()
    access.refresh_from_db()
    someone_elses.refresh_from_db()
    assert access.is_open and access.email == GMAIL, "only the lead answers an access request"
    assert someone_elses.is_open
    entry = AuditEntry.objects.get(action="rights.request_done")
    assert (entry.actor, entry.actor_label) == (None, "The supporter")
    assert AuditEntry.objects.get(action="supporter.erased").summary == (
        "A supporter erased their details."
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


def test_an_erasure_with_no_request_open_closes_nothing(campaign, lead):
    miriam = person_get_or_create(email=GMAIL, first_name="Miriam")
    closed_before = data_request_close(
        actor=lead, data_request=recorded(lead, email=GMAIL), status=DataRequest.Status.REFUSED,
        reason="We could not tell it was hers.",
    )  # fmt: skip

    person_erase(person=miriam)

    closed_before.refresh_from_db()
    assert (closed_before.status, closed_before.handled_by_label) == ("refused", "lead")
    assert AuditEntry.objects.filter(action__startswith="rights.request_").count() == 2
