"""A group in a real browser: registered, confirmed, approved in the console, and its page."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from actionhub.groups.models import Group
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.tests.browser import check_current_page, check_page, sign_in_organiser

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]
# Set to a folder to keep a screenshot of each page, to look at them.
SHOTS = os.environ.get("GROUPS_SCREENSHOTS")


def shot(page, name, width):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def link(message, path):
    return re.search(rf"http://127\.0\.0\.1:8000({re.escape(path)}\S+)", message.body)[1]


@pytest.mark.parametrize("width", WIDTHS)
def test_register_confirm_approve_and_open_the_groups_page(campaign, page, run_tasks, width):
    page.set_viewport_size({"width": width, "height": 900})
    check_page(page, "/get-involved/")
    page.get_by_role("link", name="Register your group").first.click()
    page.wait_for_url("**/groups/register/")
    check_current_page(page, "the registration form")
    shot(page, "register", width)

    page.get_by_role("button", name="Register the group").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Your group’s name")).to_have_accessible_description(
        re.compile("Enter your group’s name.")
    )
    check_current_page(page, "the form with its mistakes", status=400)
    shot(page, "register-errors", width)

    page.get_by_label("Your group’s name").fill("Hampstead youth group")
    page.get_by_label("Youth movement").check()
    page.get_by_label("Where it meets").fill("Hampstead, London")
    page.get_by_label("Your first name").fill("Ruth")
    page.get_by_label("Email address", exact=True).fill("ruth@example.org")
    page.get_by_label("List our group on the site's page of groups taking part").check()
    page.get_by_label(re.compile("^Keep my name and email address")).check()
    page.get_by_role("button", name="Register the group").click()
    page.wait_for_url("**/check-your-email/")
    check_current_page(page, "check your email")

    run_tasks()
    check_page(page, link(mail.outbox[-1], "/groups/confirm/"))
    shot(page, "confirm", width)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("is waiting for an organiser’s approval")).to_be_visible()
    check_current_page(page, "waiting for approval")

    organiser = OrganiserFactory(username="approver")
    sign_in_organiser(page, organiser, TOTPDeviceFactory(user=organiser))
    page.get_by_role("link", name="1 community group waiting for approval").click()
    page.get_by_role("link", name="Hampstead youth group").click()
    check_current_page(page, "the group in the console")
    shot(page, "console-group", width)
    page.get_by_role("link", name="Approve the group…").click()
    page.get_by_role("button", name="Approve the group").click()
    expect(page.get_by_text("Approved: its leaders have been emailed their link.")).to_be_visible()
    assert Group.objects.get().status == Group.Status.APPROVED

    run_tasks()
    check_page(page, link(mail.outbox[-1], "/groups/page/"))
    expect(page.get_by_role("heading", name="Hampstead youth group")).to_be_visible()
    expect(page.get_by_text("Fewer than 5 so far.").first).to_be_visible()
    shot(page, "group-page", width)
    page.get_by_label(campaign.engagement.steps.first().title).check()
    page.get_by_role("button", name="Save the steps").click()
    expect(page.get_by_text("Your steps are saved.")).to_be_visible()
    check_current_page(page, "the group's page after ticking a step")

    check_page(page, "/groups/")
    expect(page.get_by_text("Hampstead youth group")).to_be_visible()
    shot(page, "groups", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_mistyped_invitation_says_why_beside_each_field(campaign, page, width):
    from actionhub.groups.services import leader_page_url

    page.set_viewport_size({"width": width, "height": 900})
    leader = LeaderFactory()
    check_page(page, leader_page_url(leader).removeprefix("http://127.0.0.1:8000"))
    page.get_by_label("Their first name").fill("Dina")
    page.get_by_label("Email address").fill("dina")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_label("Email address")).to_have_accessible_description(
        re.compile("Enter an email address like name@example.com.")
    )
    expect(page.get_by_label("Their first name")).to_have_value("Dina")
    check_current_page(page, "the invitation with its mistake", status=400)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_co_leader_confirms_choosing_news_and_then_stops_it(campaign, page, run_tasks, width):
    from actionhub.groups.services import leader_page_url, leader_wants_news

    page.set_viewport_size({"width": width, "height": 900})
    leader = LeaderFactory()
    check_page(page, leader_page_url(leader).removeprefix("http://127.0.0.1:8000"))
    page.get_by_label("Their first name").fill("Dina")
    page.get_by_label("Email address").fill("dina@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent")).to_be_visible()

    run_tasks()
    check_page(page, link(mail.outbox[-1], "/groups/confirm/"))
    shot(page, "confirm-co-leader", width)
    page.get_by_label("Email me the organisers' news for group leaders").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    co_leader = leader.group.leaders.get(role="co-leader")
    assert leader_wants_news(co_leader)

    run_tasks()
    check_page(page, link(mail.outbox[-1], "/groups/page/"))
    news = page.get_by_label("Email me the organisers' news for group leaders")
    expect(news).to_be_checked()
    news.uncheck()
    page.get_by_role("button", name="Save my choice about news").click()
    expect(page.get_by_role("status")).to_contain_text("news for group leaders is saved")
    check_current_page(page, "the page with the news choice saved")
    assert not leader_wants_news(co_leader)
