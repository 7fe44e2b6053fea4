"""The pledge form under every mix of blank optional fields and hostile text."""

import re

import pytest
from hypothesis import given

from actionhub.core.models import OutboundEmail
from actionhub.core.tests.hostile import (
    assert_clear_error,
    assert_escaped,
    assert_no_server_error,
    deliver_queued_emails,
    form_data,
    one_example,
    rows_of,
)
from actionhub.pledges.forms import form_started_token
from actionhub.pledges.models import Signature
from actionhub.supporters.models import Consent, Person

IN_THE_UK = {
    "first_name": "Miriam", "last_name": "Cohen", "email": "miriam@example.org",
    "postcode": "NW3 7UX", "sign": "on", "show_name": "on", "campaign_emails": "on",
    "source": "hampstead-shul", "started": "token", "website": "",
}  # fmt: skip
ABROAD = IN_THE_UK | {"outside_uk": "on", "country": "France", "postcode": ""}
OPTIONAL = {"last_name", "show_name", "campaign_emails", "source", "website"}
MODELS = (Person, Signature, Consent, OutboundEmail)


@pytest.fixture(autouse=True)
def _no_minimum_form_time(settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 0


def submit(client, pledge, data):
    if data.get("started") == "token":
        data["started"] = form_started_token()
    response = client.post(f"/pledge/{pledge.slug}/", data)
    assert_no_server_error(response)
    return response


def assert_kept_as_typed(client, data):
    """One signature, with the names as typed (spaces tidied), nothing agreed before it is
    confirmed, and a confirmation email whose page shows everything escaped."""
    signature = Signature.objects.select_related("person").get()
    assert signature.first_name == " ".join(data["first_name"].split())
    assert signature.last_name == " ".join(data.get("last_name", "").split())
    assert signature.person.email_normalised == signature.email_normalised
    assert not Consent.objects.exists()
    quarantined = signature.status == Signature.Status.QUARANTINED
    assert OutboundEmail.objects.count() == (0 if quarantined else 1)
    for message in deliver_queued_emails():
        link = re.search(r"http://127\.0\.0\.1:8000(/pledge/\S+/confirm/\S+/)", message.body)
        page = client.get(link[1])
        assert page.status_code == 200
        assert_escaped(page.content.decode(), *data.values())


@given(data=form_data(valid=IN_THE_UK, optional=OPTIONAL, hostile=False))
def test_every_mix_of_optional_fields_left_blank_signs_in_the_uk(client, pledge, data):
    with one_example():
        response = submit(client, pledge, data)

        assert response.status_code == 303
        assert_kept_as_typed(client, data)


@given(data=form_data(valid=ABROAD, optional=OPTIONAL | {"postcode"}, hostile=False))
def test_every_mix_of_optional_fields_left_blank_signs_from_abroad(client, pledge, data):
    with one_example():
        response = submit(client, pledge, data)

        assert response.status_code == 303
        assert Signature.objects.get().country == "France"


@given(data=form_data(valid=IN_THE_UK | {"outside_uk": "", "country": ""}, optional=OPTIONAL))
def test_hostile_text_in_any_field_gets_a_clear_message_or_is_kept_escaped(client, pledge, data):
    with one_example():
        response = submit(client, pledge, data)

        if response.status_code == 400:
            assert_clear_error(response)
            assert rows_of(*MODELS) == dict.fromkeys(rows_of(*MODELS), 0), "nothing half kept"
            assert_escaped(response.content.decode(), *data.values())
        elif data.get("website"):
            assert response.status_code == 303
            assert rows_of(*MODELS) == dict.fromkeys(rows_of(*MODELS), 0), "robots leave nothing"
        else:
            assert response.status_code == 303
            assert_kept_as_typed(client, data)
