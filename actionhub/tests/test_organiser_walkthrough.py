"""A new organiser's first hour in the console, in a real browser on a laptop: the first sign-in,
the dashboard, moving the demonstration to another day, loading the brands and an entity list,
screening a supplier file, and taking signatures out of the count and putting them back. Each page on the way is checked as every page is (axe, no
console errors, nothing from elsewhere)."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from actionhub.brands.models import Brand, EntityList, ScreeningRun
from actionhub.campaigns.models import Demonstration
from actionhub.events.models import Series
from actionhub.events.tests.factories import RsvpFactory
from actionhub.pledges.selectors import pledge_count
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import PASSWORD
from actionhub.staff.tests.totp import current_code
from actionhub.tests.browser import check_current_page, enter_setup_code, run_action_on_all

pytestmark = pytest.mark.browser
BRANDS = Path(__file__).resolve().parents[1] / "brands"
SAMPLE_BRANDS = BRANDS / "static" / "brands" / "brands-sample.csv"
ENTITY_LIST = BRANDS / "tests" / "fixtures" / "targets.simple.csv"
SUPPLIERS = (
    b"name,address,country\n"
    b'Example Xinjiang Cotton Company Limited,"1 Example Road, Urumqi",China\n'
    b"Acme Buttons of Leicester,2 High Street,United Kingdom\n"
)


def first_sign_in(page, organiser):
    page.goto("/organisers/sign-in/")
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    enter_setup_code(page, organiser)
    page.get_by_label("6-digit code").fill(current_code(TOTPDevice.objects.get(user=organiser)))
    page.get_by_role("button", name="Finish setting up and sign in").click()
    page.wait_for_url("**/admin/")


def open_from_dashboard(page, section: str, link: str):
    page.goto("/admin/")
    everything = page.get_by_role("region", name="Everything in the console")
    everything.locator(
        ".console-section", has=page.get_by_role("heading", name=section)
    ).get_by_role("link", name=link, exact=True).click()


def test_a_new_organisers_first_hour(campaign, organiser, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    pledge = campaign.pledges.get()
    SignatureFactory.create_batch(3, pledge=pledge)
    coming = Series.objects.get().occurrences.order_by("starts_at").first()
    RsvpFactory(occurrence=coming)

    first_sign_in(page, organiser)
    check_current_page(page, "the dashboard")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    numbers = page.get_by_role("region", name="The campaign in numbers")
    expect(numbers.get_by_role("link", name="Confirmed signatures")).to_be_visible()

    open_from_dashboard(page, "Campaign content", "Demonstrations")
    page.get_by_role("link", name=Demonstration.objects.get().title).click()
    check_current_page(page, "the demonstration's form")
    page.get_by_label("Day of the week").select_option("TH")
    page.get_by_role("button", name="Save, or check the changes first").click()
    check_current_page(page, "the demonstration's preview")
    expect(page.get_by_text("Nothing is saved yet.")).to_be_visible()
    assert Demonstration.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=TU"
    page.get_by_role("button", name="Confirm: save and tell 1 person").click()
    expect(page.get_by_text("The demonstration is saved. 1 person was emailed.")).to_be_visible()
    assert Demonstration.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=TH"

    open_from_dashboard(page, "Brands and screening", "Brands")
    page.get_by_role("link", name="Import brands from a file").click()
    page.get_by_label("Brand list", exact=True).set_input_files(SAMPLE_BRANDS)
    page.get_by_role("button", name="Upload and preview").click()
    check_current_page(page, "the brands' preview")
    expect(page.get_by_text("Nothing has been imported yet.")).to_be_visible()
    page.get_by_role("button", name="Import these brands").click()
    expect(page.get_by_text("4 brands added, 0 updated and 0 unchanged")).to_be_visible()
    assert Brand.objects.count() == 4

    open_from_dashboard(page, "Brands and screening", "Lists to screen against")
    page.get_by_role("link", name="Import a list from a file").click()
    page.get_by_label("Entity list", exact=True).set_input_files(ENTITY_LIST)
    page.get_by_label("OpenSanctions’ targets.simple.csv, as downloaded").check()
    page.get_by_role("button", name="Upload and preview").click()
    check_current_page(page, "the entity list's preview")
    page.get_by_role("button", name="Import the 2 lists").click()
    expect(page.get_by_text("Imported targets.simple.csv as a new version.")).to_be_visible()
    assert EntityList.objects.get(slug="us_dhs_uflpa").current.entity_count == 3

    open_from_dashboard(page, "Brands and screening", "Screening results")
    page.get_by_role("link", name="Screen a supplier list").click()
    check_current_page(page, "screen a supplier list")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "suppliers.csv", "mimeType": "text/csv", "buffer": SUPPLIERS}],
    )
    page.get_by_role("button", name="Screen the list").click()
    page.wait_for_url("**/screening/results/**")
    check_current_page(page, "the screening results")
    assert page.locator("ul.status-counts li").all_inner_texts() == [
        "Likely match: 1", "Possible match: 0", "No match: 1"
    ]  # fmt: skip
    assert ScreeningRun.objects.get().row_count == 2

    open_from_dashboard(page, "Pledge signatures", "Signatures")
    run_action_on_all(page, "Invalidate the selected signatures (they leave the count)")
    check_current_page(page, "the invalidation's confirmation")
    page.get_by_label("Why they are taken out of the count").fill("Test sign-ups from a workshop")
    page.get_by_role("button", name="Take 3 signatures out of the count").click()
    expect(page.get_by_text("3 signatures taken out of the count.")).to_be_visible()
    assert pledge_count(pledge=pledge) == 0

    open_from_dashboard(page, "Pledge signatures", "Signatures taken out of the count")
    check_current_page(page, "the batches taken out of the count")
    page.get_by_role("link", name="Restore").click()
    page.get_by_role("button", name="Put back 3 signatures").click()
    expect(page.get_by_text("3 signatures put back.")).to_be_visible()
    assert pledge_count(pledge=pledge) == 3
