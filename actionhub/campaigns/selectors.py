from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone

from actionhub.campaigns.models import Campaign, Demonstration


def campaign_get_default() -> Campaign:
    campaign = Campaign.objects.filter(is_default=True).first()
    if campaign is None:
        raise Http404("No campaign has been loaded yet.")
    return campaign


def campaign_part(campaign: Campaign, name: str):
    """One of the campaign's one-of-a-kind parts (appeal, demonstration...), or a 404."""
    try:
        return getattr(campaign, name)
    except ObjectDoesNotExist:
        raise Http404(f"This campaign has no {name}.") from None


def demonstration_next_dates(
    *, demonstration: Demonstration, count: int = 8, now: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The next `count` (start, end) times, aware in the venue's time zone.

    The rule runs on local wall-clock time, so 18:00 stays 18:00 across BST and GMT. A date
    whose gathering is under way is still listed until it ends.
    """
    zone = ZoneInfo(demonstration.timezone)
    now = (now or timezone.now()).astimezone(zone)
    duration = timedelta(minutes=demonstration.duration_minutes)
    first_day = (now - duration).date() - timedelta(days=1)
    start = datetime.combine(first_day, demonstration.start_time)
    rule = rrulestr(demonstration.recurrence, dtstart=start)
    dates = []
    for local_start in rule.xafter(start, count=count + 7, inc=True):
        aware_start = local_start.replace(tzinfo=zone)
        aware_end = (aware_start.astimezone(ZoneInfo("UTC")) + duration).astimezone(zone)
        if aware_end > now:
            dates.append((aware_start, aware_end))
        if len(dates) == count:
            break
    return dates
