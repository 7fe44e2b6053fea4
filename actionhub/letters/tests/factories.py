import factory

from actionhub.campaigns.models import LetterTemplate
from actionhub.letters.models import Letter
from actionhub.parliament.tests.factories import MPFactory
from actionhub.supporters.tests.factories import PersonFactory


class LetterFactory(factory.django.DjangoModelFactory):
    """A letter sent through the site; needs the default campaign loaded (its templates)."""

    class Meta:
        model = Letter

    template = factory.LazyFunction(lambda: LetterTemplate.objects.order_by("position").first())
    mp = factory.SubFactory(MPFactory)
    constituency = factory.LazyAttribute(lambda letter: letter.mp.constituency)
    mp_name = factory.LazyAttribute(lambda letter: letter.mp.name)
    mp_party = factory.LazyAttribute(lambda letter: letter.mp.party)
    postcode = "NW3 7UX"
    sender_name = "Ruth Cohen"
    sender_address = "12 Example Road\nLondon"
    sender_email = factory.Sequence(lambda n: f"writer{n}@example.org")
    email_normalised = factory.LazyAttribute(lambda letter: letter.sender_email)
    person = factory.LazyAttribute(
        lambda letter: (
            PersonFactory(email=letter.sender_email, first_name=letter.sender_name)
            if letter.sender_email
            else None
        )
    )
    subject = "Persecution of Uyghurs"
    body = "Dear Alex Example,\n\nPlease act.\n\nYours sincerely,"
    personal_share = 10
    delivery = Letter.Delivery.SITE
    status = Letter.Status.SENT
