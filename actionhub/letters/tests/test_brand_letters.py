"""Asking a brand to commit: the letter, delivery to the brand's address in our data, guards."""

from datetime import date, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from actionhub.brands.services import brand_status_record
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.tests.hostile import DISGUISING_NAMES_AND_SUBJECTS
from actionhub.letters.models import Letter
from actionhub.letters.services import letters_send_follow_ups
from actionhub.letters.tests.conftest import OWN_WORDS, confirmation_link
from actionhub.supporters.models import Consent

pytestmark = pytest.mark.usefixtures("immediate_tasks")
BRAND_ADDRESS = "responsible.sourcing@threadwell.example"


@pytest.fixture
def brand(campaign):
    return BrandFactory(name="Threadwell", slug="threadwell", contact_email=BRAND_ADDRESS)


def own_letter(client) -> str:
    """The letter as the page offers it, with the writer's own words in place."""
    page = client.get("/brands/threadwell/ask/").content.decode()
    prefill = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return unescape(prefill).replace("[say why in your own words]", OWN_WORDS)


@pytest.fixture
def ask(client, brand):
    def submit(body=None, **details):
        text = body or own_letter(client)
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


@DISGUISING_NAMES_AND_SUBJECTS
def test_names_and_subjects_that_would_disguise_text_in_a_brands_inbox_are_refused(
    client, ask, details, subject, message
):
    if subject:
        response = client.post(
            "/brands/threadwell/ask/", {"subject": subject, "body": own_letter(client)}
        )
    else:
        response = ask(**details)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Letter.objects.exists()
    assert not [m for m in mail.outbox if BRAND_ADDRESS in m.to]


def test_an_unknown_brand_is_not_found(client, campaign):
    assert client.get("/brands/nobody/ask/").status_code == 404


TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
ASK_TO_COMMIT = (
    "Ask Threadwell to commit",
    "Ask Threadwell to commit",
    "asking it to commit to the Call to Action",
    "I am writing as a customer to ask your company to commit",
)
STAGES = {
    "not yet asked": ([], ASK_TO_COMMIT),
    "declined": ([("asked", date(2026, 9, 1)), ("declined", date(2026, 10, 1))], ASK_TO_COMMIT),
    "committed": (
        [("committed", date(2026, 6, 1))],
        (
            "Thank Threadwell, and ask it to publish its suppliers",
            "Thank Threadwell and ask for its supplier list",
            "thanking it for its commitment to the Call to Action and asking it to publish its "
            "supplier list",
            "I am writing as a customer to thank your company for committing",
        ),
    ),
    "overdue": (
        [("committed", date(2025, 11, 1))],
        (
            "Ask Threadwell why it has not met its commitment",
            "Ask Threadwell why",
            "asking why it has not met its commitment to the Call to Action",
            "I am writing as a customer about your company’s commitment to the Call to Action",
        ),
    ),
}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("stage", STAGES)
def test_the_brand_page_asks_for_what_fits_where_the_brand_stands(client, brand, stage):
    history, (heading, button, to_line, opening) = STAGES[stage]
    for status, on in history:
        brand_status_record(brand=brand, status=status, on=on)

    page = client.get("/brands/threadwell/").content.decode()
    assert f'<h2 id="ask-heading">{heading}</h2>' in page
    assert f'<a class="button" href="/brands/threadwell/ask/">{button}</a>' in page
    if stage != "committed":
        assert "Thank Threadwell" not in page
    if stage != "not yet asked" and stage != "declined":
        assert "Ask Threadwell to commit" not in page

    write = client.get("/brands/threadwell/ask/").content.decode()
    assert f"To <strong>Threadwell</strong>, {to_line}." in write
    assert f"Dear Threadwell,\n\n{opening}" in unescape(write)


@time_machine.travel(TODAY, tick=False)
def test_a_brand_that_has_met_the_call_to_action_is_not_asked_for_anything(client, brand):
    brand_status_record(brand=brand, status="committed", on=date(2025, 11, 1))
    brand_status_record(brand=brand, status="met", on=date(2026, 10, 1))

    page = client.get("/brands/threadwell/").content.decode()
    assert 'id="ask-heading"' not in page and "/brands/threadwell/ask/" not in page
    assert client.get("/brands/threadwell/ask/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_without_a_letter_for_where_the_brand_stands_none_is_offered(client, brand, campaign):
    campaign.letters.filter(for_brands="committed").delete()
    brand_status_record(brand=brand, status="committed", on=date(2026, 6, 1))

    page = client.get("/brands/threadwell/").content.decode()
    assert "/brands/threadwell/ask/" not in page
    assert "Ask Threadwell to commit" not in page
    assert client.get("/brands/threadwell/ask/").status_code == 404


def test_the_letter_to_a_brand_does_not_promise_an_address_it_never_asks_for(client, brand):
    write = unescape(client.get("/brands/threadwell/ask/").content.decode())
    assert "Your name and address are added" not in write
    assert "Your name, and your email address if you give one, are added at the end." in write

    send = client.get("/brands/threadwell/ask/send/", follow=True).content.decode()
    assert "Postal address" not in send


def test_a_brand_letter_from_a_groups_link_to_the_brands_keeps_its_source_code(client, ask):
    tracker = client.get("/brands/?source=Shul-Newsletter").content.decode()
    assert 'href="/brands/threadwell/?source=shul-newsletter"' in tracker
    assert "&amp;sort=name&amp;order=desc&amp;source=shul-newsletter" in tracker  # sorted too
    assert 'name="source" value="shul-newsletter" >' in tracker  # and filtered
    brand_page = client.get("/brands/threadwell/?source=shul-newsletter").content.decode()
    assert 'href="/brands/threadwell/ask/?source=shul-newsletter"' in brand_page

    client.get("/brands/threadwell/ask/?source=shul-newsletter")
    response = ask()  # its pages are opened again without the code

    assert response["Location"] == "/brands/threadwell/ask/check-your-email/"
    client.post(confirmation_link(mail.outbox[0]))
    letter = Letter.objects.get()
    assert (letter.source, letter.status) == ("shul-newsletter", Letter.Status.SENT)


@pytest.mark.parametrize("source", ["%3Cscript%3E", "a" * 41, ""])
def test_a_brand_letter_from_a_link_with_a_bad_source_code_is_sent_without_one(client, ask, source):
    tracker = client.get(f"/brands/?source={source}").content.decode()
    assert 'href="/brands/threadwell/"' in tracker
    assert "source=" not in tracker  # no empty code on its links, nor from its form
    assert '<input type="hidden" name="source" value="" disabled>' in tracker

    client.get(f"/brands/threadwell/ask/?source={source}")
    response = ask()

    assert response["Location"] == "/brands/threadwell/ask/check-your-email/"
    assert Letter.objects.get().source == ""
