from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionhub.core.addresses import normalise_email
from actionhub.core.audit import audit_record
from actionhub.core.email import email_erase_for
from actionhub.core.queue import tasks_forget_address
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.supporters.links import ERASE_LINK_MAX_AGE
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.typed_addresses import typed_address_queue, typed_address_work


def person_get_or_create(*, email: str, first_name: str, last_name: str = "") -> Person:
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


def person_rename_unconfirmed(*, person: Person, first_name: str, last_name: str = "") -> None:
    """A newer submission may correct the name until the person has confirmed anything."""
    if person.consents.exists():
        return
    person.first_name, person.last_name = first_name, last_name
    person.full_clean(validate_unique=False)
    person.save(update_fields=["first_name", "last_name", "updated_at"])


def consent_record(
    *, person: Person, purpose: str, wording: str, method: str, given_at=None
) -> Consent:
    consent = Consent(
        person=person,
        purpose=purpose,
        wording=wording,
        wording_version=Consent.version_of(wording),
        method=method,
        given_at=given_at or timezone.now(),
    )
    consent.full_clean()
    consent.save()
    return consent


def consent_withdraw(*, person: Person, purpose: str) -> int:
    """Mark the person's standing consents for `purpose` as withdrawn now."""
    return Consent.objects.filter(person=person, purpose=purpose, withdrawn_at=None).update(
        withdrawn_at=timezone.now()
    )


def erase_link_send(*, email: str, sender: str, ip_address: str | None) -> None:
    """Email a new erase link to a supporter we hold; nothing for an address we do not, and
    the same page, in the same time, either way (the worker looks the address up), so nobody
    learns who is on file. Capped per connection here, per address when sent."""
    if rate_limit_exceeded(
        key=f"erase-link:{rate_limit_key(ip_address)}", limits=settings.SUPPORTER_ERASE_LINK_LIMITS
    ):
        return
    typed_address_queue(erase_link_send_now, email=email, sender=sender)


@typed_address_work
def erase_link_send_now(*, email: str, sender: str) -> bool:
    from actionhub.supporters.confirmation import supporter_email_send  # it builds on this module

    person = Person.objects.filter(email_normalised=normalise_email(email)).first()
    if person is None:
        return False
    sent = supporter_email_send(
        person=person, sender=sender, subject=f"Your link to erase your details: {sender}",
        template="supporters/email/erase_link.txt", unconfirmed=True,
        context={"expired_after_days": ERASE_LINK_MAX_AGE.days},
    )  # fmt: skip
    return sent is not None


# Work other apps must do before a supporter is erased (free an event place, forget a limit),
# registered from their AppConfig.ready: supporters knows nothing of those apps.
ERASE_STEPS: list = []


@transaction.atomic
def person_erase(*, person: Person, actor=None) -> None:
    """Erase a supporter at their request: all they did on the site and their queued emails.
    `actor` is the member of staff who did it for them, if it was not they themselves."""
    for step in ERASE_STEPS:
        step(person=person)
    email_erase_for(address=person.email)
    tasks_forget_address(address=person.email)
    person.delete()
    audit_record(
        action="supporter.erased", actor=actor,
        summary="A supporter erased their details." if actor is None
        else "A supporter's details were erased at their request, from the console.",
    )  # fmt: skip


# Rows that refer to a person without being a use for their data (a campaign email they were
# sent), registered from their AppConfig.ready: they do not keep the person on file.
NOT_A_USE: set = {Consent}


def people_delete_unattached() -> int:
    """Delete people nothing refers to any more (their consents aside): no data without a use.
    Someone who still wants to hear about the campaign is kept."""
    people = Person.objects.exclude(
        consents__purpose=Consent.Purpose.CAMPAIGN_EMAILS, consents__withdrawn_at=None
    )
    for relation in Person._meta.related_objects:
        if relation.related_model not in NOT_A_USE:
            people = people.filter(**{f"{relation.name}__isnull": True})
    deleted, _ = Person.objects.filter(pk__in=list(people.values_list("pk", flat=True))).delete()
    return deleted
