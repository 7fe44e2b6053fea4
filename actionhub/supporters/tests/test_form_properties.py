"""The unsubscribe and erase links and forms under hostile tokens and bodies."""

from urllib.parse import quote

from django.test import Client
from hypothesis import given, strategies

from actionhub.core.tests.hostile import (
    assert_no_server_error,
    form_data,
    hostile_text,
    one_example,
)
from actionhub.supporters.links import supporter_links
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory

tokens = (
    hostile_text()
    .filter(lambda text: text.strip("./") != "")
    .map(lambda text: quote(text, safe=""))
)
bodies = form_data(valid={"List-Unsubscribe": "One-Click", "csrfmiddlewaretoken": "x"})


@given(token=tokens, kind=strategies.sampled_from(["unsubscribe", "erase-my-details"]))
def test_a_made_up_link_is_refused_and_changes_nothing(db, token, kind):
    with one_example():
        person = PersonFactory()
        url = f"/supporters/{kind}/{token}/"
        for method in (Client().get, Client().post):
            response = method(url)

            assert_no_server_error(response)
            assert response.status_code in (400, 404)
        assert Person.objects.filter(pk=person.pk).exists()


@given(body=bodies)
def test_a_real_unsubscribe_link_works_whatever_the_mail_program_posts(db, body):
    with one_example():
        consent = ConsentFactory(purpose=Consent.Purpose.CAMPAIGN_EMAILS)
        link = supporter_links(person=consent.person)["unsubscribe"].removeprefix(
            "http://127.0.0.1:8000"
        )

        response = Client(enforce_csrf_checks=True).post(link, body)

        assert response.status_code == 200
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None


@given(body=bodies)
def test_the_erase_form_needs_its_csrf_token_whatever_else_is_posted(db, body):
    with one_example():
        person = PersonFactory()
        link = supporter_links(person=person)["erase"].removeprefix("http://127.0.0.1:8000")

        response = Client(enforce_csrf_checks=True).post(link, body)

        assert response.status_code == 403  # a forged form from another site erases nothing
        assert Person.objects.filter(pk=person.pk).exists()
