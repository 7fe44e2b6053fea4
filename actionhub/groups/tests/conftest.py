import re

import pytest
from django.core import mail

REGISTRATION = {
    "name": "Hampstead Synagogue youth group",
    "kind": "youth-movement",
    "area": "Hampstead, London",
    "code": "",
    "first_name": "Ruth",
    "last_name": "",
    "email": "ruth@example.org",
    "agree": "on",
}


def link_in(message, path: str) -> str:
    """The site's link in an email whose path starts with `path`, without the site's address."""
    return re.search(rf"http://127\.0\.0\.1:8000({re.escape(path)}[^\s]+)", message.body)[1]


@pytest.fixture
def register(client, campaign):
    """Fill in and send the registration form as a leader does; returns the response."""

    def submit(**changes):
        data = {**REGISTRATION, **changes}
        return client.post("/groups/register/", {k: v for k, v in data.items() if v is not None})

    return submit


@pytest.fixture
def confirm(client):
    """Open the confirmation link in the newest email and press the button."""

    def press(message=None):
        link = link_in(message or mail.outbox[-1], "/groups/confirm/")
        client.get(link)
        return client.post(link)

    return press
