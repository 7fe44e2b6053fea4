from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionhub.brands.importers import ENTITY_LIST_IMPORTERS
from actionhub.brands.models import EntityList
from actionhub.brands.operations import PlanRefused, PreviewOutdated, spreadsheet_import
from actionhub.brands.supplier_files import MAX_BYTES, UploadRefused
from actionhub.core.text import counted


class Command(BaseCommand):
    help = (
        "Import a list of entities implicated in forced labour, as a new version: our CSV "
        "(name, aliases, country, list, date added, source link) or OpenSanctions' "
        "targets.simple.csv; a CSV file or an Excel workbook. The organisers' console imports "
        "the same files, after a preview."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", choices=list(ENTITY_LIST_IMPORTERS), default="csv")
        parser.add_argument("--source", help="Where it came from (defaults to the file name).")
        parser.add_argument("--licence", default="", help="The list's licence.")
        parser.add_argument("--date", help="The list's own date, like 2024-06-12.")
        parser.add_argument("--kind", choices=EntityList.Kind.values, help="For a new list.")

    def handle(self, *args, path, format, source, licence, date: str | None, kind, **options):
        file = read_file(path)
        try:
            importer = ENTITY_LIST_IMPORTERS[format](
                data=file.read_bytes(), filename=file.name, source=source or file.name,
                licence=licence, source_date=_parse_date(date), kind=kind,
            )  # fmt: skip
            plan = spreadsheet_import(importer=importer, actor_label="manage.py import_entity_list")
        except (UploadRefused, PlanRefused, PreviewOutdated) as refused:
            raise CommandError(nothing_imported(refused)) from None
        for list_plan in plan.lists:
            self.stdout.write(
                f"{list_plan.name}: {counted(list_plan.entities, 'entity', 'entities')} "
                f"({list_plan.kind_label.lower()}, {importer.licence})"
            )
        if plan.skipped:
            rows = counted(plan.skipped, "row")
            one = plan.skipped == 1
            what = "is not an organisation was" if one else "are not organisations were"
            self.stdout.write(f"{rows} that {what} skipped.")


def read_file(path: str) -> Path:
    """The file to import, refused before it is read if it is larger than an upload may be."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file")
    if file.stat().st_size > MAX_BYTES:
        raise CommandError(f"Nothing imported. {file.name} is larger than 10 MB.")
    return file


def nothing_imported(refused: Exception) -> str:
    if isinstance(refused, PlanRefused):
        return str(refused).replace("\n", " ", 1)
    if isinstance(refused, PreviewOutdated):
        return "Nothing imported: the data changed while the file was read. Run it again."
    return f"Nothing imported. {refused}"


def _parse_date(value: str | None):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UploadRefused(f"--date {value!r} is not a date like 2024-06-12") from None
