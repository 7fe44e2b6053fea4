"""Pages kept whole for visitors without a session, each served with that visitor's own tokens."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from actionhub.brands.models import Brand
from actionhub.brands.tests.factories import BrandFactory
from actionhub.campaigns.models import Pledge
from actionhub.core.page_cache import PLACEHOLDER_PREFIX
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.pledges.forms import form_started_at
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.conftest import FORM

PUBLIC_PAGES = [
    "/", "/pledge/{slug}/", "/pledge/{slug}/count.json", "/pledge/{slug}/constituencies/",
    "/write-to-your-mp/", "/demonstration/", "/brands/", "/appeal/", "/get-involved/",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 10
    settings.PLEDGE_MIN_FORM_SECONDS = 0


@pytest.fixture
def pledge(campaign):
    return Pledge.objects.get()


def hidden(page, name) -> str:
    found = re.search(rf'name="{name}"(?: value="([^"]*)")?', page.content.decode())
    return found[1] or ""


def retitle(pledge, title):
    pledge.title = title
    pledge.save()


def test_a_visitor_without_cookies_is_served_the_kept_page_until_it_is_ten_seconds_old(pledge):
    url = f"/pledge/{pledge.slug}/"
    first = Client().get(url)
    retitle(pledge, "A title changed by an organiser")

    kept = Client().get(url)
    with time_machine.travel(SUITE_NOW + timedelta(seconds=11)):
        fresh = Client().get(url)

    assert pledge.title.encode() not in first.content
    assert kept.content.count(b"csrfmiddlewaretoken") == first.content.count(b"csrfmiddlewaretoken")
    assert pledge.title.encode() not in kept.content, "served from the cache"
    assert pledge.title.encode() in fresh.content, "rendered again once ten seconds have passed"


def test_every_visitor_of_a_kept_page_gets_their_own_csrf_token_and_can_sign(pledge):
    url = f"/pledge/{pledge.slug}/"
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    pages = [visitor.get(url) for visitor in visitors]

    tokens = [hidden(page, "csrfmiddlewaretoken") for page in pages]
    cookies = [visitor.cookies["csrftoken"].value for visitor in visitors]
    assert len(set(tokens)) == 3 and len(set(cookies)) == 3, "nobody shares a token"
    for number, (visitor, page) in enumerate(zip(visitors, pages, strict=True)):
        response = visitor.post(url, {
            **FORM, "email": f"signer{number}@example.org",
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "started": hidden(page, "started"), "source": hidden(page, "source"),
        })  # fmt: skip
        assert response.status_code == 303, response.content.decode()[:500]
    assert Signature.objects.count() == 3


def test_a_token_from_another_visitors_page_is_refused(pledge):
    url = f"/pledge/{pledge.slug}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    their_page = first.get(url)
    page = second.get(url)
    stolen = second.post(url, {
        **FORM, "csrfmiddlewaretoken": hidden(their_page, "csrfmiddlewaretoken"),
        "started": hidden(page, "started"),
    })  # fmt: skip

    assert stolen.status_code == 403
    assert not Signature.objects.exists()


def test_the_form_timing_token_says_when_this_visitor_was_served_the_form(pledge):
    url = f"/pledge/{pledge.slug}/"
    with time_machine.travel(SUITE_NOW, tick=False):
        Client().get(url)
    with time_machine.travel(SUITE_NOW + timedelta(seconds=6), tick=False):
        later = Client().get(url)

    started = form_started_at(hidden(later, "started"))
    assert started == pytest.approx((SUITE_NOW + timedelta(seconds=6)).timestamp())


def test_a_shared_links_source_and_trackers_do_not_split_the_kept_page(pledge):
    url = f"/pledge/{pledge.slug}/"
    Client().get(url)
    retitle(pledge, "A title changed by an organiser")

    shared = Client().get(url + "?source=newsletter&utm_medium=email&fbclid=abc123")
    hostile = Client().get(url + '?source="><script>alert(1)</script>')

    assert pledge.title.encode() not in shared.content, "the same kept page"
    assert hidden(shared, "source") == "newsletter"
    assert hidden(hostile, "source") == ""
    assert b"<script>alert" not in hostile.content


@pytest.mark.parametrize(
    "path", ["/pledge/{slug}/", "/demonstration/", "/write-to-your-mp/", "/brands/",
             "/brands/threadwell/", "/briefings/general/"],
)  # fmt: skip
def test_a_kept_page_never_gives_one_visitors_source_code_to_another(
    pledge, path, django_assert_num_queries
):
    BrandFactory(name="Threadwell", slug="threadwell", status=Brand.Status.ASKED)
    url = path.format(slug=pledge.slug)
    first = Client().get(url + "?source=Shul-Newsletter")

    with django_assert_num_queries(0):  # served from the kept page
        second = Client().get(url)
        third = Client().get(url + "?source=youth-club")

    assert b"shul-newsletter" in first.content
    assert b"shul-newsletter" not in second.content
    assert b"shul-newsletter" not in third.content
    assert b"youth-club" in third.content
    assert PLACEHOLDER_PREFIX.encode() not in second.content + third.content


def test_parameters_that_change_a_page_are_kept_apart(campaign):
    BrandFactory(name="Asked Brand", status=Brand.Status.ASKED)
    BrandFactory(name="Committed Brand", status=Brand.Status.COMMITTED)
    Client().get("/brands/")

    committed = Client().get("/brands/?status=committed")
    again = Client().get("/brands/?status=committed")

    assert b"Committed Brand" in committed.content
    assert b"Asked Brand" not in committed.content
    assert b"Asked Brand" not in again.content


def test_a_made_up_parameter_is_answered_but_never_kept(pledge):
    url = f"/pledge/{pledge.slug}/?page=2"
    Client().get(url)
    retitle(pledge, "A title changed by an organiser")

    assert pledge.title.encode() in Client().get(url).content, "rendered again, not kept"


def test_an_organiser_signed_in_sees_the_page_as_it_is_now(pledge, organiser_client):
    url = f"/pledge/{pledge.slug}/"
    Client().get(url)
    retitle(pledge, "A title changed by an organiser")

    assert pledge.title.encode() in organiser_client.get(url).content


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_placeholder_ever_reaches_a_visitor(pledge, path):
    url = path.format(slug=pledge.slug)
    first, kept = Client().get(url), Client().get(url)

    assert first.status_code == kept.status_code == 200
    assert PLACEHOLDER_PREFIX.encode() not in first.content
    assert PLACEHOLDER_PREFIX.encode() not in kept.content
