"""Names as people give them: one word, any script, never split on a space."""

import io
from html import unescape
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from django.core import mail

from actionhub.brands.tests.factories import BrandFactory
from actionhub.letters.models import Letter
from actionhub.letters.tests.conftest import OWN_WORDS, confirmation_link, messages_to
from actionhub.supporters.models import Person

pytestmark = pytest.mark.usefixtures("immediate_tasks")
ONE_WORD_NAMES = ["张伟", "ئۇيغۇر", "Amina"]
MP_ADDRESS = "alex.example.mp@parliament.example"


@pytest.mark.parametrize("name", ONE_WORD_NAMES)
def test_a_one_word_name_sends_a_letter_to_the_mp_signed_as_given(client, write, name):
    response = write(name=name)

    assert response.status_code == 303
    client.post(confirmation_link(mail.outbox[0]))
    [to_mp] = messages_to(MP_ADDRESS)
    assert f"Yours sincerely,\n\n{name}\n12 Example Road" in to_mp.body
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == (name, "")


def test_a_full_name_is_kept_whole_not_split_at_a_space(client, write):
    write(name="María José de la Cruz")

    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("María José de la Cruz", "")


@pytest.mark.parametrize("name", ONE_WORD_NAMES)
def test_a_one_word_name_from_my_own_email(client, write, name):
    response = write(name=name, delivery="own-email", pass_to_mp=None)

    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    mailto = page.split('href="mailto:', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    [body] = parse_qs(urlsplit(mailto).query)["body"]
    assert f"Yours sincerely,\r\n\r\n{name}\r\n" in body


def test_a_downloaded_letter_is_signed_with_the_name_under_yours_sincerely(client, write):
    response = write(name="Amina", delivery="download", email="", pass_to_mp=None)
    assert client.get(response["Location"]).status_code == 200

    word = client.get(f"/letters/{Letter.objects.get().pk}/letter.docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert paragraphs[-2:] == ["Yours sincerely,", "Amina"]


@pytest.mark.parametrize("name", ONE_WORD_NAMES)
def test_a_one_word_name_asks_a_brand(client, campaign, name):
    BrandFactory(name="Threadwell", slug="threadwell", contact_email="sourcing@threadwell.example")
    page = client.get("/brands/threadwell/ask/").content.decode()
    prefill = page.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    client.post(
        "/brands/threadwell/ask/",
        {
            "subject": "Will you commit?",
            "body": unescape(prefill).replace("[say why in your own words]", OWN_WORDS),
        },
    )
    response = client.post(
        "/brands/threadwell/ask/send/",
        {"name": name, "email": "amina@example.org", "delivery": "site", "pass_to_mp": "on"},
    )

    assert response.status_code == 303
    client.post(confirmation_link(mail.outbox[0]))
    [to_brand] = messages_to("sourcing@threadwell.example")
    assert f"\n{name}\namina@example.org" in to_brand.body


def test_a_name_the_pdf_cannot_show_is_offered_the_word_document_only(client, write):
    response = write(name="张伟", delivery="download", email="", pass_to_mp=None)

    page = client.get(response["Location"]).content.decode()
    letter = Letter.objects.get()
    assert f"/letters/{letter.pk}/letter.docx" in page
    assert f"/letters/{letter.pk}/letter.pdf" not in page
    assert "Chinese characters, or a right-to-left script" in page
    text = [p.text for p in docx.Document(io.BytesIO(client.get(
        f"/letters/{letter.pk}/letter.docx").content)).paragraphs]  # fmt: skip
    assert text[-1] == "张伟"
