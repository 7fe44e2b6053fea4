"""Every bad input gets a clear message, keeps what was typed, and never causes an error."""

import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils.html import escape

from actionhub.pledges.models import Signature
from actionhub.pledges.tests.conftest import FORM, confirm_link

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"last_name": "1234"}, "last_name", "Enter your last name using letters."),
        (
            {"first_name": "x" * 101},
            "first_name",
            "Your first name must be 100 characters or fewer.",
        ),
        ({"first_name": "1234"}, "first_name", "Enter your first name using letters."),
        ({"last_name": "Co\u0007hen"}, "last_name", "Your last name must be on one line"),
        ({"first_name": "Mir\x00iam"}, "first_name", "Null characters are not allowed."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "miriam@"}, "email", "Enter an email address like name@example.com."),
        ({"email": "a" * 250 + "@example.org"}, "email", "254 characters or fewer"),
        (
            {"email": "x@mailinator.com"},
            "email",
            "we cannot accept addresses from temporary email services",
        ),
        ({"postcode": ""}, "postcode", "Enter your UK postcode, or tick “I live outside the UK”."),
        ({"postcode": "12345"}, "postcode", "Enter a UK postcode, like SW1A 1AA."),
        ({"postcode": "'; DROP TABLE pledges_signature; --"}, "postcode", "Enter a UK postcode"),
        (
            {"postcode": "", "outside_uk": "on", "country": ""},
            "country",
            "Enter the country you live in.",
        ),
        ({"sign": ""}, "sign", "Tick “I sign this pledge” to sign it."),
    ],
)
def test_a_bad_field_gets_a_message_beside_it_and_in_the_summary(
    client, pledge, sign, changes, field, message
):
    response = sign(**{key: (value or None) for key, value in changes.items()})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert page.count(message) >= 2, "beside the field and in the summary"
    assert 'class="error-summary"' in page
    assert f'href="#id_{field}"' in page
    assert f'id="id_{field}_error"' in page
    assert "<title>Error: " in page
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_what_was_typed_is_kept_when_something_is_wrong(client, pledge, sign):
    response = sign(postcode="not a postcode", first_name="Dilnur", show_name="on")
    page = response.content.decode()
    assert 'value="Dilnur"' in page
    assert 'value="not a postcode"' in page
    assert 'value="miriam@example.org"' in page
    assert re.search(r'<input type="checkbox" name="show_name"[^>]* checked>', page)


@pytest.mark.parametrize(
    "name",
    [
        "שרה",
        "ئابدۇرېھىم",
        "李明",
        "O'Brien",
        "Anne-Marie",
        "D’Souza",
        "<b>Miriam",
        "Mehr\u200cnaz",
    ],
)
def test_names_from_every_community_are_accepted_and_shown_escaped(
    client, pledge, sign, last_link, name
):
    sign(first_name=name, show_name="on")
    confirm_link(client, last_link())
    cache.clear()  # as if the list's few seconds of caching had passed
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()

    assert f"<li>{escape(name)}</li>" in page
    assert "<script>alert(1)</script>" not in page


def test_an_empty_post_is_answered_with_messages(client, pledge):
    response = client.post(f"/pledge/{pledge.slug}/", {})
    assert response.status_code == 400
    assert "Enter your first name." in response.content.decode()


def test_invalid_utf8_and_huge_input_never_cause_a_server_error(client, pledge):
    body = b"first_name=%FF%FE&last_name=" + b"x" * 200_000 + b"&email=%C3%28@example.org&sign=on"
    response = client.post(
        f"/pledge/{pledge.slug}/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_the_hidden_field_turns_robots_away_without_a_trace(client, pledge, sign):
    response = sign(website="http://spam.example")
    assert response.status_code == 303
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_too_fast_is_quarantined(client, pledge, sign, settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 60
    response = sign()
    assert response.status_code == 303
    assert Signature.objects.get().status == Signature.Status.QUARANTINED
    assert mail.outbox == []


def test_a_form_without_its_timing_token_is_quarantined(client, pledge):
    response = client.post(f"/pledge/{pledge.slug}/", {**FORM, "started": "forged"})
    assert response.status_code == 303
    assert Signature.objects.get().status == Signature.Status.QUARANTINED


def test_over_the_rate_limit_signatures_are_quarantined_but_the_page_looks_the_same(
    client, pledge, sign, settings
):
    settings.PLEDGE_RATE_LIMITS = [(3, 60), (100, 3600)]
    responses = [sign(email=f"person{n}@example.org") for n in range(5)]

    assert {response.status_code for response in responses} == {303}
    statuses = list(Signature.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["pending"] * 3 + ["quarantined"] * 2
    assert len(mail.outbox) == 3


def test_the_disposable_domain_list_is_configurable(client, pledge, sign, settings):
    settings.DISPOSABLE_EMAIL_DOMAINS = {"example.org"}
    response = sign()
    assert "temporary email services" in response.content.decode()


def test_fixing_a_mistake_quickly_is_not_taken_for_a_robot(client, pledge, sign, settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 1
    import time

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page)[1]
    time.sleep(1.1)
    wrong = client.post(f"/pledge/{pledge.slug}/", {**FORM, "postcode": "nope", "started": started})
    kept = re.search(r'name="started" value="([^"]+)"', wrong.content.decode())[1]
    assert kept == started, "the original token is kept"

    client.post(f"/pledge/{pledge.slug}/", {**FORM, "started": kept})

    assert Signature.objects.get().status == Signature.Status.PENDING


def test_a_form_left_open_for_more_than_a_day_asks_to_send_again(client, pledge):
    import time_machine

    with time_machine.travel("2031-01-01 09:00", tick=False) as traveller:
        page = client.get(f"/pledge/{pledge.slug}/").content.decode()
        started = re.search(r'name="started" value="([^"]+)"', page)[1]
        traveller.shift(60 * 60 * 25)
        response = client.post(f"/pledge/{pledge.slug}/", {**FORM, "started": started})
    assert response.status_code == 400
    assert "This form was opened more than a day ago" in response.content.decode()
    assert 'value="miriam@example.org"' in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("field", ["started", "source", "website"])
def test_nonsense_in_hidden_fields_is_never_an_error_page(client, pledge, sign, field):
    response = sign(**{field: "\x00\u202e" + "x" * 5000})
    assert response.status_code == 303


def test_signing_again_after_quarantine_sends_the_link(client, pledge, sign, settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 60
    sign()
    assert Signature.objects.get().status == Signature.Status.QUARANTINED
    settings.PLEDGE_MIN_FORM_SECONDS = 0

    sign()

    assert Signature.objects.get().status == Signature.Status.PENDING
    assert len(mail.outbox) == 1


def test_the_hourly_limit_quarantines_too(client, pledge, sign, settings):
    settings.PLEDGE_RATE_LIMITS = [(100, 60), (2, 3600)]
    for n in range(3):
        sign(email=f"p{n}@example.org")
    assert list(Signature.objects.order_by("pk").values_list("status", flat=True)) == [
        "pending", "pending", "quarantined",
    ]  # fmt: skip


def test_ipv6_neighbours_share_one_limit():
    from actionhub.core.ratelimit import rate_limit_key

    assert rate_limit_key("2001:db8:1:2::1") == rate_limit_key("2001:db8:1:2:ffff::9")
    assert rate_limit_key("2001:db8:1:3::1") != rate_limit_key("2001:db8:1:2::1")
    assert rate_limit_key(None) == "unknown"


def test_look_alike_addresses_of_one_mailbox_sign_once(pledge, sign):
    for typed in [
        "miriam@example.org",
        "ｍｉｒｉａｍ@example.org",
        "miriam@ｅｘａｍｐｌｅ.org",
        "miriam@examp\u217ce.org",
        "MIRIAM＠EXAMPLE.ORG",
    ]:
        assert sign(email=typed).status_code == 303

    [signature] = Signature.objects.all()
    assert signature.email_normalised == "miriam@example.org"
    assert signature.person.email == "miriam@example.org"  # the plain form is what we write to


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u00ad"])
def test_an_address_with_invisible_characters_is_refused(pledge, sign, invisible):
    response = sign(email=f"miri{invisible}am@example.org")

    assert response.status_code == 400
    assert (
        "Your email address has characters in it that cannot be seen" in response.content.decode()
    )
    assert not Signature.objects.exists()
