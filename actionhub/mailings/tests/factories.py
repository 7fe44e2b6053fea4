import factory
from django.db.models import F

from actionhub.campaigns.models import Campaign
from actionhub.mailings.models import Mailing
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory


class MailingFactory(factory.django.DjangoModelFactory):
    """A draft to everyone who agreed to hear more, a test of it already sent (tested=False for
    one never tested); needs the default campaign loaded."""

    class Meta:
        model = Mailing
        skip_postgeneration_save = True

    campaign = factory.LazyFunction(lambda: Campaign.objects.get(is_default=True))
    subject = "Demonstrate with us on Sunday"
    body = (
        "## This Sunday\n\nJoin us outside the embassy at **2pm**. "
        "[The details](https://example.org/demo)."
    )

    @factory.post_generation
    def tested(mailing, create, extracted, **kwargs):
        if create and extracted is not False:
            Mailing.objects.filter(pk=mailing.pk).update(tested_at=F("updated_at"))
            mailing.refresh_from_db()


def hearing_more(**person):
    """A person whose consent to campaign emails stands."""
    someone = PersonFactory(**person)
    ConsentFactory(
        person=someone, purpose=Consent.Purpose.CAMPAIGN_EMAILS, wording=CAMPAIGN_EMAILS_WORDING
    )
    return someone
