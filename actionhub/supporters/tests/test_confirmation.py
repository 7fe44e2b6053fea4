"""Confirm by email, the one way every form does it: tokens, the cap per address, the sender."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail

from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.events.models import Series, Subscription
from actionhub.letters.models import Letter
from actionhub.parliament.tests.factories import ConstituencyFactory, MPFactory, PostcodeFactory
from actionhub.pledges.models import Signature
from actionhub.supporters.confirmation import (
    LinkExpired,
    LinkInvalid,
    confirmation_read,
    confirmation_token,
)

pytestmark = pytest.mark.usefixtures("immediate_tasks")
ADDRESS = "victim@example.org"
BRAND_ADDRESS = "sourcing@threadwell.example"
CAMPAIGN_SENDER = "Jewish Action Against Persecution of Uyghurs <noreply@localhost>"


@pytest.fixture(autouse=True)
def _no_minimum_form_time(settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 0


@pytest.fixture
def brand(campaign):
    return BrandFactory(name="Threadwell", slug="threadwell", contact_email=BRAND_ADDRESS)


def sign_pledge(client, *, email=ADDRESS, ip="192.0.2.1", **changes):
    page = client.get("/pledge/", follow=True)
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode())[1]
    data = {"first_name": "Miriam", "email": email, "postcode": "NW3 7UX", "sign": "on",
            "started": started, **changes}  # fmt: skip
    return client.post(page.request["PATH_INFO"], data, REMOTE_ADDR=ip)


def rsvp(client, *, email=ADDRESS, ip="192.0.2.1"):
    series = Series.objects.get()
    when = series.occurrences.order_by("starts_at").first().date.isoformat()
    data = {"when": when, "first_name": "Miriam", "email": email, "consent": "on"}
    return client.post("/demonstration/", data, REMOTE_ADDR=ip)


def write_letter(client, *, email=ADDRESS, ip="192.0.2.1"):
    constituency = ConstituencyFactory(name="Hampstead and Highgate")
    PostcodeFactory(postcode="NW3 7UX", constituency=constituency)
    MPFactory(name="Alex Example", email="alex@parliament.example", constituency=constituency)
    client.post("/write-to-your-mp/general/", {"postcode": "NW3 7UX"}, REMOTE_ADDR=ip)
    body = letter_in_own_words(client.get("/write-to-your-mp/general/write/"))
    client.post(
        "/write-to-your-mp/general/write/", {"subject": "Uyghurs", "body": body}, REMOTE_ADDR=ip
    )
    return client.post(
        "/write-to-your-mp/general/send/",
        {"name": "Miriam", "address": "1 Road", "email": email, "delivery": "site",
         "pass_to_mp": "on"},
        REMOTE_ADDR=ip,
    )  # fmt: skip


def letter_in_own_words(page) -> str:
    """The letter the page offers, with its prompt replaced by words of the writer's own."""
    html = page.content.decode()
    body = html.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return unescape(body).replace("[say why in your own words]", "It matters to me.")


def come_every_week(client, *, email=ADDRESS, ip="192.0.2.1"):
    data = {"when": "every-week", "first_name": "Miriam", "email": email, "consent": "on"}
    return client.post("/demonstration/", data, REMOTE_ADDR=ip)


def ask_brand(client, *, email=ADDRESS, ip="192.0.2.1"):
    body = letter_in_own_words(client.get("/brands/threadwell/ask/"))
    client.post(
        "/brands/threadwell/ask/", {"subject": "Will you commit?", "body": body}, REMOTE_ADDR=ip
    )
    return client.post(
        "/brands/threadwell/ask/send/",
        {"name": "Miriam", "email": email, "delivery": "site", "pass_to_mp": "on"},
        REMOTE_ADDR=ip,
    )


def subjects_to(address):
    return [message.subject for message in mail.outbox if address in message.to]


def test_twelve_pledges_for_one_address_from_twelve_connections_send_only_the_cap(
    client, campaign, settings
):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 3

    for number in range(12):
        assert sign_pledge(client, ip=f"198.51.100.{number}").status_code == 303

    assert len([m for m in mail.outbox if ADDRESS in m.to]) == 3
    assert Signature.objects.count() == 1  # the page and the row are the same for every one


def test_the_cap_is_one_for_the_address_across_every_form(client, campaign, settings):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 3

    for submit in (sign_pledge, rsvp, write_letter, rsvp, sign_pledge):
        assert submit(client).status_code == 303

    assert len([m for m in mail.outbox if ADDRESS in m.to]) == 3
    other = "someone.else@example.org"
    assert sign_pledge(client, email=other).status_code == 303
    assert len([m for m in mail.outbox if other in m.to]) == 1, "other addresses are not held"


def test_twelve_every_week_requests_for_one_address_from_twelve_connections_send_only_the_cap(
    client, campaign, settings
):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 3

    for number in range(12):
        assert come_every_week(client, ip=f"198.51.100.{number}").status_code == 303

    assert len(subjects_to(ADDRESS)) == 3
    assert all("Confirm you are coming every week" in subject for subject in subjects_to(ADDRESS))
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_twelve_brand_letters_for_one_address_from_twelve_connections_send_only_the_cap(
    client, brand, settings
):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 3

    for number in range(12):
        assert ask_brand(client, ip=f"198.51.100.{number}").status_code == 303

    assert subjects_to(ADDRESS) == ["Confirm your letter to Threadwell"] * 3
    assert subjects_to(BRAND_ADDRESS) == [], "nothing goes to the brand unconfirmed"
    assert Letter.objects.filter(brand=brand, status=Letter.Status.SENT).count() == 0


def test_the_every_week_rsvp_and_the_brand_letter_count_in_the_same_cap(client, brand, settings):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 3

    for submit in (come_every_week, ask_brand, sign_pledge, come_every_week, ask_brand, rsvp):
        assert submit(client).status_code == 303

    sent = subjects_to(ADDRESS)
    assert len(sent) == 3
    assert sent[0].startswith("Confirm you are coming every week")
    assert sent[1] == "Confirm your letter to Threadwell"
    assert sent[2].startswith("Confirm your signature")
    other = "someone.else@example.org"
    assert come_every_week(client, email=other).status_code == 303
    assert ask_brand(client, email=other).status_code == 303
    assert len(subjects_to(other)) == 2, "other addresses are not held"


def test_emails_come_from_the_campaigns_name(client, campaign):
    sign_pledge(client)
    rsvp(client, email="second@example.org")
    write_letter(client, email="third@example.org")

    assert {message.from_email for message in mail.outbox} == {CAMPAIGN_SENDER}


@pytest.mark.parametrize("form", [sign_pledge, rsvp, write_letter])
def test_every_email_carries_the_links_and_one_click_headers(client, campaign, form):
    form(client)

    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/")
    assert "Stop emails about this campaign: http://127.0.0.1:8000/supporters/" in message.body
    assert "Withdraw and erase your details: http://127.0.0.1:8000/supporters/" in message.body


def test_a_token_confirms_only_the_kind_of_thing_it_was_made_for():
    token = confirmation_token(kind="pledge", pk=7, nonce="abc")

    assert confirmation_read(kind="pledge", token=token).pk == 7
    with pytest.raises(LinkInvalid):
        confirmation_read(kind="rsvp", token=token)
    with pytest.raises(LinkInvalid):
        confirmation_read(kind="pledge", token=token[:-2] + "xx")


def test_a_token_lasts_seven_days():
    with time_machine.travel(SUITE_NOW, tick=False) as traveller:
        token = confirmation_token(kind="letter", pk=1, nonce="abc")

        traveller.shift(timedelta(days=7, minutes=-1))
        assert confirmation_read(kind="letter", token=token).nonce == "abc"
        traveller.shift(timedelta(minutes=2))
        with pytest.raises(LinkExpired):
            confirmation_read(kind="letter", token=token)


@pytest.mark.parametrize("form", [sign_pledge, rsvp, write_letter])
def test_the_check_your_email_page_shows_the_address_typed(client, campaign, form):
    response = form(client, email="miriam@exmaple.org")

    page = client.get(response["Location"]).content.decode()
    assert '<strong class="address">miriam@exmaple.org</strong>' in page
    assert "Go back and correct it" in page


def test_a_signature_and_its_email_are_written_together_or_not_at_all(
    client, campaign, monkeypatch
):
    from actionhub.supporters import confirmation

    def broken(*args, **kwargs):
        raise RuntimeError("the email could not be queued")

    monkeypatch.setattr(confirmation, "email_send", broken)

    with pytest.raises(RuntimeError):
        sign_pledge(client)

    assert not Signature.objects.exists()
