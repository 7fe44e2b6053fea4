# ruff: noqa: S608  (only table names, from the models, are put into the SQL here)
"""Sending a mailing: batches on the task worker, one message at a time, each one checked.

Before each message, the mailing must still be sending, the person's consent must still stand
and their address must not be suppressed. Each message is marked "sending" (committed) before
the mail server is given it and "sent" (committed) once it took it: a worker killed in between
leaves one message "sending", which the next batch marks interrupted and never sends again, so
nobody gets a mailing twice.

Those three statements run for every message, so they are plain SQL prepared once: built by the
ORM they cost about 0.8 ms a message in compiling alone, most of the cost of the whole path
(`make bench-mailing`, profiled), against about 0.1 ms as SQL.
"""

import contextlib
import smtplib
import time
from functools import cache

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as database
from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends

from actionhub.core.email import address_suppress
from actionhub.core.models import SuppressedAddress
from actionhub.mailings.content import (
    RenderedMailing,
    mailing_render,
    message_for_person,
    message_id_for,
)
from actionhub.mailings.models import Mailing, Recipient
from actionhub.supporters.models import Consent


class _Pace:
    """No faster than `per_second` messages a second (0: no limit)."""

    def __init__(self, per_second: float):
        self.gap = 1 / per_second if per_second > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if self.gap:
            delay = self.next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.next_at = max(self.next_at, time.monotonic()) + self.gap


@cache
def _statements() -> dict[str, str]:
    """The per-message SQL; "gate" answers: still sending? consent standing? address suppressed?
    Only table names (from the models) are put in; every value is a parameter."""
    table = database.ops.quote_name
    mailing, recipient = table(Mailing._meta.db_table), table(Recipient._meta.db_table)
    consent, suppressed = table(Consent._meta.db_table), table(SuppressedAddress._meta.db_table)
    return {
        "gate": f"""SELECT m.status = %s,
            EXISTS (SELECT 1 FROM {consent} c
                    WHERE c.person_id = %s AND c.purpose = %s AND c.withdrawn_at IS NULL),
            EXISTS (SELECT 1 FROM {suppressed} s WHERE s.address = %s)
            FROM {mailing} m WHERE m.id = %s""",
        "claim": f"""UPDATE {recipient} SET status = %s, message_id = %s
            WHERE id = %s AND status = %s""",
        "mark": f"UPDATE {recipient} SET status = %s, sent_at = %s, error = %s WHERE id = %s",
    }


class _Outcome(Exception):
    """The batch stops here: cancelled, or the mail server is away (the message waits)."""

    def __init__(self, more: bool):
        self.more = more


def mailing_send_batch(*, mailing_id: int) -> bool:
    """Send the next MAILING_BATCH_SIZE messages of a sending mailing; True if more are left.
    If the mail server cannot be reached, the batch stops and is tried again later."""
    from actionhub.mailings.tasks import send_mailing_batch

    mailing = Mailing.objects.select_related("campaign").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        return False
    mailing.recipients.filter(status=Recipient.Status.SENDING).update(
        status=Recipient.Status.INTERRUPTED
    )
    batch = list(
        mailing.recipients.filter(status=Recipient.Status.QUEUED)
        .select_related("person").order_by("pk")[: settings.MAILING_BATCH_SIZE]
    )  # fmt: skip
    if not batch:
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, finished_at=timezone.now(), updated_at=timezone.now()
        )
        return False
    sender = _Sender(mailing)
    try:
        sender.open()
        for recipient in batch:
            sender.send(recipient)
    except _Outcome as stopped:
        if stopped.more:
            _retry_later(mailing)
        return stopped.more
    finally:
        sender.close()
    transaction.on_commit(lambda: send_mailing_batch.enqueue(mailing.pk))
    return True


class _Sender:
    """One batch's connection to the mail server, and how each message is checked and marked."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing
        self.rendered: RenderedMailing = mailing_render(mailing)
        self.pace = _Pace(settings.MAILING_MESSAGES_PER_SECOND)
        self.sql = _statements()
        self.connection = get_connection()

    def open(self) -> None:
        try:
            self.connection.open()
        except (smtplib.SMTPException, OSError) as error:
            _note_error(self.mailing, error)
            raise _Outcome(more=True) from None

    def close(self) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.close()

    def _fetch(self, statement: str, params) -> tuple:
        with database.cursor() as cursor:
            cursor.execute(self.sql[statement], params)
            return cursor.fetchone()

    def _update(self, statement: str, params) -> int:
        with database.cursor() as cursor:
            cursor.execute(self.sql[statement], params)
            return cursor.rowcount

    def _mark(self, recipient: Recipient, status: str, error: str = "") -> None:
        sent_at = timezone.now() if status == Recipient.Status.SENT else None
        sent_at = database.ops.adapt_datetimefield_value(sent_at)
        self._update("mark", [status, sent_at, error[:2000], recipient.pk])

    def send(self, recipient: Recipient) -> None:
        person = recipient.person
        if person is None:  # erased since the mailing started
            self._mark(recipient, Recipient.Status.CANCELLED)
            return
        sending, standing, suppressed = self._fetch(
            "gate", [Mailing.Status.SENDING, person.pk, Consent.Purpose.CAMPAIGN_EMAILS,
                     person.email.casefold(), self.mailing.pk],
        )  # fmt: skip
        if not sending:
            raise _Outcome(more=False)  # cancelled: the cancellation marked the rest
        if suppressed or not standing:
            held = Recipient.Status.SUPPRESSED if suppressed else Recipient.Status.UNSUBSCRIBED
            self._mark(recipient, held)
            return
        message_id = message_id_for(mailing_id=self.mailing.pk, person_id=person.pk)
        claimed = self._update(
            "claim", [Recipient.Status.SENDING, message_id, recipient.pk, Recipient.Status.QUEUED]
        )
        if not claimed:  # another worker took it
            return
        self.pace.wait()
        message = message_for_person(self.rendered, mailing_id=self.mailing.pk, person=person,
                                     connection=self.connection)  # fmt: skip
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as refused:
            self._refused(recipient, person, *next(iter(refused.recipients.values())))
            return
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as error:
            self._mark(recipient, Recipient.Status.QUEUED)
            _note_error(self.mailing, error)
            raise _Outcome(more=True) from None
        except smtplib.SMTPException as error:
            self._mark(recipient, Recipient.Status.FAILED, f"{type(error).__name__}: {error}")
            return
        self._mark(recipient, Recipient.Status.SENT)

    def _refused(self, recipient, person, code: int, answer: bytes) -> None:
        detail = f"{code} {answer.decode(errors='replace')}"
        if 400 <= code < 500:  # "try again later": the message waits for the next try
            self._mark(recipient, Recipient.Status.QUEUED)
            _note_error(self.mailing, smtplib.SMTPRecipientsRefused({person.email: (code, answer)}))
            raise _Outcome(more=True)
        self._mark(recipient, Recipient.Status.BOUNCED, detail)
        address_suppress(address=person.email, reason=SuppressedAddress.Reason.BOUNCED,
                         detail=detail)  # fmt: skip


def _note_error(mailing: Mailing, error: Exception) -> None:
    stamp = timezone.localtime().strftime("%-d %B %Y %H:%M")
    Mailing.objects.filter(pk=mailing.pk).update(
        last_error=f"{stamp}: {type(error).__name__}: {error}"[:2000]
    )


def _retry_later(mailing: Mailing) -> None:
    from actionhub.mailings.tasks import send_mailing_batch

    if task_backends["default"].supports_defer:
        run_after = timezone.now() + settings.EMAIL_RETRY_DELAYS[0]
        send_mailing_batch.using(run_after=run_after).enqueue(mailing.pk)
