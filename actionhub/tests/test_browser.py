"""Every page in a real browser: no console errors, no axe violations, nothing from elsewhere."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionhub.campaigns.models import Appeal, EngagementPlan
from actionhub.staff.tests.factories import PASSWORD
from actionhub.staff.tests.totp import current_code
from actionhub.tests.browser import check_current_page, check_page
from actionhub.tests.pages import NOT_FOUND_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.browser


def organiser_pages() -> list[str]:
    appeal = Appeal.objects.get()
    plan = EngagementPlan.objects.get()
    return [
        reverse("admin:index"),
        reverse("admin:campaigns_appeal_changelist"),
        reverse("admin:campaigns_appeal_change", args=[appeal.pk]),
        reverse("admin:campaigns_engagementplan_change", args=[plan.pk]),
        reverse("admin:core_auditentry_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:pledges_signature_changelist"),
        reverse("admin:pledges_signature_report"),
        reverse("admin:letters_letter_changelist"),
        reverse("admin:letters_letter_report"),
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
    page.get_by_label("6-digit code").fill("12")
    page.get_by_role("button", name="Finish setting up and sign in").click()
    assert page.get_by_role("alert").get_by_text("Enter the code as 6 digits").is_visible()
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
    assert page.get_by_role("heading", name="Campaign administration").is_visible()


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
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_text("11 West Heath Road").first.is_visible()
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
            assert page.get_by_role("alert").is_visible()
            assert page.get_by_label("Username").input_value() == organiser.username
            check_current_page(page, "sign-in with an error")
    assert page.get_by_role("heading", name="Sign-in paused").is_visible()
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
    assert page.get_by_role("heading", name="Sorry, something went wrong").is_visible()
