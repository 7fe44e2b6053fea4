"""Brands' timelines, and importing brands from a spreadsheet."""

import csv
import io
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from actionhub.brands.models import Brand, Evidence, StatusChange
from actionhub.campaigns.models import Campaign


class BrandImportRefused(Exception):
    """The file cannot be imported; the message names the line and the problem."""


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


BRAND_COLUMNS = {"name", "sector"}
OPTIONAL_COLUMNS = {"country", "website", "contact_email"}


@transaction.atomic
def brands_import_csv(*, campaign: Campaign, data: bytes, filename: str) -> tuple[int, int]:
    """Add or update brands from a CSV (name, sector, and optionally country, website,
    contact_email). All or nothing. Returns (added, updated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BrandImportRefused(f"{filename} is not UTF-8 text: save it as “CSV UTF-8”.") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = BRAND_COLUMNS - columns
    if missing:
        raise BrandImportRefused(
            f"{filename}, line 1: missing column(s): {', '.join(sorted(missing))}"
        )
    added = updated = 0
    seen = set()
    for row in reader:
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        where = f"{filename}, line {reader.line_num}"
        if not values.get("name"):
            raise BrandImportRefused(f"{where}: the name is empty")
        if values["name"].casefold() in seen:
            raise BrandImportRefused(f"{where}: {values['name']} appears twice")
        seen.add(values["name"].casefold())
        given = ("sector", *(column for column in OPTIONAL_COLUMNS if column in columns))
        fields = {name: values.get(name, "") for name in given}  # others are left as they are
        brand = Brand.objects.filter(campaign=campaign, name=values["name"]).first()
        if brand is None:
            brand = Brand(campaign=campaign, name=values["name"], slug=_slug(values["name"]))
            added += 1
        else:
            updated += 1
        for name, value in fields.items():
            setattr(brand, name, value)
        try:
            brand.full_clean(validate_unique=False)
        except Exception as error:  # noqa: BLE001  (a ValidationError, reported by line)
            problems = "; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in getattr(error, "message_dict", {"": [str(error)]}).items()
            )
            raise BrandImportRefused(f"{where}: {problems}") from None
        brand.save()
    if added + updated == 0:
        raise BrandImportRefused(f"{filename} has no rows")
    return added, updated


def _slug(name: str) -> str:
    base = slugify(name)[:40] or "brand"
    slug, number = base, 1
    while Brand.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
