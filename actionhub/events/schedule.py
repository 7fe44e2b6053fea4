"""Series and their dates: made from the campaign's demonstration, generated weeks ahead."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionhub.campaigns.models import Campaign, Demonstration
from actionhub.events.models import Occurrence, Series
from actionhub.events.services import (
    occurrence_mark_cancelled,
    occurrence_tell_everyone,
    waiting_list_promote,
)

WEEKS_AHEAD = 10
FROM_DEMONSTRATION = [
    "title", "summary", "description", "safety", "venue_name", "street", "locality", "town",
    "postcode", "recurrence", "start_time", "duration_minutes", "timezone",
]  # fmt: skip


def series_sync_from_demonstration(*, demonstration: Demonstration) -> Series:
    """The series people RSVP to for a campaign's demonstration, with the pack's words."""
    values = {field: getattr(demonstration, field) for field in FROM_DEMONSTRATION}
    series = Series.objects.filter(demonstration=demonstration).first()
    if series is None:
        series = Series(
            campaign=demonstration.campaign,
            demonstration=demonstration,
            slug=series_slug_free("weekly-demonstration"),
            first_date=timezone.localdate(),
            **values,
        )
        series.full_clean()
        series.save()
        return series
    changed = [field for field, value in values.items() if getattr(series, field) != value]
    if changed:
        for field in changed:
            setattr(series, field, values[field])
        series.full_clean()
        series.save(update_fields=[*changed, "updated_at"])
    return series


def series_slug_free(base: str) -> str:
    slug, number = base, 1
    while Series.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def series_dates(*, series: Series, after: date, until: date) -> list[date]:
    """The series' local dates from `after` to `until`, both included."""
    first = max(after, series.first_date)
    last = min(until, series.end_date) if series.end_date else until
    if not series.recurrence:
        return [series.first_date] if first <= series.first_date <= last else []
    start = datetime.combine(series.first_date, series.start_time)
    rule = rrulestr(series.recurrence, dtstart=start)
    window = rule.between(
        datetime.combine(first, datetime.min.time()),
        datetime.combine(last, datetime.max.time()),
        inc=True,
    )
    return [moment.date() for moment in window]


@dataclass
class DatesPlan:
    """What generating a series' dates would do, worked out without writing anything."""

    added: list[date] = field(default_factory=list)
    # (date, new start): dates whose time changes, or whose capacity follows the series
    followed: list[tuple[Occurrence, datetime]] = field(default_factory=list)
    dropped: list[Occurrence] = field(default_factory=list)
    series: Series | None = None  # as it would be, perhaps unsaved

    @property
    def moved(self) -> list[tuple[Occurrence, datetime]]:
        """The followed dates whose start or end time changes (everyone coming is told)."""
        return [(o, starts_at) for o, starts_at in self.followed
                if _new_time(o, starts_at, self.series)]  # fmt: skip


def _new_time(occurrence: Occurrence, starts_at: datetime, series: Series) -> bool:
    return occurrence.starts_at != starts_at or occurrence.ends_at != series.end_for(starts_at)


def occurrences_plan(*, series: Series, today: date | None = None) -> DatesPlan:
    """The coming weeks' dates `series` gives against the rows there are: the dates to make,
    the scheduled ones whose time or capacity follows the series, and the scheduled ones the
    rule no longer gives. `series` may hold unsaved values, to see what they would do."""
    today = today or timezone.localdate(timezone=series.zone)
    wanted = series_dates(series=series, after=today, until=today + timedelta(weeks=WEEKS_AHEAD))
    plan = DatesPlan(series=series)
    if series.pk is None:
        plan.added = wanted
        return plan
    rows = Occurrence.objects.filter(series_id=series.pk).select_related("series")
    existing = {o.date: o for o in rows.filter(date__in=wanted)}
    plan.dropped = list(
        rows.filter(
            status=Occurrence.Status.SCHEDULED, date__gte=today, starts_at__gt=timezone.now()
        ).exclude(date__in=wanted)
    )
    for on in wanted:
        starts_at = series.local_start(on)
        row = existing.get(on)
        if row is None:
            plan.added.append(on)
        elif row.status == Occurrence.Status.SCHEDULED and (
            row.starts_at != starts_at
            or row.ends_at != series.end_for(starts_at)
            or row.capacity != series.capacity
        ):
            plan.followed.append((row, starts_at))
    return plan


def occurrences_generate(*, series: Series, today: date | None = None) -> int:
    """Make the rows for the coming weeks' dates; refresh the times of future unchanged ones;
    cancel (telling everyone) scheduled dates the rule no longer gives."""
    plan = occurrences_plan(series=series, today=today)
    made = 0
    for occurrence in plan.dropped:
        occurrence_mark_cancelled(
            occurrence=occurrence, reason="This date is no longer in the schedule."
        )
    for on in plan.added:
        starts_at = series.local_start(on)
        try:
            with transaction.atomic():
                Occurrence.objects.create(
                    series=series, date=on, starts_at=starts_at,
                    ends_at=series.end_for(starts_at), capacity=series.capacity,
                )  # fmt: skip
            made += 1
        except IntegrityError:
            continue  # another worker made it at the same moment
    for occurrence, starts_at in plan.followed:
        occurrence.series = series
        _occurrence_follow_series(occurrence, starts_at)
    return made


def _occurrence_follow_series(occurrence: Occurrence, starts_at: datetime) -> None:
    """A changed time moves the date (everyone is told, reminders start again); more places
    go to the waiting list."""
    series = occurrence.series
    moved = _new_time(occurrence, starts_at, series)
    if moved:
        occurrence.sequence += 1
    occurrence.starts_at, occurrence.ends_at = starts_at, series.end_for(starts_at)
    if series.capacity is None or occurrence.places_taken <= series.capacity:
        occurrence.capacity = series.capacity
    occurrence.save(update_fields=["starts_at", "ends_at", "sequence", "capacity", "updated_at"])
    if moved:
        occurrence.rsvps.update(reminded_day_before_at=None, reminded_two_hours_at=None)
        occurrence_tell_everyone(occurrence=occurrence, subject="New time")
    waiting_list_promote(occurrence_id=occurrence.pk)


def series_sync_for_campaign(*, campaign: Campaign) -> None:
    """After a campaign's content is loaded or edited: its demonstration's series and dates."""
    demonstration = Demonstration.objects.filter(campaign=campaign).first()
    if demonstration is not None:
        occurrences_generate(series=series_sync_from_demonstration(demonstration=demonstration))


def occurrences_generate_all() -> int:
    for campaign in Campaign.objects.all():
        demonstration = Demonstration.objects.filter(campaign=campaign).first()
        if demonstration is not None:
            series_sync_from_demonstration(demonstration=demonstration)
    return sum(occurrences_generate(series=series) for series in Series.objects.all())


def occurrences_upcoming(*, series: Series, count: int = 8, now=None):
    """The next dates, cancelled ones included (they stay listed, marked cancelled)."""
    now = now or timezone.now()
    return list(
        series.occurrences.filter(ends_at__gt=now)
        .order_by("starts_at")
        .select_related("series")[:count]
    )
