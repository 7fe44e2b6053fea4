"""Saying you are coming, for one date and every week, under blank optional fields and hostile
text."""

import re

from django.test import Client
from hypothesis import given

from actionhub.core.models import OutboundEmail
from actionhub.core.tests.clock import next_weekday
from actionhub.core.tests.hostile import (
    assert_clear_error,
    assert_escaped,
    assert_no_server_error,
    deliver_queued_emails,
    form_data,
    one_example,
    rows_of,
)
from actionhub.events.models import Rsvp, Subscription
from actionhub.supporters.models import Consent, Person

OPTIONAL = {"last_name", "guests", "remind_day_before", "remind_two_hours", "hear_more",
            "website"}  # fmt: skip
MODELS = (Person, Rsvp, Subscription, Consent, OutboundEmail)
ONE_DATE = {
    "when": next_weekday(1).isoformat(),  # the demonstration's next Tuesday, made as it loads
    "first_name": "Miriam", "last_name": "Cohen", "email": "miriam@example.org", "guests": "2",
    "remind_day_before": "on", "remind_two_hours": "on", "consent": "on", "hear_more": "on",
    "website": "",
}  # fmt: skip
EVERY_WEEK = ONE_DATE | {"when": "every-week"}


def nothing_kept():
    return rows_of(*MODELS) == dict.fromkeys(rows_of(*MODELS), 0)


def assert_kept_as_typed(browser, data):
    """The RSVP (or every-week request) with the names as typed, pending, deliverable mail,
    and a confirmation page that shows nothing typed unescaped."""
    kept = Subscription.objects.get() if data["when"] == "every-week" else Rsvp.objects.get()
    assert kept.first_name == " ".join(data["first_name"].split())
    assert kept.last_name == " ".join(data.get("last_name", "").split())
    assert kept.status == "pending"
    assert not Consent.objects.exists()
    [message] = deliver_queued_emails()
    link = re.search(r"http://127\.0\.0\.1:8000(/events/\S+/confirm/\S+/)", message.body)
    page = browser.get(link[1])
    assert page.status_code == 200
    assert_escaped(page.content.decode(), *data.values())


def submit(data):
    browser = Client()
    response = browser.post("/demonstration/", data)
    assert_no_server_error(response)
    return browser, response


@given(
    data=form_data(valid=ONE_DATE, optional=OPTIONAL, hostile=False)
    | form_data(valid=EVERY_WEEK, optional=OPTIONAL, hostile=False)
)
def test_every_mix_of_optional_fields_left_blank_is_accepted(campaign, data):
    with one_example():
        browser, response = submit(data)

        assert response.status_code == 303
        assert_kept_as_typed(browser, data)


@given(
    data=form_data(valid=ONE_DATE, optional=OPTIONAL)
    | form_data(valid=EVERY_WEEK, optional=OPTIONAL)
)
def test_hostile_text_in_any_field_gets_a_clear_message_or_is_kept_escaped(campaign, data):
    with one_example():
        browser, response = submit(data)

        if response.status_code == 400:
            assert_clear_error(response)
            assert nothing_kept()
            assert_escaped(response.content.decode(), *data.values())
        elif data.get("website"):
            assert response.status_code == 303
            assert nothing_kept(), "robots leave nothing"
        else:
            assert response.status_code == 303
            assert_kept_as_typed(browser, data)
