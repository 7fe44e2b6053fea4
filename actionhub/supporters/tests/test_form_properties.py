"""The unsubscribe and erase links and forms under hostile tokens and bodies."""

import unicodedata
from urllib.parse import quote

from django.test import Client
from django.utils.html import escape
from hypothesis import example, given, strategies

from actionhub.core.addresses import normalise_email
from actionhub.core.models import OutboundEmail
from actionhub.core.tests.hostile import (
    assert_clear_error,
    assert_escaped,
    assert_no_server_error,
    deliver_queued_emails,
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
HELD = "held@example.org"
ASK_FOR_A_LINK = "/supporters/erase-my-details/"


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


@given(data=form_data(valid={"email": HELD}, hostile=False) | form_data(valid={"email": HELD}))
@example(data={"email": HELD})
@example(data={"email": " Held@EXAMPLE.org "})  # the same mailbox, typed differently
@example(data={"email": "stranger@example.org"})  # the page is the same; nothing is sent
def test_asking_for_an_erase_link_never_fails_and_emails_only_an_address_we_hold(campaign, data):
    with one_example():
        PersonFactory(email=HELD)
        browser = Client()
        response = browser.post(ASK_FOR_A_LINK, data)

        assert_no_server_error(response)
        assert list(Person.objects.values_list("email", flat=True)) == [HELD], (
            "asking erases nobody and adds nobody"
        )
        if response.status_code == 400:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *data.values())
            assert not OutboundEmail.objects.exists()
            return
        assert response.status_code == 303
        assert response["Location"] == f"{ASK_FOR_A_LINK}sent/"
        page = browser.get(response["Location"]).content.decode()
        typed = unicodedata.normalize("NFKC", data["email"].strip())  # as the form reads it
        assert f'<strong class="address">{escape(typed)}</strong>' in page, "shown to check"
        assert_escaped(page, *data.values())
        held = normalise_email(data["email"]) == HELD
        messages = deliver_queued_emails()
        assert [message.to for message in messages] == ([[HELD]] if held else [])
        for message in messages:
            assert f"http://127.0.0.1:8000{ASK_FOR_A_LINK}" in message.body
