"""The one way the site sends email: from a task, enqueued once the transaction commits."""

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
) -> OutboundEmail:
    from actionhub.core.tasks import send_email

    email = OutboundEmail(
        to=list(to),
        subject=subject,
        body=body,
        reply_to=list(reply_to or []),
        headers=dict(headers or {}),
    )
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def email_deliver(*, email_id: int) -> OutboundEmail:
    """Send a queued message. A failure is recorded, then raised so the task shows it too."""
    email = OutboundEmail.objects.get(pk=email_id)
    if email.status == OutboundEmail.Status.SENT:
        return email
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
    )
    try:
        message.send()
    except Exception as error:
        email.status = OutboundEmail.Status.FAILED
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        email.save(update_fields=["status", "last_error", "updated_at"])
        raise
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.body = ""
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "body", "last_error", "updated_at"])
    return email
