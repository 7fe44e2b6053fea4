"""Screening a supplier list against the current version of every entity list.

A match is a lead for a person to review, never a finding: nothing here is published. Reading
the uploaded file, within its limits, is `supplier_files`.
"""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from actionhub.brands.matching import ListedName, Matcher
from actionhub.brands.models import EntityList, ListedEntity, ScreeningResult, ScreeningRun
from actionhub.brands.supplier_files import Supplier, UploadRefused
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key

RUNS_KEPT = timedelta(days=30)


# How a rate limit's window is said: the period, and when to try again.
PERIODS = {60: ("a minute", "in a minute"), 3600: ("an hour", "in an hour"),
           24 * 3600: ("a day", "tomorrow")}  # fmt: skip


def screening_upload_rate_check(*, link=None, ip_address: str | None) -> None:
    """Count one upload from this connection, and through this link; refuse it over a limit.

    It runs before the file is read, since reading it is the work the limits protect.
    """
    counted = [(f"screening-upload:{rate_limit_key(ip_address)}", "from your connection",
                settings.SCREENING_CONNECTION_RATE_LIMITS)]  # fmt: skip
    if link is not None:
        counted.append((f"screening-link:{link.pk}", "through this link",
                        settings.SCREENING_LINK_RATE_LIMITS))  # fmt: skip
    for key, where, limits in counted:
        for allowed, seconds in limits:
            if rate_limit_exceeded(key=key, limits=[(allowed, seconds)]):
                period, when = PERIODS.get(seconds, (f"in {seconds} seconds", "later"))
                raise UploadRefused(f"Too many files have been uploaded {where}: it takes "
                                    f"{allowed} {period}. Please try again {when}.")  # fmt: skip


def current_versions():
    return [version for entity_list in EntityList.objects.all() if (version := entity_list.current)]


@lru_cache(maxsize=4)
def _matcher(version_ids: tuple[int, ...]) -> tuple[Matcher, dict]:
    names, entities = [], {}
    for entity in ListedEntity.objects.filter(version_id__in=version_ids).select_related(
        "version__entity_list"
    ):
        entities[entity.pk] = entity
        names.append(ListedName(entity.pk, entity.name, False, entity.countries))
        names += [ListedName(entity.pk, alias, True, entity.countries) for alias in entity.aliases]
    return Matcher(names), entities


def screening_run(*, suppliers: list[Supplier], filename: str, uploaded_by=None, link=None):
    versions = current_versions()
    if not versions:
        raise UploadRefused("No entity lists have been imported yet, so there is nothing to "
                            "screen against.")  # fmt: skip
    matcher, entities = _matcher(tuple(sorted(version.pk for version in versions)))
    matches = matcher.screen((supplier.name, supplier.country) for supplier in suppliers)
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            filename=filename[:200], row_count=len(suppliers), uploaded_by=uploaded_by, link=link
        )
        run.versions.set(versions)
        ScreeningResult.objects.bulk_create(
            _result(run, supplier, match, entities)
            for supplier, match in zip(suppliers, matches, strict=True)
        )
    return run


def _result(run, supplier: Supplier, match, entities) -> ScreeningResult:
    result = ScreeningResult(
        run=run, row_number=supplier.row_number, supplier_name=supplier.name,
        supplier_address=supplier.address, supplier_country=supplier.country,
        band=ScreeningResult.Band.NONE,
    )  # fmt: skip
    if match is not None and match.band in (ScreeningResult.Band.LIKELY, "possible"):
        result.band = match.band
        result.score = round(match.score, 3)
        result.entity = entities.get(match.entity_id)
        result.matched_name = match.listed_name[:500]
        result.matched_alias = match.is_alias
        result.supplier_form = match.supplier_form[:500]
        result.listed_form = match.listed_form[:500]
        result.reason = match.reason[:300]
    return result


CSV_HEADER = [
    "row", "supplier name", "address", "country", "band", "score", "listed name",
    "matched alias", "list", "list kind", "list licence", "compared (supplier)",
    "compared (listed)", "why",
]  # fmt: skip


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def screening_results_csv_rows(run: ScreeningRun):
    yield CSV_HEADER
    results = run.results.select_related("entity__version__entity_list")
    for r in results:
        version = r.entity.version if r.entity else None
        yield [_safe(value) for value in (
            r.row_number, r.supplier_name, r.supplier_address, r.supplier_country,
            r.get_band_display(), "" if r.score is None else f"{r.score:.2f}",
            r.entity.name if r.entity else "", r.matched_name if r.matched_alias else "",
            version.entity_list.name if version else "",
            version.entity_list.get_kind_display() if version else "",
            version.licence if version else "", r.supplier_form, r.listed_form, r.reason,
        )]  # fmt: skip


def screening_runs_apply_retention(*, now=None) -> int:
    """Supplier lists are the brands' business: results are deleted after 30 days."""
    now = now or timezone.now()
    _, deleted = ScreeningRun.objects.filter(created_at__lt=now - RUNS_KEPT).delete()
    return deleted.get(ScreeningRun._meta.label, 0)
