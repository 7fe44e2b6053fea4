from actionhub.parliament.importers import PostcodeImporter
from actionhub.parliament.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import postcodes from an ONSPD or NSPL file, CSV or zip (columns pcds, doterm, pcon)."
    what = "postcodes"

    def importer_for(self, path):
        return PostcodeImporter(path)
