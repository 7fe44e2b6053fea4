"""Screening supplier lists: uploads by organisers and through a brand's private link, results
banded and explained, a CSV, and every bad upload refused with nothing half-saved."""

import csv
import io
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from actionhub.brands.models import ScreeningLink, ScreeningResult, ScreeningRun
from actionhub.brands.screening import screening_runs_apply_retention
from actionhub.brands.supplier_files import suppliers_read
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.models import RateLimitCounter
from actionhub.core.ratelimit import rate_limit_stored_key

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[3] / "docs"
GOOD = (
    "name,address,country\n"
    'Example Xinjiang Cotton Company Limited,"1 Example Road, Urumqi",China\n'
    "Acme Buttons of Leicester,2 High Street,United Kingdom\n"
)


@pytest.fixture
def lists(db):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"), format="opensanctions")


@pytest.fixture
def link(campaign, lists):
    return ScreeningLink.objects.create(
        brand=BrandFactory(name="Threadwell"), expires_at=timezone.now() + timedelta(days=14)
    )


def upload(client, url, content, name="suppliers.csv"):
    data = content if isinstance(content, bytes) else content.encode()
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_a_brand_screens_its_list_through_its_private_link(client, link):
    page = client.get(f"/screening/{link.token}/").content.decode()
    assert "For Threadwell" in page

    response = upload(client, f"/screening/{link.token}/", GOOD)

    assert response.status_code == 303
    run = ScreeningRun.objects.get()
    assert run.link == link
    results = client.get(response["Location"]).content.decode()
    assert "Leads to review, not findings" in results
    assert "Legal designation</strong>: UFLPA Entity List" in results
    assert "Licence: CC BY-NC 4.0 (OpenSanctions)" in results
    first, second = run.results.all()
    assert first.band == ScreeningResult.Band.LIKELY
    assert first.entity.name == "Example Xinjiang Cotton Co. Ltd."
    assert first.supplier_form and first.listed_form and first.reason
    assert second.band == ScreeningResult.Band.NONE
    assert second.entity is None
    assert "Likely match: <strong>1</strong>" in results
    assert "No match: <strong>1</strong>" in results


def test_results_download_as_csv_safe_for_spreadsheets(client, link):
    content = GOOD + "+cmd|' /C calc'!A0,3 Road,China\n"
    response = upload(client, f"/screening/{link.token}/", content)

    download = client.get(response["Location"] + "results.csv")

    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:5] == ["row", "supplier name", "address", "country", "band"]
    assert rows[1][1] == "Example Xinjiang Cotton Company Limited"
    assert rows[1][4] == "Likely match"
    assert rows[1][8] == "UFLPA Entity List"
    assert rows[1][9] == "Legal designation"
    assert rows[3][1] == "'+cmd|' /C calc'!A0"


def test_an_expired_link_is_refused(client, link):
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    assert client.get(f"/screening/{link.token}/").status_code == 410
    assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 410
    assert not ScreeningRun.objects.exists()


def test_organisers_screen_in_the_admin(organiser_client, lists):
    response = upload(organiser_client, "/admin/brands/screeningrun/screen/", GOOD)
    assert response.status_code == 303
    assert ScreeningRun.objects.get().uploaded_by.username == "organiser"


def test_organisers_see_a_refused_list_in_the_summary_and_beside_the_field(organiser_client, lists):
    response = upload(organiser_client, "/admin/brands/screeningrun/screen/",
                      "supplier,country\nA,China\n")  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    summary = page.split("There is a problem", 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_file"' in summary and "line 1: missing column(s)" in summary
    assert ('<p class="error-message"><span class="visually-hidden">Error:</span> '
            "suppliers.csv, line 1: missing column(s)") in page  # fmt: skip
    assert page.count("Screen a supplier list</h1>") == 1


def test_an_excel_workbook_is_read(client, link):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Address", "Country"])
    sheet.append(["Example Xinjiang Cotton Co., Ltd.", "Urumqi", "CN"])
    data = io.BytesIO()
    book.save(data)

    response = upload(client, f"/screening/{link.token}/", data.getvalue(), "suppliers.xlsx")

    assert response.status_code == 303
    assert ScreeningRun.objects.get().results.get().band == ScreeningResult.Band.LIKELY


def test_workbook_cells_are_read_as_openpyxl_reads_them():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Address", "Country"])
    sheet.append([CellRichText("Acme ", TextBlock(InlineFont(b=True), "Buttons")), 12, 1.5])
    sheet.append(["Tiny Tools", True, 1e20])
    sheet["A6"], sheet["C6"] = "Late Supplier", "UK"  # rows 4 and 5 not written at all
    data = io.BytesIO()
    book.save(data)

    suppliers = suppliers_read(data=data.getvalue(), filename="suppliers.xlsx")

    read_back = load_workbook(io.BytesIO(data.getvalue()), read_only=True).active
    expected = [
        [number, *("" if cell.value is None else str(cell.value) for cell in row)]
        for number, row in enumerate(read_back.iter_rows(min_row=2), 2)
        if any(cell.value is not None for cell in row)
    ]
    assert [[s.row_number, s.name, s.address, s.country] for s in suppliers] == expected
    assert expected[0] == [2, "Acme Buttons", "12", "1.5"]
    assert expected[-1] == [6, "Late Supplier", "", "UK"]


def workbook_with_formula() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "address", "country"])
    sheet.append(["Good Supplier", "1 Road", "China"])
    sheet["A3"] = '=HYPERLINK("http://evil.example","x")'
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


HEADER = "name,address,country\n"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "suppliers.csv", "The file is empty"),
        (b"\n\n", "suppliers.csv", "suppliers.csv is empty."),
        (HEADER.encode(), "suppliers.csv", "has no suppliers under its header row"),
        (
            b"supplier,country\nA,China\n",
            "suppliers.csv",
            "line 1: missing column(s): name, address",
        ),
        (
            (HEADER + "Caf\u00e9 Supplies,1 Road,France\n").encode("latin-1"),
            "suppliers.csv",
            "line 2: this is not UTF-8 text",
        ),
        (
            (HEADER + "Good,1 Road,China\n,2 Road,China\n").encode(),
            "suppliers.csv",
            "line 3: the name is empty.",
        ),
        (
            (HEADER + "=1+2,1 Road,China\n").encode(),
            "suppliers.csv",
            "line 2: the name starts with “=”",
        ),
        (workbook_with_formula(), "suppliers.xlsx", "cell A3: holds a formula"),
        (b"PK\x03\x04 not really a workbook", "suppliers.xlsx", "is not an Excel workbook"),
        (b"%PDF-1.7", "suppliers.pdf", "upload a CSV file or an Excel workbook"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_nothing_is_saved(client, link, content, name, message):
    response = upload(client, f"/screening/{link.token}/", content, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScreeningRun.objects.exists()
    assert not ScreeningResult.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + 'Acme Buttons,1 Road,UK\n"Threadwell Ltd,2 Road,UK\nTiny Tools,3 Road,China\n',
         'suppliers.csv, line 3: a quotation mark (") opens a cell and is never closed, so the '
         "rest of the file would be read as that one cell."),
        (HEADER + 'Acme Buttons,1 Road,UK\n"Threadwell" Ltd,2 Road,UK\n',
         'suppliers.csv, line 3: the quotation marks (") do not follow the rules of a CSV file. '
         'A cell in quotation marks must end with one'),
        (HEADER + '"Threadwell\nTextiles" Ltd,2 Road,UK\n',
         'suppliers.csv, line 3: the quotation marks (") do not follow the rules of a CSV file.'),
    ],
    ids=["a quotation mark never closed", "text after the closing one", "over two lines"],
)  # fmt: skip
def test_broken_quotation_marks_are_refused_in_plain_words_with_the_line(
    client, link, content, message
):
    response = upload(client, f"/screening/{link.token}/", content)

    page = " ".join(unescape(response.content.decode()).split())
    assert response.status_code == 400
    assert message in page
    for python_words in ("expected after", "end of data", "new-line character"):
        assert python_words not in page
    assert not ScreeningRun.objects.exists()


def test_a_hundred_thousand_rows_are_refused_with_the_limit(client, link):
    content = HEADER + "".join(f"Supplier {n},Road,China\n" for n in range(100_000))

    response = upload(client, f"/screening/{link.token}/", content)

    assert response.status_code == 400
    assert "has more than 20,000 suppliers" in response.content.decode()
    assert not ScreeningRun.objects.exists()


def test_a_file_over_10_mb_is_refused_unread(client, link):
    content = HEADER + "Supplier,Road,China\n" * 600_000

    response = upload(client, f"/screening/{link.token}/", content)

    assert response.status_code == 400
    assert "suppliers.csv is larger than 10 MB" in response.content.decode()
    assert not ScreeningRun.objects.exists()


def test_the_pages_ask_search_engines_not_to_index_them(client, link):
    response = upload(client, f"/screening/{link.token}/", GOOD)
    for url in (f"/screening/{link.token}/", response["Location"]):
        assert '<meta name="robots" content="noindex">' in client.get(url).content.decode()


def test_screening_needs_an_imported_list(client, campaign):
    link = ScreeningLink.objects.create(
        brand=BrandFactory(), expires_at=timezone.now() + timedelta(days=1)
    )
    response = upload(client, f"/screening/{link.token}/", GOOD)
    assert "No entity lists have been imported yet" in response.content.decode()


def test_organisers_are_told_before_uploading_that_there_is_nothing_to_screen_against(
    organiser_client, campaign
):
    page = organiser_client.get("/admin/brands/screeningrun/screen/").content.decode()
    assert "There is nothing to screen against yet." in page
    assert 'href="/admin/brands/entitylist/import/"' in page


def test_with_a_list_to_screen_against_the_page_says_nothing_of_it(organiser_client, lists):
    page = organiser_client.get("/admin/brands/screeningrun/screen/").content.decode()
    assert "There is nothing to screen against yet." not in page


def test_results_are_deleted_after_30_days(client, link):
    upload(client, f"/screening/{link.token}/", GOOD)
    assert screening_runs_apply_retention(now=timezone.now() + timedelta(days=29)) == 0
    assert screening_runs_apply_retention(now=timezone.now() + timedelta(days=31)) == 1
    assert not ScreeningResult.objects.exists()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (" .csv", "Your file.csv"),
        ("  my   suppliers.csv", "my suppliers.csv"),
        ("a" * 300 + ".csv", "a" * 90 + "….csv"),
    ],
)
def test_a_strange_file_name_is_shown_on_one_line_in_the_message(client, link, name, shown):
    response = upload(client, f"/screening/{link.token}/", "name,address,country\n", name=name)

    assert response.status_code == 400
    assert f"{shown}" in response.content.decode()
    assert "has no suppliers under its header row" in response.content.decode()


def test_a_link_takes_a_few_files_a_minute_and_others_are_unaffected(client, link):
    other = ScreeningLink.objects.create(brand=link.brand, expires_at=link.expires_at)
    for _ in range(3):
        assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 303

    refused = upload(client, f"/screening/{link.token}/", GOOD)

    assert refused.status_code == 400
    assert ("Too many files have been uploaded through this link: it takes 3 a minute. Please "
            "try again in a minute.") in refused.content.decode()  # fmt: skip
    assert ScreeningRun.objects.count() == 3
    assert upload(client, f"/screening/{other.token}/", GOOD).status_code == 303
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=True):
        assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 303


def test_a_link_takes_so_many_files_a_day_refused_ones_included(client, link, settings):
    settings.SCREENING_LINK_RATE_LIMITS = [(100, 60), (3, 24 * 3600)]
    other = ScreeningLink.objects.create(brand=link.brand, expires_at=link.expires_at)
    assert upload(client, f"/screening/{link.token}/", "not,a,list\n").status_code == 400
    for _ in range(2):
        assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 303

    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=True):
        refused = upload(client, f"/screening/{link.token}/", GOOD)
        assert upload(client, f"/screening/{other.token}/", GOOD).status_code == 303

    assert "this link: it takes 3 a day. Please try again tomorrow." in refused.content.decode()
    assert ScreeningRun.objects.count() == 3


def test_one_connection_may_upload_only_so_many_files_an_hour(client, link, settings):
    settings.SCREENING_CONNECTION_RATE_LIMITS = [(2, 3600)]
    other = ScreeningLink.objects.create(brand=link.brand, expires_at=link.expires_at)
    assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 303
    assert upload(client, f"/screening/{other.token}/", GOOD).status_code == 303

    refused = upload(client, f"/screening/{other.token}/", GOOD)
    elsewhere = client.post(f"/screening/{other.token}/",
                            {"file": SimpleUploadedFile("suppliers.csv", GOOD.encode())},
                            REMOTE_ADDR="203.0.113.9")  # fmt: skip

    assert refused.status_code == 400
    assert ("Too many files have been uploaded from your connection: it takes 2 an hour. Please "
            "try again in an hour.") in refused.content.decode()  # fmt: skip
    assert elsewhere.status_code == 303


def test_upload_limits_are_counted_in_the_database_without_a_shared_cache(client, link, settings):
    """Without `CACHE_URL` every web process counts in the same table, as the docs say: a
    process whose memory holds no count still refuses the fourth file in a minute."""
    settings.RATE_LIMIT_STORE = "database"
    for _ in range(3):
        assert upload(client, f"/screening/{link.token}/", GOOD).status_code == 303
        cache.clear()  # what another process's memory would hold: nothing

    refused = upload(client, f"/screening/{link.token}/", GOOD)

    assert refused.status_code == 400
    assert "it takes 3 a minute" in refused.content.decode()
    counts = dict(RateLimitCounter.objects.values_list("key", "count"))
    assert [count for key, count in counts.items()
            if key.startswith(f"{rate_limit_stored_key(f'screening-link:{link.pk}')}:60:")
            ] == [4]  # fmt: skip
    for page, heading, end in [("security-and-privacy.md", "- Uploads are rate-limited", "\n- "),
                               ("brands.md", "**Uploads are rate-limited**", "\n\n")]:  # fmt: skip
        said = " ".join((DOCS / page).read_text().split(heading, 1)[1].split(end, 1)[0].split())
        assert "otherwise in the database" in said, page
        assert "in the cache" not in said, page


def test_control_characters_in_a_cell_become_spaces_on_any_database(client, link):
    content = "name,address,country\nAc\x00me\x0bButtons,1 High\x07 Street,UK\n"

    response = upload(client, f"/screening/{link.token}/", content)

    assert response.status_code == 303
    result = ScreeningResult.objects.get()
    assert (result.supplier_name, result.supplier_address) == ("Ac me Buttons", "1 High Street")


def test_results_through_a_brands_link_end_when_the_link_does(client, link):
    response = upload(client, f"/screening/{link.token}/", GOOD)
    results = response["Location"]
    assert client.get(results).status_code == 200

    ScreeningLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())

    for url in (results, f"{results}results.csv"):
        gone = client.get(url)
        assert gone.status_code == 410
        assert "This link has expired" in gone.content.decode()
        assert "Example Xinjiang Cotton" not in gone.content.decode()
