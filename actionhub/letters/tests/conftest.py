import re

import pytest
from django.core import mail

from actionhub.campaigns.models import LetterTemplate
from actionhub.parliament.tests.factories import ConstituencyFactory, MPFactory, PostcodeFactory

DETAILS = {
    "name": "Ruth Cohen",
    "address": "12 Example Road\nLondon",
    "email": "ruth@example.org",
    "delivery": "site",
    "pass_to_mp": "on",
}
OWN_WORDS = "My grandmother fled persecution, and I cannot stay silent while it happens again."


@pytest.fixture
def mp(db):
    constituency = ConstituencyFactory(gss_code="E14001265", name="Hampstead and Highgate")
    PostcodeFactory(postcode="NW3 7UX", constituency=constituency)
    PostcodeFactory(postcode="NW3 1AA", constituency=constituency, terminated=True)
    return MPFactory(
        name="Alex Example", party="Demo Party", email="alex.example.mp@parliament.example",
        constituency=constituency,
    )  # fmt: skip


@pytest.fixture
def template(campaign):
    return LetterTemplate.objects.get(campaign=campaign, slug="general")


def own_body(template, mp_name="Alex Example", extra=OWN_WORDS) -> str:
    body = template.body.replace("[say why in your own words]", extra)
    return f"Dear {mp_name},\n\n{body}\n\nYours sincerely,"


@pytest.fixture
def write(client, template, mp):
    """Go through the three steps as a supporter does; returns the last response."""

    def submit(postcode="NW3 7UX", body=None, subject=None, **details):
        client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": postcode})
        client.post(
            f"/write-to-your-mp/{template.slug}/write/",
            {"subject": subject or template.subject, "body": body or own_body(template)},
        )
        data = {**DETAILS, **details}
        return client.post(
            f"/write-to-your-mp/{template.slug}/send/",
            {key: value for key, value in data.items() if value is not None},
        )

    return submit


def confirmation_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/[^\s]+/)", message.body)[1]


def reply_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/letters/reply/[^\s]+/)", message.body)[1]


def messages_to(address):
    return [message for message in mail.outbox if address in message.to]
