"""Coming to the demonstration, in a real browser: one date and every week, confirming through
the emails the tasks write, the calendar links and cancelling; axe on every page."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from actionhub.events.models import Rsvp, Subscription
from actionhub.tests.browser import check_current_page, check_page

pytestmark = pytest.mark.browser
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def link(kind: str) -> str:
    return re.search(rf"http://127\.0\.0\.1:8000(/events/{kind}/\S+/)", mail.outbox[-1].body)[1]


def fill_in(page, when: str):
    page.get_by_label(when).check()
    page.get_by_label("First name", exact=True).fill("Dilnur")
    page.get_by_label("Last name (optional)").fill("Abdulla")
    page.get_by_label("Email address", exact=True).fill("dilnur@example.org")
    page.get_by_label("Keep my name and email address").check()
    page.get_by_role("button", name="I am coming").click()
    page.wait_for_url("**/check-your-email/")
    check_current_page(page, "events: check your email")


@time_machine.travel(MONDAY, tick=True)
def test_one_date_confirm_add_to_calendar_and_cancel(campaign, page, run_tasks):
    check_page(page, "/demonstration/")
    page.get_by_role("button", name="I am coming").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    check_current_page(page, "demonstration with errors", status=400)

    fill_in(page, "Tuesday 1 December, 18:00")
    run_tasks()
    check_page(page, link("rsvp/confirm"))
    page.get_by_role("button", name="Yes, I am coming").click()
    expect(page.get_by_role("heading", name="You are coming")).to_be_visible()
    check_current_page(page, "events: you are coming")
    run_tasks()
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED

    page.get_by_role("link", name="details for the day").click()
    check_current_page(page, "events: the date's page")
    google = page.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "20261201T180000Z" in google
    with page.expect_download() as ics:
        page.get_by_role("link", name="Download for your calendar (.ics)").click()
    assert b"BEGIN:VEVENT" in open(ics.value.path(), "rb").read()  # noqa: SIM115

    check_page(page, link("rsvp/cancel"))
    page.get_by_role("button", name="Cancel my place").click()
    expect(page.get_by_role("heading", name="Cancelled")).to_be_visible()
    check_current_page(page, "events: cancelled")
    assert Rsvp.objects.get().status == Rsvp.Status.CANCELLED


@time_machine.travel(MONDAY, tick=True)
def test_every_week_and_stop(campaign, page, run_tasks):
    check_page(page, "/demonstration/")
    fill_in(page, "Every week, until I stop it")
    run_tasks()
    check_page(page, link("every-week/confirm"))
    page.get_by_role("button", name="Yes, I am coming").click()
    expect(page.get_by_role("heading", name="You are coming every week")).to_be_visible()
    check_current_page(page, "events: every week")
    assert Rsvp.objects.filter(status=Rsvp.Status.CONFIRMED).count() >= 8
    run_tasks()

    check_page(page, link("every-week/stop"))
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("heading", name="Stopped")).to_be_visible()
    check_current_page(page, "events: stopped")
    assert Subscription.objects.get().status == Subscription.Status.STOPPED
