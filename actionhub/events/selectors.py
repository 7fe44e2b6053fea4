"""Reads about events that other pages show."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from actionhub.campaigns.models import Demonstration
from actionhub.campaigns.selectors import demonstration_next_dates
from actionhub.events.models import Occurrence, Series


@dataclass(frozen=True)
class NextDate:
    """The next date people can come to, in the venue's time zone, and where to say so."""

    starts_at: datetime
    ends_at: datetime
    moved: bool
    place_note: str
    rsvp_url: str


def demonstration_next_date(
    *, demonstration: Demonstration, now: datetime | None = None
) -> NextDate | None:
    """The demonstration's next date that is not cancelled and has not ended.

    Its date rows once they are made (with their cancellations and moves); until then, the
    next date by the demonstration's own rule. None when no date is planned.
    """
    now = now or timezone.now()
    series = Series.objects.filter(demonstration=demonstration).first()
    if series is not None:
        coming = series.occurrences.filter(ends_at__gt=now).order_by("starts_at")
        if coming.exists():
            occurrence = coming.exclude(status=Occurrence.Status.CANCELLED).first()
            if occurrence is None:
                return None
            occurrence.series = series
            return NextDate(
                starts_at=occurrence.local_starts_at,
                ends_at=occurrence.local_ends_at,
                moved=occurrence.status == Occurrence.Status.MOVED,
                place_note=occurrence.place_note,
                rsvp_url=reverse("occurrence", args=[series.slug, occurrence.date.isoformat()]),
            )
    for starts_at, ends_at in demonstration_next_dates(
        demonstration=demonstration, count=1, now=now
    ):
        if series is not None and series.end_date and starts_at.date() > series.end_date:
            return None
        rsvp_url = reverse("demonstration") + "#rsvp-heading"
        return NextDate(starts_at, ends_at, moved=False, place_note="", rsvp_url=rsvp_url)
    return None


NOTES_AHEAD_DAYS = 14


def occurrences_without_notes(*, queryset, now: datetime):
    """Dates in the next fortnight, not cancelled, that have no organiser notes yet."""
    return queryset.filter(
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=NOTES_AHEAD_DAYS),
        organiser_notes="",
    ).exclude(status=Occurrence.Status.CANCELLED)
