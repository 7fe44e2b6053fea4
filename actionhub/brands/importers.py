"""Importing the brand list and entity lists from a spreadsheet: one base class fixes the steps,
and a small subclass reads each kind of file.

Steps: read the file within the upload limits (`supplier_files.table_read`: the reader and limits
a supplier list is read with, CSV or Excel), check its header, turn each row into an item or a
refusal that names its line, then plan against the database what will be created, updated, left
as it is or skipped.

`plan()` is the dry run: it writes nothing, and the plan carries a digest of everything it
depends on (every row, and what the database holds that the rows would change), so that
confirming a preview can tell whether the plan is still the one that was previewed. `apply(plan)`
executes a plan, writing in batches; the caller holds the transaction. A file with any refused
row is refused whole: `operations` plans, compares, applies and writes the audit entry for the
console and the management commands alike.
"""

import hashlib
import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from actionhub.brands.models import Brand, EntityList, EntityListVersion, ListedEntity
from actionhub.brands.supplier_files import (
    FORMULA_STARTS,
    MAX_CELL_CHARS,
    UploadRefused,
    Wording,
    cell_text,
    is_workbook,
    table_read,
)
from actionhub.campaigns.models import Campaign
from actionhub.core.text import counted

BATCH = 2000


class RowRefused(Exception):
    """One row cannot be imported; the message says why (its line is added by the caller)."""


@dataclass(frozen=True)
class Refusal:
    line: int
    problem: str


@dataclass
class Plan:
    """What importing a file would do: nothing is written until it is applied."""

    filename: str
    rows_read: int = 0  # rows with anything in the columns read; empty rows are not counted
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    digest: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    def problems(self, limit: int = 20) -> str:
        """The refusals, one a line, as the command line shows them."""
        lines = [f"{self.filename}, line {r.line}: {r.problem}" for r in self.refusals[:limit]]
        if len(self.refusals) > limit:
            lines.append(f"… and {counted(len(self.refusals) - limit, 'more line')}.")
        return "\n".join(lines)


class SpreadsheetImporter(ABC):
    key: str  # names the importer where a preview is kept
    columns: tuple[str, ...]  # required
    optional_columns: tuple[str, ...] = ()
    wording: Wording
    permissions: tuple[str, ...]
    audit_action: str
    nothing_to_import = "has no rows to import"
    plan_class = Plan

    def __init__(self, *, data: bytes, filename: str):
        self.data, self.filename = data, filename

    # What a subclass writes

    @abstractmethod
    def item(self, line: int, cells: dict[str, str]):
        """What a row holds, None for a row to skip, or RowRefused."""

    @abstractmethod
    def sort(self, plan: Plan, items: list) -> None:
        """Put each item into the plan (created, updated, unchanged) as the database stands."""

    @abstractmethod
    def digest_parts(self, plan: Plan):
        """Everything the plan depends on, as JSON-able values."""

    @abstractmethod
    def apply(self, plan: Plan) -> None:
        """Write the plan (inside the caller's transaction)."""

    @abstractmethod
    def options(self) -> dict:
        """What, besides the file, makes the plan (JSON-able), to import it again later."""

    @classmethod
    @abstractmethod
    def with_options(cls, *, data: bytes, filename: str, options: dict) -> "SpreadsheetImporter":
        """The importer for a file and its `options()`."""

    def check_options(self) -> None:  # noqa: B027  (optional: most importers have none)
        """Refuse (UploadRefused) before reading, for what the file needs besides its rows."""

    def summary(self, plan: Plan, *, rows: int) -> dict:
        """The plan as a preview shows it (JSON-able), listing at most `rows` of each kind."""
        return {
            "filename": plan.filename,
            "rows_read": plan.rows_read,
            "created": len(plan.created),
            "updated": len(plan.updated),
            "unchanged": len(plan.unchanged),
            "skipped": plan.skipped,
            "refused": len(plan.refusals),
            "refusals": [{"line": r.line, "problem": r.problem} for r in plan.refusals[:rows]],
        }

    def audit_summary(self, plan: Plan) -> str:
        return f"Imported {plan.filename}"

    # The steps

    def plan(self) -> Plan:
        self.check_options()
        plan, items = self.plan_class(filename=self.filename), []
        for line, cells in self.rows():
            plan.rows_read += 1
            try:
                self.check_cells(cells)
                item = self.item(line, cells)
            except RowRefused as refused:
                plan.refusals.append(Refusal(line, str(refused)))
                continue
            if item is None:
                plan.skipped += 1
            else:
                items.append(item)
        if not items and not plan.refusals:
            raise UploadRefused(f"{self.filename} {self.nothing_to_import}.")
        self.sort(plan, items)
        plan.refusals.sort(key=lambda refusal: refusal.line)
        plan.digest = self.digest(plan)
        return plan

    def rows(self):
        """(line, {column: text}) for each row with anything in the columns read."""
        rows = table_read(data=self.data, filename=self.filename, wording=self.wording)
        first, header = next(rows, (1, []))
        names = [cell.strip().lower() for cell in header]
        missing = sorted(set(self.columns) - set(names))
        if missing:
            raise UploadRefused(
                f"{self.filename}, line {first}: missing column(s): {', '.join(missing)}. The "
                f"first row must name the columns: {self.columns_wanted()}."
            )
        wanted = [name for name in (*self.columns, *self.optional_columns) if name in names]
        where = {name: names.index(name) for name in wanted}
        for number, row in rows:
            cells = {name: cell_text(row[i]) if i < len(row) else "" for name, i in where.items()}
            if any(cells.values()):
                yield number, cells

    def columns_wanted(self) -> str:
        wanted = ", ".join(self.columns)
        if self.optional_columns:
            wanted += f" (and, if you have them, {', '.join(self.optional_columns)})"
        return wanted

    def check_cells(self, cells: dict[str, str]) -> None:
        for column, value in cells.items():
            if len(value) > MAX_CELL_CHARS:
                raise RowRefused(f"the {column} is longer than {MAX_CELL_CHARS:,} characters")
            if value.startswith(FORMULA_STARTS):
                raise RowRefused(
                    f"the {column} starts with “=”, which a spreadsheet would run as a formula"
                )

    def digest(self, plan: Plan) -> str:
        """A SHA-256 over the plan's parts, fed one at a time."""
        hasher = hashlib.sha256(self.key.encode())
        refusals = [(r.line, r.problem) for r in plan.refusals]
        for part in (refusals, *self.digest_parts(plan)):
            hasher.update(json.dumps(part, sort_keys=True, default=str).encode())
            hasher.update(b"\n")
        return hasher.hexdigest()


# Brands


@dataclass
class BrandRow:
    line: int
    name: str
    fields: dict[str, str]  # the columns the file has, besides the name
    brand_id: int | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # column: (now, then)


BRAND_COLUMNS = ("name", "sector")
BRAND_OPTIONAL_COLUMNS = ("country", "website", "contact_email")


class BrandImporter(SpreadsheetImporter):
    """Adds brands, or updates the brand of the same name (columns the file leaves out are
    kept as they are)."""

    key = "brands"
    columns = BRAND_COLUMNS
    optional_columns = BRAND_OPTIONAL_COLUMNS
    wording = Wording(
        a_list="a brand list", columns=BRAND_COLUMNS + BRAND_OPTIONAL_COLUMNS,
        needs="a list of brands",
    )  # fmt: skip
    permissions = ("brands.add_brand", "brands.change_brand")
    audit_action = "brands.imported"

    def __init__(self, *, data: bytes, filename: str, campaign):
        super().__init__(data=data, filename=filename)
        self.campaign = campaign
        self.seen: dict[str, int] = {}

    def options(self) -> dict:
        return {"campaign": self.campaign.pk}

    @classmethod
    def with_options(cls, *, data, filename, options):
        campaign = Campaign.objects.get(pk=options["campaign"])
        return cls(data=data, filename=filename, campaign=campaign)

    def item(self, line, cells) -> BrandRow:
        name = cells["name"]
        if not name:
            raise RowRefused("the name is empty")
        first = self.seen.setdefault(name.casefold(), line)
        if first != line:
            raise RowRefused(f"{name} appears twice (first on line {first})")
        fields = {column: value for column, value in cells.items() if column != "name"}
        _validate_brand(Brand(campaign=self.campaign, name=name, slug="brand", **fields))
        return BrandRow(line=line, name=name, fields=fields)

    def sort(self, plan, items):
        existing = {brand.name: brand for brand in Brand.objects.filter(campaign=self.campaign)}
        for row in items:
            brand = existing.get(row.name)
            if brand is None:
                plan.created.append(row)
                continue
            row.brand_id = brand.pk
            row.changes = {
                column: (getattr(brand, column), value)
                for column, value in row.fields.items()
                if getattr(brand, column) != value
            }
            (plan.updated if row.changes else plan.unchanged).append(row)

    def digest_parts(self, plan):
        for rows in (plan.created, plan.updated, plan.unchanged):
            yield [(row.line, row.name, row.brand_id, row.fields, row.changes) for row in rows]

    def apply(self, plan):
        slugs = set(Brand.objects.values_list("slug", flat=True))
        Brand.objects.bulk_create(
            (
                Brand(campaign=self.campaign, name=row.name, slug=_new_slug(row.name, slugs),
                      **row.fields)
                for row in plan.created
            ),
            batch_size=BATCH,
        )  # fmt: skip
        self._update(plan.updated)

    def _update(self, rows: list[BrandRow]) -> None:
        if not rows:
            return
        brands = Brand.objects.in_bulk([row.brand_id for row in rows])
        now = timezone.now()
        for row in rows:
            for column, value in row.fields.items():
                setattr(brands[row.brand_id], column, value)
            brands[row.brand_id].updated_at = now
        columns = [*rows[0].fields, "updated_at"]  # every row has the file's columns
        Brand.objects.bulk_update(brands.values(), columns, batch_size=BATCH)

    def summary(self, plan, *, rows):
        columns = [column for column in self.optional_columns if column in _columns(plan)]
        return super().summary(plan, rows=rows) | {
            "columns": columns,
            "created_rows": [
                {"line": row.line, "name": row.name, "sector": row.fields["sector"],
                 "others": [row.fields[column] for column in columns]}
                for row in plan.created[:rows]
            ],
            "updated_rows": [
                {"line": row.line, "name": row.name,
                 "changes": [[column, now, then] for column, (now, then) in row.changes.items()]}
                for row in plan.updated[:rows]
            ],
            "unchanged_names": [row.name for row in plan.unchanged[:rows]],
            "unchanged_more": max(0, len(plan.unchanged) - rows),
        }  # fmt: skip

    def audit_summary(self, plan):
        return (
            f"Imported {plan.filename}: {len(plan.created):,} added, {len(plan.updated):,} "
            f"updated, {len(plan.unchanged):,} unchanged"
        )


def _columns(plan: Plan) -> set[str]:
    rows = plan.created or plan.updated or plan.unchanged
    return set(rows[0].fields) if rows else set()


def _validate_brand(brand: Brand) -> None:
    try:
        brand.full_clean(exclude=["slug", "campaign"], validate_unique=False,
                         validate_constraints=False)  # fmt: skip
    except ValidationError as error:
        raise RowRefused(
            "; ".join(
                f"{column}: {' '.join(messages)}" for column, messages in error.message_dict.items()
            )
        ) from None


def _new_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:40] or "brand"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


# Entity lists

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
ENTITY_SCHEMAS = {"Company", "Organization", "LegalEntity", "PublicBody"}
LIST_NAME = re.compile(r"[-a-zA-Z0-9_]{1,50}")
EXCEL_DAY_ZERO = date(1899, 12, 30)  # day 0 of Excel's dates (it counts 1900 as a leap year)
EXCEL_LAST_DAY = 2_958_465  # 31 December 9999


@dataclass
class EntityRow:
    line: int
    lists: list[str]
    fields: dict  # a ListedEntity's


@dataclass
class ListPlan:
    """One list in the file: the list as it is (or will be made), and the version to add."""

    slug: str
    name: str
    kind: str
    publisher: str = ""
    url: str = ""
    list_id: int | None = None  # None: the import makes the list
    current_id: int | None = None  # its current version, replaced by this one as current
    current: dict | None = None  # that version as a preview shows it
    entities: int = 0

    @property
    def kind_label(self) -> str:
        return EntityList.Kind(self.kind).label


@dataclass
class EntityListPlan(Plan):
    lists: list[ListPlan] = field(default_factory=list)


class _EntityListImporter(SpreadsheetImporter):
    """Each list in the file gets a new version holding its entities; the old versions stay."""

    file_format: str
    label: str
    default_licence = ""
    permissions = ("brands.add_entitylistversion",)
    audit_action = "entity_lists.imported"
    nothing_to_import = "has no entities to import"
    plan_class = EntityListPlan

    def __init__(self, *, data, filename, source="", licence="", source_date=None, kind=None):
        super().__init__(data=data, filename=filename)
        self.source = (source or filename)[:500]
        self.licence = (licence or self.default_licence)[:200]
        self.source_date, self.kind = source_date, kind or None
        self.workbook = is_workbook(data=data, filename=filename)

    def options(self):
        day = self.source_date.isoformat() if self.source_date else None
        return {
            "source": self.source,
            "licence": self.licence,
            "kind": self.kind,
            "source_date": day,
        }

    @classmethod
    def with_options(cls, *, data, filename, options):
        day = options.get("source_date")
        return cls(data=data, filename=filename, source=options["source"],
                   licence=options["licence"], kind=options.get("kind"),
                   source_date=date.fromisoformat(day) if day else None)  # fmt: skip

    def check_options(self):
        if not self.licence:
            raise UploadRefused("Say under which licence the list is published (--licence).")
        if self.kind is not None and self.kind not in EntityList.Kind.values:
            raise UploadRefused(f"{self.kind!r} is not a kind of list: designation or risk.")

    def sort(self, plan, items):
        lists: dict[str, ListPlan] = {}
        for row in items:
            for slug in row.lists:
                if slug not in lists:
                    lists[slug] = self._list_plan(slug, row.line, plan)
                lists[slug].entities += 1
        plan.created = items
        plan.lists = list(lists.values())

    def _list_plan(self, slug: str, line: int, plan: Plan) -> ListPlan:
        found = EntityList.objects.filter(slug=slug).first()
        if found is not None:
            current = found.current
            return ListPlan(slug=slug, name=found.name, kind=found.kind,
                            publisher=found.publisher, url=found.url, list_id=found.pk,
                            current_id=current.pk if current else None,
                            current=_version_shown(current))  # fmt: skip
        if slug in KNOWN_LISTS:
            name, kind, publisher, url = KNOWN_LISTS[slug]
            return ListPlan(slug=slug, name=name, kind=kind, publisher=publisher, url=url)
        if self.kind is None:
            plan.refusals.append(Refusal(line, (
                f"the list {slug!r} is new. Say whether it is a legal designation or a risk "
                "indicator (the kind of a new list, or --kind on the command line), or add it "
                "in Entity lists first."
            )))  # fmt: skip
        return ListPlan(slug=slug, name=slug, kind=self.kind or EntityList.Kind.RISK)

    def digest_parts(self, plan):
        yield self.options()
        yield [(p.slug, p.list_id, p.kind, p.current_id, p.entities) for p in plan.lists]
        for start in range(0, len(plan.created), BATCH):
            yield [(row.lists, row.fields) for row in plan.created[start : start + BATCH]]

    def apply(self, plan):
        now = timezone.now()
        versions = {
            list_plan.slug: EntityListVersion.objects.create(
                entity_list=_entity_list(list_plan), imported_at=now, source=self.source,
                source_date=self.source_date, licence=self.licence, file_format=self.file_format,
                entity_count=list_plan.entities,
            )
            for list_plan in plan.lists
        }  # fmt: skip
        batch = []
        for row in plan.created:
            batch += [ListedEntity(version=versions[slug], **row.fields) for slug in row.lists]
            if len(batch) >= BATCH:
                ListedEntity.objects.bulk_create(batch)
                batch = []
        ListedEntity.objects.bulk_create(batch)

    def summary(self, plan, *, rows):
        return super().summary(plan, rows=rows) | {
            "file_format": self.label,
            "source": self.source,
            "source_date": _day(self.source_date),
            "licence": self.licence,
            "lists": [
                {"slug": p.slug, "name": p.name, "kind": p.kind_label, "publisher": p.publisher,
                 "new": p.list_id is None, "current": p.current, "entities": p.entities}
                for p in plan.lists
            ],
            "entity_rows": [
                {"line": row.line, "name": row.fields["name"], "aliases": row.fields["aliases"],
                 "countries": row.fields["countries"],
                 "date_added": _day(row.fields["date_added"]), "lists": row.lists}
                for row in plan.created[:rows]
            ],
        }  # fmt: skip

    def audit_summary(self, plan):
        lists = "; ".join(f"{p.name}: {counted(p.entities, 'entity', 'entities')}"
                          for p in plan.lists)  # fmt: skip
        return f"Imported {plan.filename} ({self.label}, {self.licence}): {lists}"

    # Reading a row's cells

    def date(self, value: str) -> date | None:
        """A date as ISO text (its first ten characters), or as Excel keeps one in a workbook."""
        value = value.strip()
        if not value:
            return None
        if self.workbook and re.fullmatch(r"\d{1,7}(\.\d+)?", value):
            days = int(float(value))
            if 0 < days <= EXCEL_LAST_DAY:
                return EXCEL_DAY_ZERO + timedelta(days=days)
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise RowRefused(f"{value!r} is not a date like 2024-06-12") from None

    def entity(self, *, name: str, aliases: list[str], countries: str, **fields) -> dict:
        if len(name) > 500:
            raise RowRefused("the name is longer than 500 characters")
        countries = "; ".join(_split(countries))
        if len(countries) > 200:
            raise RowRefused("the countries are longer than 200 characters")
        return {"name": name, "aliases": aliases, "countries": countries, **fields}


def _entity_list(list_plan: ListPlan) -> EntityList:
    if list_plan.list_id is not None:
        return EntityList.objects.get(pk=list_plan.list_id)
    return EntityList.objects.create(
        slug=list_plan.slug, name=list_plan.name, kind=list_plan.kind,
        publisher=list_plan.publisher, url=list_plan.url,
    )  # fmt: skip


def _version_shown(version: EntityListVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "imported_at": date_format(timezone.localtime(version.imported_at), "j F Y, H:i"),
        "source_date": _day(version.source_date),
        "entity_count": version.entity_count,
        "licence": version.licence,
        "source": version.source,
    }


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _list_names(cell: str, what: str) -> list[str]:
    names = list(dict.fromkeys(_split(cell)))  # in order, each once
    if not names:
        raise RowRefused(f"the {what} is empty")
    for name in names:
        if not LIST_NAME.fullmatch(name):
            raise RowRefused(
                f"the {what} {name[:60]!r} is not a list's short name (up to 50 letters, digits, "
                "“-” and “_”)"
            )
    return names


ENTITY_LIST_COLUMNS = ("name", "aliases", "country", "list", "date added", "source link")
OPENSANCTIONS_COLUMNS = ("id", "schema", "name", "aliases", "countries", "dataset", "first_seen")
_is_web_address = URLValidator(schemes=["http", "https"])


class EntityListCsvImporter(_EntityListImporter):
    """Our format: name, aliases (joined with ";"), country, list, date added, source link."""

    key = "entity-list-csv"
    file_format = "csv"
    label = "our CSV"
    columns = ENTITY_LIST_COLUMNS
    wording = Wording(a_list="an entity list", columns=ENTITY_LIST_COLUMNS,
                      needs="an entity list", can_split=False)  # fmt: skip

    def item(self, line, cells):
        if not cells["name"]:
            raise RowRefused("the name is empty")
        lists = _list_names(cells["list"], "list")
        return EntityRow(line=line, lists=lists, fields=self.entity(
            name=cells["name"], aliases=_split(cells["aliases"]), countries=cells["country"],
            date_added=self.date(cells["date added"]),
            source_url=_source_link(cells["source link"]),
        ))  # fmt: skip


def _source_link(value: str) -> str:
    if not value:
        return ""
    try:
        _is_web_address(value)
    except ValidationError:
        raise RowRefused(f"the source link {value[:80]!r} is not a web address") from None
    if len(value) > 500:
        raise RowRefused("the source link is longer than 500 characters")
    return value


class OpenSanctionsImporter(_EntityListImporter):
    """OpenSanctions' targets.simple.csv: each dataset becomes its own list; people and vessels
    are skipped. Its data is licensed CC BY-NC 4.0."""

    key = "entity-list-opensanctions"
    file_format = "opensanctions"
    label = "OpenSanctions targets.simple.csv"
    default_licence = OPENSANCTIONS_LICENCE
    columns = OPENSANCTIONS_COLUMNS
    wording = Wording(a_list="an entity list", columns=OPENSANCTIONS_COLUMNS,
                      needs="an entity list", can_split=False)  # fmt: skip

    def item(self, line, cells):
        if not cells["name"]:
            raise RowRefused("the name is empty")
        if cells["schema"] not in ENTITY_SCHEMAS:
            return None  # people and vessels are not suppliers
        aliases = [alias for alias in _split(cells["aliases"]) if alias != cells["name"]]
        lists = _list_names(cells["dataset"], "dataset")
        return EntityRow(line=line, lists=lists, fields=self.entity(
            name=cells["name"], aliases=aliases, countries=cells["countries"],
            external_id=cells["id"][:200], date_added=self.date(cells["first_seen"]),
        ))  # fmt: skip


ENTITY_LIST_IMPORTERS = {"csv": EntityListCsvImporter, "opensanctions": OpenSanctionsImporter}
IMPORTERS = {
    importer.key: importer
    for importer in (BrandImporter, EntityListCsvImporter, OpenSanctionsImporter)
}
