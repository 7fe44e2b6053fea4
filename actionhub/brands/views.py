from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from actionhub.brands.models import Brand
from actionhub.brands.selectors import (
    LETTERS_WRITTEN,
    SORTS,
    brand_letter_template,
    brands_sectors,
    brands_status_counts,
    brands_tracker,
)
from actionhub.campaigns.selectors import campaign_get_default, campaign_part
from actionhub.core.page_cache import for_visitor, public_page
from actionhub.staff.selectors import staff_is_signed_in


@public_page(params=("status", "sector", "sort", "order"))
def tracker(request):
    campaign = campaign_get_default()
    status = request.GET.get("status", "")
    sector = request.GET.get("sector", "")
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.GET.get("order") == "desc"
    today = timezone.localdate()
    brands = [
        (brand, brand.days_left(today), brand.is_overdue(today))
        for brand in brands_tracker(
            campaign=campaign, status=status, sector=sector, sort=sort, descending=descending
        )
    ]
    counts = brands_status_counts(campaign=campaign)
    context = {
        "campaign": campaign,
        "call_to_action": campaign_part(campaign, "call_to_action"),
        "brands": brands,
        "tracker_empty": not any(count for _, _, count in counts),
        "organiser": staff_is_signed_in(request),
        "counts": counts,
        "sectors": brands_sectors(campaign=campaign),
        "statuses": Brand.Status.choices,
        "chosen": {"status": status, "sector": sector, "sort": sort, "descending": descending},
        # A group's link lands here: a brand's letter, however the list is sorted or filtered
        # first, keeps the link's source.
        "source": for_visitor(request, "source"),
        "source_disabled": for_visitor(request, "source-disabled"),
        "source_query": for_visitor(request, "source-query"),
        "source_query_and": for_visitor(request, "source-query-and"),
        "columns": [
            ("name", "Brand"),
            ("sector", "Sector"),
            ("status", "Status"),
            ("deadline", "Deadline"),
            ("letters", "Letters from supporters"),
        ],  # fmt: skip
    }
    return render(request, "brands/tracker.html", context)


@public_page
def brand_page(request, slug):
    campaign = campaign_get_default()
    brand = get_object_or_404(
        Brand.objects.annotate(letter_count=LETTERS_WRITTEN), campaign=campaign, slug=slug
    )
    today = timezone.localdate()
    context = {
        "campaign": campaign,
        "brand": brand,
        "timeline": brand.timeline.all(),
        "evidence": brand.evidence.all(),
        "days_left": brand.days_left(today),
        "overdue": brand.is_overdue(today),
        "letter": brand_letter_template(brand=brand, today=today),
        "source_query": for_visitor(request, "source-query"),
    }
    return render(request, "brands/brand.html", context)
