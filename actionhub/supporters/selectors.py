from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from actionhub.core.models import SuppressedAddress
from actionhub.supporters.models import Consent, Person


def consents_standing(purpose: str, person=None) -> QuerySet[Consent]:
    """Consents for `purpose` not withdrawn: of `person` (a row, or OuterRef("pk"))."""
    consents = Consent.objects.filter(purpose=purpose, withdrawn_at=None)
    return consents if person is None else consents.filter(person=person)


def campaign_email_consents_standing(person=None) -> QuerySet[Consent]:
    return consents_standing(Consent.Purpose.CAMPAIGN_EMAILS, person)


def people_emailable(purpose: str) -> QuerySet[Person]:
    """Everyone emails for `purpose` may go to: their consent stands, their address is not on
    the suppression list (it bounced for good, or they reported us as spam).

    Compared by the address, which SQL can do. An entry whose address was erased keeps only a
    keyed hash, which SQL cannot make from `email`: someone erased who comes back is counted
    here, and stopped as each message goes (`mailings.sending` and `core.email.email_deliver`
    compare the hash), so they are sent nothing."""
    return Person.objects.filter(Exists(consents_standing(purpose, OuterRef("pk")))).exclude(
        Exists(SuppressedAddress.objects.filter(address=Lower(OuterRef("email"))))
    )


def people_hearing_more() -> QuerySet[Person]:
    """Everyone campaign emails may go to."""
    return people_emailable(Consent.Purpose.CAMPAIGN_EMAILS)
