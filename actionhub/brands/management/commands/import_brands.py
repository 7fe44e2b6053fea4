from django.core.management.base import BaseCommand, CommandError

from actionhub.brands.importers import BrandImporter
from actionhub.brands.management.commands.import_entity_list import nothing_imported, read_file
from actionhub.brands.operations import PlanRefused, PreviewOutdated, spreadsheet_import
from actionhub.brands.supplier_files import UploadRefused
from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.text import counted


class Command(BaseCommand):
    help = (
        "Add brands to the default campaign's tracker, or update the brand of the same name, "
        "from a CSV file or an Excel workbook with the columns name, sector and optionally "
        "country, website, contact_email. The organisers' console imports the same files, "
        "after a preview."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = read_file(path)
        importer = BrandImporter(
            data=file.read_bytes(), filename=file.name, campaign=campaign_get_default()
        )
        try:
            plan = spreadsheet_import(importer=importer, actor_label="manage.py import_brands")
        except (UploadRefused, PlanRefused, PreviewOutdated) as refused:
            raise CommandError(nothing_imported(refused)) from None
        self.stdout.write(
            f"{counted(len(plan.created), 'brand')} added, {len(plan.updated):,} updated, "
            f"{len(plan.unchanged):,} unchanged."
        )
