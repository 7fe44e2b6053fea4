"""Links in every email that let a supporter act without an account: unsubscribe, and erase."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from actionhub.supporters.models import Person

UNSUBSCRIBE_SALT = "supporters-unsubscribe"
ERASE_SALT = "supporters-erase"


def supporter_token(*, person: Person, salt: str) -> str:
    return signing.dumps(person.pk, salt=salt)


def supporter_from_token(*, token: str, salt: str) -> Person | None:
    try:
        pk = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=pk).first()


def supporter_links(*, person: Person) -> dict[str, str]:
    unsubscribe = reverse(
        "supporter-unsubscribe", args=[supporter_token(person=person, salt=UNSUBSCRIBE_SALT)]
    )
    erase = reverse("supporter-erase", args=[supporter_token(person=person, salt=ERASE_SALT)])
    return {"unsubscribe": settings.SITE_URL + unsubscribe, "erase": settings.SITE_URL + erase}
