"""Campaign emails, from a draft to the last message: what organisers do, and the sending.

Organisers' operations (send a test, send, approve, cancel) check permission, change the
mailing and write the audit entry, so the console and a command behave the same.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.core.email import address_suppress, email_send
from actionhub.core.models import SuppressedAddress
from actionhub.core.text import counted
from actionhub.mailings.audience import audience_count, audience_describe, audience_people
from actionhub.mailings.content import (
    body_clean,
    links_put_in,
    mailing_render,
    subject_clean,
)
from actionhub.mailings.models import Mailing, Recipient

SEND = "mailings.send_mailing"
APPROVE = "mailings.approve_mailing"
OPEN = [Mailing.Status.AWAITING_APPROVAL, Mailing.Status.SCHEDULED, Mailing.Status.SENDING]
RECIPIENT_CHUNK = 2_000


def _require(actor, permission: str, what: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to {what}.")


def _content_check(mailing: Mailing) -> None:
    try:
        subject_clean(mailing.subject)
        body_clean(mailing.body)
    except ValidationError as problem:
        message = f"This email cannot be sent yet. {' '.join(problem.messages)}"
        raise ValidationError(message) from None


def mailing_test_send(*, actor, mailing: Mailing, request=None):
    """The mailing as supporters will get it, to the organiser's own address only."""
    _require(actor, SEND, "send campaign emails")
    _content_check(mailing)
    if not actor.email:
        raise ValidationError(
            "Your account has no email address to send the test to: add one under "
            "Organisers, then try again."
        )
    rendered = mailing_render(mailing)
    sample = settings.SITE_URL + reverse("supporter-erase-request")
    links = {"unsubscribe": sample, "erase": sample}
    text, html = links_put_in(rendered.text, links), links_put_in(rendered.html, links)
    email = email_send(
        to=[actor.email], subject=f"[Test] {rendered.subject}", body=text, html=html,
        sender_name=mailing.campaign.name,
    )  # fmt: skip
    Mailing.objects.filter(pk=mailing.pk).update(tested_at=timezone.now())
    audit_record(action="mailing.tested", actor=actor, obj=mailing, request=request,
                 summary=f"Sent a test of “{mailing}” to their own address")  # fmt: skip
    return email


UNTESTED = (
    "Send yourself a test of this version first (Preview and send a test), to read it as "
    "supporters will: it has changed since the last test, or has never had one."
)


def mailing_tested(mailing: Mailing) -> bool:
    """A test went to an organiser after the last change to the words or the audience."""
    return mailing.tested_at is not None and mailing.tested_at >= mailing.updated_at


def senders() -> int:
    """Active organisers who may send campaign emails: with two or more, a large one needs two."""
    users = get_user_model().objects
    may = users.with_perm(SEND, backend="django.contrib.auth.backends.ModelBackend")
    return may.filter(is_staff=True, is_active=True).count()


def mailing_needs_approval(*, count: int) -> bool:
    return (
        settings.MAILING_NEEDS_SECOND_APPROVAL
        and count > settings.MAILING_APPROVAL_ABOVE
        and senders() >= 2
    )


def _locked(mailing: Mailing) -> Mailing:
    return Mailing.objects.select_for_update().get(pk=mailing.pk)


@transaction.atomic
def mailing_send_request(
    *, actor, mailing: Mailing, send_at: datetime | None = None, request=None
) -> Mailing:
    """Send a draft now or at `send_at`: after a second organiser's approval if it is large."""
    _require(actor, SEND, "send campaign emails")
    mailing = _locked(mailing)
    if mailing.status != Mailing.Status.DRAFT:
        raise ValidationError(
            f"Only a draft can be sent: this email is {mailing.get_status_display().lower()}."
        )
    _content_check(mailing)
    if not mailing_tested(mailing):
        raise ValidationError(UNTESTED)
    now = timezone.now()
    if send_at is not None and send_at <= now:
        raise ValidationError("Choose a time in the future, or send it now.")
    count = audience_count(mailing)
    if count == 0:
        wider = (
            "No group leader has asked for news for group leaders yet."
            if mailing.action == Mailing.Action.GROUP_LEADERS
            else "Choose a wider audience."
        )
        raise ValidationError(
            f"Nobody would get this email: {audience_describe(mailing).lower()} is nobody at "
            f"the moment. {wider}"
        )
    mailing.requested_by = actor
    mailing.audience_counted = count
    mailing.send_at = send_at or now
    needs_approval = mailing_needs_approval(count=count)
    mailing.status = (
        Mailing.Status.AWAITING_APPROVAL if needs_approval else Mailing.Status.SCHEDULED
    )
    mailing.save()
    when = "now" if send_at is None else f"at {timezone.localtime(send_at):%-d %B %Y %H:%M}"
    then = ", once another organiser approves it" if needs_approval else ""
    audit_record(
        action="mailing.send_requested", actor=actor, obj=mailing, request=request,
        summary=f"Asked to send “{mailing}” to {counted(count, 'person', 'people')} {when}{then}",
    )  # fmt: skip
    _start_if_due(mailing)
    return mailing


@transaction.atomic
def mailing_approve(*, actor, mailing: Mailing, request=None) -> Mailing:
    """A second organiser, never the one who asked, approves a large mailing."""
    _require(actor, APPROVE, "approve campaign emails")
    mailing = _locked(mailing)
    if actor.pk == mailing.requested_by_id:
        raise PermissionDenied("Another organiser must approve your email, not you.")
    if mailing.status != Mailing.Status.AWAITING_APPROVAL:
        raise ValidationError(
            f"This email is not waiting for approval: it is {mailing.get_status_display().lower()}."
        )
    mailing.status = Mailing.Status.SCHEDULED
    mailing.approved_by = actor
    mailing.approved_at = timezone.now()
    mailing.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(
        action="mailing.approved", actor=actor, obj=mailing, request=request,
        summary=f"Approved “{mailing}”, asked for by {mailing.requested_by}",
    )  # fmt: skip
    _start_if_due(mailing)
    return mailing


@transaction.atomic
def mailing_cancel(*, actor, mailing: Mailing, request=None) -> Mailing:
    """Stop a mailing that waits or is sending: no message not already sent will go."""
    _require(actor, SEND, "cancel campaign emails")
    mailing = _locked(mailing)
    if mailing.status not in OPEN:
        raise ValidationError(
            f"This email cannot be cancelled: it is {mailing.get_status_display().lower()}."
        )
    mailing.status = Mailing.Status.CANCELLED
    mailing.cancelled_at = timezone.now()
    mailing.cancelled_by = actor
    mailing.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    unsent = mailing.recipients.filter(status=Recipient.Status.QUEUED)
    held_back = unsent.update(status=Recipient.Status.CANCELLED)
    audit_record(
        action="mailing.cancelled", actor=actor, obj=mailing, request=request,
        summary=f"Cancelled “{mailing}”"
        + (f": {counted(held_back, 'message')} not sent" if held_back else ""),
    )  # fmt: skip
    return mailing


def _start_if_due(mailing: Mailing) -> None:
    from actionhub.mailings.tasks import start_mailing

    if mailing.status == Mailing.Status.SCHEDULED and mailing.send_at <= timezone.now():
        transaction.on_commit(lambda: start_mailing.enqueue(mailing.pk))


def mailings_start_due(*, now=None) -> int:
    """Start every scheduled mailing whose time has come (the periodic task)."""
    now = now or timezone.now()
    due = Mailing.objects.filter(status=Mailing.Status.SCHEDULED, send_at__lte=now)
    return sum(mailing_start(mailing_id=pk) for pk in due.values_list("pk", flat=True))


def mailing_start(*, mailing_id: int) -> bool:
    """Make a scheduled mailing's recipients (the audience at this moment) and start sending.

    The audience may have grown since sending was asked for: if it now needs a second
    organiser's approval it has not had (or has grown by more than a tenth since it was
    approved), it goes back to wait for one, and nothing is sent."""
    from actionhub.mailings.tasks import send_mailing_batch

    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status != Mailing.Status.SCHEDULED:
            return False
        people = list(audience_people(mailing).order_by("pk").values_list("pk", flat=True))
        if _needs_approval_again(mailing, len(people)):
            mailing.status = Mailing.Status.AWAITING_APPROVAL
            mailing.approved_by, mailing.approved_at = None, None
            mailing.audience_counted = len(people)
            mailing.save()
            audit_record(
                action="mailing.approval_needed", obj=mailing,
                summary=f"“{mailing}” now goes to {counted(len(people), 'person', 'people')}: "
                "it waits for a second organiser's approval again",
            )  # fmt: skip
            return False
        Recipient.objects.bulk_create(
            (Recipient(mailing=mailing, person_id=pk) for pk in people),
            batch_size=RECIPIENT_CHUNK, ignore_conflicts=True,
        )  # fmt: skip
        mailing.status = Mailing.Status.SENDING
        mailing.started_at = mailing.next_batch_at = timezone.now()
        mailing.save(update_fields=["status", "started_at", "next_batch_at", "updated_at"])
        transaction.on_commit(lambda: send_mailing_batch.enqueue(mailing.pk))
    return True


def _needs_approval_again(mailing: Mailing, count: int) -> bool:
    if not mailing_needs_approval(count=count):
        return False
    if mailing.approved_by_id is None:
        return True
    return count > (mailing.audience_counted or 0) * 1.1


def mailing_figures(mailing: Mailing) -> dict[str, int]:
    """What can be known honestly, per recipient status (no opens, no clicks: none are tracked)."""
    counts = dict(
        mailing.recipients.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Recipient.Status.values}


def recipient_bounced(*, message_id: str, reason: str, complaint: bool = False) -> Recipient | None:
    """A bounce report or a spam complaint for a mailing's message: the address is suppressed,
    and a complaint also withdraws the consent the mailing was sent under."""
    from actionhub.supporters.services import consent_withdraw

    recipients = Recipient.objects.select_related("person", "mailing")
    recipient = recipients.filter(message_id=message_id.strip()).first()
    if recipient is None:
        return None
    status = Recipient.Status.COMPLAINED if complaint else Recipient.Status.BOUNCED
    Recipient.objects.filter(pk=recipient.pk).update(status=status, error=reason[:2000])
    if recipient.person is not None:
        why = SuppressedAddress.Reason.COMPLAINED if complaint else SuppressedAddress.Reason.BOUNCED
        address_suppress(address=recipient.person.email, reason=why, detail=reason)
        if complaint:
            consent_withdraw(person=recipient.person, purpose=recipient.mailing.consent_purpose)
    return recipient


RECIPIENTS_KEPT = timedelta(days=30)


def mailings_recipients_forget(*, now=None) -> int:
    """Who was sent a mailing is personal data: kept 30 days after it finished (for the bounces
    and complaints that come back), then only the figures remain."""
    now = now or timezone.now()
    cutoff = now - RECIPIENTS_KEPT
    finished = Mailing.objects.filter(Q(finished_at__lt=cutoff) | Q(cancelled_at__lt=cutoff))
    return Recipient.objects.filter(mailing__in=finished, person__isnull=False).update(
        person=None, message_id="", error=""
    )


def recipients_forget_for(*, person) -> None:
    """Erasing a supporter: what the mail server said about their messages can hold their
    address (a supporters.services erase step)."""
    Recipient.objects.filter(person=person).update(message_id="", error="")


def recipient_report_handle(report) -> str | None:
    """A bounce or complaint for a campaign email (core.bounces); a bounce that may clear by
    itself (a full mailbox, 4.x.x) is noted but suppresses nothing."""
    if not report.permanent:
        recipient = Recipient.objects.filter(message_id=report.message_id.strip()).first()
        return f"A temporary failure for {recipient}: nothing changed." if recipient else None
    recipient = recipient_bounced(
        message_id=report.message_id, reason=report.reason, complaint=report.complaint
    )
    if recipient is None:
        return None
    what = "a spam complaint" if report.complaint else "a bounce"
    return f"Recorded {what} for “{recipient.mailing}”: the address gets no more email."
