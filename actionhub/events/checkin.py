"""Checking people in on the day: who came, from the RSVP list and at the door.

Each function checks the organiser may see who is coming, changes the data and writes its
audit entry, so the admin page and anything else that checks people in behave the same.
Audit summaries name the RSVP by its number, never by a person's name: the log outlives
the 30 days the names are kept.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.core.text import counted
from actionhub.events.models import Occurrence, Rsvp

PERMISSION = "events.view_attendees"
CHECKABLE = (Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING)


def _check(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied("Checking people in needs the attendees permission.")


@transaction.atomic
def rsvp_check_in(*, rsvp: Rsvp, user, request=None) -> Rsvp:
    """Mark someone (and their guests) as here. Pressing twice changes nothing the second time.

    People on the waiting list may be checked in too: they sometimes come anyway.
    """
    _check(user)
    if rsvp.status not in CHECKABLE:
        raise ValueError("Only people coming or on the waiting list can be checked in.")
    now = timezone.now()
    if Rsvp.objects.filter(pk=rsvp.pk, attended_at=None).update(attended_at=now, updated_at=now):
        audit_record(
            action="rsvp.checked_in", actor=user, request=request, obj=rsvp,
            summary=f"Checked in RSVP {rsvp.pk} ({_people(rsvp)}) at {rsvp.occurrence}",
        )  # fmt: skip
    rsvp.refresh_from_db(fields=["attended_at", "updated_at"])
    return rsvp


@transaction.atomic
def rsvp_check_in_undo(*, rsvp: Rsvp, user, request=None) -> Rsvp:
    """Take back a check-in made by mistake."""
    _check(user)
    now = timezone.now()
    undone = Rsvp.objects.filter(pk=rsvp.pk, attended_at__isnull=False).update(
        attended_at=None, updated_at=now
    )
    if undone:
        audit_record(
            action="rsvp.check_in_undone", actor=user, request=request, obj=rsvp,
            summary=f"Undid the check-in of RSVP {rsvp.pk} at {rsvp.occurrence}",
        )  # fmt: skip
    rsvp.refresh_from_db(fields=["attended_at", "updated_at"])
    return rsvp


@transaction.atomic
def walk_in_add(
    *, occurrence: Occurrence, first_name: str, last_initial: str = "", guests: int = 0, user,
    request=None,
) -> Rsvp:  # fmt: skip
    """Record someone who came without an RSVP: here already, with no email and no person.

    Walk-ins take no places: capacity is for booking ahead, and they are already there, so
    counting them could only turn away people who booked (or break the capacity limit).
    They count among those who attended.
    """
    _check(user)
    now = timezone.now()
    rsvp = Rsvp(
        occurrence=occurrence,
        first_name=first_name,
        last_name=last_initial.strip()[:1].upper(),
        guests=guests or 0,
        status=Rsvp.Status.CONFIRMED,
        walk_in=True,
        remind_day_before=False,
        submitted_at=now,
        confirmed_at=now,
        attended_at=now,
    )
    rsvp.full_clean()
    rsvp.save()
    audit_record(
        action="rsvp.walk_in_added", actor=user, request=request, obj=rsvp,
        summary=f"Added walk-in RSVP {rsvp.pk} ({_people(rsvp)}) at {occurrence}",
    )  # fmt: skip
    return rsvp


def _people(rsvp) -> str:
    return counted(rsvp.places, "person", "people")
