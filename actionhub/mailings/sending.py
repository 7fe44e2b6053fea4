# ruff: noqa: S608  (only table names, from the models, are put into the SQL here)
"""Sending a mailing: batches on the task worker, one message at a time, each one checked.

One worker sends a mailing at a time: a batch first takes the mailing's lease (a conditional
UPDATE), renews it as it goes and gives it back at the end, so a batch queued twice (the
stalled-task sweep, a resumed mailing) finds the lease taken and does nothing. A batch stops
after MAILING_BATCH_SIZE messages or BATCH_SECONDS, whichever comes first, then queues the next.

Before each message, the mailing must still be sending under this batch's lease, the person's
consent must still stand (for news for group leaders, they must still lead an approved group)
and their address must not be suppressed. Each message is marked
"sending" (committed) before the mail server is given it and "sent" (committed) once it took
it: a worker killed in between leaves one message "sending", which the next batch marks
interrupted and never sends again, so nobody gets a mailing twice.

The mail server's answers: "try again later" (4xx) for one address holds back that message
alone, retried after EMAIL_RETRY_DELAYS like every other email, then failed; a refusal for good
(5xx) bounces the address (it is suppressed) or fails the message; the server away or closing
the connection stops the batch, and it is tried again later with nothing lost.

The checks and marks run for every message, so they are plain SQL prepared once: built by the
ORM they cost about 0.8 ms a message in compiling alone, most of the cost of the whole path
(`make bench-mailing`, profiled), against about 0.1 ms as SQL. The checks here and
`mailings.audience.audience_people` must agree: tests hold them to it, for campaign emails and
for news for group leaders.
"""

import contextlib
import secrets
import smtplib
import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as database
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks import task_backends

from actionhub.core.email import address_suppress, email_worth_another_try
from actionhub.core.models import SuppressedAddress, suppressed_address_hash
from actionhub.groups.models import Group, Leader
from actionhub.mailings.content import (
    RenderedMailing,
    mailing_render,
    message_for_person,
    message_id_for,
)
from actionhub.mailings.models import Mailing, Recipient
from actionhub.supporters.models import Consent

BATCH_SECONDS = 60
STALLED_AFTER = timedelta(minutes=5)
# The mail server itself is unavailable (it is shutting down, or too busy): not one address.
SERVICE_UNAVAILABLE = 421


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
    """The per-message SQL; "gate" answers: still sending under this lease? consent standing?
    address suppressed (by its keyed hash, which an entry keeps once its owner is erased, or by
    the address while the entry holds it, as core.email.suppressions_of)? "leads": still a
    confirmed leader of one of the campaign's approved groups (for news for group leaders)?
    Only table names are put in; every value is a parameter."""
    table = database.ops.quote_name
    mailing, recipient = table(Mailing._meta.db_table), table(Recipient._meta.db_table)
    consent, suppressed = table(Consent._meta.db_table), table(SuppressedAddress._meta.db_table)
    leader, group = table(Leader._meta.db_table), table(Group._meta.db_table)
    return {
        "leads": f"""SELECT EXISTS (SELECT 1 FROM {leader} l JOIN {group} g ON g.id = l.group_id
            WHERE l.person_id = %s AND l.confirmed_at IS NOT NULL AND g.campaign_id = %s
            AND g.status = %s)""",
        "gate": f"""SELECT m.status = %s AND m.lease_token = %s,
            EXISTS (SELECT 1 FROM {consent} c
                    WHERE c.person_id = %s AND c.purpose = %s AND c.withdrawn_at IS NULL),
            EXISTS (SELECT 1 FROM {suppressed} s WHERE s.address_hash = %s OR s.address = %s)
            FROM {mailing} m WHERE m.id = %s""",
        "claim": f"""UPDATE {recipient} SET status = %s, message_id = %s
            WHERE id = %s AND status = %s""",
        "mark": f"""UPDATE {recipient} SET status = %s, sent_at = %s, error = %s
            WHERE id = %s AND status IN (%s, %s)""",
        "later": f"""UPDATE {recipient} SET status = %s, attempts = %s, retry_after = %s,
            error = %s WHERE id = %s AND status = %s""",
        "renew": f"UPDATE {mailing} SET lease_until = %s WHERE id = %s AND lease_token = %s",
    }


def _adapt(moment):
    return database.ops.adapt_datetimefield_value(moment)


class _Stop(Exception):
    """The batch stops here: the mailing is no longer ours to send, or the server is away."""

    def __init__(self, *, again_after: timedelta | None):
        self.again_after = again_after


def mailing_send_batch(*, mailing_id: int) -> bool:
    """Send the next messages of a sending mailing; True if more are left (a batch is queued).
    Runs outside any transaction: each mark must be committed before the next step."""
    if database.in_atomic_block:
        raise RuntimeError("A mailing is sent outside a transaction: each mark must commit.")
    mailing = Mailing.objects.select_related("campaign").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        if mailing is not None and mailing.status == Mailing.Status.CANCELLED:
            mailing.recipients.filter(status=Recipient.Status.QUEUED).update(
                status=Recipient.Status.CANCELLED
            )
        return False
    lease = _lease_take(mailing)
    if lease is None:
        return False  # another worker is sending it
    try:
        return _send_batch(mailing, lease)
    finally:
        Mailing.objects.filter(pk=mailing.pk, lease_token=lease).update(
            lease_token="", lease_until=None
        )


def _lease_take(mailing: Mailing) -> str | None:
    now = timezone.now()
    token = secrets.token_hex(16)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = (
        Mailing.objects.filter(free, pk=mailing.pk, status=Mailing.Status.SENDING)
        .update(lease_token=token, lease_until=now + settings.MAILING_LEASE)
    )  # fmt: skip
    return token if taken else None


def _send_batch(mailing: Mailing, lease: str) -> bool:
    # Only the lease holder gets here: a message still "sending" is a dead worker's.
    mailing.recipients.filter(status=Recipient.Status.SENDING).update(
        status=Recipient.Status.INTERRUPTED
    )
    now = timezone.now()
    waiting = mailing.recipients.filter(status=Recipient.Status.QUEUED)
    due = waiting.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
    batch = list(due.select_related("person").order_by("pk")[: settings.MAILING_BATCH_SIZE])
    if not batch:
        later = waiting.aggregate(first=Min("retry_after"))["first"]
        if later is None:
            Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
                status=Mailing.Status.SENT, finished_at=now, updated_at=now
            )
            return False
        _next_batch(mailing, after=later - now)
        return True
    sender = _Sender(mailing, lease)
    try:
        sender.open()
        deadline = time.monotonic() + BATCH_SECONDS
        for recipient in batch:
            sender.send(recipient)
            if time.monotonic() > deadline:
                break
    except _Stop as stopped:
        if stopped.again_after is None:
            return False
        _next_batch(mailing, after=stopped.again_after)
        return True
    finally:
        sender.close()
    _next_batch(mailing, after=timedelta(0))
    return True


def _next_batch(mailing: Mailing, *, after: timedelta) -> None:
    from actionhub.mailings.tasks import send_mailing_batch

    run_at = timezone.now() + after
    Mailing.objects.filter(pk=mailing.pk).update(next_batch_at=run_at)
    if after <= timedelta(0):
        send_mailing_batch.enqueue(mailing.pk)
    elif task_backends["default"].supports_defer:
        send_mailing_batch.using(run_after=run_at).enqueue(mailing.pk)


def mailings_resume_stalled(*, now=None) -> int:
    """Queue a batch again for any mailing left sending with nobody at it (its task failed on an
    unexpected error, or was lost): no lease held, and its next batch long overdue."""
    from actionhub.mailings.tasks import send_mailing_batch

    now = now or timezone.now()
    stalled = Mailing.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=Mailing.Status.SENDING,
        next_batch_at__lt=now - STALLED_AFTER,
    )
    resumed = 0
    for pk in stalled.values_list("pk", flat=True):
        Mailing.objects.filter(pk=pk).update(next_batch_at=now)
        send_mailing_batch.enqueue(pk)
        resumed += 1
    return resumed


class _Sender:
    """One batch's connection to the mail server, and how each message is checked and marked."""

    def __init__(self, mailing: Mailing, lease: str):
        self.mailing = mailing
        self.lease = lease
        self.rendered: RenderedMailing = mailing_render(mailing)
        self.pace = _Pace(settings.MAILING_MESSAGES_PER_SECOND)
        self.sql = _statements()
        self.connection = get_connection()
        self.renewed_at = time.monotonic()

    def open(self) -> None:
        try:
            self.connection.open()
        except (smtplib.SMTPException, OSError) as error:
            _note_error(self.mailing, error)
            raise _Stop(again_after=settings.EMAIL_RETRY_DELAYS[0]) from None

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
        """Mark a message still queued or being sent by this batch; never one another marked."""
        sent_at = _adapt(timezone.now() if status == Recipient.Status.SENT else None)
        self._update("mark", [status, sent_at, error[:2000], recipient.pk,
                              Recipient.Status.QUEUED, Recipient.Status.SENDING])  # fmt: skip

    def _renew(self) -> None:
        if time.monotonic() - self.renewed_at > settings.MAILING_LEASE.total_seconds() / 4:
            until = _adapt(timezone.now() + settings.MAILING_LEASE)
            if not self._update("renew", [until, self.mailing.pk, self.lease]):
                raise _Stop(again_after=None)
            self.renewed_at = time.monotonic()

    def send(self, recipient: Recipient) -> None:
        self._renew()
        person = recipient.person
        if person is None:  # erased since the mailing started
            self._mark(recipient, Recipient.Status.CANCELLED)
            return
        self.pace.wait()
        address = person.email.strip().casefold()
        ours, standing, suppressed = self._fetch(
            "gate", [Mailing.Status.SENDING, self.lease, person.pk, self.mailing.consent_purpose,
                     suppressed_address_hash(address), address, self.mailing.pk],
        )  # fmt: skip
        if not ours:
            raise _Stop(again_after=None)  # cancelled (the cancellation marked the rest)
        if standing and self.mailing.action == Mailing.Action.GROUP_LEADERS:
            [standing] = self._fetch("leads", [person.pk, self.mailing.campaign_id,
                                               Group.Status.APPROVED])  # fmt: skip
        if suppressed or not standing:
            held = Recipient.Status.SUPPRESSED if suppressed else Recipient.Status.UNSUBSCRIBED
            self._mark(recipient, held)
            return
        message_id = message_id_for(mailing_id=self.mailing.pk, person_id=person.pk)
        claimed = self._update(
            "claim", [Recipient.Status.SENDING, message_id, recipient.pk, Recipient.Status.QUEUED]
        )
        if not claimed:
            return
        message = message_for_person(self.rendered, mailing_id=self.mailing.pk, person=person,
                                     connection=self.connection)  # fmt: skip
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as refused:  # at RCPT TO: about the address
            code, answer = next(iter(refused.recipients.values()))
            self._answered(recipient, person, code, _text(answer), address=True)
        except smtplib.SMTPResponseException as error:  # at DATA: about the message
            self._answered(recipient, person, error.smtp_code, _text(error.smtp_error))
        except (smtplib.SMTPException, OSError) as error:
            if not email_worth_another_try(error):  # a fault in this message, not the server
                self._mark(recipient, Recipient.Status.FAILED, f"{type(error).__name__}: {error}")
                return
            self._server_away(recipient, error)  # it went away mid-message
        else:
            self._mark(recipient, Recipient.Status.SENT)

    def _answered(self, recipient, person, code: int, answer: str, address: bool = False) -> None:
        """The mail server would not take this message: what it said decides what follows. A
        refusal for good of the address at RCPT TO is a bounce, and the address is suppressed;
        one of the message (its content, a policy) fails this message only."""
        detail = f"{code} {answer}"
        if code == SERVICE_UNAVAILABLE:
            self._server_away(recipient, smtplib.SMTPResponseException(code, answer))
        elif 400 <= code < 500:
            self._try_later(recipient, detail)
        elif address:
            self._mark(recipient, Recipient.Status.BOUNCED, detail)
            address_suppress(address=person.email, reason=SuppressedAddress.Reason.BOUNCED,
                             detail=detail)  # fmt: skip
        else:
            self._mark(recipient, Recipient.Status.FAILED, detail)

    def _try_later(self, recipient: Recipient, detail: str) -> None:
        delays = settings.EMAIL_RETRY_DELAYS
        attempts = recipient.attempts + 1
        if attempts > len(delays):
            self._mark(recipient, Recipient.Status.FAILED, detail)
            return
        retry_after = _adapt(timezone.now() + delays[attempts - 1])
        self._update("later", [Recipient.Status.QUEUED, attempts, retry_after, detail[:2000],
                               recipient.pk, Recipient.Status.SENDING])  # fmt: skip

    def _server_away(self, recipient: Recipient, error: Exception) -> None:
        """The message waits, untried, and the batch stops: it is tried again later."""
        self._update("later", [Recipient.Status.QUEUED, recipient.attempts, None, "",
                               recipient.pk, Recipient.Status.SENDING])  # fmt: skip
        _note_error(self.mailing, error)
        raise _Stop(again_after=settings.EMAIL_RETRY_DELAYS[0])


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _note_error(mailing: Mailing, error: Exception) -> None:
    """What the server said, for organisers, without any recipient's address in it."""
    stamp = timezone.localtime().strftime("%-d %B %Y %H:%M")
    if isinstance(error, smtplib.SMTPResponseException):
        said = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        said = f"{type(error).__name__}: {error}"
    Mailing.objects.filter(pk=mailing.pk).update(last_error=f"{stamp}: {said}"[:2000])
