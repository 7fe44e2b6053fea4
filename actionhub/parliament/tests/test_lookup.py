import pytest
from django.core.management import call_command

from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup
from actionhub.parliament.postcodes import normalise_postcode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_data():
    call_command("load_demo_parliament", verbosity=0)


@pytest.mark.parametrize("typed", ["NW3 7UX", "nw37ux", " nw3  7ux ", "NW3\t7UX"])
def test_a_postcode_however_typed_finds_the_constituency_and_mp(typed):
    placement = postcode_lookup(typed)
    assert placement.postcode == "NW3 7UX"
    assert placement.constituency.name == "Hampstead and Highgate"
    assert placement.mp.name == "Demo MP for Hampstead and Highgate"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a UK postcode, like SW1A 1AA."),
        ("12345", "Enter a UK postcode, like SW1A 1AA."),
        ("JE2 3AB", "JE2 3AB is in Jersey, which is not part of the UK"),
        ("GY1 1AA", "in Guernsey"),
        ("IM1 1AA", "in the Isle of Man"),
        ("ZZ9 9ZZ", "We cannot find ZZ9 9ZZ"),
        ("NW3 9ZZ", "NW3 9ZZ is no longer in use"),
    ],
)
def test_each_kind_of_postcode_problem_has_its_own_message(typed, message):
    with pytest.raises(PostcodeProblem) as problem:
        postcode_lookup(typed)
    assert message in str(problem.value)


def test_normalise_postcode_refuses_what_is_not_a_postcode():
    assert normalise_postcode("SW1A0AA") == "SW1A 0AA"
    assert normalise_postcode("'; DROP TABLE --") == ""


def test_organisers_find_a_postcode_in_the_admin_however_it_is_typed(organiser_client):
    from actionhub.parliament.tests.factories import PostcodeFactory

    PostcodeFactory(postcode="E1 6AN")
    PostcodeFactory(postcode="E1 6AP")

    page = organiser_client.get("/admin/parliament/postcode/?q=e16an").content.decode()

    assert "E1 6AN" in page
    assert "E1 6AP" not in page
