"""Signing the pledge through the form, confirming by email, and the page that counts."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from actionhub.pledges.models import Signature
from actionhub.pledges.tests.conftest import confirm_link, confirmation_link
from actionhub.supporters.models import Consent

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def test_signing_sends_a_confirmation_link_and_following_it_counts_the_signature(
    client, pledge, sign, last_link
):
    response = sign()

    assert response.status_code == 303
    assert response["Location"] == f"/pledge/{pledge.slug}/check-your-email/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.postcode == "NW3 7UX"
    [message] = mail.outbox
    assert message.to == ["miriam@example.org"]
    assert "Confirm your signature" in message.subject
    assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 0

    thanks = confirm_link(client, last_link(), follow=True)

    assert thanks.redirect_chain[-1][0] == f"/pledge/{pledge.slug}/thank-you/"
    page = thanks.content.decode()
    assert "Thank you for signing" in page
    assert "/write-to-your-mp/?postcode=NW3%207UX" in page
    assert "/demonstration/" in page
    assert re.search(r"The next is on <time[^>]*>Tuesday \d+ \w+, 18:00–19:00</time>", page)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    cache.clear()  # as if the count's few seconds of caching had passed
    assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 1


def test_the_next_page_is_the_same_whether_new_pending_or_already_signed(
    client, pledge, sign, last_link
):
    first = sign()
    again_pending = sign()
    confirm_link(client, last_link())
    again_signed = sign(email="MIRIAM@example.org")

    pages = [
        client.get(response["Location"]).content
        for response in (first, again_pending, again_signed)
    ]
    assert first["Location"] == again_pending["Location"] == again_signed["Location"]
    assert pages[0] == pages[1] == pages[2]
    subjects = [message.subject for message in mail.outbox]
    assert subjects[0].startswith("Confirm") and subjects[1].startswith("Confirm")
    assert subjects[2].startswith("You have already signed")
    assert Signature.objects.count() == 1


def test_gmail_dots_and_tags_cannot_sign_twice(pledge, sign):
    sign(email="miriam.cohen@gmail.com")
    sign(email="MiriamCohen+again@googlemail.com")
    assert Signature.objects.count() == 1


def test_the_source_code_is_kept_through_the_flow(pledge, sign):
    sign(source="hampstead-shul")
    assert Signature.objects.get().source == "hampstead-shul"


def test_a_bad_source_code_is_dropped_not_stored(pledge, sign):
    sign(source="<script>")
    assert Signature.objects.get().source == ""


def test_a_source_code_is_kept_in_lower_case_from_the_pledges_short_link(client, pledge, sign):
    landing = client.get("/pledge/?source=Shul-Newsletter", follow=True)
    assert landing.redirect_chain[-1][0] == f"/pledge/{pledge.slug}/?source=Shul-Newsletter"
    assert 'name="source" value="shul-newsletter"' in landing.content.decode()

    sign(source="Shul-Newsletter")
    assert Signature.objects.get().source == "shul-newsletter"


def test_the_migration_puts_the_source_codes_kept_before_in_lower_case(pledge):
    from importlib import import_module

    from django.apps import apps

    from actionhub.pledges.tests.factories import SignatureFactory

    migration = import_module("actionhub.pledges.migrations.0005_signature_source_lower_case")
    mixed, lower, none = (SignatureFactory(pledge=pledge, source=source)
                          for source in ("Shul-Newsletter", "youth_club", ""))  # fmt: skip
    migration.lower_case_sources(apps, None)

    assert [Signature.objects.get(pk=one.pk).source for one in (mixed, lower, none)] == [
        "shul-newsletter", "youth_club", "",
    ]  # fmt: skip


def test_each_choice_is_recorded_as_its_own_consent_once_confirmed(client, pledge, sign, last_link):
    sign(show_name="on", campaign_emails="on")
    assert not Consent.objects.exists(), "nothing is agreed until the mailbox owner confirms"
    confirm_link(client, last_link())

    consents = {consent.purpose: consent for consent in Consent.objects.all()}
    assert set(consents) == {"sign-pledge", "show-name", "campaign-emails"}
    assert consents["show-name"].wording == "Show my first name on the site"
    assert consents["sign-pledge"].wording.startswith("I sign this pledge: ")
    assert consents["sign-pledge"].wording_version == Consent.version_of(
        consents["sign-pledge"].wording
    )
    assert consents["sign-pledge"].withdrawn_at is None
    assert "Pledge form" in consents["sign-pledge"].method
    assert consents["sign-pledge"].given_at == Signature.objects.get().submitted_at


def test_unticked_choices_record_no_consent(client, pledge, sign, last_link):
    sign()
    confirm_link(client, last_link())
    assert list(Consent.objects.values_list("purpose", flat=True)) == ["sign-pledge"]
    assert Signature.objects.get().show_name is False


def test_the_choices_start_unticked(client, pledge):
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    for name in ["sign", "show_name", "campaign_emails", "outside_uk"]:
        tag = page[page.index(f'name="{name}"') - 60 : page.index(f'name="{name}"') + 60]
        assert "checked" not in tag, name


def test_signers_outside_the_uk_give_a_country(pledge, sign):
    sign(postcode="", outside_uk="on", country="  Israel ")
    signature = Signature.objects.get()
    assert (signature.postcode, signature.country) == ("", "Israel")


def test_a_confirmation_link_works_for_seven_days_only(client, pledge, sign, last_link):
    with time_machine.travel("2031-03-01 12:00", tick=False) as traveller:
        sign()
        link = last_link()
        traveller.shift(timedelta(days=7, minutes=1))
        response = client.get(link)
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
        assert Signature.objects.get().status == Signature.Status.PENDING
        assert client.post(link).status_code == 400
        assert Signature.objects.get().status == Signature.Status.PENDING
        traveller.shift(-timedelta(minutes=2))
        assert "Confirm my signature" in client.get(link).content.decode(), "good just before"


def test_a_tampered_link_is_refused(client, pledge, sign, last_link):
    sign()
    link = last_link()
    response = client.get(link.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_following_the_link_again_just_thanks_again(client, pledge, sign, last_link):
    sign()
    link = last_link()
    confirm_link(client, link)
    confirmed_at = Signature.objects.get().confirmed_at
    response = client.get(link, follow=True)
    assert "Thank you for signing" in response.content.decode()
    assert Signature.objects.get().confirmed_at == confirmed_at


def test_the_count_is_served_with_cache_headers(client, pledge):
    response = client.get(f"/pledge/{pledge.slug}/count.json")
    assert response["Cache-Control"] == "public, max-age=10"
    assert response.json() == {"pledge": pledge.slug, "count": 0, "next_milestone": 1000}


def test_the_public_count_lags_by_at_most_the_cache_age(client, pledge, settings):
    from actionhub.pledges.tests.factories import SignatureFactory

    SignatureFactory(pledge=pledge)
    with time_machine.travel("2031-01-01 12:00:00", tick=False) as traveller:
        assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 1
        SignatureFactory(pledge=pledge)
        SignatureFactory(pledge=pledge, status=Signature.Status.PENDING)
        SignatureFactory(pledge=pledge, status=Signature.Status.QUARANTINED)
        SignatureFactory(pledge=pledge, status=Signature.Status.INVALIDATED)
        assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 1
        traveller.shift(settings.PLEDGE_COUNT_MAX_AGE + 1)
        assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 2


def test_recent_signers_show_only_first_names_of_those_who_chose(client, pledge):
    from actionhub.pledges.tests.factories import SignatureFactory
    from actionhub.supporters.tests.factories import PersonFactory

    SignatureFactory(
        pledge=pledge,
        show_name=True,
        person=PersonFactory(first_name="Dilnur", last_name="Abdulla"),
    )
    SignatureFactory(
        pledge=pledge,
        show_name=False,
        person=PersonFactory(first_name="Hidden", last_name="Person"),
    )

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    assert "<li>Dilnur</li>" in page
    assert "Abdulla" not in page and "Hidden" not in page
    assert "NW3" not in page and "@example.org" not in page


def test_the_pledge_page_shares_with_plain_links(client, pledge):
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    share_url = f"http%3A//testserver/pledge/{pledge.slug}/"
    for start in [
        "mailto:?subject=",
        "https://wa.me/?text=",
        "https://x.com/intent/post?text=",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://bsky.app/intent/compose?text=",
    ]:
        assert f'href="{start}' in page, start
    assert share_url in page
    assert "<script" not in page


def test_only_what_the_mailbox_owner_confirms_is_counted(client, pledge, sign):
    # Someone else puts the address in first, choosing to show the name and get emails...
    sign(
        first_name="Impostor",
        show_name="on",
        campaign_emails="on",
        source="prank",
        postcode="SW1A 1AA",
    )
    first_link = confirmation_link(mail.outbox[-1])
    # ...then the owner signs, choosing neither, and follows the link they were sent.
    sign(first_name="Miriam", postcode="NW3 7UX")
    own_link = confirmation_link(mail.outbox[-1])

    assert client.get(first_link).status_code == 400, "an older link stops working"
    confirm_link(client, own_link)

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED
    assert (signature.show_name, signature.campaign_emails, signature.source, signature.postcode) == (
        False, False, "", "NW3 7UX",
    )  # fmt: skip
    assert signature.person.first_name == "Miriam"
    assert list(Consent.objects.values_list("purpose", flat=True)) == ["sign-pledge"]


def test_opening_the_link_shows_what_is_confirmed_and_only_the_button_confirms(
    client, pledge, sign, last_link
):
    sign(first_name="Miriam", show_name="on")

    page = client.get(last_link())

    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "<dt>Name</dt><dd>Miriam Cohen</dd>" in text
    assert "<dt>Postcode</dt><dd>NW3 7UX</dd>" in text
    assert "<dt>Show my first name on the site</dt><dd>Yes</dd>" in text
    assert "<dt>Email me about this campaign</dt><dd>No</dd>" in text
    assert 'type="submit" class="button">Confirm my signature</button>' in text
    assert Signature.objects.get().status == Signature.Status.PENDING  # a link scanner: nothing
    assert not Consent.objects.exists()

    client.post(last_link())

    assert Signature.objects.get().status == Signature.Status.CONFIRMED


def test_the_confirmation_email_repeats_nothing_anyone_typed(pledge, sign):
    sign(first_name="Visit evil.example", country="Claim your prize", outside_uk="on")

    [message] = mail.outbox
    assert "evil" not in message.body and "prize" not in message.body
    assert message.body.startswith("Hello,\n")


def test_the_check_your_email_page_shows_the_address_so_a_typo_is_seen(client, pledge, sign):
    response = sign(email="miriam@exmaple.org")

    page = client.get(response["Location"]).content.decode()
    assert 'We sent it to <strong class="address">miriam@exmaple.org</strong>' in page
    assert f'<a href="/pledge/{pledge.slug}/">Go back and correct it</a>' in page


def test_the_page_shows_the_count_with_a_bar_to_the_next_milestone(client, pledge):
    from actionhub.pledges.tests.factories import SignatureFactory

    for _ in range(3):
        SignatureFactory(pledge=pledge)
    SignatureFactory(pledge=pledge, status=Signature.Status.PENDING)

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()

    assert "<strong>3</strong> people have signed. Help us reach 1000." in page
    assert '<progress aria-labelledby="pledge-progress" max="1000" value="3">' in page


def test_the_privacy_summary_sits_beside_the_form(client, pledge):
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    form_section = page.index('<section aria-labelledby="sign-heading"')
    summary = page.index('<aside aria-labelledby="privacy-summary"')
    layout = page.index('<div class="sign-layout">')
    assert layout < form_section < summary
    assert "Only your first name is ever shown" in page
    assert 'href="/privacy/"' in page


@pytest.mark.parametrize("last_name", ["", "   "])
def test_a_one_word_name_signs_with_the_last_name_left_blank(client, pledge, sign, last_name):
    response = sign(first_name="张伟", last_name=last_name)

    assert response.status_code == 303
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name) == ("张伟", "")
    assert (signature.person.first_name, signature.person.last_name) == ("张伟", "")


def test_the_name_shown_is_the_one_given_on_the_pledge_not_elsewhere(client, pledge, sign):
    from actionhub.supporters.services import person_get_or_create

    person_get_or_create(email="miriam@example.org", first_name="Miriam Cohen")  # from a letter
    sign(first_name="Miri", show_name="on")
    confirm_link(client, confirmation_link(mail.outbox[-1]))
    cache.clear()  # the list of recent signers is cached for a few seconds

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    assert "<li>Miri</li>" in page
    assert "Cohen" not in page


def test_recently_signed_shows_the_first_name_alone_never_the_constituency(client, pledge):
    from actionhub.parliament.tests.factories import ConstituencyFactory
    from actionhub.pledges.tests.factories import SignatureFactory
    from actionhub.supporters.tests.factories import PersonFactory

    place = ConstituencyFactory(name="Hampstead and Highgate")
    SignatureFactory(
        pledge=pledge, show_name=True, constituency=place,
        person=PersonFactory(first_name="Dilnur", last_name="Abdulla"),
    )  # fmt: skip

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    recent = page.split('id="recent-heading"', 1)[1].split("</ul>", 1)[0]
    assert "<li>Dilnur</li>" in recent
    assert "Hampstead" not in recent


@pytest.mark.parametrize(
    "typed",
    ["miriam@example.org", "07700 900123", "12 Example Road", "www.evil.example",
     "https://evil.example", "evil.com", "x" * 41],
)  # fmt: skip
def test_recently_signed_never_shows_what_looks_like_contact_details(client, pledge, typed):
    from actionhub.pledges.tests.factories import SignatureFactory

    SignatureFactory(pledge=pledge, show_name=True, first_name=typed)
    SignatureFactory(pledge=pledge, show_name=True, first_name="Dilnur")

    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    assert "<li>Dilnur</li>" in page
    assert typed not in page


def test_an_email_address_typed_as_a_first_name_is_caught_on_the_form(pledge, sign):
    response = sign(first_name="miriam@example.org")

    assert response.status_code == 400
    assert "Enter your first name here, not an email address." in response.content.decode()
