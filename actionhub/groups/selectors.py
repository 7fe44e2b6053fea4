"""What a group brought in, as counts of people that can never point at one person.

Each person counts once per action, in the month they first did it through the group's code
(five letters to brands, or an "every week" sign-up's RSVPs, are one person). Every figure is a
count of at least PRIVACY_THRESHOLD: months are merged, oldest first, until each range holds
that many, and a last range with fewer joins the one before it. A group with fewer in all sees
"fewer than 5", never a number, for that action.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from actionhub.campaigns.models import LetterTemplate
from actionhub.events.models import Occurrence, Rsvp
from actionhub.groups.models import EventProposal, Group, StepDone
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature

PRIVACY_THRESHOLD = 5
ACTIONS = {
    "pledge": "People who signed the pledge",
    "letters": "People who wrote to their MP",
    "demonstration": "People who said they are coming to an event",
    "brands": "People who wrote to a brand",
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


def _someone():
    """Who did it: the person, or (their details erased) the row itself, never another's id."""
    return Coalesce("person_id", Value(0) - F("pk"), output_field=BigIntegerField())


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
                                confirmed_at__isnull=False)
            .exclude(status=Rsvp.Status.CANCELLED),
            "confirmed_at",
        ),
        "brands": (letters.exclude(to_mps), when_written),
    }  # fmt: skip


def _firsts(queryset, when) -> list:
    """When each person first did it: one moment per person."""
    return [
        row["first"]
        for row in queryset.values(someone=_someone()).annotate(first=Min(when)).order_by()
        if row["first"] is not None
    ]


def _months(moments) -> list[tuple[date, int]]:
    """How many moments fall in each UK month, oldest first."""
    counts: dict[date, int] = {}
    for moment in moments:
        month = timezone.localtime(moment).date().replace(day=1)
        counts[month] = counts.get(month, 0) + 1
    return sorted(counts.items())


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
    """Each action's people and their ranges over time, under the privacy rule."""
    counts = []
    for action, (queryset, when) in _actions(campaign=group.campaign, codes=[group.code]).items():
        ranges = ranges_private(_months(_firsts(queryset, when)))
        total = sum(r.count for r in ranges) or None
        counts.append(ActionCounts(action=action, label=ACTIONS[action], total=total,
                                   ranges=ranges))  # fmt: skip
    return counts


def groups_totals(groups) -> dict[int, dict[str, int]]:
    """For the console: each group's people per action (organisers may see any count)."""
    groups = list(groups)
    totals: dict[int, dict[str, int]] = {group.pk: dict.fromkeys(ACTIONS, 0) for group in groups}
    by_code = {group.code: group.pk for group in groups}
    by_campaign: dict = {}
    for group in groups:
        by_campaign.setdefault(group.campaign_id, (group.campaign, []))[1].append(group.code)
    for campaign, codes in by_campaign.values():
        for action, (queryset, _) in _actions(campaign=campaign, codes=codes).items():
            people = queryset.values("source", someone=_someone()).distinct().order_by()
            for row in people:
                totals[by_code[row["source"]]][action] += 1
    return totals


def groups_listed(*, campaign) -> list[tuple[Group, int | None]]:
    """Approved groups that chose to be listed, with their total where they agreed to show it:
    the sum of the totals their own page shows, so nothing hidden there can be worked out."""
    listed = []
    for group in campaign.groups.filter(status=Group.Status.APPROVED, listed=True):
        total = sum(c.total or 0 for c in group_counts(group)) if group.show_totals else 0
        listed.append((group, total or None))
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


def group_events_upcoming(*, campaign) -> list[tuple[EventProposal, Occurrence]]:
    """Approved events of approved groups still to come, soonest first, as the event's own
    date says (moved or cancelled in the console, it follows)."""
    occurrences = Occurrence.objects.filter(
        series__proposal__group__campaign=campaign,
        series__proposal__group__status=Group.Status.APPROVED,
        series__proposal__status=EventProposal.Status.APPROVED,
        starts_at__gte=timezone.now(),
    ).exclude(status=Occurrence.Status.CANCELLED)
    occurrences = occurrences.select_related("series__proposal__group").order_by("starts_at")
    return [(occurrence.series.proposal, occurrence) for occurrence in occurrences]
