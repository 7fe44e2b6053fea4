"""What every page must satisfy in the browser, for the browser tests to check."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from actionhub.staff.services import staff_setup_code_issue
from actionhub.staff.tests.factories import PASSWORD
from actionhub.staff.tests.totp import current_code

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def check_page(page, url, status=200):
    """Open `url` and assert what every page must satisfy."""
    response = page.goto(url)
    assert response is not None and response.status == status, url
    check_current_page(page, url, status)
    return response


def check_current_page(page, url, status=200):
    page.wait_for_load_state("networkidle")
    # Console errors are read before axe runs: axe's own probes may trip the page's CSP.
    errors = list(page.watch.console_errors)
    if status >= 400:  # the browser reports the page's own status; nothing else may fail
        errors.remove(next(error for error in errors if f"status of {status}" in error))
    assert errors == [], url
    assert page.watch.outside_requests == [], url
    assert fits_the_screen(page), f"{url} scrolls sideways"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{url}\n{results.generate_report()}"
    page.watch.console_errors.clear()


def in_viewport(page, locator) -> bool:
    """Whether the element is wholly on the screen as it is scrolled now."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: the page never scrolls horizontally at its width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def enter_setup_code(page, organiser):
    """The one-time set-up code the organiser was given with the account."""
    page.get_by_label("Set-up code").fill(staff_setup_code_issue(user=organiser))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".qr svg")).to_be_visible()


def sign_in_organiser(page, organiser, device, next_url="/admin/"):
    """Sign in through the two steps as a person does: password, then the authenticator's code."""
    page.goto(f"/organisers/sign-in/?next={next_url}")
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/organisers/sign-in/code/")
    page.get_by_label("6-digit code").fill(current_code(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def run_action_on_all(page, action, every_page=False):
    """On the list open now: select every row (of every page), choose `action` and run it."""
    page.locator("#action-toggle").check()
    if every_page:
        page.locator(".actions .question a").click()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Run the selected action").or_(
        page.get_by_role("button", name="Go")
    ).first.click()
