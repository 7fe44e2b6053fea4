"""Links for a supporter to see their data: asked for by address, emailed, used once.

The link's token is a random nonce signed for this purpose (so it names no one and counts
nothing), and it expires after ACCESS_LINK_MAX_AGE; only the nonce's hash is kept, on an
AccessLink. Opening the link uses nothing up (mail systems open links to scan them): its page
has a button, and pressing it uses the link, once, and opens the data in that browser for
ACCESS_LASTS.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionhub.core.addresses import normalise_email
from actionhub.core.audit import audit_record
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.rights.models import AccessLink
from actionhub.supporters.confirmation import supporter_email_send
from actionhub.supporters.links import LinkExpired, LinkInvalid
from actionhub.supporters.models import Person
from actionhub.supporters.typed_addresses import typed_address_queue, typed_address_work

ACCESS_SALT = "rights-access-link"
ACCESS_LINK_MAX_AGE = timedelta(hours=1)
ACCESS_LASTS = timedelta(hours=1)


class LinkUsed(LinkInvalid):
    """A link we sent that has been used already: each works once."""

    def __init__(self, link: AccessLink):
        super().__init__()
        self.link = link


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def access_link_create(*, person: Person) -> tuple[AccessLink, str]:
    """A new link for `person`: the row, and the token that goes in the email."""
    nonce = secrets.token_urlsafe(32)
    link = AccessLink(person=person, nonce_hash=_nonce_hash(nonce))
    link.full_clean()
    link.save()
    return link, signing.dumps(nonce, salt=ACCESS_SALT)


def access_link_send(*, email: str, sender: str, ip_address: str | None) -> None:
    """Email a link to see their data to a supporter we hold; nothing for an address we do not,
    and the same page, in the same time, either way (the worker looks the address up), so
    nobody learns who is on file. Capped per connection (SUPPORTER_DATA_LINK_LIMITS) here."""
    if rate_limit_exceeded(
        key=f"data-link:{rate_limit_key(ip_address)}", limits=settings.SUPPORTER_DATA_LINK_LIMITS
    ):
        return
    typed_address_queue(access_link_send_now, email=email, sender=sender)


@typed_address_work
def access_link_send_now(*, email: str, sender: str) -> bool:
    """The worker's part: capped per address (SUPPORTER_DATA_LINK_ADDRESS_LIMITS), apart from
    the cap every other email to a typed address shares, so asking for links cannot hold back
    the owner's own confirmations. True if an email was queued."""
    person = Person.objects.filter(email_normalised=normalise_email(email)).first()
    if person is None:
        return False
    if rate_limit_exceeded(
        key=f"data-link-address:{person.email_normalised}",
        limits=settings.SUPPORTER_DATA_LINK_ADDRESS_LIMITS,
    ):
        return False
    with transaction.atomic():
        link, token = access_link_create(person=person)
        sent = supporter_email_send(
            person=person, sender=sender, subject=f"Your link to see your data: {sender}",
            template="rights/email/access_link.txt",
            context={"access_url": settings.SITE_URL + reverse("rights-link", args=[token]),
                     "minutes": int(ACCESS_LINK_MAX_AGE.total_seconds() // 60)},
        )  # fmt: skip
    return sent is not None


def access_link_read(*, token: str, now=None) -> AccessLink:
    """The unused link a token is for, unchanged (opening a link uses nothing up).

    LinkExpired after ACCESS_LINK_MAX_AGE; LinkUsed once used; LinkInvalid for a token we did
    not sign (tampered, cut short) or whose link is gone (its person erased)."""
    now = now or timezone.now()
    try:
        nonce = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(nonce, str):
        raise LinkInvalid
    link = AccessLink.objects.select_related("person").filter(nonce_hash=_nonce_hash(nonce)).first()
    if link is None:
        raise LinkInvalid
    if link.created_at <= now - ACCESS_LINK_MAX_AGE:
        raise LinkExpired
    if link.used_at is not None:
        raise LinkUsed(link)
    return link


@transaction.atomic
def access_link_use(*, link: AccessLink, now=None) -> AccessLink:
    """Use the link up: LinkUsed if it was used a moment ago (by another tab, say)."""
    now = now or timezone.now()
    if not AccessLink.objects.filter(pk=link.pk, used_at=None).update(used_at=now):
        raise LinkUsed(link)
    link.used_at = now
    audit_record(
        action="supporter.data_seen", summary="A supporter opened their data by an emailed link."
    )
    return link


def access_links_delete_expired(*, now=None) -> int:
    """A link is of no more use once it and the access it opened have expired: deleted."""
    cutoff = (now or timezone.now()) - ACCESS_LINK_MAX_AGE - ACCESS_LASTS
    deleted, _ = AccessLink.objects.filter(created_at__lt=cutoff).delete()
    return deleted
