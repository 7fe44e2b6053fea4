import re

import pytest
from django.core import mail

from actionhub.campaigns.models import Pledge

FORM = {
    "first_name": "Miriam",
    "last_name": "Cohen",
    "email": "miriam@example.org",
    "postcode": "nw3 7ux",
    "sign": "on",
}


@pytest.fixture(autouse=True)
def _no_minimum_form_time(settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 0


@pytest.fixture
def pledge(campaign):
    return Pledge.objects.get()


@pytest.fixture
def sign(client, pledge):
    """Fill in and send the pledge form as a supporter does; returns the response."""

    def submit(source="", **changes):
        page = client.get(f"/pledge/{pledge.slug}/" + (f"?source={source}" if source else ""))
        started = re.search(r'name="started" value="([^"]+)"', page.content.decode())[1]
        hidden_source = re.search(r'name="source"(?: value="([^"]*)")?', page.content.decode())[1]
        data = {**FORM, "started": started, "source": hidden_source or "", **changes}
        return client.post(
            f"/pledge/{pledge.slug}/", {k: v for k, v in data.items() if v is not None}
        )

    return submit


def confirmation_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/pledge/[^\s]+/confirm/[^\s]+/)", message.body)[1]


def confirm_link(client, link, **kwargs):
    """Follow a confirmation link as a signer does: open it, then press the button on the page."""
    client.get(link)
    return client.post(link, **kwargs)


@pytest.fixture
def last_link():
    def link():
        return confirmation_link(mail.outbox[-1])

    return link
