"""Limits that protect MPs, supporters and the site: once a month, no injected headers,
lengths, per-connection limits, and only ever the MP's address from our data."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from actionhub.core.tests.hostile import DISGUISING_NAMES_AND_SUBJECTS
from actionhub.letters.models import Letter
from actionhub.letters.tests.conftest import confirmation_link, messages_to, own_body

pytestmark = pytest.mark.usefixtures("immediate_tasks")
MP_ADDRESS = "alex.example.mp@parliament.example"


def send(client, write, **details):
    mail.outbox.clear()
    write(**details)
    return client.post(confirmation_link(mail.outbox[0]))


def test_the_site_sends_one_letter_per_person_mp_and_letter_a_month(client, write):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send(client, write)
    with time_machine.travel(start + timedelta(days=29), tick=False):
        refused = send(client, write, email="RUTH@example.org")

    page = refused.content.decode()
    assert "You sent this letter recently" in page
    expected = (start + timedelta(days=30)).strftime("%-d %B %Y")
    assert f"You can send it through this site again from {expected}" in page
    assert len(messages_to(MP_ADDRESS)) == 0
    assert len(Letter.objects.filter(status=Letter.Status.SENT)) == 1

    with time_machine.travel(start + timedelta(days=31), tick=False):
        send(client, write)
    assert len(messages_to(MP_ADDRESS)) == 1


def test_the_other_letter_to_the_same_mp_is_allowed(client, write, campaign):
    send(client, write)
    from actionhub.campaigns.models import LetterTemplate

    women = LetterTemplate.objects.get(campaign=campaign, slug="uyghur-women")
    mail.outbox.clear()
    client.post(f"/write-to-your-mp/{women.slug}/", {"postcode": "NW3 7UX"})
    body = own_body(women).replace("[", "(").replace("]", ")")
    client.post(f"/write-to-your-mp/{women.slug}/write/", {"subject": women.subject, "body": body})
    from actionhub.letters.tests.conftest import DETAILS

    client.post(f"/write-to-your-mp/{women.slug}/send/", DETAILS)
    client.post(confirmation_link(mail.outbox[0]))

    assert len(messages_to(MP_ADDRESS)) == 1


@pytest.mark.parametrize("field", ["name", "email", "subject", "postcode"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_single_line_fields_refuse_line_breaks_with_a_message(client, write, field, newline):
    injected = {
        "name": f"Ruth Cohen{newline}Bcc: victim@example.org",
        "email": f"ruth@example.org{newline}Bcc: victim@example.org",
        "subject": f"Uyghurs{newline}Bcc: victim@example.org",
        "postcode": f"NW3 7UX{newline}Bcc: victim@example.org",
    }[field]

    response = write(**{field: injected})

    assert not Letter.objects.exists()
    assert mail.outbox == []
    if field == "postcode":
        return  # refused at the first step: there is no letter to send
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_breaks_in_every_field_never_reach_a_header(client, write, template, newline):
    """Multi-line fields keep their lines in the body; nothing becomes a header."""
    send(
        client,
        write,
        name="Ruth Cohen",
        address=f"12 Example Road{newline}Bcc: victim@example.org{newline}London",
        body=own_body(template) + f"{newline}{newline}Bcc: victim@example.org{newline}Subject: x",
    )

    [to_mp] = messages_to(MP_ADDRESS)
    message = to_mp.message()
    assert message["Bcc"] is None
    assert message["Subject"] == Letter.objects.get().subject
    assert to_mp.bcc == [] and to_mp.cc == []
    assert "Bcc: victim@example.org" in to_mp.body  # kept as the words they wrote
    for sent in mail.outbox:
        assert "victim@example.org" not in sent.recipients()


def test_the_edit_step_reports_a_subject_with_a_line_break(client, template, mp):
    client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    response = client.post(
        f"/write-to-your-mp/{template.slug}/write/",
        {"subject": "Uyghurs\r\nBcc: victim@example.org", "body": own_body(template)},
    )
    assert response.status_code == 400
    assert "The subject must be on one line" in response.content.decode()


def test_the_details_step_reports_a_name_with_a_line_break(client, write):
    response = write(name="Ruth\nBcc: victim@example.org")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your name must be on one line" in page
    assert "12 Example Road" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "R" * 101, "Your name must be 100 characters or fewer."),
        ("address", "1 Road\n" * 50, "Your address must be 300 characters or fewer."),
        ("address", "\n".join("Line" for _ in range(9)), "Your address must fit on 8 lines"),
        ("email", "r" * 250 + "@example.org", "Your email address must be 254 characters"),
        ("email", "not-an-address", "Enter an email address like name@example.com."),
        ("email", "ruth@mailinator.com", "Use an email address you will keep"),
        ("delivery", "fax", "Select a valid choice"),
    ],
)
def test_details_have_limits_with_clear_messages(client, write, field, value, message):
    response = write(**{field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Letter.objects.exists()


def test_an_overlong_letter_is_refused_and_kept_for_shortening(client, template, mp):
    client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    long_body = own_body(template) + "\n\n" + "More words. " * 700

    response = client.post(
        f"/write-to-your-mp/{template.slug}/write/",
        {"subject": template.subject, "body": long_body},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your letter must be 8,000 characters or fewer" in page
    assert "More words. More words." in page


def test_one_connection_may_write_only_so_many_letters(client, write, settings):
    settings.LETTERS_RATE_LIMITS = [(2, 3600)]
    for _ in range(2):
        assert write(delivery="download", email="", pass_to_mp=None).status_code == 303

    refused = write(delivery="download", email="", pass_to_mp=None)

    assert refused.status_code == 400
    assert "Many letters have been written from your connection" in refused.content.decode()
    assert Letter.objects.count() == 2


def test_postcode_lookups_are_limited_per_connection(client, template, mp, settings):
    settings.LETTERS_LOOKUP_RATE_LIMITS = [(3, 3600)]
    for _ in range(3):
        client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})

    refused = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})

    assert refused.status_code == 400
    assert "Too many postcodes were looked up" in refused.content.decode()


def test_confirmation_emails_to_one_address_are_capped(client, write, settings):
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 2
    for _ in range(4):
        assert write().status_code == 303

    assert len(messages_to("ruth@example.org")) == 2


def test_the_site_only_sends_to_the_mp_address_in_its_data(client, write, mp):
    write(to="attacker@example.org", mp_email="attacker@example.org")
    mp.email = "new.address.mp@parliament.example"
    mp.save()

    client.post(confirmation_link(mail.outbox[0]))

    sent = [
        m for m in mail.outbox if "Confirm" not in m.subject and "has been sent" not in m.subject
    ]
    assert [m.to for m in sent] == [["new.address.mp@parliament.example"]]


def test_a_robot_filling_the_hidden_field_creates_nothing(client, write):
    response = write(website="http://spam.example")

    assert response.status_code == 303
    assert not Letter.objects.exists()
    assert mail.outbox == []


@DISGUISING_NAMES_AND_SUBJECTS
def test_names_and_subjects_that_would_disguise_text_in_an_mps_inbox_are_refused(
    client, template, write, details, subject, message
):
    if subject:
        client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
        response = client.post(
            f"/write-to-your-mp/{template.slug}/write/",
            {"subject": subject, "body": own_body(template)},
        )
    else:
        response = write(**details)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Letter.objects.exists()
