import factory
from django.utils import timezone

from actionhub.supporters.models import Consent, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Miriam"
    last_name = "Cohen"
    email = factory.Sequence(lambda n: f"supporter{n}@example.org")
    email_normalised = factory.LazyAttribute(lambda person: person.email.casefold())


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = Consent.Purpose.SIGN_PLEDGE
    wording = "I sign this pledge"
    wording_version = factory.LazyAttribute(lambda consent: Consent.version_of(consent.wording))
    method = "Pledge form"
    given_at = factory.LazyFunction(timezone.now)
