"""Asking a brand to commit: the letter, delivery to the brand's address in our data, guards."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from actionhub.brands.tests.factories import BrandFactory
from actionhub.letters.models import Letter
from actionhub.letters.services import letters_send_follow_ups
from actionhub.letters.tests.conftest import OWN_WORDS, confirmation_link
from actionhub.supporters.models import Consent

pytestmark = pytest.mark.usefixtures("immediate_tasks")
BRAND_ADDRESS = "responsible.sourcing@threadwell.example"


@pytest.fixture
def brand(campaign):
    return BrandFactory(name="Threadwell", slug="threadwell", contact_email=BRAND_ADDRESS)


@pytest.fixture
def ask(client, brand):
    def submit(body=None, **details):
        page = client.get("/brands/threadwell/ask/").content.decode()
        prefill = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
        from html import unescape

        text = body or unescape(prefill).replace("[say why in your own words]", OWN_WORDS)
        client.post(
            "/brands/threadwell/ask/",
            {"subject": "Will you commit to end sourcing from the Uyghur Region?", "body": text},
        )
        data = {"name": "Ruth Cohen", "email": "ruth@example.org", "delivery": "site",
                "pass_to_mp": "on", **details}  # fmt: skip
        return client.post(
            "/brands/threadwell/ask/send/", {k: v for k, v in data.items() if v is not None}
        )

    return submit


def test_the_brand_page_offers_the_letter_and_it_is_prefilled(client, brand):
    page = client.get("/brands/threadwell/").content.decode()
    assert 'href="/brands/threadwell/ask/"' in page

    write = client.get("/brands/threadwell/ask/").content.decode()
    assert "Dear Threadwell," in write
    assert "To <strong>Threadwell</strong>, asking it to commit" in write
    assert "Step 1 of 2" in write


def test_a_letter_sent_through_the_site_goes_to_the_brand_address_in_our_data(client, ask, brand):
    response = ask(to="attacker@example.org")

    assert response["Location"] == "/brands/threadwell/ask/check-your-email/"
    client.post(confirmation_link(mail.outbox[0]))

    [to_brand] = [m for m in mail.outbox if BRAND_ADDRESS in m.to]
    assert to_brand.reply_to == ["Ruth Cohen <ruth@example.org>"]
    assert OWN_WORDS in to_brand.body
    assert "Call to Action" in to_brand.body
    letter = Letter.objects.get()
    assert (letter.brand, letter.mp, letter.status) == (brand, None, Letter.Status.SENT)
    consent = Consent.objects.get(purpose=Consent.Purpose.PASS_TO_BRAND)
    assert "to Threadwell" in consent.wording
    tracker = client.get("/brands/").content.decode()
    assert 'data-label="Letters from supporters">1</td>' in tracker  # counted for the brand


def test_the_site_sends_one_letter_a_month_to_a_brand(client, ask):
    for _ in range(2):
        mail.outbox.clear()
        ask()
        page = client.post(confirmation_link(mail.outbox[0])).content.decode()
    assert "You sent this letter recently" in page
    assert Letter.objects.filter(status=Letter.Status.SENT).count() == 1


def test_from_my_own_email_needs_no_address_or_email(client, ask):
    response = ask(delivery="own-email", email="", pass_to_mp=None)

    page = client.get(response["Location"]).content.decode()
    mailto = page.split('href="mailto:', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert mailto.startswith(BRAND_ADDRESS.replace("@", "@"))
    assert OWN_WORDS in parse_qs(urlsplit("mailto:" + mailto).query)["body"][0]
    assert "Download as a PDF" not in page
    assert mail.outbox == []


def test_without_an_address_for_the_brand_only_own_email_is_offered(client, ask, brand):
    brand.contact_email = ""
    brand.save()

    response = ask()

    assert response.status_code == 400
    page = response.content.decode()
    assert "We have no email address for Threadwell" in page
    assert 'value="site"' not in page


def test_brand_letters_are_not_asked_did_your_mp_reply(client, ask):
    from datetime import timedelta

    from django.utils import timezone

    ask()
    client.post(confirmation_link(mail.outbox[0]))
    assert letters_send_follow_ups(now=timezone.now() + timedelta(days=15)) == (0, 0)


def test_an_unknown_brand_is_not_found(client, campaign):
    assert client.get("/brands/nobody/ask/").status_code == 404
