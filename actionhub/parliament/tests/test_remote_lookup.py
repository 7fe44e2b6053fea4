"""The remote backend against a local fake of postcodes.io and the Members API."""

import pytest
from django.core.management import call_command

from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup, postcode_lookup_remote
from actionhub.parliament.models import MP, Constituency
from actionhub.parliament.tests.fake_services import FakeServices

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    with FakeServices() as services:
        settings.POSTCODES_IO_URL = services.url
        settings.MEMBERS_API_URL = services.url
        settings.LOOKUP_TIMEOUT = 1
        settings.LOOKUP_RETRIES = 2
        yield services


def test_a_postcode_finds_its_constituency_and_mp_remotely(fake):
    placement = postcode_lookup_remote("nw37ux")
    assert placement.postcode == "NW3 7UX"
    assert (placement.constituency.gss_code, placement.constituency.name) == (
        "E14001265",
        "Hampstead and Highgate",
    )
    assert (placement.mp.member_id, placement.mp.name, placement.mp.party) == (
        910001,
        "Ada Example",
        "Example Party",
    )
    assert Constituency.objects.get().nation == "England"


def test_answers_are_cached(fake):
    postcode_lookup_remote("NW3 7UX")
    asked = len(fake.requests)
    postcode_lookup_remote("NW3 7UX")
    assert len(fake.requests) == asked


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ZZ9 9ZZ", "We cannot find ZZ9 9ZZ"), ("NW3 9ZZ", "NW3 9ZZ is no longer in use"),
     ("JE2 3AB", "in Jersey"), ("nonsense", "Enter a UK postcode")],
)  # fmt: skip
def test_remote_problems_have_the_same_messages(fake, typed, message):
    with pytest.raises(PostcodeProblem, match=message):
        postcode_lookup_remote(typed)


def test_a_constituency_without_a_sitting_mp(fake):
    assert postcode_lookup_remote("SW1A 1AA").mp is None


def test_passing_failures_are_retried(fake):
    fake.fail_next = 2
    assert postcode_lookup_remote("NW3 7UX").constituency.name == "Hampstead and Highgate"


def test_a_service_that_stays_down_gets_a_clear_message(fake):
    fake.fail_next = 100
    with pytest.raises(PostcodeProblem, match="cannot look up postcodes just now"):
        postcode_lookup_remote("NW3 7UX")


def test_a_slow_service_times_out_with_a_clear_message(fake, settings):
    settings.LOOKUP_RETRIES = 0
    fake.delay = 1.5
    with pytest.raises(PostcodeProblem, match="cannot look up postcodes just now"):
        postcode_lookup_remote("NW3 7UX")


def test_auto_uses_local_data_once_postcodes_are_imported(fake, settings):
    settings.POSTCODE_LOOKUP_BACKEND = "auto"
    assert postcode_lookup("NW3 7UX").mp.name == "Ada Example"  # no postcodes yet: remote
    MP.objects.all().delete()
    call_command("load_demo_parliament", verbosity=0)
    asked = len(fake.requests)
    assert postcode_lookup("NW3 7UX").mp.name == "Demo MP for Hampstead and Highgate"
    assert len(fake.requests) == asked, "local data: nothing sent to the services"
