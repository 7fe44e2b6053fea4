"""RSVPs, "every week" subscriptions, places and the waiting list, reminders and retention."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.core.sources import source_clean
from actionhub.events.calendar import occurrence_calendar
from actionhub.events.models import RSVP_WORDING, Occurrence, Rsvp, Series, Subscription
from actionhub.supporters.confirmation import (
    LinkInvalid,
    confirmation_nonce,
    confirmation_read,
    confirmation_token,
    consents_record,
    supporter_email_send,
)
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent, Person
from actionhub.supporters.selectors import campaign_email_consents_standing
from actionhub.supporters.services import people_delete_unattached, person_get_or_create

RSVP_KIND = "rsvp"
EVERY_WEEK_KIND = "every-week"
CANCEL_SALT = "rsvp-cancel"
STOP_SALT = "every-week-stop"
UNCONFIRMED_KEPT = timedelta(days=7)
KEPT_AFTER_DATE = timedelta(days=30)
DAY_BEFORE_AT = time(10, 0)
TWO_HOURS = timedelta(hours=2)


class RsvpRefused(Exception):
    """The date cannot take RSVPs, or the connection sent too many; the message says why."""


# Submitting and confirming


def rsvp_submit(*, occurrence: Occurrence, data: dict, ip_address: str | None) -> Rsvp | None:
    """Record an RSVP for one date and email a confirmation link; the same page follows
    whatever the address had done before."""
    if data.get("website"):
        return None
    _check_open(occurrence, ip_address)
    person = _person(data)
    normalised = person.email_normalised
    existing = Rsvp.objects.filter(occurrence=occurrence, email_normalised=normalised).first()
    if existing and existing.status in (Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING):
        rsvp_email(existing, "events/email/already.txt", "You have already said you are coming")
        return existing
    fields = _rsvp_fields(data) | {
        "status": Rsvp.Status.PENDING, "confirmation_nonce": confirmation_nonce(),
        "submitted_at": timezone.now(), "cancelled_at": None,
    }  # fmt: skip
    with transaction.atomic():
        if existing is None:
            try:
                with transaction.atomic():
                    rsvp = Rsvp.objects.create(
                        occurrence=occurrence, person=person, email_normalised=normalised,
                        **fields,
                    )  # fmt: skip
            except IntegrityError:  # the same form sent twice at once: one RSVP
                return Rsvp.objects.get(occurrence=occurrence, email_normalised=normalised)
        else:
            rsvp = existing
            for name, value in _resubmitted(fields).items():
                setattr(rsvp, name, value)
            rsvp.save()
        rsvp_email(
            rsvp, "events/email/confirm.txt", "Confirm you are coming",
            confirm_url=_url("rsvp-confirm", rsvp_confirmation_token(rsvp)),
        )  # fmt: skip
    return rsvp


def _check_open(occurrence: Occurrence, ip_address) -> None:
    if occurrence.status == Occurrence.Status.CANCELLED:
        raise RsvpRefused("This date has been cancelled.")
    if occurrence.ends_at <= timezone.now():
        raise RsvpRefused("This date has passed.")
    if rate_limit_exceeded(
        key=f"rsvp:{rate_limit_key(ip_address)}", limits=settings.EVENTS_RSVP_RATE_LIMITS
    ):
        raise RsvpRefused(
            "Many people have said they are coming from your connection in the last hour. "
            "Please try again later."
        )


def _person(data: dict) -> Person:
    return person_get_or_create(
        email=data["email"], first_name=data["first_name"], last_name=data.get("last_name", "")
    )


def _rsvp_fields(data: dict) -> dict:
    return {
        "first_name": data["first_name"],
        "last_name": data.get("last_name", ""),
        "guests": data.get("guests") or 0,
        "remind_day_before": bool(data.get("remind_day_before")),
        "remind_two_hours": bool(data.get("remind_two_hours")),
        "hear_more": bool(data.get("hear_more")),
        "source": source_clean(data.get("source")),
    }


def _resubmitted(fields: dict) -> dict:
    """What a new submission changes on the row it replaces (pending, cancelled or stopped):
    everything, but the link's source code only when this one came with one (the form sent
    again from a page reached some other way still counts for the link that brought them)."""
    return fields if fields["source"] else {k: v for k, v in fields.items() if k != "source"}


def rsvp_confirmation_token(rsvp: Rsvp) -> str:
    return confirmation_token(kind=RSVP_KIND, pk=rsvp.pk, nonce=rsvp.confirmation_nonce)


def subscription_confirmation_token(subscription: Subscription) -> str:
    return confirmation_token(
        kind=EVERY_WEEK_KIND, pk=subscription.pk, nonce=subscription.confirmation_nonce
    )


def rsvp_for_confirmation(*, token: str) -> Rsvp:
    """The RSVP a confirmation link is for, without confirming it (a GET must change nothing:
    mail scanners follow links)."""
    link = confirmation_read(kind=RSVP_KIND, token=token)
    rsvp = Rsvp.objects.select_related("occurrence__series").filter(pk=link.pk).first()
    if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
        raise LinkInvalid
    if rsvp.status == Rsvp.Status.PENDING:
        link.check(rsvp.confirmation_nonce)
    if rsvp.occurrence.status == Occurrence.Status.CANCELLED:
        raise LinkInvalid
    return rsvp


def subscription_for_confirmation(*, token: str) -> Subscription:
    link = confirmation_read(kind=EVERY_WEEK_KIND, token=token)
    subscription = Subscription.objects.select_related("series").filter(pk=link.pk).first()
    if subscription is None or subscription.status == Subscription.Status.STOPPED:
        raise LinkInvalid
    if subscription.status == Subscription.Status.PENDING:
        link.check(subscription.confirmation_nonce)
    return subscription


def rsvp_confirm(*, token: str) -> Rsvp:
    """The mailbox owner confirmed: a place if there is one, else the waiting list."""
    link = confirmation_read(kind=RSVP_KIND, token=token)
    with transaction.atomic():
        rsvp = (
            Rsvp.objects.select_for_update(of=("self",))
            .select_related("occurrence__series", "person")
            .filter(pk=link.pk)
            .first()
        )
        if rsvp is None:
            raise LinkInvalid
        if rsvp.status in (Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING):
            return rsvp
        if rsvp.status != Rsvp.Status.PENDING:
            raise LinkInvalid
        link.check(rsvp.confirmation_nonce)
        if rsvp.occurrence.status == Occurrence.Status.CANCELLED:
            raise LinkInvalid
        rsvp.confirmation_nonce = ""
        _rsvp_place(rsvp)
        consents_record(
            person=rsvp.person, choices=rsvp_choices(hear_more=rsvp.hear_more),
            method=f"RSVP form for {rsvp.occurrence}, confirmed by email",
            given_at=rsvp.submitted_at,
        )  # fmt: skip
        _email_rsvp_outcome(rsvp)
    return rsvp


def _rsvp_place(rsvp: Rsvp) -> None:
    """Confirm the RSVP if its places fit, else put it on the waiting list."""
    now = timezone.now()
    rsvp.confirmed_at = rsvp.confirmed_at or now
    if places_take(occurrence_id=rsvp.occurrence_id, places=rsvp.places):
        rsvp.status = Rsvp.Status.CONFIRMED
    else:
        rsvp.status, rsvp.waiting_since = Rsvp.Status.WAITING, now
    rsvp.save()


def places_take(*, occurrence_id: int, places: int) -> bool:
    """Take places in one conditional UPDATE: the database decides, whoever else is booking.

    A CHECK constraint (places_taken <= capacity) stands behind it.
    """
    room = Q(capacity__isnull=True) | Q(capacity__gte=F("places_taken") + places)
    return bool(
        Occurrence.objects.filter(room, pk=occurrence_id).update(
            places_taken=F("places_taken") + places
        )
    )


def _places_release(*, occurrence_id: int, places: int) -> None:
    Occurrence.objects.filter(pk=occurrence_id).update(places_taken=F("places_taken") - places)


def rsvp_choices(*, hear_more: bool) -> list[tuple[str, str]]:
    """What someone coming agreed to, each as (purpose, wording)."""
    choices = [(Consent.Purpose.RSVP, RSVP_WORDING)]
    if hear_more:
        choices.append((Consent.Purpose.CAMPAIGN_EMAILS, CAMPAIGN_EMAILS_WORDING))
    return choices


# Cancelling, and the waiting list


def rsvp_cancel_token(rsvp: Rsvp) -> str:
    return signing.dumps(rsvp.pk, salt=CANCEL_SALT)


def rsvp_from_cancel_token(*, token: str) -> Rsvp:
    pk = _load(token, CANCEL_SALT)
    rsvp = Rsvp.objects.select_related("occurrence__series").filter(pk=pk).first()
    if rsvp is None or rsvp.personal_data_erased_at:
        raise LinkInvalid
    return rsvp


def rsvp_cancel(*, rsvp: Rsvp) -> Rsvp:
    """Withdraw an RSVP; a place it held goes to the waiting list."""
    with transaction.atomic():
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return rsvp
        held_places = rsvp.status == Rsvp.Status.CONFIRMED
        rsvp.status, rsvp.cancelled_at = Rsvp.Status.CANCELLED, timezone.now()
        rsvp.save(update_fields=["status", "cancelled_at", "updated_at"])
        if held_places:
            _places_release(occurrence_id=rsvp.occurrence_id, places=rsvp.places)
            waiting_list_promote(occurrence_id=rsvp.occurrence_id)
    return rsvp


def rsvps_release_for(*, person: Person) -> None:
    """Before a supporter is erased: the places they held go to the waiting list."""
    for rsvp in Rsvp.objects.filter(person=person, status=Rsvp.Status.CONFIRMED):
        rsvp_cancel(rsvp=rsvp)


def waiting_list_promote(*, occurrence_id: int) -> list[Rsvp]:
    """Give free places to the waiting list, first come first served, and tell them.
    Nobody is promoted to a date that is cancelled or over."""
    promoted = []
    open_date = Occurrence.objects.filter(pk=occurrence_id, ends_at__gt=timezone.now()).exclude(
        status=Occurrence.Status.CANCELLED
    )
    if not open_date.exists():
        return promoted
    waiting = Rsvp.objects.filter(occurrence_id=occurrence_id, status=Rsvp.Status.WAITING)
    for rsvp in waiting.order_by("waiting_since", "pk").select_related("occurrence__series"):
        if not places_take(occurrence_id=occurrence_id, places=rsvp.places):
            break  # strictly in turn: a smaller party does not jump the queue
        rsvp.status = Rsvp.Status.CONFIRMED
        rsvp.save(update_fields=["status", "updated_at"])
        _email_rsvp_outcome(rsvp, promoted=True)
        promoted.append(rsvp)
    return promoted


# Every week


def subscription_submit(*, series: Series, data: dict, ip_address: str | None):
    if data.get("website"):
        return None
    if rate_limit_exceeded(
        key=f"rsvp:{rate_limit_key(ip_address)}", limits=settings.EVENTS_RSVP_RATE_LIMITS
    ):
        raise RsvpRefused(
            "Many people have said they are coming from your connection in the last hour. "
            "Please try again later."
        )
    person = _person(data)
    fields = _rsvp_fields(data)
    subscription, _ = Subscription.objects.get_or_create(
        series=series, email_normalised=person.email_normalised,
        defaults={"person": person, "submitted_at": timezone.now(), **fields},
    )  # fmt: skip
    if subscription.status == Subscription.Status.ACTIVE:
        _email_subscription(subscription, "events/email/already_every_week.txt",
                            "You are already coming every week")  # fmt: skip
        return subscription
    with transaction.atomic():
        for name, value in _resubmitted(fields).items():
            setattr(subscription, name, value)
        subscription.status = Subscription.Status.PENDING
        subscription.confirmation_nonce = confirmation_nonce()
        subscription.submitted_at = timezone.now()
        subscription.save()
        _email_subscription(
            subscription, "events/email/confirm_every_week.txt",
            "Confirm you are coming every week",
            confirm_url=_url("every-week-confirm", subscription_confirmation_token(subscription)),
        )  # fmt: skip
    return subscription


def subscription_confirm(*, token: str) -> Subscription:
    link = confirmation_read(kind=EVERY_WEEK_KIND, token=token)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("series", "person")
            .filter(pk=link.pk)
            .first()
        )
        if subscription is None:
            raise LinkInvalid
        if subscription.status == Subscription.Status.ACTIVE:
            return subscription
        if subscription.status != Subscription.Status.PENDING:
            raise LinkInvalid
        link.check(subscription.confirmation_nonce)
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.confirmation_nonce = ""
        subscription.save()
        consents_record(
            person=subscription.person, choices=rsvp_choices(hear_more=subscription.hear_more),
            method=f"“Every week” form for {subscription.series}, confirmed by email",
            given_at=subscription.submitted_at,
        )  # fmt: skip
        subscription_rsvps_fill(subscription=subscription)
        _email_subscription(
            subscription, "events/email/every_week.txt", "You are coming every week"
        )
    return subscription


def subscription_rsvps_fill(*, subscription: Subscription) -> int:
    """An RSVP for each coming date the subscriber has none for (made as dates are added)."""
    if subscription.status != Subscription.Status.ACTIVE:
        return 0
    person = subscription.person
    made = 0
    upcoming = subscription.series.occurrences.filter(
        starts_at__gt=timezone.now(),
        status__in=[Occurrence.Status.SCHEDULED, Occurrence.Status.MOVED],
    ).exclude(
        rsvps__email_normalised=subscription.email_normalised,
        rsvps__status__in=[Rsvp.Status.PENDING, Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING],
    )
    for occurrence in upcoming:
        withdrawn = Rsvp.objects.filter(
            occurrence=occurrence, email_normalised=subscription.email_normalised
        ).first()
        if withdrawn is not None:  # stopped earlier and started again: the same row comes back
            with transaction.atomic():
                withdrawn.subscription, withdrawn.cancelled_at = subscription, None
                withdrawn.source = subscription.source or withdrawn.source
                _rsvp_place(withdrawn)
            made += 1
            continue
        try:
            with transaction.atomic():
                rsvp = Rsvp.objects.create(
                    occurrence=occurrence, person=person, subscription=subscription,
                    email_normalised=subscription.email_normalised,
                    first_name=subscription.first_name, last_name=subscription.last_name,
                    guests=subscription.guests, remind_day_before=subscription.remind_day_before,
                    remind_two_hours=subscription.remind_two_hours,
                    hear_more=subscription.hear_more, source=subscription.source,
                    submitted_at=subscription.submitted_at,
                )  # fmt: skip
                _rsvp_place(rsvp)
            made += 1
        except IntegrityError:
            continue
    return made


def subscriptions_fill_all() -> int:
    active = Subscription.objects.filter(status=Subscription.Status.ACTIVE)
    return sum(subscription_rsvps_fill(subscription=s) for s in active.select_related("person"))


def subscription_stop_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=STOP_SALT)


def subscription_from_stop_token(*, token: str) -> Subscription:
    pk = _load(token, STOP_SALT)
    subscription = Subscription.objects.select_related("series").filter(pk=pk).first()
    if subscription is None:
        raise LinkInvalid
    return subscription


def subscription_stop(*, subscription: Subscription) -> Subscription:
    """Stop coming every week: the coming dates' RSVPs are withdrawn too."""
    with transaction.atomic():
        subscription.status = Subscription.Status.STOPPED
        subscription.save(update_fields=["status", "updated_at"])
        coming = subscription.rsvps.filter(occurrence__starts_at__gt=timezone.now()).exclude(
            status=Rsvp.Status.CANCELLED
        )
        for rsvp in coming:
            rsvp_cancel(rsvp=rsvp)
    return subscription


# Changes to a date


def occurrence_mark_cancelled(*, occurrence: Occurrence, reason: str) -> int:
    """Cancel a date (it stays listed as cancelled) and tell everyone coming or waiting."""
    occurrence.status = Occurrence.Status.CANCELLED
    occurrence.status_reason = reason
    occurrence.sequence += 1
    occurrence.save(update_fields=["status", "status_reason", "sequence", "updated_at"])
    return occurrence_tell_everyone(occurrence=occurrence, subject="Cancelled")


def occurrence_tell_everyone(*, occurrence: Occurrence, subject: str) -> int:
    """Email everyone coming or waiting about a change to the date, at once."""
    told = 0
    coming = occurrence.rsvps.filter(status__in=[Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING])
    for rsvp in coming.select_related("person", "subscription", "occurrence__series"):
        rsvp_email(
            rsvp, "events/email/changed.txt", subject,
            attach_calendar=occurrence.status != Occurrence.Status.CANCELLED,
        )  # fmt: skip
        told += rsvp.person_id is not None
    return told


# Reminders


def reminder_due(rsvp: Rsvp, kind: str) -> datetime:
    occurrence = rsvp.occurrence
    if kind == "two_hours":
        return occurrence.starts_at - TWO_HOURS
    day_before = occurrence.local_starts_at.date() - timedelta(days=1)
    return datetime.combine(day_before, DAY_BEFORE_AT, tzinfo=occurrence.series.zone)


def rsvps_send_reminders(*, now=None) -> int:
    """Send each reminder that is due, once; never for a cancelled date or a withdrawn RSVP."""
    now = now or timezone.now()
    candidates = Rsvp.objects.filter(
        status=Rsvp.Status.CONFIRMED,
        occurrence__status__in=[Occurrence.Status.SCHEDULED, Occurrence.Status.MOVED],
        occurrence__starts_at__gt=now,
        occurrence__starts_at__lte=now + timedelta(days=2),
    ).exclude(email_normalised="")
    sent = 0
    for kind, flag, field in (
        ("day_before", "remind_day_before", "reminded_day_before_at"),
        ("two_hours", "remind_two_hours", "reminded_two_hours_at"),
    ):
        for rsvp in candidates.filter(**{flag: True, field: None}).select_related(
            "occurrence__series", "person"
        ):
            due = reminder_due(rsvp, kind)
            if now < due or (rsvp.confirmed_at and rsvp.confirmed_at > due):
                continue  # not yet; or they said yes after it was due: they know
            on_the_day = now.astimezone(rsvp.occurrence.series.zone).date()
            if kind == "day_before" and on_the_day >= rsvp.occurrence.local_starts_at.date():
                continue  # too late to say "tomorrow": the two-hour reminder may still go
            with transaction.atomic():
                if not Rsvp.objects.filter(pk=rsvp.pk, **{field: None}).update(**{field: now}):
                    continue  # another worker sent it
                rsvp_email(rsvp, "events/email/reminder.txt", _reminder_subject(rsvp, kind),
                            attach_calendar=True)  # fmt: skip
                sent += 1
    return sent


def _reminder_subject(rsvp: Rsvp, kind: str) -> str:
    start = rsvp.occurrence.local_starts_at
    when = "tomorrow" if kind == "day_before" else "today"
    return f"Reminder: {rsvp.occurrence.series.title}, {when} at {start:%H:%M}"


# Retention


@transaction.atomic
def rsvps_apply_retention(*, now=None) -> int:
    """Unconfirmed RSVPs go after 7 days; names and addresses 30 days after the date, unless
    the person asked to hear more and still does. Counts and attendance stay."""
    now = now or timezone.now()
    deleted, _ = Rsvp.objects.filter(
        status=Rsvp.Status.PENDING, submitted_at__lt=now - UNCONFIRMED_KEPT
    ).delete()
    Subscription.objects.filter(
        status=Subscription.Status.PENDING, submitted_at__lt=now - UNCONFIRMED_KEPT
    ).delete()
    Subscription.objects.filter(
        status=Subscription.Status.STOPPED, updated_at__lt=now - KEPT_AFTER_DATE
    ).delete()
    still_hearing = campaign_email_consents_standing(OuterRef("person"))
    rsvps_anonymise(
        rsvps=Rsvp.objects.filter(occurrence__ends_at__lt=now - KEPT_AFTER_DATE).exclude(
            Q(hear_more=True) & Exists(still_hearing)
        ),
        now=now,
    )
    people_delete_unattached()
    return deleted


def rsvps_anonymise(*, rsvps: QuerySet[Rsvp], now=None) -> int:
    """Take the name and address off these RSVPs, and who they were: each row stays, as an
    anonymous count of the places it took and whether they came. For retention, and for
    someone who withdrew the agreement to keep their details for events."""
    return rsvps.filter(personal_data_erased_at=None).update(
        person=None, subscription=None, email_normalised="", first_name="", last_name="",
        confirmation_nonce="", personal_data_erased_at=now or timezone.now(),
    )  # fmt: skip


# Emails


UNCONFIRMED_TEMPLATES = {
    "events/email/confirm.txt", "events/email/already.txt",
    "events/email/confirm_every_week.txt", "events/email/already_every_week.txt",
}  # fmt: skip


def _load(token: str, salt: str, max_age=None):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        raise LinkInvalid from None


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def rsvp_email(rsvp: Rsvp, template: str, subject: str, *, attach_calendar=False, **context):
    occurrence = rsvp.occurrence
    if rsvp.person is None:
        return
    series = occurrence.series
    stop_url = (
        _url("every-week-stop", subscription_stop_token(rsvp.subscription))
        if rsvp.subscription_id
        else ""
    )
    attachments = []
    if attach_calendar:
        ics = occurrence_calendar(occurrence=occurrence, site_url=settings.SITE_URL)
        attachments.append(("demonstration.ics", ics.decode(), "text/calendar"))
    start = occurrence.local_starts_at
    supporter_email_send(
        person=rsvp.person,
        sender=series.campaign.name,
        subject=f"{subject}: {series.title}, {start:%A} {start.day} {start:%B}",
        template=template,
        context={
            "rsvp": rsvp,
            "occurrence": occurrence,
            "series": series,
            "cancel_url": _url("rsvp-cancel", rsvp_cancel_token(rsvp)),
            "page_url": settings.SITE_URL + occurrence_path(occurrence),
            **context,
        },
        unconfirmed=template in UNCONFIRMED_TEMPLATES,
        unsubscribe_url=stop_url,  # the mail program's Unsubscribe button stops "every week"
        attachments=attachments,
    )


def _email_rsvp_outcome(rsvp: Rsvp, promoted: bool = False) -> None:
    if rsvp.status == Rsvp.Status.CONFIRMED:
        subject = "A place has come free: you are coming" if promoted else "You are coming"
        rsvp_email(rsvp, "events/email/confirmed.txt", subject, attach_calendar=True,
                    promoted=promoted)  # fmt: skip
    else:
        rsvp_email(rsvp, "events/email/waiting.txt", "You are on the waiting list")


def _email_subscription(subscription: Subscription, template: str, subject: str, **context):
    series = subscription.series
    supporter_email_send(
        person=subscription.person,
        sender=series.campaign.name,
        subject=f"{subject}: {series.title}",
        template=template,
        context={
            "subscription": subscription,
            "series": series,
            "feed_url": settings.SITE_URL + reverse("series-calendar", args=[series.slug]),
            **context,
        },
        unconfirmed=template in UNCONFIRMED_TEMPLATES,
        unsubscribe_url=_url("every-week-stop", subscription_stop_token(subscription)),
    )


def occurrence_path(occurrence: Occurrence) -> str:
    return reverse("occurrence", args=[occurrence.series.slug, occurrence.date.isoformat()])
