from django.core.management.base import BaseCommand, CommandError

from actionhub.parliament.importers import ImportRefused


class ImportCommand(BaseCommand):
    """A management command around one importer: a refused file changes nothing."""

    what = "rows"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def importer_for(self, path):
        raise CommandError("This command has no importer.")  # each subclass names its own

    def handle(self, *args, path, **options):
        try:
            report = self.importer_for(path).run()
        except ImportRefused as refused:
            raise CommandError(f"Not imported, nothing changed. {refused}") from None
        self.stdout.write(f"{self.what.capitalize()}: {report}")
