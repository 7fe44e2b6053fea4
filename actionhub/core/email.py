"""The one way the site sends email: from a task, enqueued once the transaction commits.

Delivery is at least once. A message that the mail server does not take is tried again later
(EMAIL_RETRY_DELAYS), so a mail server away for a while delays email but loses none; a worker
killed mid-send leaves its task to be run again (core.queue). Each message carries a Message-ID
fixed when it is queued, so in the rare case it is sent twice (the worker killed after the
server took it, before the row was deleted), both copies are the same message to every mail
program and server that drops duplicates.
"""

import smtplib
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task_backends

from actionhub.core.models import OutboundEmail, SuppressedAddress, suppressed_address_hash


def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
    sender_name: str = "",
    html: str = "",
) -> OutboundEmail:
    """Queue an email; `sender_name` (a campaign's name) is shown as who it is from, and
    `html`, if given, is an HTML part beside the plain text `body`."""
    from actionhub.core.tasks import send_email

    email = OutboundEmail(
        from_email=from_address(sender_name) if sender_name else "",
        to=list(to),
        subject=subject,
        body=body,
        html=html,
        reply_to=list(reply_to or []),
        headers={"Message-ID": message_id_new(), **(headers or {})},
        attachments=[list(attachment) for attachment in attachments or []],
    )
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def message_id_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def message_id_new() -> str:
    return make_msgid(domain=message_id_domain())


def from_address(sender_name: str, address: str = "") -> str:
    """`"Campaign name" <noreply@...>`: the site's sending address under the name given."""
    address = address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((" ".join(sender_name.split()), address))


def email_deliver(*, email_id: int) -> None:
    """Send a queued message, then delete it: once delivered, nothing of it is kept.

    If the mail server cannot be reached or does not take it, the error is recorded on the row
    and another try is queued, until EMAIL_RETRY_DELAYS run out; then it is marked failed,
    for organisers to see. The error is raised either way, so the task shows it too.
    """
    from actionhub.core.tasks import send_email

    email = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).first()
    if email is None:
        return  # already delivered, given up on, or erased at the supporter's request
    suppressed = addresses_suppressed(email.to)
    to = [address for address in email.to if address.strip().casefold() not in suppressed]
    if not to:
        email.delete()  # it would bounce again, or reach someone who called us spam
        return
    message = email_message_build(
        to=to, subject=email.subject, body=email.body, html=email.html,
        from_email=email.from_email, reply_to=email.reply_to, headers=email.headers,
        attachments=email.attachments,
    )  # fmt: skip
    try:
        message.send()
    except Exception as error:
        now = timezone.now()
        email.attempts += 1
        email.first_failed_at = email.first_failed_at or now
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        delays = settings.EMAIL_RETRY_DELAYS
        again = (
            email_worth_another_try(error)
            and email.attempts <= len(delays)
            and task_backends["default"].supports_defer
        )
        if not again:
            email.status = OutboundEmail.Status.FAILED
        email.save(update_fields=["status", "attempts", "first_failed_at", "last_error",
                                  "updated_at"])  # fmt: skip
        if again:
            delay = delays[email.attempts - 1]
            transaction.on_commit(lambda: send_email.using(run_after=now + delay).enqueue(email.pk))
        raise
    email.delete()


def email_message_build(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    from_email: str = "",
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments=(),
    connection=None,
) -> EmailMultiAlternatives:
    """The message as the mail server gets it: what every email the site sends is built by."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or None, to=to,
        reply_to=reply_to or None, headers=headers or None, connection=connection,
    )  # fmt: skip
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def suppressions_of(addresses) -> QuerySet[SuppressedAddress]:
    """The suppression list's entries for any of `addresses`, however written (the hash is of
    the mailbox): by the keyed hash, so an entry whose address was erased is found too, or by
    the address while the entry holds it (which still matches if SECRET_KEY has changed)."""
    folded = {address.strip().casefold() for address in addresses} - {""}
    hashes = {suppressed_address_hash(address) for address in folded}
    return SuppressedAddress.objects.filter(Q(address_hash__in=hashes) | Q(address__in=folded))


def addresses_suppressed(addresses) -> set[str]:
    """Of `addresses`, the (stripped, case-folded) ones on the suppression list."""
    folded = {address.strip().casefold() for address in addresses}
    hashes = {address: suppressed_address_hash(address) for address in folded}
    entries = list(suppressions_of(hashes).values_list("address_hash", "address"))
    found = {hashed for hashed, _ in entries} | {address for _, address in entries if address}
    return {address for address, hashed in hashes.items() if found & {address, hashed}}


def address_suppress(*, address: str, reason: str, detail: str = "") -> SuppressedAddress:
    """Put an address on the suppression list (a hard bounce, a complaint): no email again.
    A mailbox already on it (erased since, or not) keeps its one entry, which a complaint
    turns into a complaint if it was a bounce: an objection outweighs a dead mailbox."""
    folded = address.strip().casefold()
    hashed = suppressed_address_hash(folded)
    entries = suppressions_of([folded])
    suppressed = entries.filter(address_hash=hashed).first() or entries.order_by("pk").first()
    if suppressed is not None:
        changed = []
        if suppressed.address_hash != hashed:  # made under an earlier SECRET_KEY
            suppressed.address_hash = hashed
            changed.append("address_hash")
        if reason == SuppressedAddress.Reason.COMPLAINED and suppressed.reason != reason:
            suppressed.reason = reason
            changed.append("reason")
        if changed:
            suppressed.save(update_fields=changed)
        return suppressed
    entry = SuppressedAddress(address=folded, address_hash=hashed, reason=reason,
                              detail=detail[:2000])  # fmt: skip
    # The database decides uniqueness: another worker may be adding the same address now.
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # put on the list at the same moment by another worker
        return SuppressedAddress.objects.get(address_hash=hashed)
    return entry


def email_worth_another_try(error: Exception) -> bool:
    """The mail server could not be reached, or answered 4xx ("try again later"). A 5xx answer
    (an address refused for good) or a fault in the message itself will not change."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def emails_waiting_since(*, now=None, longer_than=timedelta(minutes=10)):
    """Messages the mail server has not taken for a while: what organisers are told about."""
    now = now or timezone.now()
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.QUEUED, first_failed_at__lt=now - longer_than
    )


def email_erase_for(*, address: str) -> int:
    """Erasing a supporter: delete every message still waiting for (or failed to reach)
    `address`; returns how many. Once erased they are sent nothing unless they act again.

    If the address is on the suppression list, its entry stays, so that an address that
    bounced for good, or whose owner reported us as spam, still gets no email when someone
    types it in again; but without the address, and without what the mail server said (which
    may quote it): only the keyed hash and the reason. A list of erased people's addresses is
    the one thing an erasure must not leave behind."""
    wanted = address.strip().casefold()
    doomed = [
        email.pk
        for email in OutboundEmail.objects.only("pk", "to")
        if wanted in (recipient.casefold() for recipient in email.to)
    ]
    OutboundEmail.objects.filter(pk__in=doomed).delete()
    entries, hashed = suppressions_of([wanted]), suppressed_address_hash(wanted)
    # An entry hashed under an earlier SECRET_KEY (found by its address) is hashed again now:
    # once the address is gone, only the hash can find it.
    if not entries.filter(address_hash=hashed).exists():
        entries.update(address_hash=hashed)
    entries.update(address="", detail="")
    return len(doomed)


FAILED_KEPT = timedelta(days=7)


def emails_failed_delete(*, now=None) -> int:
    """Messages that could not be sent hold personal data and live links: kept a week, for
    organisers to see what failed and why, then deleted."""
    now = now or timezone.now()
    deleted, _ = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.FAILED, updated_at__lt=now - FAILED_KEPT
    ).delete()
    return deleted
