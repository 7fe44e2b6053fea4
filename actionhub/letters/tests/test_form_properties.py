"""Each step of a letter, to an MP and to a brand, under blank optional fields and hostile text."""

import io
import re
import unicodedata
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

import docx
import pypdf
import pytest
from django.test import Client
from hypothesis import example, given

from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.models import OutboundEmail
from actionhub.core.tests.hostile import (
    assert_clear_error,
    assert_escaped,
    assert_no_server_error,
    deliver_queued_emails,
    form_data,
    one_example,
    rows_of,
)
from actionhub.letters.models import Letter
from actionhub.letters.tests.conftest import OWN_WORDS, own_body
from actionhub.supporters.models import Consent, Person

START, WRITE, SEND = (f"/write-to-your-mp/general/{step}" for step in ("", "write/", "send/"))
MODELS = (Person, Letter, Consent, OutboundEmail)
BY_SITE = {
    "name": "Ruth Cohen", "address": "12 Example Road\nLondon", "email": "ruth@example.org",
    "delivery": "site", "pass_to_mp": "on", "campaign_emails": "on", "website": "",
}  # fmt: skip
# To print and post: no email needed (nor, without one, the campaign's emails).
TO_POST = {key: value for key, value in BY_SITE.items() if key != "campaign_emails"} | {
    "delivery": "download"
}
TO_BRAND = {key: value for key, value in BY_SITE.items() if key != "address"}
# Handed over at once (from the supporter's own email, or printed), with the letter typed too.
LETTER = {"subject": "Uyghurs", "body": f"Dear Alex,\n\n{OWN_WORDS}"}
OWN_EMAIL = BY_SITE | {"delivery": "own-email"}
DOWNLOAD = BY_SITE | {"delivery": "download"}
HANDED_OVER_OPTIONAL = {"email", "pass_to_mp", "campaign_emails", "website"}
MP_EMAIL = "alex.example.mp@parliament.example"
BRAND_EMAIL = "ask@threadwell.example"


@pytest.fixture(autouse=True)
def _only_local_lookups(settings):
    settings.POSTCODE_LOOKUP_BACKEND = "local"


@pytest.fixture
def brand(campaign):
    return BrandFactory(name="Threadwell", slug="threadwell", contact_email=BRAND_EMAIL)


def written(template) -> Client:
    """A browser that has been through the postcode and the letter steps."""
    browser = Client()
    assert browser.post(START, {"postcode": "NW3 7UX"}).status_code == 303
    letter = {"subject": template.subject, "body": own_body(template)}
    assert browser.post(WRITE, letter).status_code == 303
    return browser


def nothing_kept():
    return rows_of(*MODELS) == dict.fromkeys(rows_of(*MODELS), 0)


def assert_letter_kept(browser, data, recipient_label):
    """The letter, with the name and address as typed (tidied), mail that can be delivered,
    and pages that show what was typed escaped."""
    letter = Letter.objects.get()
    assert letter.sender_name == " ".join(data["name"].split())
    assert (letter.person is not None) == bool(data.get("email"))
    assert not Consent.objects.exists(), "nothing is agreed before confirmation"
    for message in deliver_queued_emails():
        assert recipient_label in message.subject
        link = re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/\S+/)", message.body)
        page = browser.get(link[1])
        assert page.status_code == 200
        assert_escaped(page.content.decode(), *data.values())


@given(postcode=form_data(valid={"postcode": "NW3 7UX"}))
def test_the_postcode_step_never_fails(mp, template, postcode):
    with one_example():
        response = Client().post(START, postcode)

        assert_no_server_error(response)
        if response.status_code != 303:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *postcode.values())


@given(letter=form_data(valid={"subject": "Uyghurs", "body": f"Dear Alex,\n\n{OWN_WORDS}"}))
def test_the_letter_step_keeps_one_line_subjects_and_the_letter_as_typed(mp, template, letter):
    with one_example():
        browser = Client()
        browser.post(START, {"postcode": "NW3 7UX"})
        response = browser.post(WRITE, letter)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *letter.values())
            return
        assert response.status_code == 303
        page = browser.get(SEND).content.decode()
        assert_escaped(page, *letter.values())
        draft = browser.session["letter_drafts"]["general"]
        assert "\n" not in draft["subject"] and "\r" not in draft["subject"]
        assert "\r" not in draft["body"]


@given(
    details=form_data(valid=BY_SITE, optional={"campaign_emails", "website"}, hostile=False)
    | form_data(valid=TO_POST, optional={"email", "pass_to_mp", "website"}, hostile=False)
)
def test_every_mix_of_optional_details_left_blank_is_accepted(mp, template, details):
    with one_example():
        browser = written(template)
        response = browser.post(SEND, details)

        assert response.status_code == 303
        assert_letter_kept(browser, details, "Alex Example")


@given(details=form_data(valid=BY_SITE, optional={"campaign_emails", "website"}))
def test_hostile_details_get_a_clear_message_or_are_kept_escaped(mp, template, details):
    with one_example():
        browser = written(template)
        response = browser.post(SEND, details)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert nothing_kept()
            assert_escaped(response.content.decode(), *details.values())
        elif details.get("website"):
            assert nothing_kept(), "robots leave nothing"
        else:
            assert response.status_code == 303
            assert_letter_kept(browser, details, "Alex Example")


def typed_letter(data) -> tuple[str, str]:
    """The subject and letter as the write step keeps them: one line, and the letter with its
    line breaks made plain and the blank ends trimmed."""
    body = data["body"].replace("\r\n", "\n").replace("\r", "\n")
    return " ".join(data["subject"].split()), body.strip()


def through_both_steps(data) -> tuple[Client, object]:
    """Type the letter, then the details, as a supporter does; the last response."""
    browser = Client()
    assert browser.post(START, {"postcode": "NW3 7UX"}).status_code == 303
    wrote = browser.post(WRITE, {key: data[key] for key in LETTER})
    if wrote.status_code != 303:
        return browser, wrote
    return browser, browser.post(SEND, {k: v for k, v in data.items() if k not in LETTER})


def text_to_copy(page: str) -> str:
    box = page.split('id="letter-text"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return unescape(box)


def assert_handed_over(browser, response, data, *, delivery, subject, body) -> tuple:
    """Kept at once, as typed: the letter, the sender's name and address, a person only with
    an email address, and an email only to confirm the campaign's emails (agreed on confirming,
    not before). Returns the letter, its page and the text to copy."""
    letter = Letter.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/letters/{letter.pk}/"
    assert (letter.delivery, letter.status) == (delivery, Letter.Status.HANDED_OVER)
    assert (letter.subject, letter.body) == (subject, body)
    assert letter.sender_name == " ".join(data["name"].split())
    assert (letter.person is not None) == bool(data.get("email"))
    wants_emails = bool(data.get("campaign_emails") and data.get("email"))
    assert letter.campaign_emails == wants_emails
    assert not Consent.objects.exists(), "nothing is agreed before confirmation"

    ready = browser.get(response["Location"])
    assert ready.status_code == 200
    page = ready.content.decode()
    assert_escaped(page, *data.values())
    text = text_to_copy(page)
    assert text.startswith(body)
    assert letter.sender_name in text

    messages = deliver_queued_emails()
    assert len(messages) == wants_emails
    for message in messages:
        link = re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/\S+/)", message.body)
        assert_escaped(browser.get(link[1]).content.decode(), *data.values())
        assert browser.post(link[1]).status_code == 200
    purposes = set(Consent.objects.values_list("purpose", flat=True))
    assert purposes == ({Consent.Purpose.CAMPAIGN_EMAILS} if wants_emails else set())
    return letter, page, text


def assert_the_email_link_carries_the_letter(page, text, *, to, subject):
    """The "Open it in my email program" link: to the address in our data, with the subject
    and the whole letter, every character encoded so nothing typed adds a header or cuts it."""
    link = unescape(page.split('href="mailto:', 1)[1].split('"', 1)[0])
    assert not re.search(r"\s", link)
    parts = urlsplit(f"mailto:{link}")
    assert unquote(parts.path) == to
    query = parse_qs(parts.query)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == [subject]
    assert query["body"] == [text.replace("\n", "\r\n")]


def squashed(text: str) -> str:
    return "".join(text.split())


def seen(text: str) -> str:
    """Text without the code points that show nothing: noncharacters and unassigned ones."""
    return "".join(char for char in text if unicodedata.category(char) != "Cn")


def assert_the_downloads_print_the_letter(browser, letter, page):
    """The Word document has every line kept (name, address, subject, letter); the PDF is
    offered only when its font can show everything typed, and then prints."""
    word = browser.get(f"/letters/{letter.pk}/letter.docx")
    assert word.status_code == 200
    paragraphs = docx.Document(io.BytesIO(word.content)).paragraphs
    printed = seen("\n".join(paragraph.text for paragraph in paragraphs))
    lines = [letter.sender_name, *letter.sender_address.split("\n"), letter.subject]
    for line in [*lines, *letter.body.split("\n")]:
        assert seen(line).strip() in printed, line

    pdf = browser.get(f"/letters/{letter.pk}/letter.pdf")
    assert_no_server_error(pdf)
    if f"/letters/{letter.pk}/letter.pdf" not in page:
        assert "Your letter has writing our PDF cannot show as you typed it" in page
        return
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = squashed(" ".join(sheet.extract_text() for sheet in reader.pages))
    assert "AlexExampleMP" in text
    if letter.sender_name.isascii():
        assert squashed(letter.sender_name) in text


def assert_refused_and_nothing_kept(browser, response, data):
    assert_clear_error(response)
    assert_escaped(response.content.decode(), *data.values())
    assert nothing_kept()
    if response.request["PATH_INFO"] == WRITE:
        assert browser.get(SEND)["Location"] == WRITE, "a refused letter is not kept as a draft"


@given(
    details=form_data(valid=OWN_EMAIL, optional=HANDED_OVER_OPTIONAL, hostile=False)
    | form_data(valid=DOWNLOAD, optional=HANDED_OVER_OPTIONAL, hostile=False)
)
def test_every_mix_of_optional_details_is_accepted_from_my_own_email_or_to_print(
    mp, template, details
):
    with one_example():
        browser = written(template)
        response = browser.post(SEND, details)

        if details.get("campaign_emails") and not details.get("email"):
            assert_refused_and_nothing_kept(browser, response, details)
            assert "Enter your email address to hear about the campaign." in unescape(
                response.content.decode()
            )
            return
        subject, body = typed_letter({"subject": template.subject, "body": own_body(template)})
        letter, page, text = assert_handed_over(
            browser, response, details, delivery=details["delivery"], subject=subject, body=body
        )
        if letter.delivery == Letter.Delivery.OWN_EMAIL:
            assert_the_email_link_carries_the_letter(page, text, to=MP_EMAIL, subject=subject)
        else:
            assert_the_downloads_print_the_letter(browser, letter, page)


@given(data=form_data(valid=LETTER | OWN_EMAIL, optional=HANDED_OVER_OPTIONAL))
@example(data=OWN_EMAIL | {  # what would break a link made by hand: its own query and headers
    "subject": "Uyghurs & you?body=x#top", "body": "Dear Alex,\r\n\r\nsubject=x&body=y"
    "%0D%0ABcc: victim@example.org\rLine one\r\nBcc: victim@example.org\n+ 100% <b>sure</b>",
})  # fmt: skip
def test_from_my_own_email_hostile_text_gets_a_clear_message_or_is_kept_escaped(mp, template, data):
    with one_example():
        handed = handed_over_unless_refused(data, delivery="own-email")
        if handed:
            assert_the_email_link_carries_the_letter(
                handed.page, handed.text, to=MP_EMAIL, subject=handed.subject
            )


@given(data=form_data(valid=LETTER | DOWNLOAD, optional=HANDED_OVER_OPTIONAL))
@example(data=DOWNLOAD | {  # right to left and Chinese: the Word document only
    "subject": '"><img src=x onerror=alert(1)>', "name": "ئۇيغۇر", "address": "张伟\r\nKashgar",
    "body": "Dear Alex,\r\n\r\n<script>alert(1)</script>\r\t=HYPERLINK(\"http://evil\")",
})  # fmt: skip
@example(data=DOWNLOAD | {  # noncharacters, which a browser sends as pasted
    "subject": "Uyghurs", "address": "12 Example Road\uffff\nLondon",
    "body": f"Dear Alex,\n\n{OWN_WORDS}\ufffe",
})  # fmt: skip
def test_to_print_hostile_text_gets_a_clear_message_or_is_printed_as_kept(mp, template, data):
    with one_example():
        handed = handed_over_unless_refused(data, delivery="download")
        if handed:
            assert_the_downloads_print_the_letter(handed.browser, handed.letter, handed.page)


def handed_over_unless_refused(data, *, delivery) -> SimpleNamespace | None:
    """Both steps with `data`: never a 5xx; refused, nothing is kept; sent by a robot, nothing
    is kept; otherwise the letter is handed over as typed, and returned with its page."""
    browser, response = through_both_steps(data)
    assert_no_server_error(response)
    if response.status_code == 400:
        assert_refused_and_nothing_kept(browser, response, data)
        return None
    if data.get("website"):
        assert nothing_kept(), "robots leave nothing"
        return None
    subject, body = typed_letter(data)
    letter, page, text = assert_handed_over(
        browser, response, data, delivery=delivery, subject=subject, body=body
    )
    return SimpleNamespace(browser=browser, letter=letter, page=page, text=text, subject=subject)


def ask_brand(brand) -> Client:
    browser = Client()
    page = browser.get(f"/brands/{brand.slug}/ask/").content.decode()
    prefill = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    body = unescape(prefill).replace("[say why in your own words]", OWN_WORDS)
    browser.post(f"/brands/{brand.slug}/ask/", {"subject": "Will you commit?", "body": body})
    return browser


@given(details=form_data(valid=TO_BRAND, optional={"campaign_emails", "website"}))
def test_the_brand_letter_never_fails_and_keeps_what_it_accepts(brand, details):
    with one_example():
        browser = ask_brand(brand)
        response = browser.post(f"/brands/{brand.slug}/ask/send/", details)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert nothing_kept()
        elif not details.get("website"):
            assert response.status_code == 303
            assert_letter_kept(browser, details, "Threadwell")


@given(letter=form_data(valid={"subject": "Will you commit?",
                               "body": f"Dear Threadwell,\n\n{OWN_WORDS}"}))  # fmt: skip
def test_the_brand_letter_step_keeps_one_line_subjects_and_the_letter_as_typed(brand, letter):
    with one_example():
        browser = Client()
        response = browser.post(f"/brands/{brand.slug}/ask/", letter)

        assert_no_server_error(response)
        if response.status_code == 400:
            assert_clear_error(response)
            assert_escaped(response.content.decode(), *letter.values())
            details = browser.get(f"/brands/{brand.slug}/ask/send/")
            assert details["Location"] == f"/brands/{brand.slug}/ask/", "no draft is kept"
            return
        assert response.status_code == 303
        assert_escaped(browser.get(f"/brands/{brand.slug}/ask/send/").content.decode(),
                       *letter.values())  # fmt: skip
        mine = {"name": "Ruth Cohen", "delivery": "own-email"}
        sent = browser.post(f"/brands/{brand.slug}/ask/send/", mine)

        subject, body = typed_letter(letter)
        stored, page, text = assert_handed_over(
            browser, sent, letter | mine, delivery="own-email", subject=subject, body=body
        )
        assert stored.brand == brand
        assert_the_email_link_carries_the_letter(page, text, to=BRAND_EMAIL, subject=subject)


@given(answer=form_data(valid={"reply": "replied", "reply_text": "Thank you."}, optional={
    "reply_text"}))  # fmt: skip
def test_the_did_your_mp_reply_form_never_fails(campaign, answer):
    from actionhub.letters.services import letter_reply_token
    from actionhub.letters.tests.factories import LetterFactory

    with one_example():
        letter = LetterFactory()
        response = Client().post(f"/letters/reply/{letter_reply_token(letter)}/", answer)

        assert_no_server_error(response)
        letter.refresh_from_db()
        if response.status_code == 400:
            assert_clear_error(response)
            assert letter.reply == ""
        else:
            assert response.status_code == 200
            assert letter.reply == answer["reply"]
            assert_escaped(response.content.decode(), *answer.values())
