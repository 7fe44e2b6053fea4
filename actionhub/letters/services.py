"""Writing, confirming, delivering and following up letters to MPs."""

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionhub.brands.models import Brand
from actionhub.campaigns.models import LetterTemplate
from actionhub.core.addresses import normalise_email
from actionhub.core.email import from_address, message_id_new
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.core.sources import source_clean
from actionhub.letters.compose import letter_prefill, personal_share, signature_block
from actionhub.letters.models import (
    MP_CONSENT_WORDING,
    Letter,
    SendAllowance,
    brand_consent_wording,
)
from actionhub.parliament.lookup import Placement
from actionhub.supporters.confirmation import (
    LinkInvalid,
    confirmation_nonce,
    confirmation_read,
    confirmation_token,
    consents_record,
    supporter_email_send,
)
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent
from actionhub.supporters.services import people_delete_unattached, person_get_or_create

CONFIRM_KIND = "letter"
REPLY_SALT = "letter-reply"
REPLY_MAX_AGE = 60 * 24 * 60 * 60
FOLLOW_UP_AFTER = timedelta(days=14)
REMINDER_AFTER = timedelta(days=7)
MAX_SEND_ATTEMPTS = 3
UNCONFIRMED_KEPT = timedelta(days=7)
HANDED_OVER_KEPT = timedelta(days=30)
SENT_KEPT = timedelta(days=60)


class LettersRateLimited(Exception):
    """Too many letters from one connection; the message is for the supporter."""


@dataclass(frozen=True)
class Confirmation:
    letter: Letter
    outcome: str  # "queued", "already", "too-soon", "subscribed"
    next_allowed: object = None


def letter_submit(
    *, template: LetterTemplate, subject: str, body: str, details: dict, ip_address: str | None,
    placement: Placement | None = None, brand: Brand | None = None, source: str = "",
) -> Letter | None:  # fmt: skip
    """Record a letter the supporter has finished, to their MP (placement) or to a brand,
    with the `?source=` code of the link it was started from.
    Site delivery waits for email confirmation; the other ways hand the letter over at once."""
    if details.get("website"):
        return None  # a robot filled the hidden field
    if rate_limit_exceeded(
        key=f"letters:{rate_limit_key(ip_address)}", limits=settings.LETTERS_RATE_LIMITS
    ):
        raise LettersRateLimited(
            "Many letters have been written from your connection today. "
            "Please try again in an hour, or send your letter from your own email."
        )
    email = details.get("email", "")
    person = None
    if email:
        person = person_get_or_create(email=email, first_name=details["name"])
    site = details["delivery"] == Letter.Delivery.SITE
    mp = placement.mp if placement else None
    recipient = mp or brand
    letter = Letter(
        template=template,
        person=person,
        email_normalised=normalise_email(email) if email else "",
        constituency=placement.constituency if placement else None,
        mp=mp,
        brand=brand,
        mp_name=recipient.name,
        mp_party=mp.party if mp else "",
        postcode=placement.postcode if placement else "",
        sender_name=details["name"],
        sender_address=details.get("address", ""),
        sender_email=email,
        subject=subject,
        body=body,
        personal_share=personal_share(
            prefill=letter_prefill(template_body=template.body, mp_name=recipient.name), body=body
        ),
        delivery=details["delivery"],
        status=Letter.Status.AWAITING_CONFIRMATION if site else Letter.Status.HANDED_OVER,
        campaign_emails=bool(details.get("campaign_emails")) and bool(email),
        source=source_clean(source),
        ip_address=ip_address,
    )
    if site or letter.campaign_emails:
        letter.confirmation_nonce = confirmation_nonce()
    letter.full_clean()
    with transaction.atomic():
        letter.save()
        if letter.confirmation_nonce:
            _email_confirmation(letter)
    return letter


def letter_confirmation_token(letter: Letter) -> str:
    return confirmation_token(kind=CONFIRM_KIND, pk=letter.pk, nonce=letter.confirmation_nonce)


def letter_from_confirmation(*, token: str) -> Letter:
    """The letter a link is for, unchanged (opening a link sends nothing); LinkInvalid or
    LinkExpired for a link that cannot confirm."""
    link = confirmation_read(kind=CONFIRM_KIND, token=token)
    letter = Letter.objects.select_related("template", "mp", "person").filter(pk=link.pk).first()
    if letter is None or letter.personal_data_erased_at:
        raise LinkInvalid
    if letter.confirmed_at is None:
        link.check(letter.confirmation_nonce)
    return letter


def letter_confirm(*, token: str) -> Confirmation:
    """The mailbox owner confirmed: record their consents and, for site delivery, send."""
    letter = letter_from_confirmation(token=token)
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(of=("self",))
            .select_related("template", "mp")
            .get(pk=letter.pk)
        )
        if letter.confirmed_at is not None:
            return Confirmation(letter, "already")
        if letter.delivery == Letter.Delivery.SITE:
            next_allowed = _claim_send_allowance(letter)
            if next_allowed is not None:
                return Confirmation(letter, "too-soon", next_allowed)
            letter.status = Letter.Status.QUEUED
        letter.confirmed_at = timezone.now()
        letter.save(update_fields=["status", "confirmed_at", "updated_at"])
        _consents_record(letter)
        if letter.delivery == Letter.Delivery.SITE:
            from actionhub.letters.tasks import deliver_letter

            transaction.on_commit(lambda: deliver_letter.enqueue(letter.pk))
            return Confirmation(letter, "queued")
    return Confirmation(letter, "subscribed")


def _claim_send_allowance(letter: Letter):
    """None if the site may send this letter now (and note it); else when it next may."""
    key = {
        "email_normalised": letter.email_normalised,
        "mp": letter.mp,
        "brand": letter.brand,
        "template": letter.template,
    }
    SendAllowance.objects.get_or_create(**key)
    allowance = SendAllowance.objects.select_for_update().get(**key)
    now = timezone.now()
    window = timedelta(days=settings.LETTERS_RESEND_DAYS)
    if allowance.last_sent_at and allowance.last_sent_at > now - window:
        return allowance.last_sent_at + window
    allowance.last_sent_at = now
    allowance.save(update_fields=["last_sent_at"])
    return None


def _consents_record(letter: Letter) -> None:
    if letter.person is None:
        return
    consents_record(
        person=letter.person,
        choices=letter_choices(letter),
        method=f"Letter form for “{letter.template.title}”, confirmed by email",
        given_at=letter.submitted_at,
    )


def letter_choices(letter: Letter) -> list[tuple[str, str]]:
    """What the writer agreed to, each as (purpose, wording)."""
    choices = []
    if letter.delivery == Letter.Delivery.SITE and letter.brand_id:
        choices.append((Consent.Purpose.PASS_TO_BRAND, brand_consent_wording(letter.mp_name)))
    elif letter.delivery == Letter.Delivery.SITE:
        choices.append((Consent.Purpose.PASS_TO_MP, f"{MP_CONSENT_WORDING}: {letter.mp_name}"))
    if letter.campaign_emails:
        choices.append((Consent.Purpose.CAMPAIGN_EMAILS, CAMPAIGN_EMAILS_WORDING))
    return choices


def letter_full_text(letter: Letter) -> str:
    block = signature_block(
        name=letter.sender_name,
        address=letter.sender_address,
        postcode=letter.postcode,
        email=letter.sender_email,
    )
    return f"{letter.body}\n\n{block}"


def letter_deliver(*, letter_id: int) -> None:
    """Email the letter to the MP's address from our data, never one from the form."""
    letter = (
        Letter.objects.select_related("mp", "brand", "template__campaign")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None or letter.status != Letter.Status.QUEUED:
        return  # erased, already sent, or failed for good
    recipient = letter_recipient_email(letter)
    if not recipient:
        letter_fail(letter=letter, reason="We have no email address for the recipient.")
        return
    message_id = letter.message_id or message_id_new()
    message = EmailMessage(
        subject=letter.subject,
        body=render_to_string(
            "letters/email/to_brand.txt" if letter.to_brand else "letters/email/to_mp.txt",
            {"letter": letter, "text": letter_full_text(letter), "site_url": settings.SITE_URL},
        ),
        from_email=from_address(
            letter.template.campaign.name, parseaddr(settings.LETTERS_FROM_EMAIL)[1]
        ),
        to=[recipient],
        reply_to=[formataddr((letter.sender_name, letter.sender_email))],
        headers={"Message-ID": message_id},
    )
    letter.send_attempts += 1
    letter.message_id = message_id
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        if not _temporary(error) or letter.send_attempts >= MAX_SEND_ATTEMPTS:
            letter_fail(letter=letter, reason=_describe(error))
            return
        if not _letter_note_try(letter, failure=_describe(error)):
            return  # erased meanwhile
        raise  # a 4xx answer (greylisting): the task queues another try
    except (smtplib.SMTPException, OSError) as error:
        if letter.send_attempts >= MAX_SEND_ATTEMPTS:
            letter_fail(letter=letter, reason=_describe(error))
            return
        if not _letter_note_try(letter, failure=_describe(error)):
            return  # erased meanwhile
        raise  # the task queues another try
    letter.status = Letter.Status.SENT
    letter.sent_at = timezone.now()
    letter.failure = ""
    marked = Letter.objects.filter(pk=letter.pk, status=Letter.Status.QUEUED).update(
        status=letter.status, sent_at=letter.sent_at, send_attempts=letter.send_attempts,
        message_id=letter.message_id, failure="", updated_at=letter.sent_at,
    )  # fmt: skip
    if not marked:
        return  # erased while it was being sent: no copy goes to an address we no longer hold
    _email_constituent(
        letter,
        subject=f"Your letter to {letter.mp_name} has been sent",
        template="letters/email/copy.txt",
        text=letter_full_text(letter),
    )


def _letter_note_try(letter: Letter, *, failure: str) -> bool:
    """Note a try that did not get through, if the letter is still queued (its writer may have
    erased it while the mail server had it): False if it is gone."""
    letter.failure = failure
    return bool(
        Letter.objects.filter(pk=letter.pk, status=Letter.Status.QUEUED).update(
            send_attempts=letter.send_attempts, message_id=letter.message_id,
            failure=failure, updated_at=timezone.now(),
        )
    )  # fmt: skip


def _temporary(error: Exception) -> bool:
    """A 4xx answer, which the mail server means as "try again later"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return 400 <= getattr(error, "smtp_code", 500) < 500


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {message.decode(errors='replace')}" for code, message in
                 error.recipients.values()]  # fmt: skip
        return "The recipient's mail server refused the address: " + "; ".join(codes)
    return f"{type(error).__name__}: {error}"[:1000]


@transaction.atomic
def letter_fail(*, letter: Letter, reason: str) -> None:
    """Record why a letter did not arrive and tell the constituent, once."""
    if letter.status == Letter.Status.FAILED:
        return
    letter.status = Letter.Status.FAILED
    letter.failure = reason[:2000]
    marked = (
        Letter.objects.filter(pk=letter.pk).exclude(status=Letter.Status.FAILED)
        .update(status=letter.status, failure=letter.failure, send_attempts=letter.send_attempts,
                message_id=letter.message_id, updated_at=timezone.now())
    )  # fmt: skip
    if not marked:
        return  # erased while it was being sent: nobody to tell
    SendAllowance.objects.filter(  # it did not arrive: they may send it again
        email_normalised=letter.email_normalised, mp=letter.mp, brand=letter.brand,
        template=letter.template,
    ).delete()  # fmt: skip
    _email_constituent(
        letter,
        subject=f"We could not deliver your letter to {letter.mp_name}",
        template="letters/email/failed.txt",
        text=letter_full_text(letter),
        mp_email=letter_recipient_email(letter),
    )


def letter_recipient_email(letter: Letter) -> str:
    """Where the letter goes: always the address in our data, never one from a form."""
    if letter.to_brand:
        return letter.brand.contact_email if letter.brand else ""
    return letter.mp.email if letter.mp else ""


def letter_record_bounce(*, message_id: str, reason: str) -> Letter | None:
    """A bounce report for a letter we sent: it did not arrive after all."""
    letter = Letter.objects.select_related("mp").filter(message_id=message_id.strip()).first()
    if letter is None or letter.status not in (Letter.Status.SENT, Letter.Status.QUEUED):
        return None
    letter_fail(letter=letter, reason=f"Bounced: {reason}" if reason else "Bounced")
    return letter


def letter_bounce_handle(report) -> str | None:
    """A bounce for a letter (core.bounces): a complaint about one changes nothing."""
    if report.complaint:
        return None
    letter = letter_record_bounce(message_id=report.message_id, reason=report.reason)
    return f"Letter {letter.pk} to {letter.mp_name} marked as bounced." if letter else None


def letter_reply_token(letter: Letter) -> str:
    return signing.dumps(letter.pk, salt=REPLY_SALT)


def letter_from_reply_token(*, token: str) -> Letter | None:
    try:
        pk = signing.loads(token, salt=REPLY_SALT, max_age=REPLY_MAX_AGE)
    except signing.BadSignature:
        return None
    letter = Letter.objects.filter(pk=pk, status=Letter.Status.SENT).first()
    return None if letter is None or letter.personal_data_erased_at else letter


def letter_record_reply(*, letter: Letter, reply: str, reply_text: str) -> Letter:
    letter.reply = reply
    letter.reply_text = reply_text if reply == Letter.Reply.REPLIED else ""
    letter.replied_at = timezone.now()
    letter.full_clean()
    letter.save(update_fields=["reply", "reply_text", "replied_at", "updated_at"])
    return letter


def letters_send_follow_ups(*, now=None) -> tuple[int, int]:
    """Ask "Did your MP reply?" 14 days after sending, and once more 7 days later."""
    now = now or timezone.now()
    waiting = Letter.objects.filter(
        status=Letter.Status.SENT, reply="", person__isnull=False,
        template__recipient=LetterTemplate.Recipient.MP,
    )  # fmt: skip
    asked = _follow_up(
        waiting.filter(followup_sent_at=None, sent_at__lte=now - FOLLOW_UP_AFTER),
        field="followup_sent_at", now=now, template="letters/email/follow_up.txt",
    )  # fmt: skip
    reminded = _follow_up(
        waiting.filter(reminder_sent_at=None, followup_sent_at__lte=now - REMINDER_AFTER),
        field="reminder_sent_at", now=now, template="letters/email/reminder.txt",
    )  # fmt: skip
    return asked, reminded


def _follow_up(letters, *, field: str, now, template: str) -> int:
    sent = 0
    for letter in letters.select_related("person"):
        with transaction.atomic():
            # Claim the letter first, so two workers never both send.
            if not Letter.objects.filter(pk=letter.pk, **{field: None}).update(**{field: now}):
                continue
            _email_constituent(
                letter,
                subject=f"Did {letter.mp_name} reply to your letter?",
                template=template,
                reply_url=settings.SITE_URL
                + reverse("letter-reply", args=[letter_reply_token(letter)]),
            )
            sent += 1
    return sent


def _email_constituent(
    letter: Letter, *, subject: str, template: str, unconfirmed: bool = False, **context
) -> None:
    if letter.person is None:
        return  # no email address was given
    supporter_email_send(
        person=letter.person,
        sender=letter.template.campaign.name,
        subject=subject,
        template=template,
        context={"letter": letter, **context},
        unconfirmed=unconfirmed,
    )


def _email_confirmation(letter: Letter) -> None:
    site = letter.delivery == Letter.Delivery.SITE
    _email_constituent(
        letter,
        unconfirmed=True,
        subject=(
            f"Confirm your letter to {letter.mp_name}"
            if site
            else "Confirm you would like to hear about the campaign"
        ),
        template="letters/email/confirm.txt" if site else "letters/email/confirm_updates.txt",
        confirm_url=settings.SITE_URL
        + reverse("letter-confirm", args=[letter_confirmation_token(letter)]),
    )


def send_allowances_forget(*, person) -> None:
    """Before a supporter is erased: forget which MPs and brands they wrote to, and when."""
    SendAllowance.objects.filter(email_normalised=person.email_normalised).delete()


@transaction.atomic
def letters_apply_retention(*, now=None) -> int:
    """Unconfirmed letters go after 7 days. Personal details are blanked 30 days after a letter
    was handed over and 60 days after one was sent; the counts in the reports remain."""
    now = now or timezone.now()
    deleted, _ = Letter.objects.filter(
        status=Letter.Status.AWAITING_CONFIRMATION, submitted_at__lt=now - UNCONFIRMED_KEPT
    ).delete()
    expired = Letter.objects.filter(personal_data_erased_at=None).filter(
        Q(status=Letter.Status.HANDED_OVER, submitted_at__lt=now - HANDED_OVER_KEPT)
        | Q(submitted_at__lt=now - SENT_KEPT)
    )
    expired.update(
        person=None, email_normalised="", postcode="", sender_name="", sender_address="",
        sender_email="", subject="", body="", reply_text="", ip_address=None,
        confirmation_nonce="", personal_data_erased_at=now,
    )  # fmt: skip
    window = timedelta(days=settings.LETTERS_RESEND_DAYS)
    # A row with no date is one a letter that failed left before failures deleted theirs.
    SendAllowance.objects.filter(
        Q(last_sent_at__lt=now - window) | Q(last_sent_at__isnull=True)
    ).delete()
    people_delete_unattached()
    return deleted
