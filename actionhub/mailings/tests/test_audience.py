"""Who a mailing goes to: the people whose consent stands, narrowed by plain choices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actionhub.brands.tests.factories import BrandFactory
from actionhub.campaigns.models import Campaign
from actionhub.core.email import address_suppress
from actionhub.core.models import SuppressedAddress
from actionhub.events.models import Rsvp
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory
from actionhub.letters.models import Letter
from actionhub.letters.tests.factories import LetterFactory
from actionhub.mailings.audience import audience_describe, audience_people
from actionhub.mailings.models import Mailing
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.parliament.tests.factories import ConstituencyFactory
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.supporters.models import Consent
from actionhub.supporters.services import consent_withdraw
from actionhub.supporters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def audience(**choices):
    return set(audience_people(MailingFactory(**choices)))


def signed(person, **fields):
    """A signature of the default campaign's pledge."""
    pledge = Campaign.objects.get(is_default=True).pledges.first()
    return SignatureFactory(person=person, pledge=pledge, **fields)


def test_everyone_who_agreed_and_has_not_withdrawn_and_no_one_else(campaign):
    stays = hearing_more()
    withdrew = hearing_more()
    consent_withdraw(person=withdrew, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    signed_only = PersonFactory()
    signed(signed_only)
    bounced = hearing_more()
    address_suppress(address=bounced.email.upper(), reason=SuppressedAddress.Reason.BOUNCED)
    assert audience() == {stays}


def test_narrowed_by_what_they_did(campaign):
    signer, writer, asker, coming, nothing = (hearing_more() for _ in range(5))
    signed(signer)
    signed(hearing_more(), status=Signature.Status.PENDING)
    LetterFactory(person=writer)
    brand = BrandFactory()
    LetterFactory(person=asker, brand=brand, mp=None, constituency=None, mp_name=brand.name,
                  mp_party="")  # fmt: skip
    RsvpFactory(person=coming)

    assert audience(action=Mailing.Action.SIGNED) == {signer}
    assert audience(action=Mailing.Action.WROTE_TO_MP) == {writer}
    assert audience(action=Mailing.Action.ASKED_BRAND) == {asker}
    assert audience(action=Mailing.Action.RSVPED) == {coming}
    assert nothing in audience()


def test_narrowed_by_constituency_and_source_code(campaign):
    here, there = ConstituencyFactory(), ConstituencyFactory()
    signed_here, wrote_here, elsewhere = hearing_more(), hearing_more(), hearing_more()
    signed(signed_here, constituency=here, source="shul-north")
    LetterFactory(person=wrote_here, mp__constituency=here)
    signed(elsewhere, constituency=there, source="youth")

    assert audience(constituency=here) == {signed_here, wrote_here}
    assert audience(source="shul-north") == {signed_here}
    assert audience(constituency=there, source="shul-north") == set()


def test_a_source_code_counts_whatever_people_did_through_the_link(campaign):
    signer, writer, asker, coming, elsewhere, other_code = (hearing_more() for _ in range(6))
    signed(signer, source="shul-north")
    LetterFactory(person=writer, source="shul-north")
    brand = BrandFactory()
    LetterFactory(person=asker, brand=brand, mp=None, constituency=None, mp_name=brand.name,
                  mp_party="", source="shul-north")  # fmt: skip
    RsvpFactory(person=coming, source="shul-north")
    RsvpFactory(person=hearing_more(), source="shul-north", status=Rsvp.Status.CANCELLED)
    LetterFactory(person=hearing_more(), source="shul-north",
                  status=Letter.Status.AWAITING_CONFIRMATION)  # fmt: skip
    SignatureFactory(person=elsewhere, source="shul-north")  # another campaign's pledge
    signed(other_code, source="youth")
    LetterFactory(person=other_code, source="")

    assert audience(source="shul-north") == {signer, writer, asker, coming}
    assert audience(source="Shul-North") == {signer, writer, asker, coming}, "as typed"
    assert audience(action=Mailing.Action.WROTE_TO_MP, source="shul-north") == {writer}
    assert audience(action=Mailing.Action.ASKED_BRAND, source="shul-north") == {asker}
    assert audience(action=Mailing.Action.RSVPED, source="shul-north") == {coming}
    assert audience(action=Mailing.Action.SIGNED, source="shul-north") == {signer}


def test_with_what_they_did_a_source_code_counts_only_that_done_through_the_link(campaign):
    signed_elsewhere = hearing_more()
    signed(signed_elsewhere, source="")
    RsvpFactory(person=signed_elsewhere, source="shul-north")

    assert audience(source="shul-north") == {signed_elsewhere}
    assert audience(action=Mailing.Action.SIGNED, source="shul-north") == set()
    assert audience(action=Mailing.Action.RSVPED, source="shul-north") == {signed_elsewhere}


def test_narrowed_by_date_in_uk_days(campaign):
    now = timezone.now()
    early, late = hearing_more(), hearing_more()
    signed(early, confirmed_at=now - timedelta(days=10))
    signed(late, confirmed_at=now)
    today = timezone.localdate()

    signers = Mailing.Action.SIGNED
    assert audience(action=signers, since=today) == {late}
    assert audience(action=signers, until=today - timedelta(days=1)) == {early}
    assert audience(action=signers, since=today - timedelta(days=10), until=today) == {early, late}
    assert audience(since=today + timedelta(days=1)) == set(), "agreed to hear more today"


def test_only_what_people_did_for_this_mailings_campaign_counts(campaign):
    elsewhere = hearing_more()
    SignatureFactory(person=elsewhere)  # another campaign's pledge
    assert audience(action=Mailing.Action.SIGNED) == set()


def test_narrowed_to_the_people_coming_on_one_date(campaign):
    first = OccurrenceFactory()
    second = OccurrenceFactory(series=first.series, date=first.date + timedelta(days=7))
    coming_first, coming_second = hearing_more(), hearing_more()
    RsvpFactory(person=coming_first, occurrence=first)
    RsvpFactory(person=coming_second, occurrence=second)
    chosen = audience(action=Mailing.Action.RSVPED, occurrence=second)
    assert chosen == {coming_second}


def test_the_audience_in_words(campaign):
    place = ConstituencyFactory(name="Hampstead and Highgate")
    mailing = MailingFactory(
        action=Mailing.Action.SIGNED, constituency=place, source="shul-north",
        since=timezone.localdate(),
    )  # fmt: skip
    words = audience_describe(mailing)
    assert words.startswith("Everyone who agreed to hear more and signed the pledge")
    assert "in Hampstead and Highgate" in words
    assert (
        "signed the pledge, in Hampstead and Highgate, through links with the source code “shul-north”"
        in words
    )

    anything = audience_describe(MailingFactory(source="Shul-North"))
    assert anything == (
        "Everyone who agreed to hear more, who signed, wrote or said they are coming through "
        "links with the source code “shul-north”"
    )
