import re
from datetime import date

import pytest
from django.core import mail

from actionhub.events.schedule import occurrences_generate
from actionhub.events.tests.factories import SeriesFactory

FORM = {
    "first_name": "Miriam",
    "last_name": "Cohen",
    "email": "miriam@example.org",
    "guests": "",
    "remind_day_before": "on",
    "consent": "on",
}


@pytest.fixture
def series(campaign):
    """The weekly Tuesday demonstration, with its dates from 1 December 2026 made."""
    series = SeriesFactory(slug="weekly", first_date=date(2026, 1, 6))
    occurrences_generate(series=series, today=date(2026, 11, 30))
    return series


@pytest.fixture
def rsvp(client):
    """Fill in the RSVP form on a series or date page as a supporter does."""

    def submit(url, on, **changes):
        data = {**FORM, "when": on, **changes}
        return client.post(url, {key: value for key, value in data.items() if value is not None})

    return submit


def link(message, kind) -> str:
    return re.search(rf"http://127\.0\.0\.1:8000(/events/{kind}/[^\s]+/)", message.body)[1]


def last_to(address):
    return [message for message in mail.outbox if address in message.to][-1]


def hidden_source(page) -> str:
    """The source code the page's form sends, as a browser would send it."""
    found = re.search(r'name="source"(?: value="([^"]*)")?', page.content.decode())
    return found[1] or ""
