"""The one way the site sends email: from a task, enqueued once the transaction commits."""

from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from actionhub.core.models import OutboundEmail


def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
    sender_name: str = "",
) -> OutboundEmail:
    """Queue an email; `sender_name` (a campaign's name) is shown as who it is from."""
    from actionhub.core.tasks import send_email

    email = OutboundEmail(
        from_email=from_address(sender_name) if sender_name else "",
        to=list(to),
        subject=subject,
        body=body,
        reply_to=list(reply_to or []),
        headers=dict(headers or {}),
        attachments=[list(attachment) for attachment in attachments or []],
    )
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def from_address(sender_name: str, address: str = "") -> str:
    """`"Campaign name" <noreply@...>`: the site's sending address under the name given."""
    address = address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((" ".join(sender_name.split()), address))


def email_deliver(*, email_id: int) -> None:
    """Send a queued message, then delete it: once delivered, nothing of it is kept.

    A failure is recorded on the row (kept for another try and for organisers to see), then
    raised so the task shows it too.
    """
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:
        return  # already delivered, or erased at the supporter's request
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email or None,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
    )
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception as error:
        email.status = OutboundEmail.Status.FAILED
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        email.save(update_fields=["status", "last_error", "updated_at"])
        raise
    email.delete()


def email_erase_for(*, address: str) -> int:
    """Delete every message still waiting for (or failed to reach) `address`."""
    wanted = address.casefold()
    doomed = [
        email.pk
        for email in OutboundEmail.objects.only("pk", "to")
        if wanted in (recipient.casefold() for recipient in email.to)
    ]
    OutboundEmail.objects.filter(pk__in=doomed).delete()
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
