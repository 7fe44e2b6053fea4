"""Confirm by email: the one way an action waits for the owner of the address that was typed.

Every action a supporter takes with an email address (signing the pledge, a letter sent through
the site, an RSVP, "every week") is saved as pending with a fresh nonce, and the address is sent
a link. The link's token is signed, names the action and its nonce, and dies after seven days;
a newer submission gives a new nonce, so an older link stops working, and confirming clears the
nonce, so a link is used once. Opening the link changes nothing (mail systems open links to scan
them): the page it opens has a button, and only that confirms. Then the choices the person made
are recorded as consents, with the words they agreed to.

Every email to a supporter goes through `supporter_email_send`: from the campaign's name, with
the unsubscribe and erase links and RFC 8058 one-click headers, and, for emails sent only
because someone typed the address (a confirmation, "you have already signed"), a cap per
address per day across every form, so nobody can fill a stranger's mailbox.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string

from actionhub.core.email import email_send
from actionhub.core.ratelimit import rate_limit_exceeded
from actionhub.supporters.links import (
    LinkExpired,
    LinkInvalid,
    list_unsubscribe_headers,
    supporter_links,
)
from actionhub.supporters.models import Person
from actionhub.supporters.services import consent_record

CONFIRM_MAX_AGE = timedelta(days=7)
DAY = 24 * 60 * 60


@dataclass(frozen=True)
class ConfirmationLink:
    """What a confirmation link's token says: which row, and the nonce it was sent with."""

    pk: int
    nonce: str

    def check(self, stored_nonce: str) -> None:
        """LinkInvalid unless this is the newest link for the row and it was not used yet."""
        if not stored_nonce or not secrets.compare_digest(stored_nonce, self.nonce):
            raise LinkInvalid


def confirmation_nonce() -> str:
    return secrets.token_hex(16)


def confirmation_token(*, kind: str, pk: int, nonce: str) -> str:
    """The token for a link confirming row `pk` of `kind` ("pledge", "letter", "rsvp", ...)."""
    return signing.dumps({"id": pk, "n": nonce}, salt=f"confirm:{kind}", compress=True)


def confirmation_read(*, kind: str, token: str) -> ConfirmationLink:
    try:
        payload = signing.loads(
            token, salt=f"confirm:{kind}", max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise LinkInvalid
    return ConfirmationLink(pk=payload["id"], nonce=str(payload.get("n", "")))


def consents_record(
    *, person: Person, choices: Iterable[tuple[str, str]], method: str, given_at: datetime
) -> None:
    """Record each (purpose, wording) the person confirmed as its own consent."""
    for purpose, wording in choices:
        consent_record(
            person=person, purpose=purpose, wording=wording, method=method, given_at=given_at
        )


def unconfirmed_email_allowed(*, person: Person) -> bool:
    """Count one email sent only because someone typed this address; False once over the cap."""
    return not rate_limit_exceeded(
        key=f"supporter-unconfirmed:{person.email_normalised}",
        limits=[(settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY, DAY)],
    )


def supporter_email_send(
    *,
    person: Person,
    sender: str,
    subject: str,
    template: str,
    context: dict | None = None,
    unconfirmed: bool = False,
    unsubscribe_url: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
):
    """Email a supporter from `sender` (the campaign's name), with the links in every email.

    `unconfirmed`: sent only because someone typed the address; such emails are capped per
    address and never carry text anyone typed. `unsubscribe_url` replaces the campaign
    unsubscribe link in the RFC 8058 headers (stopping "every week", say). Returns the queued
    email, or None if the cap held it back (the page the person sees is the same either way).
    """
    if unconfirmed and not unconfirmed_email_allowed(person=person):
        return None
    links = supporter_links(person=person)
    body = render_to_string(
        template,
        {**(context or {}), "links": links, "sender": sender, "stop_url": unsubscribe_url},
    )
    return email_send(
        to=[person.email],
        subject=subject,
        body=body,
        sender_name=sender,
        headers=list_unsubscribe_headers(unsubscribe_url=unsubscribe_url or links["unsubscribe"]),
        attachments=attachments,
    )
