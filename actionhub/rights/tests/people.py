"""People for the tests of "Your data"."""

import re
from datetime import timedelta

from django.utils import timezone

from actionhub.brands.tests.factories import BrandFactory
from actionhub.campaigns.models import LetterTemplate
from actionhub.core.models import OutboundEmail
from actionhub.events.models import Subscription
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory, SeriesFactory
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.letters.models import MP_CONSENT_WORDING, Letter, SendAllowance
from actionhub.letters.tests.factories import LetterFactory
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.tests.factories import MailingFactory
from actionhub.parliament.tests.factories import MPFactory
from actionhub.pledges.models import SHOW_NAME_WORDING, SIGN_WORDING
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent
from actionhub.supporters.services import consent_record
from actionhub.supporters.tests.factories import PersonFactory

ADDRESS = "ruth.cohen@example.org"


def link_in(message) -> str:
    """The path of the link to see one's data in an email taken by the SMTP server."""
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://127\.0\.0\.1:8000(/your-data/link/\S+/)", body)[1]


def someone_who_did_everything(campaign):
    """Ruth, who has done everything the site offers: signed the pledge, written to her MP by
    each of the three routes and to a brand, said she is coming to the demonstration (and
    came to one before), comes every week, leads a community group and was sent a campaign
    email; one email to her could not be delivered."""
    now = timezone.now()
    ruth = PersonFactory(email=ADDRESS, first_name="Ruth", last_name="Cohen")
    pledge = campaign.pledges.get()
    SignatureFactory(pledge=pledge, person=ruth, postcode="NW3 7UX", confirmed_at=now,
                     show_name=True, campaign_emails=True, ip_address="192.0.2.7")  # fmt: skip
    consent_record(person=ruth, purpose=Consent.Purpose.SIGN_PLEDGE, wording=SIGN_WORDING,
                   method="Pledge form, confirmed by the link emailed")  # fmt: skip
    consent_record(person=ruth, purpose=Consent.Purpose.SHOW_NAME, wording=SHOW_NAME_WORDING,
                   method="Pledge form, confirmed by the link emailed")  # fmt: skip
    consent_record(person=ruth, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording=CAMPAIGN_EMAILS_WORDING, method="Pledge form")  # fmt: skip

    mp = MPFactory(name="Alex Example")
    letter = {"person": ruth, "sender_email": ADDRESS, "mp": mp, "mp_name": mp.name}
    sent = LetterFactory(**letter, delivery=Letter.Delivery.SITE, status=Letter.Status.SENT,
                         body="Dear Alex Example,\n\nPlease act on forced labour.",
                         sent_at=now, confirmed_at=now)  # fmt: skip
    consent_record(person=ruth, purpose=Consent.Purpose.PASS_TO_MP,
                   wording=f"{MP_CONSENT_WORDING}: {mp.name}", method="Letter form")  # fmt: skip
    SendAllowance.objects.create(email_normalised=ruth.email_normalised, mp=mp,
                                 template=sent.template, last_sent_at=now)  # fmt: skip
    LetterFactory(**letter, delivery=Letter.Delivery.OWN_EMAIL, status=Letter.Status.HANDED_OVER,
                  body="Dear Alex Example,\n\nFrom my own mailbox.")  # fmt: skip
    LetterFactory(**letter, delivery=Letter.Delivery.DOWNLOAD, status=Letter.Status.HANDED_OVER,
                  body="Dear Alex Example,\n\nPrinted and posted.")  # fmt: skip
    brand = BrandFactory(name="Example Outfitters", contact_email="press@outfitters.example")
    LetterFactory(
        person=ruth, sender_email=ADDRESS, mp=None, constituency=None, brand=brand,
        mp_name=brand.name, mp_party="", postcode="",
        template=LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.BRAND).first(),
        body="Dear Example Outfitters,\n\nPlease audit your suppliers.",
        delivery=Letter.Delivery.SITE, status=Letter.Status.SENT, sent_at=now, confirmed_at=now,
    )  # fmt: skip

    series = SeriesFactory(title="Weekly vigil")
    RsvpFactory(person=ruth, occurrence=OccurrenceFactory(series=series), guests=1)
    past = OccurrenceFactory(series=series, date=(now - timedelta(days=6)).date())
    RsvpFactory(person=ruth, occurrence=past, attended_at=past.starts_at)
    Subscription.objects.create(
        series=series, person=ruth, email_normalised=ruth.email_normalised, first_name="Ruth",
        status=Subscription.Status.ACTIVE, submitted_at=now, confirmed_at=now,
    )  # fmt: skip

    LeaderFactory(person=ruth, group__name="Hampstead youth group")

    mailing = MailingFactory(subject="Join us on Sunday", status=Mailing.Status.SENT,
                             finished_at=now)  # fmt: skip
    Recipient.objects.create(mailing=mailing, person=ruth, status=Recipient.Status.SENT,
                             sent_at=now)  # fmt: skip

    OutboundEmail.objects.create(
        to=[ADDRESS], subject="Confirm your RSVP", body="…", status=OutboundEmail.Status.FAILED
    )
    return ruth
