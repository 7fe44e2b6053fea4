from actionhub.parliament.importers import MPCsvImporter, MPMembersApiImporter
from actionhub.parliament.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import MPs from a CSV (pcon_code, member_id, display_as, party_text, member_email) or "
        "from the Parliament Members API's Search JSON (a page, or a list of pages)."
    )
    what = "MPs"

    def importer_for(self, path):
        return MPMembersApiImporter(path) if path.lower().endswith(".json") else MPCsvImporter(path)
