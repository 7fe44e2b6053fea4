"""Each step of a letter, to an MP and to a brand, under blank optional fields and hostile text."""

import re
from html import unescape

import pytest
from django.test import Client
from hypothesis import given

from actionhub.brands.tests.factories import BrandFactory
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
from actionhub.letters.models import Letter
from actionhub.letters.tests.conftest import OWN_WORDS, own_body
from actionhub.supporters.models import Consent, Person

START, WRITE, SEND = (f"/write-to-your-mp/general/{step}" for step in ("", "write/", "send/"))
MODELS = (Person, Letter, Consent, OutboundEmail)
BY_SITE = {
    "name": "Ruth Cohen", "address": "12 Example Road\nLondon", "email": "ruth@example.org",
    "delivery": "site", "pass_to_mp": "on", "campaign_emails": "on", "website": "",
}  # fmt: skip
# To print and post: no email needed (nor, without one, the campaign's emails).
TO_POST = {key: value for key, value in BY_SITE.items() if key != "campaign_emails"} | {
    "delivery": "download"
}
TO_BRAND = {key: value for key, value in BY_SITE.items() if key != "address"}


@pytest.fixture(autouse=True)
def _only_local_lookups(settings):
    settings.POSTCODE_LOOKUP_BACKEND = "local"


@pytest.fixture
def brand(campaign):
    return BrandFactory(
        name="Threadwell", slug="threadwell", contact_email="ask@threadwell.example"
    )


def written(template) -> Client:
    """A browser that has been through the postcode and the letter steps."""
    browser = Client()
    assert browser.post(START, {"postcode": "NW3 7UX"}).status_code == 303
    letter = {"subject": template.subject, "body": own_body(template)}
    assert browser.post(WRITE, letter).status_code == 303
    return browser


def nothing_kept():
    return rows_of(*MODELS) == dict.fromkeys(rows_of(*MODELS), 0)


def assert_letter_kept(browser, data, recipient_label):
    """The letter, with the name and address as typed (tidied), mail that can be delivered,
    and pages that show what was typed escaped."""
    letter = Letter.objects.get()
    assert letter.sender_name == " ".join(data["name"].split())
    assert (letter.person is not None) == bool(data.get("email"))
    assert not Consent.objects.exists(), "nothing is agreed before confirmation"
    for message in deliver_queued_emails():
        assert recipient_label in message.subject
        link = re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/\S+/)", message.body)
        page = browser.get(link[1])
        assert page.status_code == 200
        assert_escaped(page.content.decode(), *data.values())


@given(postcode=form_data(valid={"postcode": "NW3 7UX"}))
def test_the_postcode_step_never_fails(mp, template, postcode):
    with one_example():
        response = Client().post(START, postcode)

        assert_no_server_error(response)
        if response.status_code != 303:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *postcode.values())


@given(letter=form_data(valid={"subject": "Uyghurs", "body": f"Dear Alex,\n\n{OWN_WORDS}"}))
def test_the_letter_step_keeps_one_line_subjects_and_the_letter_as_typed(mp, template, letter):
    with one_example():
        browser = Client()
        browser.post(START, {"postcode": "NW3 7UX"})
        response = browser.post(WRITE, letter)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *letter.values())
            return
        assert response.status_code == 303
        page = browser.get(SEND).content.decode()
        assert_escaped(page, *letter.values())
        draft = browser.session["letter_drafts"]["general"]
        assert "\n" not in draft["subject"] and "\r" not in draft["subject"]
        assert "\r" not in draft["body"]


@given(
    details=form_data(valid=BY_SITE, optional={"campaign_emails", "website"}, hostile=False)
    | form_data(valid=TO_POST, optional={"email", "pass_to_mp", "website"}, hostile=False)
)
def test_every_mix_of_optional_details_left_blank_is_accepted(mp, template, details):
    with one_example():
        browser = written(template)
        response = browser.post(SEND, details)

        assert response.status_code == 303
        assert_letter_kept(browser, details, "Alex Example")


@given(details=form_data(valid=BY_SITE, optional={"campaign_emails", "website"}))
def test_hostile_details_get_a_clear_message_or_are_kept_escaped(mp, template, details):
    with one_example():
        browser = written(template)
        response = browser.post(SEND, details)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert nothing_kept()
            assert_escaped(response.content.decode(), *details.values())
        elif details.get("website"):
            assert nothing_kept(), "robots leave nothing"
        else:
            assert response.status_code == 303
            assert_letter_kept(browser, details, "Alex Example")


def ask_brand(brand) -> Client:
    browser = Client()
    page = browser.get(f"/brands/{brand.slug}/ask/").content.decode()
    prefill = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    body = unescape(prefill).replace("[say why in your own words]", OWN_WORDS)
    browser.post(f"/brands/{brand.slug}/ask/", {"subject": "Will you commit?", "body": body})
    return browser


@given(details=form_data(valid=TO_BRAND, optional={"campaign_emails", "website"}))
def test_the_brand_letter_never_fails_and_keeps_what_it_accepts(brand, details):
    with one_example():
        browser = ask_brand(brand)
        response = browser.post(f"/brands/{brand.slug}/ask/send/", details)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert nothing_kept()
        elif not details.get("website"):
            assert response.status_code == 303
            assert_letter_kept(browser, details, "Threadwell")


@given(answer=form_data(valid={"reply": "replied", "reply_text": "Thank you."}, optional={
    "reply_text"}))  # fmt: skip
def test_the_did_your_mp_reply_form_never_fails(campaign, answer):
    from actionhub.letters.services import letter_reply_token
    from actionhub.letters.tests.factories import LetterFactory

    with one_example():
        letter = LetterFactory()
        response = Client().post(f"/letters/reply/{letter_reply_token(letter)}/", answer)

        assert_no_server_error(response)
        letter.refresh_from_db()
        if response.status_code == 400:
            assert_clear_error(response)
            assert letter.reply == ""
        else:
            assert response.status_code == 200
            assert letter.reply == answer["reply"]
            assert_escaped(response.content.decode(), *answer.values())
