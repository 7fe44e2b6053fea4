"""The supporter's way through: postcode, letter, details, then each way of sending it."""

import io
from urllib.parse import parse_qs, unquote, urlsplit

import docx
import pypdf
import pytest
from django.core import mail

from actionhub.letters.models import Letter
from actionhub.letters.tests.conftest import OWN_WORDS, confirmation_link, messages_to, own_body
from actionhub.supporters.models import Consent

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def test_the_postcode_finds_the_mp_and_the_letter_is_prefilled_for_them(client, template, mp):
    response = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "nw37ux"})

    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert (
        "Your MP is <strong>Alex Example (Demo Party)</strong>, MP for Hampstead and Highgate"
        in page
    )
    assert "Change postcode" in page
    assert "Dear Alex Example,\n\nI am writing as your constituent" in page
    assert "Yours sincerely,</textarea>" in page
    assert "A letter in your own words carries more weight" in page


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter your postcode."),
        ("not a postcode", "Enter a UK postcode, like SW1A 1AA."),
        ("E1 7QQ", "We cannot find E1 7QQ."),
        ("NW3 1AA", "NW3 1AA is no longer in use."),
        ("JE2 3AB", "JE2 3AB is in Jersey, which is not part of the UK"),
        ("GY1 1AA", "in Guernsey"),
        ("IM1 1AA", "in the Isle of Man"),
    ],
)
def test_each_postcode_problem_gets_its_own_message(client, template, mp, postcode, message):
    response = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": postcode})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert f'value="{postcode}"' in page or not postcode  # what they typed is kept


@pytest.mark.parametrize("postcode", ["75001", "10115", "1012 AB", "100-0001"])
def test_places_outside_the_uk_are_told_only_uk_residents_have_an_mp(
    client, template, mp, postcode
):
    response = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": postcode})

    assert response.status_code == 400
    assert "That looks like a postcode from outside the UK" in response.content.decode()


def test_a_vacant_seat_is_explained(client, template, mp):
    mp.constituency = None
    mp.save()

    response = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})

    assert "Hampstead and Highgate has no MP at the moment" in response.content.decode()


def test_a_postcode_from_the_pledge_thank_you_page_is_prefilled(client, template, mp):
    letters = client.get("/write-to-your-mp/?postcode=NW3%207UX").content.decode()
    assert f"/write-to-your-mp/{template.slug}/?postcode=NW3%207UX" in letters

    page = client.get(f"/write-to-your-mp/{template.slug}/?postcode=NW3%207UX").content.decode()
    assert 'name="postcode" value="NW3 7UX"' in page


def test_changing_the_postcode_starts_the_letter_again_for_the_new_mp(client, template, mp):
    client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    client.post(
        f"/write-to-your-mp/{template.slug}/write/",
        {"subject": template.subject, "body": own_body(template)},
    )
    again = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    assert OWN_WORDS in client.get(again["Location"]).content.decode()  # same MP: kept

    from actionhub.parliament.tests.factories import MPFactory, PostcodeFactory

    other = MPFactory(name="Sam Other")
    PostcodeFactory(postcode="SW1A 1AA", constituency=other.constituency)
    moved = client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "SW1A 1AA"})
    page = client.get(moved["Location"]).content.decode()
    assert "Dear Sam Other," in page
    assert OWN_WORDS not in page


def test_the_template_prompt_must_be_replaced_before_going_on(client, template, mp):
    client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    unedited = f"Dear Alex Example,\n\n{template.body}\n\nYours sincerely,"

    response = client.post(
        f"/write-to-your-mp/{template.slug}/write/",
        {"subject": template.subject, "body": unedited},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Replace “[say why in your own words]” with your own words, or delete it" in page
    assert "I am writing as your constituent" in page  # nothing they wrote is lost


def test_an_unedited_letter_is_not_blocked_and_shows_how_personal_it_is(client, template, mp):
    client.post(f"/write-to-your-mp/{template.slug}/", {"postcode": "NW3 7UX"})
    unedited = own_body(template, extra="").replace("because .", "because.")
    client.post(
        f"/write-to-your-mp/{template.slug}/write/", {"subject": template.subject, "body": unedited}
    )
    page = client.get(f"/write-to-your-mp/{template.slug}/send/").content.decode()
    assert "Your letter is the template as it stands" in page

    client.post(
        f"/write-to-your-mp/{template.slug}/write/",
        {"subject": template.subject, "body": own_body(template, extra=OWN_WORDS * 12)},
    )
    page = client.get(f"/write-to-your-mp/{template.slug}/send/").content.decode()
    assert "of your letter is in your own words. Thank you" in page


def test_sending_through_the_site_waits_for_confirmation_then_emails_the_mp(client, write):
    response = write()

    assert response.status_code == 303
    assert response["Location"].endswith("/check-your-email/")
    letter = Letter.objects.get()
    assert letter.status == Letter.Status.AWAITING_CONFIRMATION
    assert messages_to("alex.example.mp@parliament.example") == []
    [confirmation] = mail.outbox
    assert confirmation.to == ["ruth@example.org"]
    assert "Confirm your letter to Alex Example" in confirmation.subject

    check = client.get(confirmation_link(confirmation))
    assert "Send my letter to Alex Example" in check.content.decode()
    assert OWN_WORDS in check.content.decode()
    assert messages_to("alex.example.mp@parliament.example") == []  # opening the link sends nothing

    sent = client.post(confirmation_link(confirmation))

    assert "Your letter is on its way" in sent.content.decode()
    [to_mp] = messages_to("alex.example.mp@parliament.example")
    assert to_mp.from_email == "Jewish Action Against Persecution of Uyghurs <noreply@localhost>"
    assert to_mp.reply_to == ["Ruth Cohen <ruth@example.org>"]
    assert to_mp.subject == letter.subject
    assert OWN_WORDS in to_mp.body
    assert "Ruth Cohen\n12 Example Road\nLondon\nNW3 7UX\nruth@example.org" in to_mp.body
    [copy] = [m for m in messages_to("ruth@example.org") if "has been sent" in m.subject]
    assert OWN_WORDS in copy.body
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert letter.sent_at is not None
    consent = Consent.objects.get(purpose=Consent.Purpose.PASS_TO_MP)
    assert consent.person.email == "ruth@example.org"
    assert "Alex Example" in consent.wording
    assert consent.given_at == letter.submitted_at


def test_confirming_twice_sends_once(client, write):
    write()
    link = confirmation_link(mail.outbox[0])
    client.post(link)

    again = client.post(link)

    assert "Already confirmed" in again.content.decode()
    assert len(messages_to("alex.example.mp@parliament.example")) == 1


def test_campaign_emails_are_a_separate_recorded_choice(client, write):
    write(campaign_emails="on")
    client.post(confirmation_link(mail.outbox[0]))

    purposes = set(Consent.objects.values_list("purpose", flat=True))
    assert purposes == {Consent.Purpose.PASS_TO_MP, Consent.Purpose.CAMPAIGN_EMAILS}


def test_site_delivery_needs_the_consent_to_pass_details_to_the_mp(client, write):
    response = write(pass_to_mp=None)

    assert response.status_code == 400
    page = response.content.decode()
    assert "tick the box to let us pass it and your details to your MP" in page
    assert "12 Example Road" in page  # what they typed is kept
    assert not Letter.objects.exists()


def test_sending_from_my_own_email_gives_a_correctly_encoded_mailto_link(client, write):
    response = write(delivery="own-email", email="", pass_to_mp=None)

    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    letter = Letter.objects.get()
    assert letter.status == Letter.Status.HANDED_OVER
    assert mail.outbox == []
    mailto = page.split('href="mailto:', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    parts = urlsplit("mailto:" + mailto)
    assert unquote(parts.path) == "alex.example.mp@parliament.example"
    query = parse_qs(parts.query)
    assert query["subject"] == [letter.subject]
    assert OWN_WORDS in query["body"][0]
    assert "\r\n\r\nYours sincerely,\r\n\r\nRuth Cohen\r\n12 Example Road" in query["body"][0]
    assert " " not in mailto and "\n" not in mailto
    assert OWN_WORDS in page  # and the text to copy


def test_downloads_are_a_word_document_and_a_pdf_with_the_edited_letter(client, write):
    response = write(delivery="download", email="", pass_to_mp=None)
    ready = response["Location"]
    letter = Letter.objects.get()

    word = client.get(f"/letters/{letter.pk}/letter.docx")
    pdf = client.get(f"/letters/{letter.pk}/letter.pdf")

    assert word["Content-Disposition"] == 'attachment; filename="letter-to-alex-example.docx"'
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert OWN_WORDS in text
    assert "Alex Example MP" in text
    assert "SW1A 0AA" in text
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Alex Example MP" in " ".join(pdf_text.split())
    assert "cannot stay silent" in " ".join(pdf_text.split())
    assert client.get(ready).status_code == 200


def test_nobody_else_can_open_a_letter_or_its_downloads(client, write, django_user_model):
    write(delivery="download", email="", pass_to_mp=None)
    letter = Letter.objects.get()
    from django.test import Client

    stranger = Client()
    for url in (f"/letters/{letter.pk}/", f"/letters/{letter.pk}/letter.pdf"):
        assert stranger.get(url).status_code == 404
    assert client.get(f"/letters/{letter.pk}/letter.exe").status_code == 404


def test_an_mp_without_an_email_address_cannot_be_sent_to_through_the_site(client, write, mp):
    mp.email = ""
    mp.save()

    response = write()

    assert response.status_code == 400
    page = response.content.decode()
    assert "We have no email address for Alex Example" in page
    assert 'value="site"' not in page


def test_skipping_ahead_without_a_postcode_goes_back_to_the_start(client, template, mp):
    response = client.get(f"/write-to-your-mp/{template.slug}/send/")
    assert response["Location"] == f"/write-to-your-mp/{template.slug}/"


def test_an_expired_or_broken_confirmation_link_says_so(client, write):
    import time_machine

    write()
    link = confirmation_link(mail.outbox[0])
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    with time_machine.travel("2099-01-01"):
        expired = client.post(link)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    assert messages_to("alex.example.mp@parliament.example") == []


def test_a_letter_template_supporters_used_cannot_be_removed_from_the_pack(
    write, pack_copy, client
):
    from actionhub.campaigns.packs import InvalidPack
    from actionhub.campaigns.services import campaign_pack_load

    write(delivery="download", email="", pass_to_mp=None)
    yaml = pack_copy / "campaign.yaml"
    text = yaml.read_text()
    start = text.index("  - slug: general")
    yaml.write_text(text[:start] + text[text.index("  - slug: uyghur-women") :])

    with pytest.raises(InvalidPack) as refused:
        campaign_pack_load(folder=pack_copy, force=True)

    assert "general cannot be removed: supporters have used it" in str(refused.value.problems)
    assert Letter.objects.get().template.slug == "general"


def test_a_letter_started_from_a_groups_link_keeps_its_source_code(client, write, template):
    listing = client.get("/write-to-your-mp/?source=Shul-Newsletter").content.decode()
    start = f"/write-to-your-mp/{template.slug}/?source=shul-newsletter"
    assert f'href="{start}"' in listing
    briefing = client.get(f"/briefings/{template.slug}/?source=shul-newsletter").content.decode()
    assert f'href="{start}"' in briefing

    client.get(start)
    client.get(f"/write-to-your-mp/{template.slug}/")  # back to the start without the code
    response = write()

    assert response.status_code == 303
    assert Letter.objects.get().source == "shul-newsletter"


@pytest.mark.parametrize("source", ["%3Cscript%3E", "a" * 41, ""])
def test_a_letter_from_a_link_with_a_bad_source_code_is_sent_without_one(
    client, write, template, source
):
    listing = client.get(f"/write-to-your-mp/?source={source}").content.decode()
    assert f'href="/write-to-your-mp/{template.slug}/"' in listing
    assert "source=" not in listing

    client.get(f"/write-to-your-mp/{template.slug}/?source={source}")
    response = write(delivery="download", email="", pass_to_mp=None)

    assert response.status_code == 303
    assert Letter.objects.get().source == ""
