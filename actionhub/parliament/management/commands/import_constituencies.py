from actionhub.parliament.importers import ConstituencyImporter
from actionhub.parliament.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import the 2024 constituencies from Open Innovations' HexJSON."
    what = "constituencies"

    def importer_for(self, path):
        return ConstituencyImporter(path)
