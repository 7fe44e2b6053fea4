from pathlib import Path

from django.core.management.base import BaseCommand

from actionhub.parliament.importers import (
    ConstituencyImporter,
    MPCsvImporter,
    PostcodeImporter,
)
from actionhub.parliament.models import Constituency

DEMO = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Load the small demo set of constituencies, invented MPs and postcodes (offline use)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Only if no constituencies are imported yet."
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and Constituency.objects.exists():
            self.stdout.write("Parliament data is already loaded.")
            return
        ConstituencyImporter(DEMO / "constituencies.hexjson").run()
        MPCsvImporter(DEMO / "mps.csv").run()
        PostcodeImporter(DEMO / "postcodes.csv").run()
        self.stdout.write(
            "Loaded DEMO Parliament data: 8 constituencies, invented MPs and a few postcodes "
            "(try NW3 7UX or SW1A 1AA). Import the real data: see docs/parliament-data.md."
        )
