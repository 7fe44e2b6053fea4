"""Who a mailing goes to: everyone whose consent to campaign emails stands, narrowed by plain
choices (what they did, where, through which link, when); or the leaders of the campaign's
approved community groups who asked for news for group leaders."""

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from actionhub.events.models import Rsvp
from actionhub.groups.models import Group, Leader
from actionhub.letters.models import Letter
from actionhub.mailings.models import Mailing
from actionhub.pledges.models import Signature
from actionhub.supporters.models import Person
from actionhub.supporters.selectors import (
    campaign_email_consents_standing,
    people_emailable,
    people_hearing_more,
)

LETTER_WRITTEN = [Letter.Status.QUEUED, Letter.Status.SENT, Letter.Status.HANDED_OVER]


def _actions(mailing: Mailing) -> tuple[QuerySet, str] | None:
    """The rows of the mailing's campaign that show a person did its action, and the field
    saying when."""
    person, campaign = OuterRef("pk"), mailing.campaign_id
    action = mailing.action
    if action == Mailing.Action.SIGNED:
        signatures = _signed().filter(person=person, pledge__campaign=campaign)
        return signatures, "confirmed_at"
    if action in (Mailing.Action.WROTE_TO_MP, Mailing.Action.ASKED_BRAND):
        to_brand = action == Mailing.Action.ASKED_BRAND
        letters = _written().filter(
            person=person, template__campaign=campaign, brand__isnull=not to_brand
        )
        return letters, "submitted_at"
    if action == Mailing.Action.RSVPED:
        rsvps = _coming().filter(person=person, occurrence__series__campaign=campaign)
        if mailing.occurrence_id:
            rsvps = rsvps.filter(occurrence_id=mailing.occurrence_id)
        return rsvps, "confirmed_at"
    return None


def _signed() -> QuerySet:
    return Signature.objects.filter(status=Signature.Status.CONFIRMED)


def _written() -> QuerySet:
    return Letter.objects.filter(status__in=LETTER_WRITTEN)


def _coming() -> QuerySet:
    return Rsvp.objects.filter(status__in=[Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING])


def _source(mailing: Mailing) -> str:
    return mailing.source.lower()  # codes are kept in lower case


def _through_source(mailing: Mailing) -> Q:
    """People whose signature, letter or RSVP for the mailing's campaign came through a link
    with the mailing's source code."""
    person, campaign, source = OuterRef("pk"), mailing.campaign_id, _source(mailing)
    return (
        Exists(_signed().filter(person=person, pledge__campaign=campaign, source=source))
        | Exists(_written().filter(person=person, template__campaign=campaign, source=source))
        | Exists(
            _coming().filter(person=person, occurrence__series__campaign=campaign, source=source)
        )
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _within(rows: QuerySet, field: str, since: date | None, until: date | None) -> QuerySet:
    if since:
        rows = rows.filter(**{f"{field}__gte": _day_start(since)})
    if until:
        rows = rows.filter(**{f"{field}__lt": _day_start(until + timedelta(days=1))})
    return rows


def _group_leaders(mailing: Mailing) -> QuerySet[Person]:
    """Confirmed leaders of the campaign's approved groups whose consent to news for group
    leaders stands (nothing else narrows it: the console refuses other choices with it)."""
    leads = Leader.objects.filter(
        person=OuterRef("pk"), confirmed_at__isnull=False,
        group__campaign=mailing.campaign_id, group__status=Group.Status.APPROVED,
    )  # fmt: skip
    return people_emailable(mailing.consent_purpose).filter(Exists(leads))


def audience_people(mailing: Mailing) -> QuerySet[Person]:
    """The people `mailing` would go to now."""
    if mailing.action == Mailing.Action.GROUP_LEADERS:
        return _group_leaders(mailing)
    people = people_hearing_more()
    actions = _actions(mailing)
    if actions is None:
        agreed = campaign_email_consents_standing(OuterRef("pk"))
        if mailing.since or mailing.until:
            people = people.filter(
                Exists(_within(agreed, "given_at", mailing.since, mailing.until))
            )
    else:
        rows, field = actions
        if mailing.source:  # that action, done through the link
            rows = rows.filter(source=_source(mailing))
        people = people.filter(Exists(_within(rows, field, mailing.since, mailing.until)))
    if mailing.constituency_id:
        place = mailing.constituency_id
        people = people.filter(
            Exists(_signed().filter(person=OuterRef("pk"), constituency_id=place))
            | Exists(_written().filter(person=OuterRef("pk"), constituency_id=place))
        )
    if mailing.source and actions is None:
        people = people.filter(_through_source(mailing))
    return people


def audience_count(mailing: Mailing) -> int:
    return audience_people(mailing).count()


def audience_describe(mailing: Mailing) -> str:
    """The audience in words, as the review page and the approval show it."""
    if mailing.action == Mailing.Action.GROUP_LEADERS:
        return "The leaders of approved community groups who asked for news for group leaders"
    parts = ["Everyone who agreed to hear more"]
    if mailing.action:
        parts = [f"Everyone who agreed to hear more and {mailing.get_action_display().lower()}"]
        if mailing.action == Mailing.Action.RSVPED and mailing.occurrence_id:
            parts[0] += f" on {mailing.occurrence.local_starts_at:%A %-d %B %Y}"
    if mailing.constituency_id:
        parts.append(f"in {mailing.constituency}")
    if mailing.source:
        did = "" if mailing.action else "who signed, wrote or said they are coming "
        parts.append(f"{did}through links with the source code “{_source(mailing)}”")
    if mailing.since and mailing.until:
        parts.append(f"between {mailing.since:%-d %B %Y} and {mailing.until:%-d %B %Y}")
    elif mailing.since:
        parts.append(f"on or after {mailing.since:%-d %B %Y}")
    elif mailing.until:
        parts.append(f"on or before {mailing.until:%-d %B %Y}")
    return ", ".join(parts)
