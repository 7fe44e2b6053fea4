"""What a group brought in, as counts that can never point at one person.

Every figure is a count of at least PRIVACY_THRESHOLD: months are merged, oldest first, until
each range holds that many, and a last range with fewer joins the one before it. A group with
fewer in all sees "fewer than 5", never a number, for that action.
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from actionhub.campaigns.models import LetterTemplate
from actionhub.events.models import Rsvp
from actionhub.groups.models import EventProposal, Group, StepDone
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature

PRIVACY_THRESHOLD = 5
ACTIONS = {
    "pledge": "Signatures of the pledge",
    "letters": "Letters to MPs",
    "demonstration": "RSVPs to events",
    "brands": "Letters to brands",
}


@dataclass(frozen=True)
class Range:
    first: date  # the first day of its first month
    last: date  # the first day of its last month
    count: int

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%B %Y}"
        if self.first.year == self.last.year:
            return f"{self.first:%B} to {self.last:%B %Y}"
        return f"{self.first:%B %Y} to {self.last:%B %Y}"


@dataclass(frozen=True)
class ActionCounts:
    action: str
    label: str
    total: int | None  # None: fewer than PRIVACY_THRESHOLD, so not shown
    ranges: list[Range]


def _actions(*, campaign, codes: list[str]) -> dict:
    """For each action: its rows that came through `codes`, and the moment each was done."""
    letters = Letter.objects.filter(template__campaign=campaign, source__in=codes).exclude(
        status=Letter.Status.AWAITING_CONFIRMATION
    )
    to_mps = Q(template__recipient=LetterTemplate.Recipient.MP)
    when_written = Coalesce("confirmed_at", "submitted_at")
    return {
        "pledge": (
            Signature.objects.filter(pledge__campaign=campaign, source__in=codes,
                                     status=Signature.Status.CONFIRMED),
            "confirmed_at",
        ),
        "letters": (letters.filter(to_mps), when_written),
        "demonstration": (
            Rsvp.objects.filter(occurrence__series__campaign=campaign, source__in=codes,
                                confirmed_at__isnull=False),
            "confirmed_at",
        ),
        "brands": (letters.exclude(to_mps), when_written),
    }  # fmt: skip


def _months(queryset, when) -> list[tuple[date, int]]:
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = (
        queryset.annotate(month=TruncMonth(when, tzinfo=zone))
        .values("month").annotate(count=Count("pk")).order_by("month")
    )  # fmt: skip
    return [(_as_date(row["month"]), row["count"]) for row in rows if row["month"]]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def ranges_private(months: list[tuple[date, int]]) -> list[Range]:
    """Months merged into ranges of at least PRIVACY_THRESHOLD each (none if fewer in all)."""
    ranges: list[Range] = []
    first, count = None, 0
    for month, number in months:
        first = first or month
        count += number
        if count >= PRIVACY_THRESHOLD:
            ranges.append(Range(first=first, last=month, count=count))
            first, count = None, 0
    if count and ranges:
        last = ranges.pop()
        ranges.append(Range(first=last.first, last=months[-1][0], count=last.count + count))
    return ranges


def group_counts(group: Group) -> list[ActionCounts]:
    """Each action's total and ranges over time, under the privacy rule."""
    counts = []
    for action, (queryset, when) in _actions(campaign=group.campaign, codes=[group.code]).items():
        ranges = ranges_private(_months(queryset, when))
        total = sum(r.count for r in ranges) or None
        counts.append(ActionCounts(action=action, label=ACTIONS[action], total=total,
                                   ranges=ranges))  # fmt: skip
    return counts


def groups_totals(groups) -> dict[int, dict[str, int]]:
    """For the console: each group's plain totals per action (organisers may see any count)."""
    groups = list(groups)
    totals: dict[int, dict[str, int]] = {group.pk: dict.fromkeys(ACTIONS, 0) for group in groups}
    by_code = {group.code: group.pk for group in groups}
    by_campaign: dict = {}
    for group in groups:
        by_campaign.setdefault(group.campaign_id, (group.campaign, []))[1].append(group.code)
    for campaign, codes in by_campaign.values():
        for action, (queryset, _) in _actions(campaign=campaign, codes=codes).items():
            for row in queryset.values("source").annotate(count=Count("pk")).order_by():
                totals[by_code[row["source"]]][action] = row["count"]
    return totals


def groups_listed(*, campaign) -> list[tuple[Group, int | None]]:
    """Approved groups that chose to be listed, with their total (where they agreed to show
    it, and only if at least PRIVACY_THRESHOLD) across every action."""
    groups = list(campaign.groups.filter(status=Group.Status.APPROVED, listed=True))
    totals = groups_totals(groups)
    listed = []
    for group in groups:
        total = sum(totals[group.pk].values())
        shown = total if group.show_totals and total >= PRIVACY_THRESHOLD else None
        listed.append((group, shown))
    return listed


def group_steps(group: Group) -> tuple[list[tuple], object | None]:
    """The campaign's steps with whether the group has done each, and the next to do."""
    plan = getattr(group.campaign, "engagement", None)
    if plan is None:
        return [], None
    done = set(StepDone.objects.filter(group=group).values_list("step_id", flat=True))
    steps = [(step, step.pk in done) for step in plan.steps.all()]
    upcoming = next((step for step, is_done in steps if not is_done), None)
    return steps, upcoming


def group_by_typed_code(typed: str) -> Group | None:
    """The approved (or removed: its links still count) group a typed code means, look-alike
    characters and case forgiven."""
    from actionhub.groups.codes import code_key, code_normalise

    key = code_key(code_normalise(typed))
    return (
        Group.objects.filter(code_key=key)
        .filter(status__in=[Group.Status.APPROVED, Group.Status.REMOVED]).first()
    )  # fmt: skip


def group_events_upcoming(*, campaign) -> list[EventProposal]:
    """Approved events of approved groups, from today on, soonest first."""
    return list(
        EventProposal.objects.filter(
            group__campaign=campaign, group__status=Group.Status.APPROVED,
            status=EventProposal.Status.APPROVED, date__gte=timezone.localdate(),
            series__isnull=False,
        ).select_related("group", "series")
    )  # fmt: skip
