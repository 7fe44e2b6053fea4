"""Importing lists of entities implicated in forced labour, one version per import.

Two formats: our CSV (name, aliases, country, list, date added, source link) and OpenSanctions'
`targets.simple.csv` (id, schema, name, aliases, countries, ..., dataset, first_seen, ...), where
several values in one cell are joined with ";".
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from actionhub.brands.models import EntityList, EntityListVersion, ListedEntity

MAX_ROWS = 200_000
OPENSANCTIONS_LICENCE = "CC BY-NC 4.0 (OpenSanctions)"
# Lists we know, so that an import names them properly and keeps designations apart.
KNOWN_LISTS = {
    "us_dhs_uflpa": (
        "UFLPA Entity List", EntityList.Kind.DESIGNATION, "US Department of Homeland Security",
        "https://www.dhs.gov/uflpa-entity-list",
    ),
    "shu_uyghur_companies": (
        "Sheffield Hallam University: companies and the Uyghur Region", EntityList.Kind.RISK,
        "Sheffield Hallam University, Helena Kennedy Centre", "",
    ),
}  # fmt: skip
FORMATS = {
    "csv": {"name", "aliases", "country", "list", "date added", "source link"},
    "opensanctions": {"id", "schema", "name", "aliases", "countries", "dataset", "first_seen"},
}
ENTITY_SCHEMAS = {"Company", "Organization", "LegalEntity", "PublicBody"}


class EntityListRefused(Exception):
    """The file cannot be imported; the message names the line and the problem."""


@dataclass
class ImportSummary:
    versions: list[EntityListVersion] = field(default_factory=list)
    skipped: int = 0


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _date(value: str, where: str) -> date | None:
    value = (value or "").strip()[:10]
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EntityListRefused(f"{where}: {value!r} is not a date like 2024-06-12") from None


def _rows(data: bytes, filename: str, file_format: str):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EntityListRefused(f"{filename}, line {line}: is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = FORMATS[file_format] - columns
    if missing:
        raise EntityListRefused(
            f"{filename}, line 1: missing column(s): {', '.join(sorted(missing))}"
        )
    try:
        for number, row in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise EntityListRefused(f"{filename} has more than {MAX_ROWS:,} rows")
            cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            yield f"{filename}, line {reader.line_num}", cells
    except csv.Error as error:
        raise EntityListRefused(f"{filename}, line {reader.line_num + 1}: {error}") from None


def _entity(cells: dict, where: str, file_format: str) -> tuple[list[str], dict] | None:
    """The lists the row belongs to, and the entity's fields; None for a row to skip."""
    if not cells.get("name"):
        raise EntityListRefused(f"{where}: the name is empty")
    if file_format == "csv":
        slug = cells["list"]
        if not slug:
            raise EntityListRefused(f"{where}: the list is empty")
        return [slug], {
            "name": cells["name"],
            "aliases": _split(cells["aliases"]),
            "countries": "; ".join(_split(cells["country"])),
            "date_added": _date(cells["date added"], where),
            "source_url": cells["source link"][:500],
        }
    if cells["schema"] not in ENTITY_SCHEMAS:
        return None  # people and vessels are not suppliers
    datasets = _split(cells["dataset"])
    if not datasets:
        raise EntityListRefused(f"{where}: the dataset is empty")
    return (
        datasets,
        {  # an entity on several lists is in each of them
            "external_id": cells["id"][:200],
            "name": cells["name"],
            "aliases": [alias for alias in _split(cells["aliases"]) if alias != cells["name"]],
            "countries": "; ".join(_split(cells["countries"])),
            "date_added": _date(cells["first_seen"], where),
        },
    )


def _entity_list(slug: str, where: str, kind: str | None) -> EntityList:
    found = EntityList.objects.filter(slug=slug).first()
    if found:
        return found
    if slug in KNOWN_LISTS:
        name, known_kind, publisher, url = KNOWN_LISTS[slug]
        return EntityList.objects.create(
            slug=slug, name=name, kind=known_kind, publisher=publisher, url=url
        )
    if kind is None:
        raise EntityListRefused(
            f"{where}: the list {slug!r} is new. Add it in the admin first (saying whether it "
            "is a legal designation or a risk indicator), or give --kind."
        )
    return EntityList.objects.create(slug=slug, name=slug, kind=kind, publisher="")


@transaction.atomic
def entity_lists_import(
    *, data: bytes, filename: str, file_format: str, source: str, licence: str = "",
    source_date: date | None = None, kind: str | None = None,
) -> ImportSummary:  # fmt: skip
    """All or nothing: each list in the file gets a new version holding its entities."""
    if file_format not in FORMATS:
        raise EntityListRefused(f"Unknown format {file_format!r}: use csv or opensanctions.")
    if not licence:
        licence = OPENSANCTIONS_LICENCE if file_format == "opensanctions" else ""
    if not licence:
        raise EntityListRefused("Say under which licence the list is published (--licence).")
    summary = ImportSummary()
    versions: dict[str, EntityListVersion] = {}
    batch = []
    for where, cells in _rows(data, filename, file_format):
        found = _entity(cells, where, file_format)
        if found is None:
            summary.skipped += 1
            continue
        slugs, fields = found
        for slug in slugs:
            if slug not in versions:
                versions[slug] = EntityListVersion.objects.create(
                    entity_list=_entity_list(slug, where, kind), imported_at=timezone.now(),
                    source=source[:500], source_date=source_date, licence=licence[:200],
                    file_format=file_format,
                )  # fmt: skip
            version = versions[slug]
            version.entity_count += 1
            batch.append(ListedEntity(version=version, **fields))
        if len(batch) >= 2000:
            ListedEntity.objects.bulk_create(batch)
            batch = []
    ListedEntity.objects.bulk_create(batch)
    if not versions:
        raise EntityListRefused(f"{filename} has no entities to import")
    for version in versions.values():
        version.save(update_fields=["entity_count", "updated_at"])
    summary.versions = list(versions.values())
    return summary
