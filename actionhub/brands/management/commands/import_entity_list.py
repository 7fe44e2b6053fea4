from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionhub.brands.entity_lists import EntityListRefused, entity_lists_import
from actionhub.brands.models import EntityList
from actionhub.core.text import counted


class Command(BaseCommand):
    help = (
        "Import a list of entities implicated in forced labour, as a new version: our CSV "
        "(name, aliases, country, list, date added, source link) or OpenSanctions' "
        "targets.simple.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", choices=["csv", "opensanctions"], default="csv")
        parser.add_argument("--source", help="Where it came from (defaults to the file name).")
        parser.add_argument("--licence", default="", help="The list's licence.")
        parser.add_argument("--date", help="The list's own date, like 2024-06-12.")
        parser.add_argument("--kind", choices=EntityList.Kind.values, help="For a new list.")

    def handle(self, *args, path, format, source, licence, date: str | None, kind, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            source_date = _parse_date(date)
            summary = entity_lists_import(
                data=file.read_bytes(), filename=file.name, file_format=format,
                source=source or file.name, licence=licence, source_date=source_date, kind=kind,
            )  # fmt: skip
        except EntityListRefused as refused:
            raise CommandError(f"Nothing imported. {refused}") from None
        for version in summary.versions:
            self.stdout.write(
                f"{version.entity_list}: {counted(version.entity_count, 'entity', 'entities')} "
                f"({version.entity_list.get_kind_display().lower()}, {version.licence})"
            )
        if summary.skipped:
            rows = counted(summary.skipped, "row")
            what = (
                "is not an organisation was"
                if summary.skipped == 1
                else ("are not organisations were")
            )
            self.stdout.write(f"{rows} that {what} skipped.")


def _parse_date(value: str | None):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EntityListRefused(f"--date {value!r} is not a date like 2024-06-12") from None
