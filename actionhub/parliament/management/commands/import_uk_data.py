import shutil
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actionhub.parliament.importers import (
    ConstituencyImporter,
    ImportRefused,
    MPCsvImporter,
    PostcodeImporter,
)


class Command(BaseCommand):
    help = (
        "Download the official constituencies, MPs and (if UK_DATA_POSTCODES_URL is set) the ONS "
        "Postcode Directory, and import them: the production path for real data."
    )

    def handle(self, *args, **options):
        sources = [
            ("constituencies", settings.UK_DATA_CONSTITUENCIES_URL, ConstituencyImporter),
            ("MPs", settings.UK_DATA_MPS_URL, MPCsvImporter),
            ("postcodes", settings.UK_DATA_POSTCODES_URL, PostcodeImporter),
        ]
        with tempfile.TemporaryDirectory(prefix="actionhub-uk-data-") as folder:
            for what, url, importer in sources:
                if not url:
                    self.stdout.write(
                        f"Skipped {what}: set UK_DATA_POSTCODES_URL to the current ONSPD zip "
                        "(until then the remote lookup places postcodes)."
                    )
                    continue
                path = Path(folder) / (Path(urlsplit(url).path).name or what)
                self.stdout.write(f"Downloading {what} from {url}")
                if urlsplit(url).scheme not in ("http", "https"):
                    raise CommandError(f"The address for {what} must start https:// ({url!r}).")
                try:
                    download(url, path)
                except OSError as error:
                    raise CommandError(f"Could not download {what} from {url}: {error}") from None
                try:
                    report = importer(path).run()
                except ImportRefused as refused:
                    raise CommandError(
                        f"{what.capitalize()} not imported, nothing changed. {refused}"
                    ) from None
                self.stdout.write(f"{what.capitalize()}: {report}")


def download(url: str, path: Path) -> None:
    response = urllib.request.urlopen(url, timeout=120)  # noqa: S310  (scheme checked above)
    with response, path.open("wb") as out:
        shutil.copyfileobj(response, out, length=1 << 20)
