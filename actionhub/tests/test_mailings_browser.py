"""Campaign emails in a real browser, on a phone and a laptop: writing one (a mistake is shown
beside its field), previewing both parts, sending it now and reading the figures, and a second
organiser approving one to more people than one organiser may send to alone. Each page on the
way is checked as every page is (axe, no console errors, nothing from elsewhere, nothing
sticking out sideways)."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from actionhub.mailings.models import Mailing
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.tests.browser import check_current_page, sign_in_organiser
from actionhub.tests.conftest import PageWatch

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]
ADD = "/admin/mailings/mailing/add/"
FRAME = "iframe[title='The email as most mail programs show it']"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.MAILING_MESSAGES_PER_SECOND = 0


def url(mailing, page=""):
    return f"/admin/mailings/mailing/{mailing.pk}/{page}"


def colleague(username):
    """An organiser (not a superuser) with their authenticator, who may send and approve."""
    _, user = organiser_in_role(username)
    return user, TOTPDevice.objects.get(user=user)


def situation(page):
    """The box above a mailing's form that says where it stands."""
    return page.locator(".mailing-situation")


def figure(page, label):
    """The number beside `label` in the table of messages so far."""
    table = page.get_by_role("table", name="Messages so far")
    return table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )


@pytest.fixture
def another_page(browser, live_server):
    """A second organiser's own browser, signed in apart from the first."""
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    other.watch = PageWatch(other)
    yield other
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_writing_a_mailing_shows_each_mistake_beside_its_field(campaign, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    hearing_more(), hearing_more()
    writer, device = colleague("writer")
    sign_in_organiser(page, writer, device, next_url=ADD)
    check_current_page(page, "the form to write a mailing")

    page.get_by_label("Subject").fill("Demonstrate with us on Sunday")
    page.get_by_label("Body").fill("Join us at **2pm**. <script>alert(1)</script>")
    preview = page.locator(".markdown-preview-body")
    expect(preview.locator("strong")).to_have_text("2pm")  # the preview beside it, as typed
    assert preview.locator("script").count() == 0
    page.get_by_label("On or after").fill("20/11/2026")
    page.get_by_label("On or before").fill("01/11/2026")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_text("Please correct the errors below.")).to_be_visible()
    body = page.locator(".form-row.field-body")
    expect(body.get_by_text("Write the email in Markdown, without HTML")).to_be_visible()
    until = page.locator(".form-row.field-until")
    expect(until.get_by_text("The last day must be on or after the first day.")).to_be_visible()
    expect(page.get_by_label("On or before")).to_have_accessible_description(
        re.compile("The last day must be on or after the first day.")
    )
    expect(page.get_by_label("Subject")).to_have_value("Demonstrate with us on Sunday")
    check_current_page(page, "the form with its mistakes")
    assert not Mailing.objects.exists()

    page.get_by_label("Body").fill("## This Sunday\n\nJoin us outside the embassy at **2pm**.")
    page.get_by_label("On or before").fill("")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    expect(situation(page).get_by_role("heading", name="Draft")).to_be_visible()
    expect(situation(page)).to_contain_text("If sent now, it goes to 2 people")
    check_current_page(page, "the draft")
    assert Mailing.objects.get().created_by == writer


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preview_frames_the_email_and_shows_its_plain_text(campaign, page, run_tasks, width):
    page.set_viewport_size({"width": width, "height": 900})
    hearing_more()
    mailing = MailingFactory(body="## Sunday\n\nBring a **friend**.")
    writer, device = colleague("writer")
    sign_in_organiser(page, writer, device, next_url=url(mailing, "change/"))
    page.get_by_role("link", name="Preview and send a test").click()
    expect(
        page.get_by_role("heading", name="Preview: Demonstrate with us on Sunday")
    ).to_be_visible()
    check_current_page(page, "the preview")

    envelope = page.locator(".mailing-envelope")
    expect(envelope).to_contain_text("Everyone who agreed to hear more: 1 person now")
    email = page.frame_locator(FRAME)
    expect(email.get_by_role("heading", name="Sunday")).to_be_visible()
    expect(email.locator("strong")).to_have_text("friend")
    expect(email.get_by_role("link", name="Stop emails about this campaign")).to_be_visible()
    frame = page.locator(FRAME).bounding_box()
    assert frame["width"] <= width and 320 <= frame["height"] <= 0.8 * 900, "room to scroll past"
    text = page.locator("pre.mailing-text")
    expect(text).to_contain_text("Bring a **friend**.")
    expect(text).to_contain_text("(your unsubscribe link)")

    page.get_by_role("button", name="Send a test to writer@example.org").click()
    expect(page.get_by_text("A test is on its way to writer@example.org")).to_be_visible()
    check_current_page(page, "the preview after a test")
    run_tasks()
    [test] = mail.outbox
    assert test.to == ["writer@example.org"]
    assert test.subject == "[Test] Demonstrate with us on Sunday"


@pytest.mark.parametrize("width", WIDTHS)
def test_sending_now_and_the_figures_after(campaign, page, run_tasks, width):
    page.set_viewport_size({"width": width, "height": 900})
    people = [hearing_more() for _ in range(3)]
    mailing = MailingFactory()
    writer, device = colleague("writer")
    sign_in_organiser(page, writer, device, next_url=url(mailing, "change/"))
    page.get_by_role("link", name="Send…").click()
    expect(page.get_by_role("heading", name="Send “Demonstrate with us on Sunday”")).to_be_visible()
    expect(page.get_by_text("To: Everyone who agreed to hear more: 3 people now.")).to_be_visible()
    check_current_page(page, "the send page")

    page.get_by_label("At a time I choose").check()
    page.get_by_role("button", name="Send to 3 people").click()
    expect(page.get_by_role("alert").get_by_text("Enter when to send it")).to_be_visible()
    field = page.locator(".field-error", has=page.get_by_label("Date and time"))
    expect(field.get_by_text("Enter when to send it, or choose “Now”.")).to_be_visible()
    check_current_page(page, "the send page with a mistake", status=400)

    page.get_by_label("Now").check()
    page.get_by_role("button", name="Send to 3 people").click()
    expect(page.get_by_text("Sending has started")).to_be_visible()
    check_current_page(page, "the mailing once sending is asked for")
    run_tasks()
    page.reload()
    expect(situation(page).get_by_role("heading", name="Sent")).to_be_visible()
    expect(figure(page, "Sent").get_by_role("cell")).to_have_text("3")
    expect(figure(page, "Failed").get_by_role("cell")).to_have_text("0")
    expect(situation(page)).to_contain_text("No opens or clicks are counted")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    check_current_page(page, "the mailing once sent")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_second_organiser_approves_a_large_mailing(
    campaign, page, another_page, run_tasks, settings, width
):
    settings.MAILING_APPROVAL_ABOVE = 2
    for _ in range(3):
        hearing_more()
    mailing = MailingFactory()
    writer, device = colleague("writer")
    second, second_device = colleague("second")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_organiser(page, writer, device, next_url=url(mailing, "send/"))
    expect(page.get_by_text("so another organiser approves it first")).to_be_visible()
    check_current_page(page, "the send page of a large mailing")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_text("Another organiser must approve this email")).to_be_visible()
    waiting = "Waiting for a second organiser's approval"
    expect(situation(page).get_by_role("heading", name=waiting)).to_be_visible()
    expect(situation(page)).to_contain_text("It will be sent as soon as they do.")
    expect(page.get_by_role("link", name="Approve…")).to_have_count(0)
    check_current_page(page, "the mailing waiting for approval")
    assert mail.outbox == []

    another_page.set_viewport_size({"width": width, "height": 900})
    sign_in_organiser(another_page, second, second_device, next_url=url(mailing, "change/"))
    check_current_page(another_page, "the mailing as the second organiser sees it")
    another_page.get_by_role("link", name="Approve…").click()
    heading = "Approve “Demonstrate with us on Sunday”"
    expect(another_page.get_by_role("heading", name=heading)).to_be_visible()
    expect(another_page.get_by_text("writer asks to send this email")).to_be_visible()
    expect(another_page.get_by_role("link", name="Read the email in the preview")).to_be_visible()
    check_current_page(another_page, "the approval page")
    another_page.get_by_role("button", name="Approve and send").click()
    expect(another_page.get_by_text("Approved: it is sent at the time chosen.")).to_be_visible()

    run_tasks()
    another_page.reload()
    expect(situation(another_page).get_by_role("heading", name="Sent")).to_be_visible()
    expect(figure(another_page, "Sent").get_by_role("cell")).to_have_text("3")
    check_current_page(another_page, "the approved mailing once sent")
    mailing.refresh_from_db()
    assert (mailing.status, mailing.approved_by) == (Mailing.Status.SENT, second)
    assert len(mail.outbox) == 3
