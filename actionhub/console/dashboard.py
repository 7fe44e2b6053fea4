"""What the dashboard shows: headline numbers, what needs attention, and charts over time.

Each part is shown only to an organiser allowed to see its detail, and every number is an
aggregate read from an indexed count, a tally, or the daily counts (never people). All reads;
nothing here writes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from actionhub.brands.models import Brand
from actionhub.campaigns.models import Campaign
from actionhub.console.charts import Column, column_chart_svg
from actionhub.console.models import DailyCount, Tally
from actionhub.console.tallies import HEARING_MORE
from actionhub.core.email import emails_waiting_since
from actionhub.core.models import OutboundEmail
from actionhub.core.text import counted
from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.events.selectors import NOTES_AHEAD_DAYS, occurrences_without_notes
from actionhub.groups.models import EventProposal, Group
from actionhub.letters.models import Letter
from actionhub.mailings.models import Mailing
from actionhub.pledges.models import Signature
from actionhub.pledges.selectors import pledge_count
from actionhub.rights.register import DEADLINE_NEAR_DAYS
from actionhub.rights.register import HANDLE as HANDLE_DATA_REQUESTS
from actionhub.rights.selectors import data_requests_due

Measure = DailyCount.Measure
CHART_DAYS = 30
RECENT_DATES = 4
DELIVERIES = dict(Letter.Delivery.choices)
HEARING_MORE_PERMISSION = "supporters.view_person"  # the list behind the number: personal data


@dataclass(frozen=True)
class Number:
    label: str
    value: str
    details: list[str] = field(default_factory=list)
    url: str = ""


@dataclass(frozen=True)
class Attention:
    text: str
    url: str


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    headings: tuple[str, str]
    rows: list[tuple[str, int]]
    svg: str


@dataclass
class Dashboard:
    numbers: list[Number] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    counted_at: datetime | None = None


def dashboard_for(*, user, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    dashboard = Dashboard(counted_at=_counted_at())
    if user.has_perm("pledges.view_signature"):
        dashboard.numbers.append(signatures_number(now=now))
        dashboard.charts += [signatures_chart(today=today), sources_chart(today=today)]
    if user.has_perm("letters.view_letter"):
        dashboard.numbers += letters_numbers()
        dashboard.charts.append(letters_chart(today=today))
    if user.has_perm("events.view_occurrence"):
        dashboard.numbers += demonstration_numbers(now=now)
        dashboard.charts.append(rsvps_chart(now=now))
    if user.has_perm("brands.view_brand"):
        dashboard.numbers.append(brands_number(today=today))
    if user.has_perm("pledges.view_signature") or user.has_perm(HEARING_MORE_PERMISSION):
        dashboard.numbers.append(hearing_more_number(user=user))
    dashboard.attention = attention_for(user=user, now=now)
    return dashboard


def _changelist(name: str, **filters) -> str:
    url = reverse(f"admin:{name}_changelist")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in filters.items()) if filters
                  else "")  # fmt: skip


def _since(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# Headline numbers


def _signatures(status: str):
    """The default campaign's signatures in one status: by the (pledge, status, confirmed at)
    index, so counting them reads the index, not the table."""
    pledges = Campaign.objects.filter(is_default=True).values("pledges")
    return Signature.objects.filter(pledge__in=pledges, status=status)


def signatures_number(*, now: datetime) -> Number:
    today = timezone.localdate(now)
    confirmed = _signatures(Signature.Status.CONFIRMED)
    campaign = Campaign.objects.filter(is_default=True).first()
    total = sum(pledge_count(pledge=pledge) for pledge in campaign.pledges.all()) if campaign else 0
    on_day = confirmed.filter(confirmed_at__gte=_since(today)).count()
    in_week = confirmed.filter(confirmed_at__gte=_since(today - timedelta(days=6))).count()
    waiting = _signatures(Signature.Status.PENDING).count()
    rate = f"{round(100 * in_week / (in_week + waiting))}%" if in_week + waiting else "no signing"
    return Number(
        label="Confirmed signatures",
        value=f"{total:,}",
        details=[
            f"{on_day:,} today", f"{in_week:,} in the last 7 days",
            f"confirmation rate this week: {rate} ({waiting:,} still to confirm)",
        ],
        url=_changelist("pledges_signature", status__exact="confirmed"),
    )  # fmt: skip


def _sums(measure: str) -> dict[str, int]:
    rows = DailyCount.objects.filter(measure=measure).values_list("key").annotate(Sum("count"))
    return dict(rows.order_by())


def letters_numbers() -> list[Number]:
    numbers = []
    for measure, label in (
        (Measure.LETTERS_TO_MPS, "Letters to MPs"),
        (Measure.LETTERS_TO_BRANDS, "Letters to brands"),
    ):
        by_delivery = _sums(measure)
        details = [f"{count:,} {DELIVERIES.get(key, key).lower()}" for key, count in
                   sorted(by_delivery.items(), key=lambda item: -item[1])]  # fmt: skip
        if measure == Measure.LETTERS_TO_MPS:
            # Writers also report "no reply yet" and "only an acknowledgement": neither is one.
            reported = _sums(Measure.REPLIES)
            replies = reported.get(Letter.Reply.REPLIED, 0)
            details.append(f"{counted(replies, 'reply', 'replies')} reported")
            if acknowledged := reported.get(Letter.Reply.ACKNOWLEDGED, 0):
                details.append(f"{counted(acknowledged, 'letter')} only acknowledged")
        numbers.append(
            Number(
                label=label,
                value=f"{sum(by_delivery.values()):,}",
                details=details,
                url=reverse("admin:letters_letter_report"),
            )  # fmt: skip
        )
    return numbers


def _demonstration_series() -> Series | None:
    return Series.objects.filter(demonstration__campaign__is_default=True).first()


def demonstration_numbers(*, now: datetime) -> list[Number]:
    series = _demonstration_series()
    if series is None:
        return []
    upcoming = series.occurrences.filter(ends_at__gt=now).exclude(
        status=Occurrence.Status.CANCELLED
    )
    numbers = []
    coming = upcoming.order_by("starts_at").first()
    if coming is not None:
        waiting = coming.rsvps.filter(status=Rsvp.Status.WAITING).count()
        start = coming.local_starts_at
        details = [f"{start:%A} {start.day} {start:%B}, {start:%H:%M}"]
        if coming.capacity is not None:
            details.append(f"{coming.places_left:,} of {coming.capacity:,} places left")
        if waiting:
            details.append(f"{waiting:,} on the waiting list")
        numbers.append(
            Number(
                label="Coming to the next demonstration",
                value=f"{coming.places_taken:,}",
                details=details,
                url=reverse("admin:events_occurrence_check_in", args=[coming.pk]),
            )  # fmt: skip
        )
    past = list(
        series.occurrences.filter(ends_at__lte=now, status__in=["scheduled", "moved"])
        .annotate(here=Count("rsvps", filter=Q(rsvps__attended_at__isnull=False)))
        .order_by("-starts_at")[:RECENT_DATES]
    )
    if past:
        numbers.append(
            Number(
                label="At the last demonstrations",
                value=f"{past[0].here:,}",
                details=[
                    f"{o.local_starts_at:%a} {o.local_starts_at.day} "
                    f"{o.local_starts_at:%b}: {o.here:,} checked in"
                    for o in past
                ],
                url=reverse("admin:events_occurrence_attendance"),
            )  # fmt: skip
        )
    return numbers


def brands_number(*, today: date) -> Number:
    brands = list(Brand.objects.filter(campaign__is_default=True))
    overdue = sum(brand.is_overdue(today) for brand in brands)
    by_status = defaultdict(int)
    for brand in brands:
        by_status[brand.status] += 1
    committed = by_status[Brand.Status.COMMITTED] + by_status[Brand.Status.MET]
    details = [f"{by_status[value]:,} {label.lower()}" for value, label in Brand.Status.choices
               if by_status[value]]  # fmt: skip
    if overdue:
        details.append(f"{overdue:,} overdue")
    return Number(label="Brands committed", value=f"{committed:,} of {len(brands):,}",
                  details=details, url=_changelist("brands_brand"))  # fmt: skip


def hearing_more_number(*, user) -> Number:
    """Everyone who may count them sees the number; only who may see their names and email
    addresses (the data protection lead) has the link to the list of them."""
    tally = Tally.objects.filter(name=HEARING_MORE).first()
    return Number(
        label="Supporters who want to hear more",
        value=f"{tally.value:,}" if tally else "not counted yet",
        details=["agreed to campaign emails and have not unsubscribed"],
        url=_changelist("supporters_person") if user.has_perm(HEARING_MORE_PERMISSION) else "",
    )


# Attention


def attention_for(*, user, now: datetime) -> list[Attention]:
    items = []
    if user.has_perm("pledges.view_signature"):
        held = _signatures(Signature.Status.QUARANTINED).count()
        if held:
            items.append(Attention(
                f"{counted(held, 'signature')} held back for review (too fast or too many from "
                "one connection)", _changelist("pledges_signature", status__exact="quarantined"),
            ))  # fmt: skip
    if user.has_perm("core.view_outboundemail"):
        failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
        if failed:
            items.append(
                Attention(
                    f"{counted(failed, 'email')} could not be sent",
                    _changelist("core_outboundemail", status__exact="failed"),
                )
            )
        waiting = emails_waiting_since(now=now).order_by("first_failed_at")
        oldest = waiting.first()
        if oldest:
            since = timezone.localtime(oldest.first_failed_at)
            items.append(Attention(
                f"{counted(waiting.count(), 'email')} waiting: the mail server has not taken "
                f"them since {since:%H:%M} on {since.day} {since:%B}. They are tried again "
                f"by themselves; the last error was: {oldest.last_error[:200]}",
                _changelist("core_outboundemail", status__exact="queued"),
            ))  # fmt: skip
    if user.has_perm("mailings.approve_mailing"):
        awaiting = Mailing.objects.filter(status=Mailing.Status.AWAITING_APPROVAL).exclude(
            requested_by=user
        )
        if awaiting.exists():
            items.append(Attention(
                f"{counted(awaiting.count(), 'campaign email')} waiting for your approval",
                _changelist("mailings_mailing", status__exact="awaiting-approval"),
            ))  # fmt: skip
    if user.has_perm("groups.approve_group"):
        awaiting_groups = Group.objects.filter(status=Group.Status.AWAITING_APPROVAL).count()
        if awaiting_groups:
            items.append(Attention(
                f"{counted(awaiting_groups, 'community group')} waiting for approval",
                _changelist("groups_group", status__exact="awaiting-approval"),
            ))  # fmt: skip
        proposed = EventProposal.objects.filter(
            status=EventProposal.Status.PROPOSED, group__status=Group.Status.APPROVED,
            date__gt=timezone.localdate(now),
        ).count()  # fmt: skip
        if proposed:
            items.append(Attention(
                f"{counted(proposed, 'event')} proposed by groups, waiting for approval",
                _changelist("groups_eventproposal", status__exact="proposed"),
            ))  # fmt: skip
        leaderless = (
            Group.objects.filter(status=Group.Status.APPROVED)
            .exclude(leaders__confirmed_at__isnull=False)
            .count()
        )
        if leaderless:
            items.append(Attention(
                f"{counted(leaderless, 'community group')} with no leader any more (they "
                "erased their details): remove it, or ask the group to register again",
                _changelist("groups_group", status__exact="approved"),
            ))  # fmt: skip
    if user.has_perm(HANDLE_DATA_REQUESTS):
        items += data_requests_attention(today=timezone.localdate(now))
    if user.has_perm("letters.view_letter"):
        month_ago = now - timedelta(days=30)
        undelivered = Letter.objects.filter(
            status=Letter.Status.FAILED, submitted_at__gte=month_ago
        ).count()
        if undelivered:
            items.append(Attention(
                f"{counted(undelivered, 'letter')} bounced or could not be delivered this month",
                _changelist("letters_letter", status__exact="failed"),
            ))  # fmt: skip
    if user.has_perm("events.view_occurrence"):
        no_notes = occurrences_without_notes(queryset=Occurrence.objects.all(), now=now).count()
        if no_notes:
            items.append(Attention(
                f"{counted(no_notes, 'upcoming date')} in the next {NOTES_AHEAD_DAYS} days "
                f"{'has' if no_notes == 1 else 'have'} no organiser notes",
                _changelist("events_occurrence", notes="missing"),
            ))  # fmt: skip
    if user.has_perm("brands.view_brand"):
        today = timezone.localdate(now)
        overdue = [b for b in Brand.objects.filter(campaign__is_default=True)
                   if b.is_overdue(today)]  # fmt: skip
        if overdue:
            names = ", ".join(brand.name for brand in overdue[:3])
            more = f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""
            items.append(Attention(
                f"{counted(len(overdue), 'brand')} past the deadline of its commitment: "
                f"{names}{more}", _changelist("brands_brand"),
            ))  # fmt: skip
    return items


def data_requests_attention(*, today: date) -> list[Attention]:
    """Supporters' requests about their data: one calendar month each, by law."""
    overdue, near = data_requests_due(today=today)
    items = []
    if overdue:
        their = "its" if overdue == 1 else "their"
        items.append(Attention(
            f"{counted(overdue, 'data protection request')} past {their} one-month deadline",
            _changelist("rights_datarequest", deadline="overdue"),
        ))  # fmt: skip
    if near:
        items.append(Attention(
            f"{counted(near, 'data protection request')} due within {DEADLINE_NEAR_DAYS} days",
            _changelist("rights_datarequest", deadline="near"),
        ))  # fmt: skip
    return items


# Charts


def _days(today: date) -> list[date]:
    return [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]


def _per_day(measure: str, today: date) -> dict[date, int]:
    rows = (
        DailyCount.objects.filter(measure=measure, day__gt=today - timedelta(days=CHART_DAYS))
        .values_list("day")
        .annotate(Sum("count"))
        .order_by()
    )
    return dict(rows)


def _day_chart(*, slug: str, title: str, noun: str, counts: dict[date, int], today: date) -> Chart:
    days = _days(today)
    columns = [
        Column(label=f"{day.day} {day:%b}", value=counts.get(day, 0),
               title=f"{day:%A} {day.day} {day:%B}: {counted(counts.get(day, 0), noun)}")
        for day in days
    ]  # fmt: skip
    busiest = max(columns, key=lambda column: column.value)
    description = (
        f"{counted(sum(c.value for c in columns), noun)} in the last {CHART_DAYS} days, from "
        f"{days[0].day} {days[0]:%B} to {days[-1].day} {days[-1]:%B}; the most on "
        f"{busiest.title}."
    )
    return Chart(
        slug=slug, title=title, description=description, headings=("Day", f"{noun.title()}s"),
        rows=[(f"{day:%a} {day.day} {day:%b %Y}", counts.get(day, 0)) for day in days],
        svg=column_chart_svg(chart_id=slug, title=title, description=description,
                             columns=columns),
    )  # fmt: skip


def signatures_chart(*, today: date) -> Chart:
    return _day_chart(
        slug="signatures-per-day",
        title="Signatures confirmed per day",
        noun="signature",
        counts=_per_day(Measure.SIGNATURES, today),
        today=today,
    )


def letters_chart(*, today: date) -> Chart:
    counts = _per_day(Measure.LETTERS_TO_MPS, today)
    for day, count in _per_day(Measure.LETTERS_TO_BRANDS, today).items():
        counts[day] = counts.get(day, 0) + count
    return _day_chart(slug="letters-per-day", title="Letters written per day (to MPs and brands)",
                      noun="letter", counts=counts, today=today)  # fmt: skip


def sources_chart(*, today: date) -> Chart:
    rows = (
        DailyCount.objects.filter(measure=Measure.SOURCES,
                                  day__gt=today - timedelta(days=CHART_DAYS))
        .values_list("key").annotate(total=Sum("count")).order_by("-total", "key")[:10]
    )  # fmt: skip
    # Equal counts in the order of their names, signatures without a source code last.
    rows = sorted(rows, key=lambda row: (-row[1], row[0] == "", row[0]))
    rows = [(key or "(no source)", total) for key, total in rows]
    title = f"Where signatures came from (source codes, last {CHART_DAYS} days)"
    description = (
        "; ".join(f"{key}: {counted(total, 'signature')}" for key, total in rows)
        or "No confirmed signatures in this time."
    )
    columns = [Column(label=key if len(key) <= 12 else key[:11] + "…", value=total,
                      title=f"{key}: {counted(total, 'signature')}")
               for key, total in rows]  # fmt: skip
    return Chart(slug="sources", title=title, description=description,
                 headings=("Source code", "Signatures"), rows=rows,
                 svg=column_chart_svg(chart_id="sources", title=title, description=description,
                                      columns=columns))  # fmt: skip


def rsvps_chart(*, now: datetime) -> Chart:
    series = _demonstration_series()
    occurrences = []
    if series is not None:
        past = list(series.occurrences.filter(ends_at__lte=now).order_by("-starts_at")[:6])
        coming = list(series.occurrences.filter(ends_at__gt=now).order_by("starts_at")[:4])
        occurrences = [*reversed(past), *coming]
    rows = [(f"{o.local_starts_at:%a} {o.local_starts_at.day} {o.local_starts_at:%b}"
             + (" (cancelled)" if o.status == Occurrence.Status.CANCELLED else ""),
             o.places_taken) for o in occurrences]  # fmt: skip
    title = "Places taken per demonstration date"
    description = (
        "; ".join(f"{label}: {counted(count, 'place')}" for label, count in rows) or "No dates yet."
    )
    columns = [Column(label=label.split(" (")[0][4:], value=count, title=f"{label}: {count:,}")
               for label, count in rows]  # fmt: skip
    return Chart(slug="rsvps-per-date", title=title, description=description,
                 headings=("Date", "Places taken"), rows=rows,
                 svg=column_chart_svg(chart_id="rsvps-per-date", title=title,
                                      description=description, columns=columns))  # fmt: skip


def _counted_at() -> datetime | None:
    tally = Tally.objects.filter(name=HEARING_MORE).first()
    return tally.counted_at if tally else None


CHARTS = {
    "signatures-per-day": ("pledges.view_signature", lambda now: signatures_chart(
        today=timezone.localdate(now))),
    "sources": ("pledges.view_signature", lambda now: sources_chart(
        today=timezone.localdate(now))),
    "letters-per-day": ("letters.view_letter", lambda now: letters_chart(
        today=timezone.localdate(now))),
    "rsvps-per-date": ("events.view_occurrence", lambda now: rsvps_chart(now=now)),
}  # fmt: skip
