"""Organisers load the tracker's brands and the screening's entity lists themselves, in a real
browser on a phone and a laptop: from the empty tracker's note to the import page, the sample
file, the preview and the confirm; a file with problems; with and without JavaScript; axe on
every page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from actionhub.brands.models import Brand, EntityList, PendingImport
from actionhub.tests.browser import check_current_page, check_page, sign_in_organiser

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "brands" / "tests" / "fixtures"
SIZES = [(390, 844), (1280, 800)]


def csv_file(content: bytes, name: str) -> list[dict]:
    return [{"name": name, "mimeType": "text/csv", "buffer": content}]


def counts(page) -> dict[str, str]:
    boxes = page.locator(".import-counts > div")
    return {
        boxes.nth(n).locator("dt").inner_text(): boxes.nth(n).locator("dd").inner_text()
        for n in range(boxes.count())
    }


def fits(page) -> bool:
    """Only the tables may scroll sideways, inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES, ids=["phone", "laptop"])
def test_starting_the_tracker_from_the_sample_file(
    campaign, organiser, organiser_device, page, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    check_page(page, "/brands/")
    expect(page.get_by_role("heading", name="The brands are on their way")).to_be_visible()

    sign_in_organiser(page, organiser, organiser_device, next_url="/brands/")
    check_current_page(page, "the empty tracker, for an organiser")
    note = page.get_by_role("note")
    expect(note.get_by_role("heading", name="How to start the tracker")).to_be_visible()
    note.get_by_role("link", name="Import brands from a file").click()
    page.wait_for_url("**/admin/brands/brand/import/")
    check_current_page(page, "import brands")
    assert fits(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the sample brand list (CSV)").click()
    assert download.value.suggested_filename == "brands-sample.csv"
    sample = Path(download.value.path()).read_bytes()  # saved under a name of Playwright's own
    assert sample.startswith(b"name,sector,country,website,contact_email\n")

    page.get_by_label("Brand list", exact=True).set_input_files(
        files=csv_file(sample, "brands-sample.csv")
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/admin/brands/brand/import/*/")
    check_current_page(page, "the preview of the sample")
    assert fits(page)
    expect(page.get_by_text("Nothing has been imported yet.")).to_be_visible()
    assert counts(page) == {
        "Rows read": "4", "Brands to add": "4", "Brands to update": "0",
        "Already as in the file": "0",
    }  # fmt: skip
    added = page.get_by_role("table", name="Brands to add")
    expect(added.get_by_role("rowheader", name="Sample Sportswear plc")).to_be_visible()
    assert not Brand.objects.exists()

    page.get_by_role("button", name="Import these brands").click()
    page.wait_for_url("**/admin/brands/brand/")
    expect(page.get_by_text("4 brands added, 0 updated and 0 unchanged")).to_be_visible()
    check_current_page(page, "brands, after the import")
    assert Brand.objects.count() == 4

    check_page(page, "/brands/")
    expect(page.get_by_role("link", name="Example Apparel Ltd")).to_be_visible()
    assert page.get_by_role("note").count() == 0


def test_a_file_with_problems_lists_each_line_and_imports_nothing(
    campaign, organiser, organiser_device, page
):
    sign_in_organiser(page, organiser, organiser_device, next_url="/admin/brands/brand/import/")
    page.get_by_label("Brand list", exact=True).set_input_files(
        files=csv_file(
            b"name,sector,website\nGood,Clothing,\n,Clothing,\nBad,Cycling,nope\n", "brands.csv"
        )  # fmt: skip
    )
    with page.expect_response("**/admin/brands/brand/import/") as response:
        page.get_by_role("button", name="Upload and preview").click()
    assert response.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    message = "brands.csv: 2 lines cannot be imported, so nothing has been."
    expect(summary.get_by_role("link", name=message, exact=False)).to_be_visible()
    assert page.evaluate("document.activeElement.dataset.errorSummary") is not None
    assert page.title().startswith("Error: ")
    table = page.get_by_role("table", name="Lines that cannot be imported")
    assert table.locator("tbody tr").all_inner_texts() == [
        "3\tThe name is empty", "4\tWebsite: Enter a valid URL."
    ]  # fmt: skip
    check_current_page(page, "import brands: lines with problems", status=400)

    page.get_by_label("Brand list", exact=True).set_input_files(
        files=csv_file(b"title\nx\n", "brands.csv")
    )
    page.get_by_role("button", name="Upload the corrected file").click()
    expect(page.get_by_role("alert").get_by_text("missing column(s): name, sector")).to_be_visible()
    check_current_page(page, "import brands: missing columns", status=400)
    assert not Brand.objects.exists()
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("size", SIZES, ids=["phone", "laptop"])
def test_importing_an_entity_list_for_screening(campaign, organiser, organiser_device, page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in_organiser(page, organiser, organiser_device, next_url="/admin/brands/entitylist/")
    check_current_page(page, "entity lists")
    page.get_by_role("link", name="Import a list from a file").click()
    page.wait_for_url("**/admin/brands/entitylist/import/")
    check_current_page(page, "import an entity list")
    assert fits(page)

    page.get_by_label("Entity list", exact=True).set_input_files(FIXTURES / "targets.simple.csv")
    page.get_by_label("OpenSanctions’ targets.simple.csv, as downloaded").check()
    page.get_by_label("Where it came from (optional)").fill("https://www.opensanctions.org/")
    page.get_by_label("The list’s own date (optional)").fill("2026-11-01")
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/admin/brands/entitylist/import/*/")
    check_current_page(page, "the preview of an entity list")
    assert fits(page)
    assert counts(page) == {
        "Rows read": "5", "Entities to list": "4", "Skipped: people and vessels": "1"
    }  # fmt: skip
    uflpa = page.get_by_role("region", name="UFLPA Entity List (a new list)")
    expect(uflpa.get_by_text("Legal designation")).to_be_visible()
    expect(uflpa.get_by_text("A new version with 3 entities")).to_be_visible()
    expect(page.get_by_text("CC BY-NC 4.0 (OpenSanctions)").first).to_be_visible()

    page.get_by_role("button", name="Import the 2 lists").click()
    page.wait_for_url("**/admin/brands/entitylist/")
    check_current_page(page, "entity lists, after the import")
    expect(page.get_by_text("Imported targets.simple.csv as a new version.")).to_be_visible()
    assert EntityList.objects.get(slug="us_dhs_uflpa").current.entity_count == 3


def test_an_entity_list_without_a_licence_is_refused_beside_the_field(
    campaign, organiser, organiser_device, page
):
    sign_in_organiser(
        page, organiser, organiser_device, next_url="/admin/brands/entitylist/import/"
    )
    page.get_by_label("Entity list", exact=True).set_input_files(FIXTURES / "entities.csv")
    page.get_by_role("button", name="Upload and preview").click()
    message = "Say under which licence the list is published."
    expect(page.get_by_role("alert").get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".error-message").get_by_text(message)).to_be_visible()
    check_current_page(page, "import an entity list: no licence", status=400)
    assert page.get_by_label(
        "Our CSV: name, aliases, country, list, date added, source link"
    ).is_checked()


def test_importing_works_without_javascript(
    campaign, organiser, organiser_device, browser, live_server
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_organiser(page, organiser, organiser_device, next_url="/admin/brands/brand/import/")
    page.get_by_label("Brand list", exact=True).set_input_files(
        files=csv_file(b"name,sector\nAlpha Apparel,Clothing\n", "brands.csv")
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/admin/brands/brand/import/*/")
    page.get_by_role("button", name="Cancel and import nothing").click()
    expect(page.get_by_text("Nothing was imported from brands.csv.")).to_be_visible()

    page.get_by_label("Brand list", exact=True).set_input_files(
        files=csv_file(b"name,sector\nAlpha Apparel,Clothing\n", "brands.csv")
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Import these brands").click()
    expect(page.get_by_text("1 brand added")).to_be_visible()
    context.close()
    assert list(Brand.objects.values_list("name", flat=True)) == ["Alpha Apparel"]
