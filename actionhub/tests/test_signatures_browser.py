"""Taking signatures out of the count and exporting signers, in a browser on a phone and a
laptop: each asks why first, and shows what is wrong when no reason is given."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionhub.campaigns.models import Pledge
from actionhub.pledges.models import ExportRequest
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.tests.browser import check_current_page, check_page, run_action_on_all
from actionhub.tests.test_browser import sign_in_with_code

pytestmark = pytest.mark.browser
CHANGELIST = "/admin/pledges/signature/"


def choose(page, action, every_page=False):
    check_page(page, CHANGELIST)
    run_action_on_all(page, action, every_page)


@pytest.mark.parametrize("width", [390, 1280])
def test_taking_signatures_out_of_the_count_asks_why(
    campaign, organiser, organiser_device, page, width
):
    page.set_viewport_size({"width": width, "height": 900})
    SignatureFactory.create_batch(3, pledge=Pledge.objects.get())
    sign_in_with_code(page, organiser, organiser_device)

    choose(page, "Invalidate the selected signatures (they leave the count)")
    expect(page.get_by_role("heading", name="Take 3 signatures out of the count")).to_be_visible()
    check_current_page(page, "the invalidation's confirmation")
    button = page.get_by_role("button", name="Take 3 signatures out of the count")
    button.click()
    expect(page.get_by_role("alert").get_by_text("Enter a reason")).to_be_visible()
    check_current_page(page, "the invalidation's confirmation with an error", status=400)

    page.get_by_label("Why they are taken out of the count").fill("Sign-ups from one address")
    page.get_by_role("button", name="Take 3 signatures out of the count").click()
    expect(page.get_by_text("3 signatures taken out of the count.")).to_be_visible()

    check_page(page, "/admin/pledges/invalidationbatch/")
    page.get_by_role("link", name="Restore").click()
    check_current_page(page, "the restore page")
    page.get_by_role("button", name="Put back 3 signatures").click()
    expect(page.get_by_text("3 signatures put back.")).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_exporting_signers_asks_why(campaign, organiser, organiser_device, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    SignatureFactory.create_batch(2, pledge=Pledge.objects.get())
    sign_in_with_code(page, organiser, organiser_device)

    choose(page, "Export the confirmed signers among those selected (CSV)")
    expect(page.get_by_role("heading", name="Export 2 signers")).to_be_visible()
    check_current_page(page, "the export's confirmation")
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("alert").get_by_text("Enter a reason")).to_be_visible()
    check_current_page(page, "the export's confirmation with an error", status=400)

    page.get_by_label("Why you need this export").fill("The hand-in at the MP's office")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    assert download.value.suggested_filename.startswith("signers-")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_large_export_waits_for_a_second_organiser(
    campaign, organiser, organiser_device, page, width
):
    page.set_viewport_size({"width": width, "height": 900})
    SignatureFactory.create_batch(101, pledge=Pledge.objects.get())
    colleague = OrganiserFactory(username="colleague")
    sign_in_with_code(page, organiser, organiser_device)

    choose(page, "Export the confirmed signers among those selected (CSV)", every_page=True)
    expect(page.get_by_role("heading", name="Export 101 signers")).to_be_visible()
    expect(page.get_by_text("another organiser must approve it")).to_be_visible()
    check_current_page(page, "a large export's confirmation")
    page.get_by_label("Why you need this export").fill("The hand-in at the MP's office")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_text("Another organiser must approve the export")).to_be_visible()
    check_current_page(page, "the export request")

    asked = ExportRequest.objects.create(
        requester=colleague, reason="The hand-in", count=150,
        expires_at=timezone.now() + timedelta(hours=24),
    )  # fmt: skip
    check_page(page, "/admin/pledges/exportrequest/")
    page.get_by_role("link", name="Approve or refuse the export of 150 signers").click()
    check_current_page(page, "the approval page")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Export approved.")).to_be_visible()
    asked.refresh_from_db()
    assert asked.status == "approved" and asked.approver == organiser
