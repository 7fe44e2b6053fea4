"""Screening a supplier list against the current version of every entity list.

A match is a lead for a person to review, never a finding: nothing here is published.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from actionhub.brands.matching import ListedName, Matcher
from actionhub.brands.models import EntityList, ListedEntity, ScreeningResult, ScreeningRun

MAX_SUPPLIERS = 20_000
MAX_BYTES = 10 * 1024 * 1024
COLUMNS = ("name", "address", "country")
RUNS_KEPT = timedelta(days=30)
FORMULA_STARTS = ("=",)


class UploadRefused(Exception):
    """The upload cannot be screened; the message says why and where."""


@dataclass(frozen=True)
class Supplier:
    row_number: int
    name: str
    address: str
    country: str


def suppliers_read(*, data: bytes, filename: str) -> list[Supplier]:
    """The rows of a CSV or Excel (.xlsx) file with the columns name, address and country."""
    if not data.strip():
        raise UploadRefused(f"{filename} is empty.")
    if len(data) > MAX_BYTES:
        raise UploadRefused(f"{filename} is larger than 10 MB. Split it into smaller files.")
    if filename.lower().endswith(".xlsx") or zipfile.is_zipfile(io.BytesIO(data)):
        rows = _xlsx_rows(data, filename)
    elif filename.lower().endswith((".csv", ".txt")):
        rows = _csv_rows(data, filename)
    else:
        raise UploadRefused(f"{filename}: upload a CSV file or an Excel workbook (.xlsx).")
    return _suppliers(rows, filename)


def _csv_rows(data: bytes, filename: str):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadRefused(
            f"{filename}, line {line}: this is not UTF-8 text. In Excel, choose "
            "“Save as… CSV UTF-8”, or upload the .xlsx file."
        ) from None
    try:
        yield from ((number, row) for number, row in enumerate(csv.reader(io.StringIO(text)), 1))
    except csv.Error as error:
        raise UploadRefused(f"{filename}: {error}") from None


def _xlsx_rows(data: bytes, filename: str):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a broken file)
        raise UploadRefused(f"{filename} is not an Excel workbook we can read (.xlsx).") from None
    try:
        yield from _sheet_rows(workbook.worksheets[0], filename)
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001  (a damaged sheet fails in many ways while it is read)
        raise UploadRefused(
            f"{filename} is damaged: open it in Excel, save it, and try again."
        ) from None
    finally:
        workbook.close()


def _sheet_rows(sheet, filename: str):
    for number, row in enumerate(sheet.iter_rows(), 1):
        values = []
        for cell in row:
            if cell.data_type == "f":
                raise UploadRefused(
                    f"{filename}, cell {cell.coordinate}: holds a formula. Turn the formulas into "
                    "values (copy, then paste as values) and upload it again."
                )
            values.append("" if cell.value is None else str(cell.value))
        yield number, values


def _suppliers(rows, filename: str) -> list[Supplier]:
    rows = iter(rows)
    try:
        _, header = next(rows)
    except StopIteration:
        raise UploadRefused(f"{filename} is empty.") from None
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise UploadRefused(
            f"{filename}, line 1: missing column(s): {', '.join(missing)}. The first row must "
            "name the columns: name, address, country."
        )
    where = {column: names.index(column) for column in COLUMNS}
    suppliers = []
    for number, row in rows:
        cells = {column: _cell(row, index) for column, index in where.items()}
        if not any(cells.values()):
            continue
        for column, value in cells.items():
            if value.startswith(FORMULA_STARTS):
                raise UploadRefused(
                    f"{filename}, line {number}: the {column} starts with “=”, which a "
                    "spreadsheet would run as a formula. Remove it and upload again."
                )
        if not cells["name"]:
            raise UploadRefused(f"{filename}, line {number}: the name is empty.")
        if len(suppliers) >= MAX_SUPPLIERS:
            raise UploadRefused(
                f"{filename} has more than {MAX_SUPPLIERS:,} suppliers. Screen at most "
                f"{MAX_SUPPLIERS:,} at a time: split the file."
            )
        suppliers.append(Supplier(number, cells["name"][:500], cells["address"][:1000],
                                  cells["country"][:100]))  # fmt: skip
    if not suppliers:
        raise UploadRefused(f"{filename} has no suppliers under its header row.")
    return suppliers


def _cell(row, index: int) -> str:
    return " ".join(str(row[index]).split()) if index < len(row) and row[index] else ""


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
