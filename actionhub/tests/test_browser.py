"""Every page in a real browser: no console errors, no axe violations, nothing from elsewhere."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from actionhub.brands.importers import BrandImporter, OpenSanctionsImporter
from actionhub.brands.operations import import_preview
from actionhub.campaigns.models import (
    Appeal,
    Campaign,
    Demonstration,
    EngagementPlan,
    Page,
    Pledge,
)
from actionhub.events.models import Occurrence, Rsvp
from actionhub.events.schedule import occurrences_generate, series_sync_from_demonstration
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory
from actionhub.pledges.models import ExportRequest, Signature
from actionhub.pledges.operations import signatures_invalidate
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import PASSWORD, OrganiserFactory
from actionhub.staff.tests.totp import current_code
from actionhub.supporters.tests.factories import PersonFactory
from actionhub.tests.browser import check_current_page, check_page, enter_setup_code, in_viewport
from actionhub.tests.pages import NOT_FOUND_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.browser
BRANDS = Path(__file__).resolve().parents[1] / "brands"
FIXTURES = BRANDS / "tests" / "fixtures"
SAMPLE_BRANDS = BRANDS / "static" / "brands" / "brands-sample.csv"
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def organiser_pages() -> list[str]:
    appeal = Appeal.objects.get()
    plan = EngagementPlan.objects.get()
    return [
        reverse("admin:index"),
        reverse("admin:campaigns_appeal_changelist"),
        reverse("admin:campaigns_appeal_change", args=[appeal.pk]),
        reverse("admin:campaigns_engagementplan_change", args=[plan.pk]),
        reverse("admin:campaigns_page_change", args=[Page.objects.order_by("pk").first().pk]),
        reverse("admin:campaigns_demonstration_change", args=[Demonstration.objects.get().pk]),
        reverse("admin:core_auditentry_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:pledges_signature_changelist"),
        reverse("admin:pledges_signature_report"),
        reverse("admin:letters_letter_changelist"),
        reverse("admin:letters_letter_report"),
        *signature_pages(),
        *event_pages(),
        *import_pages(),
    ]


def signature_pages() -> list[str]:
    """Signatures taken out of the count and put back; exports waiting for approval."""
    organiser = get_user_model().objects.get(username="organiser")
    SignatureFactory.create_batch(2, pledge=Pledge.objects.get())
    batch = signatures_invalidate(
        actor=organiser, signatures=Signature.objects.all(), reason="Sign-ups from one address"
    )
    colleague = OrganiserFactory(username="colleague")
    later = timezone.now() + timedelta(hours=24)
    asked = ExportRequest.objects.create(
        requester=colleague, reason="The hand-in at the MP's office", count=150, expires_at=later
    )
    approved = ExportRequest.objects.create(
        requester=organiser, reason="The hand-in", count=120, expires_at=later,
        status=ExportRequest.Status.APPROVED, approver=colleague, decided_at=timezone.now(),
    )  # fmt: skip
    return [
        reverse("admin:pledges_invalidationbatch_changelist"),
        reverse("admin:pledges_invalidationbatch_restore", args=[batch.pk]),
        reverse("admin:pledges_exportrequest_changelist"),
        reverse("admin:pledges_exportrequest_decide", args=[asked.pk]),
        reverse("admin:pledges_exportrequest_download", args=[approved.pk]),
    ]


def import_pages() -> list[str]:
    """The pages to import brands and entity lists, and a preview of each (the organiser's)."""
    organiser = get_user_model().objects.get(username="organiser")
    data = (FIXTURES / "targets.simple.csv").read_bytes()
    lists = OpenSanctionsImporter(data=data, filename="targets.simple.csv")
    brands = BrandImporter(data=SAMPLE_BRANDS.read_bytes(), filename="brands-sample.csv",
                           campaign=Campaign.objects.get(is_default=True))  # fmt: skip
    previews = [
        import_preview(importer=importer, actor=organiser)[1] for importer in (lists, brands)
    ]
    return [
        reverse("admin:brands_brand_import"),
        reverse("admin:brands_brand_import_preview", args=[previews[1].pk]),
        reverse("admin:brands_entitylist_changelist"),
        reverse("admin:brands_entitylist_import"),
        reverse("admin:brands_entitylist_import_preview", args=[previews[0].pk]),
    ]


def demonstration_dates() -> tuple[Occurrence, Occurrence]:
    """The demonstration's next date, with people coming, waiting and walked in; and a past one."""
    series = series_sync_from_demonstration(demonstration=Demonstration.objects.get())
    occurrences_generate(series=series)
    coming = series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    RsvpFactory(occurrence=coming, guests=2)
    RsvpFactory(occurrence=coming, attended_at=timezone.now())
    RsvpFactory(occurrence=coming, status=Rsvp.Status.WAITING,
                person=PersonFactory(first_name="Dilnur", last_name="Abdulla"))  # fmt: skip
    RsvpFactory(occurrence=coming, person=None, email_normalised="", first_name="Sam",
                last_name="K", walk_in=True, attended_at=timezone.now())  # fmt: skip
    past = OccurrenceFactory(series=series, date=coming.date - timedelta(weeks=1))
    RsvpFactory(occurrence=past, attended_at=past.starts_at)
    return coming, past


def event_pages() -> list[str]:
    coming, past = demonstration_dates()
    return [
        reverse("admin:events_series_changelist"),
        reverse("admin:events_series_change", args=[coming.series_id]),
        reverse("admin:events_occurrence_changelist"),
        reverse("admin:events_occurrence_changelist") + "?when=past",
        reverse("admin:events_occurrence_change", args=[coming.pk]),
        reverse("admin:events_occurrence_check_in", args=[coming.pk]),
        reverse("admin:events_occurrence_cancel", args=[coming.pk]),
        reverse("admin:events_occurrence_move", args=[coming.pk]),
        reverse("admin:events_occurrence_attendance"),
        reverse("admin:events_occurrence_changelist") + "?notes=missing",
    ]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_in_the_browser(campaign, page, url):
    check_page(page, url, status=404 if url == NOT_FOUND_PAGE else 200)
    assert page.locator("h1").count() == 1


def sign_in(page, organiser):
    page.goto("/organisers/sign-in/?next=/admin/")
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_first_sign_in_and_every_organiser_page(campaign, organiser, page):
    sign_in(page, organiser)
    page.wait_for_url("**/organisers/sign-in/set-up/")
    check_page(page, "/organisers/sign-in/set-up/")
    page.get_by_label("Set-up code").fill("WRONG-CODE")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_text("There is no set-up code")).to_be_visible()
    check_current_page(page, "set-up code page with an error", status=400)
    enter_setup_code(page, organiser)
    check_current_page(page, "set-up page")
    page.get_by_label("6-digit code").fill("12")
    page.get_by_role("button", name="Finish setting up and sign in").click()
    expect(page.get_by_role("alert").get_by_text("Enter the code as 6 digits")).to_be_visible()
    check_current_page(page, "set-up page with an error")

    device = TOTPDevice.objects.get(user=organiser)
    page.get_by_label("6-digit code").fill(current_code(device))
    page.get_by_role("button", name="Finish setting up and sign in").click()
    page.wait_for_url("**/admin/")

    for url in organiser_pages():
        check_page(page, url)
        assert page.url.endswith(url), "the page itself, not a redirect elsewhere"


def test_the_code_page_for_a_returning_organiser(campaign, organiser, organiser_device, page):
    sign_in(page, organiser)
    page.wait_for_url("**/organisers/sign-in/code/")
    check_page(page, page.url)
    page.get_by_label("6-digit code").fill(current_code(organiser_device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def sign_in_with_code(page, organiser, device):
    sign_in(page, organiser)
    page.wait_for_url("**/organisers/sign-in/code/")
    page.get_by_label("6-digit code").fill(current_code(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("width", [390, 1280])
def test_changing_the_demonstration_with_its_preview(
    campaign, organiser, organiser_device, page, width
):
    page.set_viewport_size({"width": width, "height": 900})
    demonstration_dates()
    sign_in_with_code(page, organiser, organiser_device)
    url = reverse("admin:campaigns_demonstration_change", args=[Demonstration.objects.get().pk])
    check_page(page, url)
    preview = page.locator(".markdown-preview-body").first
    expect(preview.locator("p").first).to_be_visible()
    page.get_by_label("Description").fill("**Bring** a <script>alert(1)</script> placard")
    expect(preview.locator("strong")).to_have_text("Bring")
    assert preview.locator("script").count() == 0
    page.get_by_label("Day of the week").select_option("WE")
    page.get_by_role("button", name="Save, or check the changes first").click()
    expect(page.get_by_role("heading", name="Who will be told")).to_be_visible()
    check_current_page(page, "the demonstration's preview")
    page.get_by_role("button", name="Confirm: save and tell 3 people").click()
    expect(page.get_by_text("The demonstration is saved. 3 people were emailed.")).to_be_visible()
    assert Demonstration.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=WE"


def test_checking_people_in_on_a_phone(campaign, organiser, organiser_device, page):
    coming, _ = demonstration_dates()
    url = reverse("admin:events_occurrence_check_in", args=[coming.pk])
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_with_code(page, organiser, organiser_device)
    check_page(page, url)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for button in page.locator(".checkin button").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, button.inner_text()

    page.get_by_role("button", name="Check in Miriam C.").click()
    page.wait_for_url(f"**{url}#rsvp-*")
    row = page.locator(page.url[page.url.index("#") :])
    expect(row.get_by_text("Here since")).to_be_visible()
    expect(row.get_by_role("button", name="Undo the check-in of Miriam C.")).to_be_visible()
    check_current_page(page, "check-in after checking someone in")

    page.get_by_role("button", name="Add and check in").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    check_current_page(page, "check-in with a walk-in error", status=400)


def test_check_in_works_without_javascript(
    campaign, organiser, organiser_device, browser, live_server
):
    coming, _ = demonstration_dates()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_with_code(page, organiser, organiser_device)
    page.goto(reverse("admin:events_occurrence_check_in", args=[coming.pk]))

    page.get_by_role("button", name="Check in Dilnur A.").click()
    expect(page.get_by_text("Dilnur A. checked in.")).to_be_visible()
    page.get_by_label("First name").fill("Ayesha")
    page.get_by_label("Last initial (optional)").fill("b")
    page.get_by_label("With them").fill("1")
    page.get_by_role("button", name="Add and check in").click()
    expect(page.get_by_text("Ayesha B. added as a walk-in and checked in.")).to_be_visible()
    context.close()

    assert Rsvp.objects.get(first_name="Dilnur").attended_at is not None
    assert Rsvp.objects.get(first_name="Ayesha", walk_in=True, guests=1).attended_at is not None


def test_the_skip_link_moves_keyboard_focus_to_the_content(campaign, page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript(campaign, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/demonstration/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("11 West Heath Road").first).to_be_visible()
    page.get_by_role("link", name="Appeal").click()
    assert "/appeal/" in page.url
    context.close()


def test_the_layout_fits_a_small_phone_without_sideways_scrolling(campaign, page):
    page.set_viewport_size({"width": 320, "height": 640})
    for url in ["/", "/get-involved/", "/demonstration/", "/write-to-your-mp/general/"]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, url


def test_the_wrong_password_and_lockout_pages(campaign, organiser, page, settings):
    page.goto("/organisers/sign-in/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill(organiser.username)
        page.get_by_label("Password").fill(f"wrong guess {attempt}")
        page.get_by_role("button", name="Continue").click()
        if attempt == 0:
            expect(page.get_by_role("alert")).to_be_visible()
            assert page.get_by_label("Username").input_value() == organiser.username
            check_current_page(page, "sign-in with an error")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    # The browser logs the lockout's 429 status itself: that is the only error allowed.
    page.watch.console_errors.remove(
        next(error for error in page.watch.console_errors if "status of 429" in error)
    )
    check_current_page(page, "locked out")


def test_the_server_error_page(campaign, page, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault for this test")

    monkeypatch.setattr("actionhub.campaigns.views.campaign_get_default", broken)
    check_page(page, "/", status=500)
    expect(page.get_by_role("heading", name="Sorry, something went wrong")).to_be_visible()


@time_machine.travel(MONDAY, tick=True)
@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "laptop"])
def test_the_home_page_opens_with_what_to_do_now(campaign, page, size):
    Appeal.objects.update(target=5000, raised=1250)
    SignatureFactory.create_batch(2, pledge=campaign.pledges.get())
    page.set_viewport_size({"width": size[0], "height": size[1]})
    check_page(page, "/")

    act_now = page.get_by_role("region", name="Act now")
    first_screen = {
        "the pledge's count": act_now.get_by_text("2 people have signed."),
        "the sign button": act_now.get_by_role("link", name="Sign the pledge", exact=True),
        "the next demonstration": act_now.get_by_text("Tuesday 1 December, 18:00–19:00"),
        "the link to say you are coming": act_now.get_by_role("link", name="Say you are coming"),
        "the appeal's progress": act_now.get_by_text("£1,250 raised of a £5,000 target."),
        "the appeal's bar": act_now.get_by_role("progressbar"),
    }
    for name, locator in first_screen.items():
        assert in_viewport(page, locator), f"{name} is on the first screen"

    act_now.get_by_role("link", name="Say you are coming").click()
    page.wait_for_url("**/events/weekly-demonstration/2026-12-01/")
    expect(page.get_by_role("heading", name="Say you are coming")).to_be_visible()


def test_the_home_page_leaves_out_an_appeal_without_a_target(campaign, page):
    check_page(page, "/")
    act_now = page.get_by_role("region", name="Act now")
    expect(act_now.get_by_role("link", name="Sign the pledge", exact=True)).to_be_visible()
    assert act_now.get_by_role("progressbar").count() == 0
