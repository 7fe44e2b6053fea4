"""Signing the pledge in a real browser, confirming through the email the task wrote."""

import re

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from actionhub.campaigns.models import Pledge
from actionhub.pledges.models import Signature
from actionhub.tests.browser import check_current_page, check_page, in_viewport

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kept_page", [False, True], ids=["rendered", "from-the-page-cache"])
def test_sign_confirm_and_thank_you_in_the_browser(campaign, page, settings, run_tasks, kept_page):
    settings.PLEDGE_MIN_FORM_SECONDS = 0
    if kept_page:
        # Another visitor has just seen the pledge: this one is served the page kept for them.
        settings.PAGE_CACHE_SECONDS = 10
        Client().get(f"/pledge/{Pledge.objects.get().slug}/")
    check_page(page, "/pledge/?source=hampstead-shul")
    expect(page.get_by_role("heading", name="Sign the pledge")).to_be_visible()

    page.get_by_role("button", name="Sign the pledge").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    check_current_page(page, "pledge form with errors", status=400)

    page.get_by_label("First name", exact=True).fill("Dilnur")
    page.get_by_label("Last name (optional)", exact=True).fill("Abdulla")
    page.get_by_label("Email address", exact=True).fill("dilnur@example.org")
    page.get_by_label("UK postcode", exact=True).fill("nw3 7ux")
    page.get_by_label("I sign this pledge", exact=True).check()
    page.get_by_label("Show my first name on the site", exact=True).check()
    page.get_by_role("button", name="Sign the pledge").click()

    page.wait_for_url("**/check-your-email/")
    check_current_page(page, "check your email")
    expect(page.get_by_text("We sent it to dilnur@example.org.")).to_be_visible()
    assert Signature.objects.get().source == "hampstead-shul"

    run_tasks()
    [message] = mail.outbox
    link = re.search(r"http://127\.0\.0\.1:8000(/pledge/\S+/confirm/\S+/)", message.body)[1]
    check_page(page, link)
    expect(page.get_by_role("heading", name="Confirm your signature")).to_be_visible()
    assert Signature.objects.get().status == Signature.Status.PENDING
    page.get_by_role("button", name="Confirm my signature").click()

    page.wait_for_url("**/thank-you/")
    check_current_page(page, "thank you")
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    assert (
        page.locator("#main")
        .get_by_role("link", name="Write to your MP")
        .get_attribute("href")
        .endswith("?postcode=NW3%207UX")
    )
    assert Signature.objects.get().status == Signature.Status.CONFIRMED

    check_page(page, link.replace("/confirm/", "/confirm/broken"), status=400)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()


def test_unsubscribe_and_erase_pages_in_the_browser(campaign, page):
    from actionhub.supporters.links import supporter_links
    from actionhub.supporters.tests.factories import PersonFactory

    links = supporter_links(person=PersonFactory())
    unsubscribe = links["unsubscribe"].removeprefix("http://127.0.0.1:8000")
    erase = links["erase"].removeprefix("http://127.0.0.1:8000")

    check_page(page, unsubscribe)
    page.get_by_role("button", name="Stop the emails").click()
    expect(page.get_by_role("heading", name="You will get no more campaign emails")).to_be_visible()
    check_current_page(page, "unsubscribed")

    check_page(page, erase)
    page.get_by_role("button", name="Erase my details").click()
    expect(page.get_by_role("heading", name="Your details are erased")).to_be_visible()
    check_current_page(page, "erased")

    check_page(page, erase, status=400)


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_error_summary_is_focused_and_seen_on_a_phone(
    campaign, browser, live_server, javascript
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto("/pledge/stop-uyghur-genocide/")
    with page.expect_response("**/pledge/stop-uyghur-genocide/") as response:
        page.get_by_role("button", name="Sign the pledge").click()
    assert response.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    # Focus moves to the summary, so a screen reader reads it out.
    expect(summary).to_be_focused()
    assert in_viewport(page, summary), "the summary is on the screen the page opens at"
    assert page.title().startswith("Error: ")

    link = summary.get_by_role("link", name="Enter your first name.")
    link.click()
    field = page.get_by_label("First name", exact=True)
    if javascript:  # the field itself takes focus
        expect(field).to_be_focused()
    expect(field).to_be_in_viewport(ratio=1)
    expect(page.locator("label[for=id_first_name]")).to_be_in_viewport(ratio=1)  # its label too

    sign = summary.get_by_role("link", name="Tick “I sign this pledge” to sign it.")
    assert sign.get_attribute("href") == "#id_sign"
    context.close()
