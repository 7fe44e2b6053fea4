"""Writing to an MP in a real browser, for each way of sending, reading the emails the tasks
write, with axe on every page of the way."""

import io
import re
from datetime import timedelta

import docx
import pypdf
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from actionhub.letters.models import Letter
from actionhub.letters.services import letters_send_follow_ups
from actionhub.tests.browser import check_current_page, check_page

pytestmark = pytest.mark.browser
OWN_WORDS = "My family left Kashgar in 1998 and we have not heard from my aunt since 2017."


def write_the_letter(page):
    """From the letters page (postcode carried from the pledge) to the details step."""
    check_page(page, "/write-to-your-mp/?postcode=NW3%207UX")
    page.get_by_role("link", name="Write this letter").first.click()
    check_current_page(page, "letter: postcode step")
    assert page.get_by_label("Your postcode").input_value() == "NW3 7UX"
    page.get_by_role("button", name="Find my MP").click()

    page.wait_for_url("**/write/")
    check_current_page(page, "letter: write step")
    assert page.get_by_text("Your MP is Alex Example (Demo Party), MP for Hampstead and Highgate")
    body = page.get_by_label("Your letter")
    assert body.input_value().startswith("Dear Alex Example,\n\nI am writing as your constituent")
    assert page.locator("[data-share]").inner_text() == "0%"
    body.fill(body.input_value().replace("[say why in your own words]", OWN_WORDS))
    expect(page.locator("[data-share]")).not_to_have_text("0%")  # counted as they type
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/send/")
    check_current_page(page, "letter: details step")
    expect(page.get_by_text("of your letter is in your own words")).to_be_visible()
    page.get_by_label("Full name", exact=True).fill("Dilnur Abdulla")
    page.get_by_label("Postal address", exact=True).fill("11 Example Road\nLondon")


def test_sending_through_the_site_with_confirmation_and_the_follow_up(
    campaign, mp, page, run_tasks
):
    write_the_letter(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    check_current_page(page, "letter: details with errors", status=400)

    page.get_by_label("Email address", exact=True).fill("dilnur@example.org")
    page.get_by_label("Send it through this site").check()
    page.get_by_label("Pass my name, postal address").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/check-your-email/")
    check_current_page(page, "letter: check your email")
    run_tasks()
    [confirmation] = mail.outbox
    link = re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/\S+/)", confirmation.body)[1]
    check_page(page, link)
    expect(page.get_by_text(OWN_WORDS)).to_be_visible()
    page.get_by_role("button", name="Send my letter to Alex Example").click()

    expect(page.get_by_role("heading", name="Your letter is on its way")).to_be_visible()
    check_current_page(page, "letter: on its way")
    run_tasks()
    [to_mp] = [m for m in mail.outbox if m.to == ["alex.example.mp@parliament.example"]]
    assert OWN_WORDS in to_mp.body
    assert to_mp.reply_to == ["Dilnur Abdulla <dilnur@example.org>"]

    letters_send_follow_ups(now=timezone.now() + timedelta(days=14, minutes=1))
    run_tasks()
    [question] = [m for m in mail.outbox if "reply to your letter" in m.subject]
    reply = re.search(r"http://127\.0\.0\.1:8000(/letters/reply/\S+/)", question.body)[1]
    check_page(page, reply)
    page.get_by_label("My MP replied").check()
    page.get_by_label("Their reply (optional)").fill("Thank you for your letter.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_current_page(page, "letter: reply recorded")
    assert Letter.objects.get().reply == Letter.Reply.REPLIED


def test_sending_from_my_own_email(campaign, mp, page):
    write_the_letter(page)
    page.get_by_label("Send it from my own email").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/letters/*/")
    check_current_page(page, "letter: ready, own email")
    href = page.get_by_role("link", name="Open it in my email program").get_attribute("href")
    assert href.startswith("mailto:alex.example.mp@parliament.example?subject=")
    assert "Kashgar%20in%201998" in href
    assert OWN_WORDS in page.get_by_label("The text of your letter, to copy").input_value()
    assert mail.outbox == []


def test_downloading_it_to_print_and_post(campaign, mp, page):
    write_the_letter(page)
    page.get_by_label("Download it as a Word document or PDF").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/letters/*/")
    check_current_page(page, "letter: ready, download")
    with page.expect_download() as word:
        page.get_by_role("link", name="Download as a Word document (.docx)").click()
    document = docx.Document(word.value.path())
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert OWN_WORDS in text and "Alex Example MP" in text
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as a PDF").click()
    reader = pypdf.PdfReader(io.BytesIO(open(pdf.value.path(), "rb").read()))  # noqa: SIM115
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Alex Example MP" in pdf_text and "have not heard from my aunt" in pdf_text


def test_the_flow_s_error_pages_pass_axe(campaign, mp, page):
    check_page(page, "/write-to-your-mp/uyghur-women/")
    page.get_by_label("Your postcode").fill("JE2 3AB")
    page.get_by_role("button", name="Find my MP").click()
    expect(page.get_by_text("which is not part of the UK").first).to_be_visible()
    check_current_page(page, "letter: postcode error", status=400)

    check_page(page, "/letters/confirm/not-a-real-link/", status=400)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    check_page(page, "/letters/reply/not-a-real-link/", status=400)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
