"""What organisers do to signatures: each checks permission, acts, and writes the audit log,
so the admin and the command line behave the same."""

import csv

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.core.text import counted
from actionhub.pledges.models import Signature
from actionhub.pledges.services import signature_release

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def signatures_matching(
    *, queryset=None, ip_address=None, email_domain=None, source=None, since=None, until=None
):
    signatures = Signature.objects.all() if queryset is None else queryset
    if ip_address:
        signatures = signatures.filter(ip_address=ip_address)
    if email_domain:
        signatures = signatures.filter(email_normalised__endswith="@" + email_domain.casefold())
    if source:
        signatures = signatures.filter(source=source)
    if since:
        signatures = signatures.filter(created_at__gte=since)
    if until:
        signatures = signatures.filter(created_at__lt=until)
    return signatures


@transaction.atomic
def signatures_invalidate(*, actor, signatures, reason: str, actor_label: str = "") -> int:
    """Take signatures out of the count (they stay, marked invalidated, for the record)."""
    if actor is not None and not actor.has_perm("pledges.invalidate_signature"):
        raise PermissionDenied("You do not have permission to invalidate signatures.")
    changed = signatures.exclude(status=Signature.Status.INVALIDATED).update(
        status=Signature.Status.INVALIDATED, updated_at=timezone.now()
    )
    audit_record(
        action="signatures.invalidated",
        actor=actor,
        actor_label=actor_label,
        summary=f"Invalidated {counted(changed, 'signature')}: {reason}",
    )
    return changed


def signatures_release(*, actor, signatures) -> int:
    """Let quarantined signatures through after review: each signer gets the confirmation email."""
    if not actor.has_perm("pledges.invalidate_signature"):
        raise PermissionDenied("You do not have permission to review quarantined signatures.")
    released = 0
    for signature in signatures.filter(status=Signature.Status.QUARANTINED):
        signature_release(signature=signature)
        released += 1
    audit_record(
        action="signatures.released",
        actor=actor,
        summary=f"Released {counted(released, 'quarantined signature')}; confirmation emails sent",
    )
    return released


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object that hands back each CSV line as it is written."""

    def write(self, value):
        return value


def signatures_export_csv(*, actor, signatures, request=None):
    """Confirmed signers as CSV lines to stream, for organisers with the export permission only.

    The permission is checked and the export audited now, before the first line is sent.
    """
    if not actor.has_perm("pledges.export_signature"):
        raise PermissionDenied("You do not have permission to export signers' details.")
    confirmed = signatures.filter(status=Signature.Status.CONFIRMED).select_related(
        "person", "pledge"
    )
    audit_record(
        action="signatures.exported",
        actor=actor,
        request=request,
        summary=f"Exported {counted(confirmed.count(), 'confirmed signer')}",
    )
    return _csv_lines(confirmed)


def _csv_lines(confirmed):
    writer = csv.writer(_Line())
    yield writer.writerow(
        ["pledge", "first_name", "last_name", "email", "postcode", "country", "source",
         "confirmed_at", "show_name"]
    )  # fmt: skip
    for signature in confirmed.order_by("confirmed_at").iterator(chunk_size=2000):
        yield writer.writerow(
            spreadsheet_safe(value)
            for value in (
                signature.pledge.slug, signature.first_name, signature.last_name,
                signature.person.email, signature.postcode, signature.country, signature.source,
                signature.confirmed_at.isoformat() if signature.confirmed_at else "",
                "yes" if signature.show_name else "no",
            )
        )  # fmt: skip


def signatures_report(*, pledge) -> dict:
    """Confirmed signatures by source code and by day, for organisers."""
    confirmed = Signature.objects.filter(pledge=pledge, status=Signature.Status.CONFIRMED)
    by_source = confirmed.values("source").annotate(count=Count("pk")).order_by("-count", "source")
    by_day = (
        confirmed.annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("-day")
    )
    return {"by_source": list(by_source), "by_day": list(by_day), "total": confirmed.count()}
