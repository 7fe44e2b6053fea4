import re

from django.conf import settings
from django.core.cache import cache
from django.db import models

from actionhub.campaigns.models import Pledge
from actionhub.pledges.milestones import next_milestone
from actionhub.pledges.models import ConstituencyTally, Signature


def pledge_cache_keys(pledge_id: int) -> list[str]:
    """The cached public figures of a pledge: its count and its latest signers' names."""
    return [f"pledge-count:{pledge_id}", f"pledge-recent:{pledge_id}"]


def pledge_count(*, pledge: Pledge) -> int:
    """Confirmed, valid signatures, recounted at most every PLEDGE_COUNT_MAX_AGE seconds.

    Each recount is the true number, so the public figure never drifts; between recounts it is
    served from the shared cache and signing touches no shared row.
    """
    key = pledge_cache_keys(pledge.pk)[0]
    count = cache.get(key)
    if count is None:
        count = Signature.objects.filter(pledge=pledge, status=Signature.Status.CONFIRMED).count()
        cache.set(key, count, timeout=settings.PLEDGE_COUNT_MAX_AGE)
    return count


def pledge_progress(*, pledge: Pledge) -> dict:
    count = pledge_count(pledge=pledge)
    target = next_milestone(count)
    return {"count": count, "target": target, "percent": int(100 * count / target)}


# What a first name never holds: digits (a phone number, a street address), an @ (an email
# address), or a web address.
NOT_A_FIRST_NAME = re.compile(r"[\d@/:]|\bwww\b|\.[a-z]{2,}\b", re.IGNORECASE)
LONGEST_NAME_SHOWN = 40


def pledge_recent_signers(*, pledge: Pledge, limit: int = 10) -> list[str]:
    """The first names of the latest signers who chose "Show my first name on the site", as the
    consent says: the name alone, and never one that looks like contact details."""
    key = pledge_cache_keys(pledge.pk)[1]
    names = cache.get(key)
    if names is None:
        latest = (
            Signature.objects.filter(
                pledge=pledge, status=Signature.Status.CONFIRMED, show_name=True
            )
            .order_by("-confirmed_at")
            .values_list("first_name", flat=True)[: limit * 3]
        )
        names = [name for name in latest if first_name_publishable(name)][:limit]
        cache.set(key, names, timeout=settings.PLEDGE_COUNT_MAX_AGE)
    return names


def first_name_publishable(name: str) -> bool:
    return 0 < len(name) <= LONGEST_NAME_SHOWN and not NOT_A_FIRST_NAME.search(name)


def pledge_constituency_tallies(*, pledge: Pledge, limit: int | None = None):
    """Confirmed signatures by constituency, most first, as the periodic task last counted them."""
    tallies = (
        ConstituencyTally.objects.filter(pledge=pledge)
        .select_related("constituency")
        .order_by("-count", "constituency__name")
    )
    return list(tallies[:limit] if limit else tallies)


def signatures_by_constituency(*, campaign) -> dict[int, int]:
    """Confirmed signatures per constituency id over the campaign's pledges, from the tallies."""
    totals = (
        ConstituencyTally.objects.filter(pledge__campaign=campaign)
        .order_by()
        .values("constituency")
        .annotate(total=models.Sum("count"))
        .values_list("constituency", "total")
    )
    return dict(totals)
