"""Links in every email that let a supporter act without an account: unsubscribe, and erase.

An unsubscribe link stops one kind of email, the kind it came in: campaign emails, or news for
group leaders (each asked for on its own). Each kind has its own salt, so one kind's link cannot
be turned into the other's.

Each person has a random link key, so a link says nothing about who it is for or how many
people there are. The link's token is that key, signed for one purpose. Unsubscribe links work
for as long as the person is on file (a mail program may use one years later); erase links for
ERASE_LINK_MAX_AGE, after which the person asks for a new one, sent to the same address.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from actionhub.supporters.models import Consent, Person

UNSUBSCRIBE_SALT = "supporters-unsubscribe"
# Each kind of email one can stop: its link's salt and its page's URL name.
UNSUBSCRIBE_KINDS = {
    Consent.Purpose.CAMPAIGN_EMAILS: (UNSUBSCRIBE_SALT, "supporter-unsubscribe"),
    Consent.Purpose.GROUP_NEWS: (
        "supporters-unsubscribe-group-news",
        "supporter-unsubscribe-group-news",
    ),
}
ERASE_SALT = "supporters-erase"
ERASE_LINK_MAX_AGE = timedelta(days=180)


class LinkInvalid(Exception):
    """Not a link we sent, one a newer submission replaced, or one for something now gone."""


class LinkExpired(Exception):
    """A link we sent, but too old: a confirmation link after 7 days, an erase link after
    ERASE_LINK_MAX_AGE."""


def supporter_token(*, person: Person, salt: str) -> str:
    return signing.dumps(person.link_key, salt=salt)


def supporter_from_token(*, token: str, salt: str) -> Person | None:
    """The person a link is for; None if it is not one we sent (or they were erased).
    Erase links older than ERASE_LINK_MAX_AGE raise LinkExpired."""
    max_age = ERASE_LINK_MAX_AGE.total_seconds() if salt == ERASE_SALT else None
    try:
        key = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    return Person.objects.filter(link_key=str(key)).first() if key else None


def supporter_links(
    *, person: Person, purpose: str = Consent.Purpose.CAMPAIGN_EMAILS
) -> dict[str, str]:
    """The person's links for an email sent under `purpose`: its unsubscribe link stops that."""
    salt, url_name = UNSUBSCRIBE_KINDS[purpose]
    unsubscribe = reverse(url_name, args=[supporter_token(person=person, salt=salt)])
    erase = reverse("supporter-erase", args=[supporter_token(person=person, salt=ERASE_SALT)])
    return {"unsubscribe": settings.SITE_URL + unsubscribe, "erase": settings.SITE_URL + erase,
            "data": your_data_url()}  # fmt: skip


def your_data_url() -> str:
    """Where anyone asks for a link to see their data: the same for everyone, since the link
    itself is emailed to the address they give."""
    return settings.SITE_URL + reverse("rights-request")


def list_unsubscribe_headers(*, unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: the mail program's own "Unsubscribe" button, one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
