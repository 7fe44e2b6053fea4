from collections import Counter

from django.db.models import Count, F, Q, QuerySet

from actionhub.brands.models import Brand
from actionhub.campaigns.models import LetterTemplate

# Letters supporters sent through the site, or took to send from their own email.
LETTERS_WRITTEN = Count("letters", filter=Q(letters__status__in=["sent", "queued", "handed-over"]))
SORTS = {
    "name": ("name",),
    "status": ("status", "name"),
    "sector": ("sector", "name"),
    "deadline": ("committed_on", "name"),
    "letters": ("letter_count", "name"),
}


def brands_tracker(
    *, campaign, status: str = "", sector: str = "", sort: str = "name", descending=False
) -> QuerySet[Brand]:
    brands = Brand.objects.filter(campaign=campaign).annotate(letter_count=LETTERS_WRITTEN)
    if status in Brand.Status.values:
        brands = brands.filter(status=status)
    if sector:
        brands = brands.filter(sector=sector)
    order = [
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        for field in SORTS.get(sort, SORTS["name"])
    ]
    return brands.order_by(*order)


def brands_status_counts(*, campaign) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the order of the Call to Action."""
    counts = Counter(Brand.objects.filter(campaign=campaign).values_list("status", flat=True))
    return [(value, label, counts.get(value, 0)) for value, label in Brand.Status.choices]


def brands_sectors(*, campaign) -> list[str]:
    return list(
        Brand.objects.filter(campaign=campaign)
        .order_by("sector")
        .values_list("sector", flat=True)
        .distinct()
    )


def brand_letter_template(*, brand: Brand, today) -> LetterTemplate | None:
    """The campaign's letter for where the brand stands today, if the campaign has one."""
    stage = brand.letter_stage(today)
    if stage is None:
        return None
    return (
        LetterTemplate.objects.filter(
            campaign_id=brand.campaign_id, recipient=LetterTemplate.Recipient.BRAND,
            for_brands=stage,
        )
        .order_by("position")
        .first()
    )  # fmt: skip
