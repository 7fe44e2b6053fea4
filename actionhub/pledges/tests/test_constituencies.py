"""Where signers live: each signature placed in its constituency, counted by a periodic task."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from actionhub.parliament.models import Constituency
from actionhub.pledges.models import ConstituencyTally, Signature
from actionhub.pledges.tasks import refresh_constituency_tallies
from actionhub.pledges.tests.conftest import confirm_link

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture(autouse=True)
def demo_parliament(transactional_db):
    call_command("load_demo_parliament", verbosity=0)


def confirm(client, last_link):
    confirm_link(client, last_link())
    cache.clear()  # as if the page's few seconds of caching had passed


def test_a_signature_is_placed_in_the_constituency_of_its_postcode(pledge, sign):
    sign(postcode="nw37ux")
    assert Signature.objects.get().constituency.name == "Hampstead and Highgate"


@pytest.mark.parametrize("postcode", ["ZZ9 9ZZ", "NW3 9ZZ"])
def test_an_unknown_or_retired_postcode_still_signs_without_a_place(pledge, sign, postcode):
    assert sign(postcode=postcode).status_code == 303
    assert Signature.objects.get().constituency is None


def test_outside_the_uk_has_no_constituency(pledge, sign):
    sign(postcode="", outside_uk="on", country="France")
    assert Signature.objects.get().constituency is None


def test_recent_signers_show_the_first_name_only(client, pledge, sign, last_link):
    sign(first_name="Dilnur", last_name="Abdulla", show_name="on")
    confirm(client, last_link)
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    recent = page.split('id="recent-heading"', 1)[1].split("</ul>", 1)[0]
    assert "<li>Dilnur</li>" in recent
    assert "Abdulla" not in page and "NW3 7UX" not in page and "Hampstead" not in recent


def test_the_periodic_task_counts_by_constituency_and_the_pages_show_it(
    client, pledge, sign, last_link
):
    for n, postcode in enumerate(["NW3 7UX", "NW3 1AA", "SW1A 1AA"]):
        sign(email=f"s{n}@example.org", postcode=postcode)
        confirm(client, last_link)
    sign(email="pending@example.org", postcode="SW1A 0AA")  # not confirmed: not counted

    refresh_constituency_tallies.call()

    tallies = {t.constituency.name: t.count for t in ConstituencyTally.objects.all()}
    assert tallies == {"Hampstead and Highgate": 2, "Cities of London and Westminster": 1}
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    assert '<th scope="row">Hampstead and Highgate</th><td>2</td>' in page
    full = client.get(f"/pledge/{pledge.slug}/constituencies/").content.decode()
    assert '<th scope="row">Cities of London and Westminster</th><td>1</td>' in full
    assert full.index("Hampstead and Highgate") < full.index("Cities of London and Westminster")


def test_organisers_filter_signatures_by_constituency(organiser_client, pledge, sign):
    sign(email="a@example.org", postcode="NW3 7UX")
    sign(email="b@example.org", postcode="SW1A 1AA")
    hampstead = Constituency.objects.get(name="Hampstead and Highgate")

    page = organiser_client.get(
        "/admin/pledges/signature/", {"constituency__id__exact": hampstead.pk}
    ).content.decode()

    assert "a@example.org" in page and "b@example.org" not in page
