"""What organisers do to signatures: each checks permission, acts, and writes the audit log,
so the admin and the command line behave the same."""

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.core.text import counted
from actionhub.pledges.models import (
    ExportRequest,
    InvalidatedSignature,
    InvalidationBatch,
    Signature,
)
from actionhub.pledges.services import pledge_counts_refresh, signature_release

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


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


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason.")
    return reason


@transaction.atomic
def signatures_invalidate(
    *, actor, signatures, reason: str, actor_label: str = "", request=None
) -> InvalidationBatch:
    """Take signatures out of the count (they stay, marked invalidated, for the record), as one
    batch that remembers each signature's status before, so it can be put back."""
    if actor is not None and not actor.has_perm("pledges.invalidate_signature"):
        raise PermissionDenied("You do not have permission to invalidate signatures.")
    reason = _reason(reason)
    batch = InvalidationBatch(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None else actor_label,
        reason=reason,
    )
    batch.full_clean()
    batch.save()
    chosen = signatures.exclude(status=Signature.Status.INVALIDATED).select_for_update()
    rows = list(chosen.values_list("pk", "status", "pledge_id"))
    InvalidatedSignature.objects.bulk_create(
        (
            InvalidatedSignature(batch=batch, signature_id=pk, previous_status=status)
            for pk, status, _ in rows
        ),
        batch_size=CHUNK,
    )
    # Through the batch's own rows, not a list of ids: a flood can be more than a database
    # takes as parameters of one query.
    in_batch = InvalidatedSignature.objects.filter(batch=batch).values("signature_id")
    Signature.objects.filter(pk__in=in_batch).update(
        status=Signature.Status.INVALIDATED, updated_at=timezone.now()
    )
    batch.changed = len(rows)
    audit_record(
        action="signatures.invalidated",
        actor=actor,
        actor_label=actor_label,
        obj=batch,
        request=request,
        summary=f"Invalidated {counted(batch.changed, 'signature')}: {reason}",
    )
    pledge_ids = {pledge_id for _, _, pledge_id in rows}
    transaction.on_commit(lambda: pledge_counts_refresh(pledge_ids=pledge_ids))
    return batch


@transaction.atomic
def invalidation_batch_restore(*, actor, batch: InvalidationBatch, request=None) -> int:
    """Put each signature of a batch back to its status before, if it is still invalidated."""
    if not actor.has_perm("pledges.invalidate_signature"):
        raise PermissionDenied("You do not have permission to restore signatures.")
    batch = InvalidationBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.restored_at is not None:
        raise ValidationError("These signatures have already been put back.")
    items = batch.items.filter(signature__status=Signature.Status.INVALIDATED)
    restored = 0
    pledge_ids = set()
    for status in Signature.Status.values:
        back = Signature.objects.filter(
            pk__in=items.filter(previous_status=status).values("signature_id")
        )
        pledge_ids |= set(back.values_list("pledge_id", flat=True).distinct())
        restored += back.update(status=status, updated_at=timezone.now())
    batch.restored_at = timezone.now()
    batch.restored_by = actor
    batch.save(update_fields=["restored_at", "restored_by", "updated_at"])
    audit_record(
        action="signatures.restored",
        actor=actor,
        obj=batch,
        request=request,
        summary=f"Put back {counted(restored, 'signature')} invalidated for: {batch.reason}",
    )
    transaction.on_commit(lambda: pledge_counts_refresh(pledge_ids=pledge_ids))
    return restored


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


EXPORT = "pledges.export_signature"
DETAILS = "pledges.view_signer_details"
EXPORT_REQUEST_LIFETIME = timedelta(hours=24)


class ApprovalNeeded(Exception):
    """The export is too large to download without a second organiser's approval."""


def _require_export(actor) -> None:
    if not (actor.has_perm(EXPORT) and actor.has_perm(DETAILS)):
        raise PermissionDenied("You do not have permission to export signers' details.")


def _confirmed(signatures):
    return signatures.filter(status=Signature.Status.CONFIRMED)


def exporters() -> int:
    """Active organisers who may export: two or more, and a large export needs two of them."""
    users = get_user_model().objects
    may = [
        users.with_perm(perm, backend="django.contrib.auth.backends.ModelBackend")
        for perm in (EXPORT, DETAILS)
    ]
    return users.filter(pk__in=may[0]).filter(pk__in=may[1], is_staff=True).count()


def exported_lately(actor) -> int:
    """How many signers `actor` exported without a second organiser in the last 24 hours: a
    large list taken a page at a time still needs the second organiser."""
    since = timezone.now() - EXPORT_REQUEST_LIFETIME
    lately = ExportRequest.objects.filter(
        requester=actor, approver__isnull=True, status=ExportRequest.Status.DOWNLOADED,
        downloaded_at__gte=since,
    ).aggregate(total=Sum("count"))  # fmt: skip
    return lately["total"] or 0


def export_needs_approval(*, count: int, actor) -> bool:
    return (
        settings.EXPORT_NEEDS_SECOND_APPROVAL
        and count + exported_lately(actor) > settings.EXPORT_APPROVAL_ABOVE
        and exporters() >= 2
    )


@transaction.atomic
def signatures_export_csv(*, actor, signatures, reason: str, described: str = "", request=None):
    """Confirmed signers as CSV lines to stream, for organisers with the export permission only.

    The permission is checked and the export recorded now, before the first line is sent: the
    audit log says which list was chosen (`described`), and the export keeps whose rows left.
    An export that needs a second organiser's approval is refused with ApprovalNeeded: ask for
    it with export_request_create.
    """
    _require_export(actor)
    reason = _reason(reason)
    ids = sorted(_confirmed(signatures).values_list("pk", flat=True))
    if export_needs_approval(count=len(ids), actor=actor):
        raise ApprovalNeeded
    now = timezone.now()
    export = ExportRequest.objects.create(
        requester=actor, reason=reason, signature_ids=ids, count=len(ids),
        status=ExportRequest.Status.DOWNLOADED, downloaded_at=now, expires_at=now,
    )  # fmt: skip
    audit_record(
        action="signatures.exported", actor=actor, obj=export, request=request,
        summary=f"Exported {counted(len(ids), 'confirmed signer')}"
        f"{f' ({described})' if described else ''}: {reason}",
    )  # fmt: skip
    return _csv_lines(*_chunks(ids))


def _chunks(ids):
    return [_confirmed(Signature.objects.filter(pk__in=ids[start : start + CHUNK]))
            for start in range(0, len(ids), CHUNK)]  # fmt: skip


@transaction.atomic
def export_request_create(*, actor, signatures, reason: str, request=None) -> ExportRequest:
    """Ask a second organiser to approve a large export of the confirmed signers chosen."""
    _require_export(actor)
    reason = _reason(reason)
    ids = sorted(_confirmed(signatures).values_list("pk", flat=True))
    export_request = ExportRequest(
        requester=actor, reason=reason, signature_ids=ids, count=len(ids),
        expires_at=timezone.now() + EXPORT_REQUEST_LIFETIME,
    )  # fmt: skip
    export_request.full_clean()
    export_request.save()
    audit_record(
        action="signatures.export_requested", actor=actor, obj=export_request, request=request,
        summary=f"Asked to export {counted(len(ids), 'confirmed signer')}: {reason}",
    )  # fmt: skip
    return export_request


def _open(export_request: ExportRequest, status: str) -> ExportRequest:
    export_request = ExportRequest.objects.select_for_update().get(pk=export_request.pk)
    if export_request.expires_at <= timezone.now():
        raise ValidationError("This request has expired: ask again if the export is still needed.")
    if export_request.status != status:
        raise ValidationError(
            f"This request is no longer open: {export_request.get_status_display().lower()}."
        )
    return export_request


@transaction.atomic
def export_request_decide(
    *, actor, export_request: ExportRequest, approve: bool, request=None
) -> ExportRequest:
    """A second organiser, never the one who asked, approves or refuses a large export."""
    _require_export(actor)
    if actor.pk == export_request.requester_id:
        raise PermissionDenied("Another organiser must approve your export, not you.")
    export_request = _open(export_request, ExportRequest.Status.PENDING)
    export_request.status = (
        ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REFUSED
    )
    export_request.approver = actor
    export_request.decided_at = timezone.now()
    export_request.save(update_fields=["status", "approver", "decided_at", "updated_at"])
    verb = "Approved" if approve else "Refused"
    audit_record(
        action=f"signatures.export_{verb.lower()}", actor=actor, obj=export_request,
        request=request,
        summary=f"{verb} the export of {counted(export_request.count, 'confirmed signer')} "
        f"asked for by {export_request.requester.get_username()}",
    )  # fmt: skip
    return export_request


@transaction.atomic
def export_request_download(*, actor, export_request: ExportRequest, request=None):
    """The approved export, once, for the organiser who asked for it, before it expires."""
    _require_export(actor)
    if actor.pk != export_request.requester_id:
        raise PermissionDenied("Only the organiser who asked for this export can download it.")
    export_request = _open(export_request, ExportRequest.Status.APPROVED)
    export_request.status = ExportRequest.Status.DOWNLOADED
    export_request.downloaded_at = timezone.now()
    export_request.save(update_fields=["status", "downloaded_at", "updated_at"])
    chunks = _chunks(export_request.signature_ids)
    audit_record(
        action="signatures.exported", actor=actor, obj=export_request, request=request,
        summary=f"Exported {counted(sum(c.count() for c in chunks), 'confirmed signer')}, "
        f"approved by {export_request.approver.get_username()}: {export_request.reason}",
    )  # fmt: skip
    return _csv_lines(*chunks)


def _csv_lines(*querysets):
    writer = csv.writer(_Line())
    yield writer.writerow(
        ["pledge", "first_name", "last_name", "email", "postcode", "country", "source",
         "confirmed_at", "show_name"]
    )  # fmt: skip
    signatures = (
        signature
        for queryset in querysets
        for signature in queryset.select_related("person", "pledge")
        .order_by("confirmed_at")
        .iterator(chunk_size=CHUNK)
    )
    for signature in signatures:
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
