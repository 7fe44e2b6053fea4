"""What organisers do to the demonstration and its dates: change its schedule, cancel or move
one date, telling everyone at once."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from actionhub.campaigns.models import Demonstration
from actionhub.core.audit import audit_record
from actionhub.events.models import Occurrence, Rsvp, Series, Subscription
from actionhub.events.schedule import (
    FROM_DEMONSTRATION,
    occurrences_generate,
    occurrences_plan,
    series_sync_from_demonstration,
)
from actionhub.events.services import (
    occurrence_mark_cancelled,
    occurrence_tell_everyone,
    subscription_rsvps_fill,
)

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


# The demonstration: its words, place and weekly time, with its series' dates and access


DEMONSTRATION_PERMISSION = "campaigns.change_demonstration"
SERIES_OWN = ["first_date", "end_date", "accessibility", "accessibility_notes"]
PLACE_FIELDS = ["venue_name", "street", "locality", "town", "postcode"]
TOLD = [Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING]
COMING = Q(rsvps__status__in=TOLD, rsvps__walk_in=False)


class ScheduleChanged(Exception):
    """The dates' changes are not those the organiser saw: replies came in, or someone else
    changed the demonstration meanwhile. The plan holds what would happen now."""

    def __init__(self, plan: "SchedulePlan"):
        self.plan = plan
        super().__init__("The changes are not the ones shown before.")


@dataclass(frozen=True)
class DateChange:
    kind: str  # "added", "moved", "cancelled" or "place" (at a new place)
    on: date
    before: datetime | None  # local time at the venue, before and after the change
    after: datetime | None
    coming: int  # people coming or on the waiting list, with their guests; walk-ins aside
    ends_before: datetime | None = None  # for a new time: when it ended and will end
    ends_after: datetime | None = None

    @property
    def new_zone(self) -> bool:
        """Whether the time zone changes too (both times are local, each in its own zone)."""
        return bool(self.before and self.after and self.before.tzinfo != self.after.tzinfo)


@dataclass
class SchedulePlan:
    changed_fields: list[str] = field(default_factory=list)
    changes: list[DateChange] = field(default_factory=list)
    people_told: int = 0
    emails: int = 0

    @property
    def fingerprint(self) -> str:
        seen = [(c.kind, c.on.isoformat(), str(c.after), c.coming) for c in self.changes]
        text = repr((self.changed_fields, seen, self.people_told, self.emails))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {kind: sum(c.kind == kind for c in self.changes) for kind in DATE_CHANGE_KINDS}


DATE_CHANGE_KINDS = {
    "added": "added", "moved": "moved", "cancelled": "cancelled", "place": "at a new place",
}  # fmt: skip


def schedule_plan(
    *, demonstration: Demonstration, values: dict, today: date | None = None
) -> SchedulePlan:
    """What saving `values` (the demonstration's fields, FROM_DEMONSTRATION, and its series'
    SERIES_OWN) would change: which coming dates are added, moved, cancelled or get a new
    place, how many are coming to each, and how many people would be emailed. Writes nothing."""
    series = Series.objects.filter(demonstration=demonstration).first()
    if series is not None:
        proposed = Series.objects.get(pk=series.pk)
    else:
        proposed = Series(
            campaign=demonstration.campaign, demonstration=demonstration,
            first_date=timezone.localdate(),
        )  # fmt: skip
    plan = SchedulePlan(changed_fields=_changed_fields(demonstration, series, values))
    for name, value in values.items():
        setattr(proposed, name, value)
    dates = occurrences_plan(series=proposed, today=today)
    touched = [o for o, _ in dates.moved] + dates.dropped
    if series is not None and any(getattr(series, f) != values[f] for f in PLACE_FIELDS):
        seen = {o.pk for o in touched}
        touched += [
            o
            for o in series.occurrences.filter(ends_at__gt=timezone.now(), place_note="")
            .exclude(status=Occurrence.Status.CANCELLED)
            .select_related("series")
            if o.pk not in seen
        ]
    coming = dict(
        Occurrence.objects.filter(pk__in=[o.pk for o in touched])
        .annotate(n=Coalesce(Sum(F("rsvps__guests") + 1, filter=COMING), 0))
        .values_list("pk", "n")
    )
    moved = {o.pk: starts_at for o, starts_at in dates.moved}
    dropped = {o.pk for o in dates.dropped}
    for occurrence in touched:
        before = occurrence.local_starts_at
        ends = {}
        if occurrence.pk in moved:
            kind, after = "moved", moved[occurrence.pk]
            ends = {"ends_before": occurrence.local_ends_at,
                    "ends_after": proposed.end_for(after).astimezone(after.tzinfo)}  # fmt: skip
        elif occurrence.pk in dropped:
            kind, after = "cancelled", None
        else:
            kind, after = "place", before
        plan.changes.append(
            DateChange(kind, occurrence.date, before, after, coming[occurrence.pk], **ends)
        )
    plan.changes += [
        DateChange("added", on, None, proposed.local_start(on), 0) for on in dates.added
    ]
    plan.changes.sort(key=lambda change: change.on)
    told = Rsvp.objects.filter(
        occurrence__in=[o.pk for o in touched], status__in=TOLD, person__isnull=False
    )
    plan.emails = told.count()
    plan.people_told = told.values("person").distinct().count()
    return plan


# What an organiser calls each field, as the demonstration's form shows it.
FIELD_LABELS = {
    "title": "title", "summary": "summary", "description": "description",
    "safety": "safety guidance", "venue_name": "place", "street": "place", "locality": "place",
    "town": "place", "postcode": "place", "recurrence": "weekday", "start_time": "start time",
    "duration_minutes": "end time", "timezone": "time zone", "first_date": "first date",
    "end_date": "last date", "accessibility": "accessibility",
    "accessibility_notes": "accessibility notes",
}  # fmt: skip


def _changed_fields(demonstration, series, values) -> list[str]:
    changed = [name for name in FROM_DEMONSTRATION if getattr(demonstration, name) != values[name]]
    changed += [
        name for name in SERIES_OWN if series is None or getattr(series, name) != values[name]
    ]
    return list(dict.fromkeys(FIELD_LABELS[name] for name in changed))


def schedule_apply(
    *, demonstration: Demonstration, values: dict, user, request=None, seen: str | None = None
) -> SchedulePlan:
    """Save the demonstration and its dates' changes in one transaction, email the people
    coming to each date that moves, is cancelled or gets a new place, and audit it. With
    `seen` (the fingerprint of the plan shown), raise ScheduleChanged if the plan differs."""
    if not user.has_perm(DEMONSTRATION_PERMISSION):
        raise PermissionDenied("Changing the demonstration needs its own permission.")
    with transaction.atomic():
        demonstration = Demonstration.objects.select_for_update().get(pk=demonstration.pk)
        plan = schedule_plan(demonstration=demonstration, values=values)
        if seen is not None and plan.fingerprint != seen:
            raise ScheduleChanged(plan)
        if any(c.kind in ("moved", "cancelled") for c in plan.changes):
            _check(user)
        for name in FROM_DEMONSTRATION:
            setattr(demonstration, name, values[name])
        demonstration.full_clean()
        demonstration.save()
        series = series_sync_from_demonstration(demonstration=demonstration)
        for name in SERIES_OWN:
            setattr(series, name, values[name])
        series.full_clean()
        series.save()
        occurrences_generate(series=series)
        for change in plan.changes:
            if change.kind == "place":
                occurrence = series.occurrences.get(date=change.on)
                occurrence.sequence += 1
                occurrence.save(update_fields=["sequence", "updated_at"])
                occurrence_tell_everyone(occurrence=occurrence, subject="New place")
        for subscription in series.subscriptions.filter(status=Subscription.Status.ACTIVE):
            subscription_rsvps_fill(subscription=subscription)
        counts = plan.counts()
        dates = ", ".join(
            f"{counts[kind]} {words}" for kind, words in DATE_CHANGE_KINDS.items() if counts[kind]
        )
        audit_record(
            action="content.changed", actor=user, request=request, obj=demonstration,
            summary=f"{demonstration}: changed {', '.join(plan.changed_fields) or 'nothing'}; "
            f"dates: {dates or 'none changed'}; {plan.people_told} people emailed",
        )  # fmt: skip
    return plan
