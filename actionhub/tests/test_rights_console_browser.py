"""The data protection lead in a real browser: record a request in the register, find the
person's data from it, and erase it, on a phone and on a laptop."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionhub.rights.models import DataRequest
from actionhub.rights.register import data_request_record
from actionhub.rights.tests.people import ADDRESS, someone_who_did_everything
from actionhub.staff.roles import DATA_PROTECTION_LEAD, roles_ensure
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.supporters.models import Person
from actionhub.supporters.tests.test_erasure_everywhere import tables_holding
from actionhub.tests.browser import check_current_page, check_page, sign_in_organiser

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]
# Set to a folder to keep a screenshot of each page, to look at them.
SHOTS = os.environ.get("RIGHTS_CONSOLE_SCREENSHOTS")


def shot(page, name, width):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_record_a_request_find_the_data_and_erase_it(campaign, page, width):
    someone_who_did_everything(campaign)
    lead = OrganiserFactory(username="lead", is_superuser=False)
    lead.groups.add(roles_ensure()[DATA_PROTECTION_LEAD])
    late = data_request_record(actor=lead, data_request=DataRequest(
        kind=DataRequest.Kind.ACCESS, email="dilnur@example.org",
        received_on=timezone.localdate() - timedelta(days=40),
    ))  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_organiser(page, lead, TOTPDeviceFactory(user=lead))
    check_current_page(page, "the dashboard")

    page.get_by_role("link", name="1 data protection request past its one-month deadline").click()
    expect(page.get_by_text("Overdue by")).to_be_visible()
    check_current_page(page, "the overdue requests")
    check_page(page, "/admin/")
    page.get_by_role("link", name="Register of requests").click()
    page.wait_for_url("**/admin/rights/datarequest/")
    check_current_page(page, "the register")
    shot(page, "register", width)

    page.get_by_role("link", name="Add data protection request").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Enter the email address the person gave.")).to_be_visible()
    check_current_page(page, "the form with its mistakes")
    shot(page, "add-errors", width)
    page.get_by_label("What they ask for").select_option(label="Erasure: delete their data")
    page.get_by_label("Email address").fill("Ruth.Cohen@Example.org")
    arrived = timezone.localdate() - timedelta(days=3)
    page.get_by_label("Received on").fill(arrived.isoformat())
    page.get_by_label("Notes").fill("Asked by letter, signed; address checked by a reply.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Recorded. It is to be answered by")).to_be_visible()
    check_current_page(page, "the request")
    shot(page, "request", width)
    data_request = DataRequest.objects.exclude(pk=late.pk).get()

    page.get_by_role("link", name="Find their data").click()
    expect(page.get_by_label("Email address")).to_have_value("Ruth.Cohen@Example.org")
    check_current_page(page, "the search, filled in from the request")
    shot(page, "search", width)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("A supporter has this address")).to_be_visible()
    for heading in ["Your signatures", "Your letters to MPs", "Community groups you lead"]:
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_text("Please act on forced labour.")).to_be_visible()
    check_current_page(page, "everything held under the address")
    shot(page, "records", width)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download it as JSON").click()
    assert download.value.suggested_filename.endswith(".json")

    page.get_by_role("link", name="Erase everything held under this address…").click()
    expect(page.get_by_role("heading", name="What is erased")).to_be_visible()
    expect(page.get_by_text("Your letters to MPs:")).to_be_visible()
    check_current_page(page, "the confirmation")
    shot(page, "erase", width)
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_text("Erased: nothing is held under that address any more.")).to_be_visible()
    check_current_page(page, "the request, closed")
    shot(page, "closed", width)

    assert not Person.objects.exists()
    data_request.refresh_from_db()
    assert (data_request.status, data_request.email) == (DataRequest.Status.DONE, "")
    assert tables_holding(ADDRESS) == []

    check_page(page, "/admin/rights/datarequest/")
    page.get_by_role("link", name="What is held, and when it goes").click()
    page.wait_for_url("**/admin/rights/datarequest/retention/")
    check_current_page(page, "the retention report")
    expect(page.get_by_role("heading", name="What is held, and when it goes")).to_be_visible()
    shot(page, "retention", width)
