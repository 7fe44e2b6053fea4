"""Signing and confirming. The signing path writes only its own rows: no shared counter."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionhub.campaigns.models import Pledge
from actionhub.core.audit import audit_record
from actionhub.core.email import email_send
from actionhub.core.ratelimit import rate_limit_exceeded
from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup
from actionhub.pledges.forms import CAMPAIGN_EMAILS_WORDING, SHOW_NAME_WORDING, SIGN_WORDING
from actionhub.pledges.milestones import milestones_passed
from actionhub.pledges.models import ConstituencyTally, MilestoneNotice, Signature
from actionhub.supporters.emails import normalise_email
from actionhub.supporters.links import supporter_email_headers, supporter_links
from actionhub.supporters.models import Consent
from actionhub.supporters.services import (
    consent_record,
    people_delete_unattached,
    person_get_or_create,
)

CONFIRM_SALT = "pledge-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
UNCONFIRMED_KEPT = timedelta(days=7)
QUARANTINE_KEPT = timedelta(days=30)


class ConfirmationInvalid(Exception):
    """The link is not one we sent, or its signature was withdrawn or invalidated."""


class ConfirmationExpired(Exception):
    """The link is older than seven days."""


def signature_submit(*, pledge: Pledge, data: dict, ip_address: str | None, automated: bool):
    """Record a signing. Whatever happened, the supporter sees the same page next.

    New signers get a confirmation link; pending ones get it again; those who already signed
    are told so. Robots (hidden field, too fast) and requests over the per-address limits are
    quarantined: kept for organisers to review, never counted, never emailed.
    """
    if data.get("website"):
        return None  # a robot filled the hidden field: keep nothing
    over_limit = ip_address is not None and rate_limit_exceeded(
        key=f"pledge-sign:{ip_address}", limits=settings.PLEDGE_RATE_LIMITS
    )
    quarantine = automated or over_limit
    normalised = normalise_email(data["email"])
    existing = Signature.objects.filter(pledge=pledge, email_normalised=normalised).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = _signature_create(
                    pledge=pledge, data=data, ip_address=ip_address, quarantine=quarantine
                )
        except IntegrityError:  # an identical submission got there first: it did the work
            return Signature.objects.get(pledge=pledge, email_normalised=normalised)
        if not quarantine:
            _email_confirmation(existing)
        return existing
    if quarantine:
        return existing
    if existing.status == Signature.Status.PENDING:
        _email_confirmation(existing)
    elif existing.status == Signature.Status.CONFIRMED:
        _email_already_signed(existing)
    return existing


def _signature_create(*, pledge, data, ip_address, quarantine) -> Signature:
    person = person_get_or_create(
        email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
    )
    signature = Signature(
        pledge=pledge,
        person=person,
        email_normalised=person.email_normalised,
        postcode=data.get("postcode", ""),
        country=data.get("country", ""),
        constituency=_constituency_for(data.get("postcode", "")),
        show_name=bool(data.get("show_name")),
        source=data.get("source", ""),
        status=Signature.Status.QUARANTINED if quarantine else Signature.Status.PENDING,
        confirmation_nonce=secrets.token_hex(16),
        ip_address=ip_address,
    )
    signature.full_clean(validate_unique=False, validate_constraints=False)  # the database decides
    signature.save()
    method = f"Pledge form, /pledge/{pledge.slug}/"
    consents = [(Consent.Purpose.SIGN_PLEDGE, f"{SIGN_WORDING}: {pledge.title}")]
    if data.get("show_name"):
        consents.append((Consent.Purpose.SHOW_NAME, SHOW_NAME_WORDING))
    if data.get("campaign_emails"):
        consents.append((Consent.Purpose.CAMPAIGN_EMAILS, CAMPAIGN_EMAILS_WORDING))
    for purpose, wording in consents:
        consent_record(person=person, purpose=purpose, wording=wording, method=method)
    return signature


def _constituency_for(postcode: str):
    """The signer's constituency from the imported postcodes; never a reason to refuse a signing."""
    if not postcode:
        return None
    try:
        return postcode_lookup(postcode).constituency
    except PostcodeProblem:
        return None


def signature_confirmation_token(signature: Signature) -> str:
    return signing.dumps(
        {"s": signature.pk, "n": signature.confirmation_nonce}, salt=CONFIRM_SALT, compress=True
    )


def signature_confirm(*, pledge: Pledge, token: str) -> Signature:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationExpired from None
    except signing.BadSignature:
        raise ConfirmationInvalid from None
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update()
            .filter(pk=payload.get("s"), pledge=pledge)
            .select_related("person")
            .first()
        )
        if signature is None:
            raise ConfirmationInvalid
        if signature.status == Signature.Status.CONFIRMED:
            return signature  # following the link again just shows the thanks again
        if signature.status != Signature.Status.PENDING or not secrets.compare_digest(
            signature.confirmation_nonce, str(payload.get("n", ""))
        ):
            raise ConfirmationInvalid
        signature.status = Signature.Status.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["status", "confirmed_at", "updated_at"])
    return signature


def _pledge_url(signature: Signature, name: str, **kwargs) -> str:
    path = reverse(name, kwargs={"slug": signature.pledge.slug, **kwargs})
    return f"{settings.SITE_URL}{path}"


def _email_supporter(signature: Signature, *, subject: str, template: str, **context) -> None:
    """Every email to a signer carries the unsubscribe and erase links, and RFC 8058 headers."""
    person = signature.person
    context |= {
        "signature": signature,
        "pledge": signature.pledge,
        "links": supporter_links(person=person),
    }
    email_send(
        to=[person.email],
        subject=f"{subject}: {signature.pledge.title}",
        body=render_to_string(template, context),
        headers=supporter_email_headers(person=person),
    )


def _email_confirmation(signature: Signature) -> None:
    token = signature_confirmation_token(signature)
    _email_supporter(
        signature,
        subject="Confirm your signature",
        template="pledges/email/confirm.txt",
        confirm_url=_pledge_url(signature, "pledge-confirm", token=token),
    )


def _email_already_signed(signature: Signature) -> None:
    _email_supporter(
        signature,
        subject="You have already signed",
        template="pledges/email/already_signed.txt",
        pledge_url=_pledge_url(signature, "pledge"),
    )


def signatures_release(*, actor, signatures) -> int:
    """Let quarantined signatures through after review: each signer gets the confirmation email."""
    released = 0
    for signature in signatures.filter(status=Signature.Status.QUARANTINED).select_related(
        "person", "pledge"
    ):
        with transaction.atomic():
            signature.status = Signature.Status.PENDING
            signature.save(update_fields=["status", "updated_at"])
            _email_confirmation(signature)
        released += 1
    audit_record(
        action="signatures.released",
        actor=actor,
        summary=f"Released {released} quarantined signature(s); confirmation emails sent",
    )
    return released


@transaction.atomic
def signatures_delete_unconfirmed(*, now=None) -> int:
    """Retention: unconfirmed signatures go after 7 days, quarantined ones after 30."""
    now = now or timezone.now()
    stale = Signature.objects.filter(
        status=Signature.Status.PENDING, created_at__lt=now - UNCONFIRMED_KEPT
    ) | Signature.objects.filter(
        status=Signature.Status.QUARANTINED, created_at__lt=now - QUARANTINE_KEPT
    )
    deleted, _ = Signature.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
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
