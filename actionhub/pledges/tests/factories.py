import factory

from actionhub.campaigns.tests.factories import PledgeFactory
from actionhub.pledges.models import Signature
from actionhub.supporters.tests.factories import PersonFactory


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    pledge = factory.SubFactory(PledgeFactory)
    person = factory.SubFactory(PersonFactory)
    email_normalised = factory.LazyAttribute(lambda signature: signature.person.email_normalised)
    first_name = factory.LazyAttribute(lambda signature: signature.person.first_name)
    last_name = factory.LazyAttribute(lambda signature: signature.person.last_name)
    postcode = "SW1A 1AA"
    status = Signature.Status.CONFIRMED
    confirmation_nonce = "0123456789abcdef0123456789abcdef"
