"""Brands' timelines and evidence. Importing brands from a file is `importers.BrandImporter`."""

from datetime import date

from django.db import transaction

from actionhub.brands.models import Brand, Evidence, StatusChange


@transaction.atomic
def brand_status_record(*, brand: Brand, status: str, on: date, note: str = "") -> StatusChange:
    change = StatusChange(brand=brand, status=status, on=on, note=note)
    change.full_clean()
    change.save()
    brand_status_refresh(brand=brand)
    return change


def brand_status_refresh(*, brand: Brand) -> Brand:
    """Keep the brand's status, its date and its commitment date in step with its timeline."""
    latest = brand.timeline.order_by("-on", "-pk").first()
    committed = brand.timeline.filter(status=Brand.Status.COMMITTED).order_by("-on").first()
    brand.status = latest.status if latest else Brand.Status.NOT_ASKED
    brand.status_since = latest.on if latest else None
    brand.committed_on = committed.on if committed else None
    brand.save(update_fields=["status", "status_since", "committed_on", "updated_at"])
    return brand


def evidence_add(*, brand: Brand, on: date, summary: str, source_url: str) -> Evidence:
    evidence = Evidence(brand=brand, on=on, summary=summary, source_url=source_url)
    evidence.full_clean()
    evidence.save()
    return evidence
