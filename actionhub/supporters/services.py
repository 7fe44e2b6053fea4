from django.db import IntegrityError, transaction
from django.utils import timezone

from actionhub.supporters.emails import normalise_email
from actionhub.supporters.models import Consent, Person


def person_get_or_create(*, email: str, first_name: str, last_name: str) -> Person:
    """The person with this address, made on first need; safe under concurrent sign-ups."""
    normalised = normalise_email(email)
    person = Person.objects.filter(email_normalised=normalised).first()
    if person is not None:
        return person
    person = Person(
        email=email, email_normalised=normalised, first_name=first_name, last_name=last_name
    )
    person.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        return Person.objects.get(email_normalised=normalised)
    return person


def consent_record(*, person: Person, purpose: str, wording: str, method: str) -> Consent:
    consent = Consent(
        person=person,
        purpose=purpose,
        wording=wording,
        wording_version=Consent.version_of(wording),
        method=method,
        given_at=timezone.now(),
    )
    consent.full_clean()
    consent.save()
    return consent
