"""The dashboard's counts per day, and its costly totals, rewritten by periodic tasks.

Every minute the last two days are counted again from their timestamps (indexed ranges); every
six hours, and whenever none are there yet, all days are, which also catches older rows that
changed (a batch of signatures invalidated, a reply reported late). The dashboard itself only
reads these rows, so showing it costs the same with ten signatures or ten million.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from actionhub.campaigns.models import LetterTemplate, Pledge
from actionhub.console.models import DailyCount, Tally
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature
from actionhub.supporters.selectors import campaign_email_consents_standing

Measure = DailyCount.Measure
LETTERS_WRITTEN = [Letter.Status.QUEUED, Letter.Status.SENT, Letter.Status.HANDED_OVER,
                   Letter.Status.FAILED]  # fmt: skip
HEARING_MORE = "supporters-hearing-more"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _signature_rows(since: datetime, by_source: bool):
    for pledge in Pledge.objects.all():  # one indexed range per pledge: (pledge, status, when)
        rows = (
            Signature.objects.filter(
                pledge=pledge, status=Signature.Status.CONFIRMED, confirmed_at__gte=since
            )
            .annotate(day=TruncDate("confirmed_at"))
            .values_list("day", *(["source"] if by_source else []))
            .annotate(count=Count("pk"))
            .order_by()
        )
        yield from rows


def _letter_rows(since: datetime, recipient: str):
    return (
        Letter.objects.filter(
            status__in=LETTERS_WRITTEN, submitted_at__gte=since, template__recipient=recipient
        )
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day", "delivery")
        .annotate(count=Count("pk"))
        .order_by()
    )


def _reply_rows(since: datetime):
    return (
        Letter.objects.filter(replied_at__gte=since)
        .exclude(reply="")
        .annotate(day=TruncDate("replied_at"))
        .values_list("day", "reply")
        .annotate(count=Count("pk"))
        .order_by()
    )


MEASURES = {
    Measure.SIGNATURES: lambda since: ((day, "", n) for day, n in _signature_rows(since, False)),
    Measure.SOURCES: lambda since: _signature_rows(since, True),
    Measure.LETTERS_TO_MPS: lambda since: _letter_rows(since, LetterTemplate.Recipient.MP),
    Measure.LETTERS_TO_BRANDS: lambda since: _letter_rows(since, LetterTemplate.Recipient.BRAND),
    Measure.REPLIES: _reply_rows,
}
EVERYTHING = date(2000, 1, 1)


def daily_counts_refresh(*, now=None, everything: bool = False) -> int:
    """Count the last two days again (or every day), measure by measure; returns rows written."""
    today = timezone.localdate(now or timezone.now())
    written = 0
    for measure, rows_since in MEASURES.items():
        first_day = EVERYTHING
        if not everything and DailyCount.objects.filter(measure=measure).exists():
            first_day = today - timedelta(days=1)
        totals: dict[tuple[date, str], int] = {}
        for day, key, count in rows_since(_day_start(first_day)):
            totals[(day, key or "")] = totals.get((day, key or ""), 0) + count
        with transaction.atomic():
            DailyCount.objects.filter(measure=measure, day__gte=first_day).delete()
            DailyCount.objects.bulk_create(
                DailyCount(measure=measure, day=day, key=key[:60], count=count)
                for (day, key), count in totals.items()
            )
        written += len(totals)
    return written


def tallies_refresh(*, now=None) -> None:
    """The supporters who agreed to hear about the campaign and have not withdrawn."""
    hearing_more = campaign_email_consents_standing().values("person").distinct().count()
    Tally.objects.update_or_create(
        name=HEARING_MORE, defaults={"value": hearing_more, "counted_at": now or timezone.now()}
    )
