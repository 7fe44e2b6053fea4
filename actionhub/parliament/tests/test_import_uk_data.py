"""`import_uk_data` downloads and imports, tested against a local server holding the files."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actionhub.parliament.models import MP, Constituency, Postcode

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[1] / "demo"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def files_server(tmp_path):
    for name in ["constituencies.hexjson", "mps.csv", "postcodes.csv"]:
        (tmp_path / name).write_bytes((DEMO / name).read_bytes())
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def point_at(settings, base, postcodes=True):
    settings.UK_DATA_CONSTITUENCIES_URL = f"{base}/constituencies.hexjson"
    settings.UK_DATA_MPS_URL = f"{base}/mps.csv"
    settings.UK_DATA_POSTCODES_URL = f"{base}/postcodes.csv" if postcodes else ""


def test_it_downloads_and_imports_all_three(files_server, settings):
    base, _ = files_server
    point_at(settings, base)
    out = StringIO()
    call_command("import_uk_data", stdout=out)
    assert (Constituency.objects.count(), MP.objects.count(), Postcode.objects.count()) == (
        8,
        8,
        11,
    )
    assert "Postcodes: 11 rows read; 11 created" in out.getvalue()


def test_without_a_postcode_source_it_says_what_to_set(files_server, settings):
    base, _ = files_server
    point_at(settings, base, postcodes=False)
    out = StringIO()
    call_command("import_uk_data", stdout=out)
    assert "Skipped postcodes: set UK_DATA_POSTCODES_URL" in out.getvalue()
    assert Constituency.objects.count() == 8 and not Postcode.objects.exists()


def test_a_missing_file_stops_with_a_message(files_server, settings):
    base, folder = files_server
    point_at(settings, base)
    (folder / "mps.csv").unlink()
    with pytest.raises(CommandError, match="Could not download MPs from .*mps.csv"):
        call_command("import_uk_data", stdout=StringIO())


def test_a_broken_download_is_refused_and_changes_nothing(files_server, settings):
    base, folder = files_server
    point_at(settings, base)
    (folder / "postcodes.csv").write_text("pcds,doterm,pcon\nNOT A POSTCODE,,E14001265\n")
    with pytest.raises(CommandError, match="Postcodes not imported, nothing changed.*line 2"):
        call_command("import_uk_data", stdout=StringIO())
    assert not Postcode.objects.exists()
