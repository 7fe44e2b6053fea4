"""The one way the site sends email: always from a task, enqueued once the transaction commits."""

from functools import partial

from django.db import transaction

from actionhub.core.tasks import send_email


def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    enqueue = partial(
        send_email.enqueue,
        to=list(to),
        subject=subject,
        body=body,
        reply_to=list(reply_to or []),
        headers=dict(headers or {}),
    )
    transaction.on_commit(enqueue)
