"""Signing and confirming. The signing path writes only its own rows: no shared counter."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionhub.campaigns.models import Pledge
from actionhub.core.addresses import normalise_email
from actionhub.core.email import email_send
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup_local
from actionhub.pledges.milestones import milestones_passed
from actionhub.pledges.models import (
    SHOW_NAME_WORDING,
    SIGN_WORDING,
    ConstituencyTally,
    MilestoneNotice,
    Signature,
)
from actionhub.pledges.selectors import pledge_cache_keys
from actionhub.supporters.confirmation import (
    LinkInvalid,
    confirmation_nonce,
    confirmation_read,
    confirmation_token,
    consents_record,
    supporter_email_send,
)
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent
from actionhub.supporters.services import (
    people_delete_unattached,
    person_get_or_create,
    person_rename_unconfirmed,
)

CONFIRM_KIND = "pledge"
UNCONFIRMED_KEPT = timedelta(days=7)
REVIEW_KEPT = timedelta(days=30)  # quarantined and invalidated signatures, for organisers' review
IP_ADDRESS_KEPT = timedelta(days=30)


def signature_submit(*, pledge: Pledge, data: dict, ip_address: str | None, automated: bool):
    """Record a signing. Whatever happened, the supporter sees the same page next.

    New signers get a confirmation link. A new submission for an unconfirmed signature replaces
    its details and choices and gets a fresh link (the older link stops working), so only what
    the mailbox owner confirms is ever counted. Those who already signed are told so. Robots
    (hidden field, too fast) and requests over the per-address limits are quarantined: kept for
    organisers to review, never counted, never emailed. The email is queued in the same
    transaction as the signature it is about.
    """
    if data.get("website"):
        return None  # a robot filled the hidden field: keep nothing
    over_limit = rate_limit_exceeded(
        key=f"pledge-sign:{rate_limit_key(ip_address)}", limits=settings.PLEDGE_RATE_LIMITS
    )
    quarantine = automated or over_limit
    normalised = normalise_email(data["email"])
    existing = Signature.objects.filter(pledge=pledge, email_normalised=normalised).first()
    if existing is not None and existing.status not in (
        Signature.Status.PENDING, Signature.Status.QUARANTINED,
    ):  # fmt: skip
        if existing.status == Signature.Status.CONFIRMED and not quarantine:
            _email_already_signed(existing)
        return existing
    try:
        with transaction.atomic():
            if existing is None:
                signature = _signature_create(
                    pledge=pledge, data=data, ip_address=ip_address, quarantine=quarantine
                )
            else:
                signature = _signature_resubmit(
                    signature=existing, data=data, ip_address=ip_address, quarantine=quarantine
                )
            if not quarantine:
                _email_confirmation(signature)
    except IntegrityError:  # an identical submission got there first: it did the work
        return Signature.objects.get(pledge=pledge, email_normalised=normalised)
    return signature


def _submission_fields(*, data: dict, ip_address, quarantine) -> dict:
    return {
        "first_name": data["first_name"],
        "last_name": data.get("last_name", ""),
        "postcode": data.get("postcode", ""),
        "country": data.get("country", ""),
        "constituency": _constituency_for(data.get("postcode", "")),
        "show_name": bool(data.get("show_name")),
        "campaign_emails": bool(data.get("campaign_emails")),
        "source": data.get("source", ""),
        "status": Signature.Status.QUARANTINED if quarantine else Signature.Status.PENDING,
        "confirmation_nonce": confirmation_nonce(),
        "ip_address": ip_address,
        "submitted_at": timezone.now(),
    }


def _signature_create(*, pledge, data, ip_address, quarantine) -> Signature:
    person = person_get_or_create(
        email=data["email"], first_name=data["first_name"], last_name=data.get("last_name", "")
    )
    signature = Signature(
        pledge=pledge,
        person=person,
        email_normalised=person.email_normalised,
        **_submission_fields(data=data, ip_address=ip_address, quarantine=quarantine),
    )
    signature.full_clean(validate_unique=False, validate_constraints=False)  # the database decides
    signature.save()
    return signature


def _signature_resubmit(*, signature, data, ip_address, quarantine) -> Signature:
    fields = _submission_fields(data=data, ip_address=ip_address, quarantine=quarantine)
    for name, value in fields.items():
        setattr(signature, name, value)
    signature.save(update_fields=[*fields, "updated_at"])
    person_rename_unconfirmed(
        person=signature.person, first_name=data["first_name"], last_name=data.get("last_name", "")
    )
    return signature


@transaction.atomic
def signature_release(*, signature: Signature) -> Signature:
    """A quarantined signature found genuine: it waits for confirmation, from today."""
    signature.status = Signature.Status.PENDING
    signature.confirmation_nonce = confirmation_nonce()
    signature.submitted_at = timezone.now()
    signature.save(update_fields=["status", "confirmation_nonce", "submitted_at", "updated_at"])
    _email_confirmation(signature)
    return signature


def _constituency_for(postcode: str):
    """The signer's constituency from the imported postcodes; never a reason to refuse a signing.

    Only the local data is asked: signing never sends a supporter's postcode to another service.
    """
    if not postcode:
        return None
    try:
        return postcode_lookup_local(postcode).constituency
    except PostcodeProblem:
        return None


def signature_confirmation_token(signature: Signature) -> str:
    return confirmation_token(
        kind=CONFIRM_KIND, pk=signature.pk, nonce=signature.confirmation_nonce
    )


def signature_for_confirmation(*, pledge: Pledge, token: str) -> Signature:
    """The signature a link is for, unchanged: opening a link confirms nothing (mail systems
    open links to scan them). A confirmed one is returned as it is; LinkInvalid or LinkExpired
    for a link that cannot confirm."""
    link = confirmation_read(kind=CONFIRM_KIND, token=token)
    signature = (
        Signature.objects.filter(pk=link.pk, pledge=pledge).select_related("constituency").first()
    )
    if signature is None:
        raise LinkInvalid
    if signature.status != Signature.Status.CONFIRMED:
        if signature.status != Signature.Status.PENDING:
            raise LinkInvalid
        link.check(signature.confirmation_nonce)
    return signature


def signature_confirm(*, pledge: Pledge, token: str) -> Signature:
    """The mailbox owner pressed the button: count the signature and record their choices."""
    link = confirmation_read(kind=CONFIRM_KIND, token=token)
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .filter(pk=link.pk, pledge=pledge)
            .select_related("person")
            .first()
        )
        if signature is None:
            raise LinkInvalid
        if signature.status == Signature.Status.CONFIRMED:
            return signature  # confirmed already: the thanks again
        if signature.status != Signature.Status.PENDING:
            raise LinkInvalid
        link.check(signature.confirmation_nonce)
        signature.status = Signature.Status.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.confirmation_nonce = ""
        signature.save(update_fields=["status", "confirmed_at", "confirmation_nonce", "updated_at"])
        consents_record(
            person=signature.person,
            choices=signature_choices(signature),
            method=f"Pledge form, /pledge/{pledge.slug}/, confirmed by the link emailed",
            given_at=signature.submitted_at,
        )
    return signature


def signature_choices(signature: Signature) -> list[tuple[str, str]]:
    """The choices of the submission being confirmed, each as (purpose, wording)."""
    choices = [(Consent.Purpose.SIGN_PLEDGE, f"{SIGN_WORDING}: {signature.pledge.title}")]
    if signature.show_name:
        choices.append((Consent.Purpose.SHOW_NAME, SHOW_NAME_WORDING))
    if signature.campaign_emails:
        choices.append((Consent.Purpose.CAMPAIGN_EMAILS, CAMPAIGN_EMAILS_WORDING))
    return choices


def _pledge_url(signature: Signature, name: str, **kwargs) -> str:
    path = reverse(name, kwargs={"slug": signature.pledge.slug, **kwargs})
    return f"{settings.SITE_URL}{path}"


def _email_signer(signature: Signature, *, subject: str, template: str, **context) -> None:
    pledge = signature.pledge
    supporter_email_send(
        person=signature.person,
        sender=pledge.campaign.name,
        subject=f"{subject}: {pledge.title}",
        template=template,
        context={"signature": signature, "pledge": pledge, **context},
        unconfirmed=True,
    )


def _email_confirmation(signature: Signature) -> None:
    token = signature_confirmation_token(signature)
    _email_signer(
        signature,
        subject="Confirm your signature",
        template="pledges/email/confirm.txt",
        confirm_url=_pledge_url(signature, "pledge-confirm", token=token),
    )


def _email_already_signed(signature: Signature) -> None:
    _email_signer(
        signature,
        subject="You have already signed",
        template="pledges/email/already_signed.txt",
        pledge_url=_pledge_url(signature, "pledge"),
    )


@transaction.atomic
def signatures_apply_retention(*, now=None) -> int:
    """Unconfirmed signatures go 7 days after their last submission; quarantined and invalidated
    ones after 30 days; IP addresses are cleared from the rest after 30 days."""
    now = now or timezone.now()
    stale = (
        Q(status=Signature.Status.PENDING, submitted_at__lt=now - UNCONFIRMED_KEPT)
        | Q(status=Signature.Status.QUARANTINED, submitted_at__lt=now - REVIEW_KEPT)
        | Q(status=Signature.Status.INVALIDATED, updated_at__lt=now - REVIEW_KEPT)
    )
    deleted, _ = Signature.objects.filter(
        pk__in=list(Signature.objects.filter(stale).values_list("pk", flat=True))
    ).delete()
    Signature.objects.filter(
        submitted_at__lt=now - IP_ADDRESS_KEPT, ip_address__isnull=False
    ).update(ip_address=None)
    people_delete_unattached()
    return deleted


def milestones_notify(*, pledge: Pledge) -> list[int]:
    """Tell the organisers, once, about each milestone the true count has passed."""
    count = Signature.objects.filter(pledge=pledge, status=Signature.Status.CONFIRMED).count()
    noticed = set(pledge.milestone_notices.values_list("milestone", flat=True))
    new = [milestone for milestone in milestones_passed(count) if milestone not in noticed]
    for milestone in new:
        try:
            with transaction.atomic():
                MilestoneNotice.objects.create(pledge=pledge, milestone=milestone, count=count)
                recipients = organiser_addresses()
                if recipients:
                    email_send(
                        to=recipients,
                        sender_name=pledge.campaign.name,
                        subject=f"{pledge.title} has passed {milestone:,} signatures",
                        body=render_to_string(
                            "pledges/email/milestone.txt",
                            {
                                "pledge": pledge,
                                "milestone": milestone,
                                "count": count,
                                "admin_url": settings.SITE_URL + reverse("admin:index"),
                            },
                        ),
                    )
        except IntegrityError:
            continue  # another worker noticed it at the same moment
    return new


def organiser_addresses() -> list[str]:
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


@transaction.atomic
def constituency_tallies_refresh(*, pledge: Pledge) -> int:
    """Recount confirmed signatures per constituency into the tally table, all at once."""
    counts = (
        Signature.objects.filter(
            pledge=pledge, status=Signature.Status.CONFIRMED, constituency__isnull=False
        )
        .values_list("constituency")
        .annotate(total=models.Count("pk"))
    )
    now = timezone.now()
    ConstituencyTally.objects.filter(pledge=pledge).delete()
    ConstituencyTally.objects.bulk_create(
        ConstituencyTally(pledge=pledge, constituency_id=pk, count=total, refreshed_at=now)
        for pk, total in counts
    )
    return len(counts)


def pledge_counts_refresh(*, pledge_ids) -> None:
    """After signatures change status in bulk: the public figures are recounted at their next
    read, and the tallies by constituency now, not at the next periodic refresh."""
    for pledge in Pledge.objects.filter(pk__in=set(pledge_ids)):
        cache.delete_many(pledge_cache_keys(pledge.pk))
        constituency_tallies_refresh(pledge=pledge)
