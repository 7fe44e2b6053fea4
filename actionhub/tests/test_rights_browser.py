"""Your data in a real browser: ask for a link, follow it from the email, see and download."""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actionhub.rights.tests.people import ADDRESS, link_in, someone_who_did_everything
from actionhub.tests.browser import check_current_page, check_page, in_viewport

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]
# Set to a folder to keep a screenshot of each page, to look at them.
SHOTS = os.environ.get("RIGHTS_SCREENSHOTS")


def shot(page, name, width):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_ask_for_a_link_follow_it_and_see_everything(campaign, page, smtp, run_tasks, width):
    someone_who_did_everything(campaign)
    page.set_viewport_size({"width": width, "height": 900})

    check_page(page, "/your-data/")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_accessible_description(
        re.compile("Enter your email address.")
    )
    check_current_page(page, "the form with its mistake", status=400)
    shot(page, "request-error", width)

    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_url("**/your-data/sent/")
    expect(page.get_by_text(ADDRESS)).to_be_visible()
    check_current_page(page, "check your email")
    shot(page, "sent", width)

    run_tasks()
    link = link_in(smtp.to(ADDRESS)[-1])
    check_page(page, link)
    shot(page, "link", width)
    page.get_by_role("button", name="See my data").click()
    page.wait_for_url("**/your-data/view/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    for heading in ["Your signatures", "Your letters to MPs", "Your letters to brands",
                    "Events you said you would come to", "Community groups you lead",
                    "Campaign emails sent to you"]:  # fmt: skip
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_text("Please act on forced labour.")).to_be_visible()
    check_current_page(page, "your data")
    shot(page, "data", width)

    with page.expect_download() as download:
        page.get_by_role("link", name="All of it as JSON").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["email"] == ADDRESS
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("All of it as CSV files")).click()
    assert download.value.suggested_filename.endswith(".zip")

    page.get_by_role("button", name="Close my data").click()
    expect(page.get_by_role("heading", name="Your data is closed")).to_be_visible()
    check_current_page(page, "closed")
    check_page(page, "/your-data/view/", status=403)
    check_page(page, link, status=400)
    expect(page.get_by_role("heading", name="This link has been used")).to_be_visible()
    shot(page, "link-used", width)


def data_opened(page, smtp, run_tasks):
    """Ask for a link, follow it from the email and press its button, as a supporter does."""
    check_page(page, "/your-data/")
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_url("**/your-data/sent/")
    run_tasks()
    check_page(page, link_in(smtp.to(ADDRESS)[-1]))
    page.get_by_role("button", name="See my data").click()
    page.wait_for_url("**/your-data/view/")


@pytest.mark.parametrize("width", WIDTHS)
def test_change_a_choice_correct_the_name_and_erase_everything(
    campaign, page, smtp, run_tasks, width
):
    from actionhub.supporters.models import Person

    someone_who_did_everything(campaign)
    page.set_viewport_size({"width": width, "height": 900})
    data_opened(page, smtp, run_tasks)

    page.get_by_role("button", name="Stop: “Email me about this campaign”").click()
    expect(page.get_by_role("status")).to_have_text("Your choice is saved.")
    expect(page.get_by_role("button", name="Start: “Email me about this campaign”")).to_be_visible()
    check_current_page(page, "a choice changed")
    shot(page, "choice-saved", width)

    expect(page.get_by_role("button", name="Stop: “Show my first name on the pledges I signed”")
           ).to_have_accessible_description(re.compile("For the pledge you signed: "))  # fmt: skip

    page.get_by_label("Your first name").fill("")
    page.get_by_label("Your last name (optional)").fill("Cohn")
    page.get_by_role("button", name="Save my name").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # so a screen reader reads it out
    assert in_viewport(page, summary), "the summary is on the screen the page opens at"
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("Your first name")).to_have_accessible_description(
        re.compile("Enter your first name.")
    )
    expect(page.get_by_label("Your last name (optional)")).to_have_value("Cohn")
    check_current_page(page, "the name with its mistake", status=400)
    shot(page, "name-error", width)
    summary.get_by_role("link", name="Enter your first name.").click()
    expect(page.get_by_label("Your first name")).to_be_focused()
    expect(page.locator("label[for=id_first_name]")).to_be_in_viewport(ratio=1)
    page.get_by_label("Your first name").fill("Rut")
    page.get_by_role("button", name="Save my name").click()
    expect(page.get_by_role("status")).to_have_text("Your name is corrected.")

    rsvp = "Keep my details to organise an event I am coming to"
    page.get_by_role("link", name=f"Withdraw “{rsvp}”…").click()
    expect(page.get_by_text("Your name and email address are taken off every RSVP")).to_be_visible()
    check_current_page(page, "withdrawing the RSVPs")
    shot(page, "withdraw-rsvp", width)
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.get_by_role("status")).to_have_text("Withdrawn: what it was for is undone.")
    expect(page.get_by_text("We hold no RSVP of yours")).to_be_visible()
    expect(page.get_by_role("link", name=f"Withdraw “{rsvp}”…")).to_have_count(0)
    check_current_page(page, "the RSVPs withdrawn")
    shot(page, "rsvp-withdrawn", width)

    page.get_by_role("link", name="Withdraw “Sign the pledge”…").click()
    check_current_page(page, "withdrawing the signature")
    shot(page, "withdraw", width)
    page.get_by_role("link", name="Keep it, and go back to your data").click()

    page.get_by_role("link", name="Erase everything…").click()
    check_current_page(page, "erase everything")
    shot(page, "erase", width)
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_role("heading", name="Everything is erased")).to_be_visible()
    check_current_page(page, "erased")
    assert not Person.objects.filter(email=ADDRESS).exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_large_records_download_is_made_then_offered(
    campaign, page, smtp, run_tasks, settings, width
):
    settings.RIGHTS_EXPORT_IN_REQUEST_ITEMS = 3
    someone_who_did_everything(campaign)
    page.set_viewport_size({"width": width, "height": 900})
    data_opened(page, smtp, run_tasks)

    page.get_by_role("button", name="Make it as JSON").click()
    expect(page.get_by_role("status")).to_contain_text("Your download is being made")
    check_current_page(page, "a download being made")
    run_tasks()
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Your download as JSON").click()
    assert json.loads(Path(download.value.path()).read_text())["email"] == ADDRESS
    shot(page, "prepared", width)
