"""What organisers do to a date: cancel it or move it, telling everyone at once."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from actionhub.core.audit import audit_record
from actionhub.events.models import Occurrence, Rsvp
from actionhub.events.services import occurrence_mark_cancelled, occurrence_tell_everyone

PERMISSION = "events.change_occurrence_status"


def _check(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied("Cancelling or moving a date needs its own permission.")


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence, reason: str, user, request=None) -> int:
    """Cancel one date; it stays listed as cancelled. Returns how many people were told."""
    _check(user)
    told = occurrence_mark_cancelled(occurrence=occurrence, reason=reason)
    audit_record(
        action="occurrence.cancelled", actor=user, request=request, obj=occurrence,
        summary=f"Cancelled {occurrence}: {reason}",
    )  # fmt: skip
    return told


@transaction.atomic
def occurrence_move(
    *, occurrence: Occurrence, starts_at: datetime, place_note: str, reason: str, user,
    request=None,
) -> int:  # fmt: skip
    """Move one date to another time (and place); RSVPs stay, reminders follow the new time."""
    _check(user)
    occurrence = (
        Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)
    )
    occurrence.status = Occurrence.Status.MOVED
    occurrence.starts_at = starts_at
    occurrence.ends_at = occurrence.series.end_for(starts_at)
    occurrence.place_note = place_note
    occurrence.status_reason = reason
    occurrence.sequence += 1
    occurrence.save(update_fields=[  # never places_taken: bookings go on meanwhile
        "status", "starts_at", "ends_at", "place_note", "status_reason", "sequence", "updated_at",
    ])  # fmt: skip
    Rsvp.objects.filter(occurrence=occurrence).update(
        reminded_day_before_at=None, reminded_two_hours_at=None
    )
    audit_record(
        action="occurrence.moved", actor=user, request=request, obj=occurrence,
        summary=f"Moved {occurrence} to {starts_at:%Y-%m-%d %H:%M %Z}: {reason}",
    )  # fmt: skip
    return occurrence_tell_everyone(occurrence=occurrence, subject="Moved")
