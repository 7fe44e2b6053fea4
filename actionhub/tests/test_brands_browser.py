"""The brands tracker and screening a supplier list, in a real browser: counts, filters and
sorting, a brand's page, uploading through a brand's private link, the results and their CSV;
axe on every page."""

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from actionhub.brands.models import Brand, ScreeningLink, ScreeningRun
from actionhub.brands.services import brand_status_record, evidence_add
from actionhub.brands.tests.factories import BrandFactory
from actionhub.tests.browser import check_current_page, check_page

pytestmark = pytest.mark.browser
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
FIXTURES = Path(__file__).resolve().parents[1] / "brands" / "tests" / "fixtures"
SUPPLIERS = (
    b"name,address,country\n"
    b'Example Xinjiang Cotton Company Limited,"1 Example Road, Urumqi",China\n'
    b"Acme Buttons of Leicester,2 High Street,United Kingdom\n"
)


def csv_file(content: bytes, name: str = "suppliers.csv") -> list[dict]:
    return [{"name": name, "mimeType": "text/csv", "buffer": content}]


@pytest.fixture
def brands(campaign, transactional_db):
    alpha = BrandFactory(name="Alpha Apparel", slug="alpha", sector="Clothing")
    beta = BrandFactory(name="Beta Bikes", slug="beta", sector="Cycling")
    gamma = BrandFactory(name="Gamma Garments", slug="gamma", sector="Clothing")
    delta = BrandFactory(name="Delta Denim", slug="delta", sector="Clothing")
    BrandFactory(name="Epsilon Electronics", slug="epsilon", sector="Electronics")  # not asked
    brand_status_record(brand=alpha, status=Brand.Status.ASKED, on=date(2025, 10, 1))
    brand_status_record(
        brand=alpha, status=Brand.Status.COMMITTED, on=date(2025, 11, 1),
        note="Committed in a letter to the campaign",
    )  # fmt: skip
    brand_status_record(brand=beta, status=Brand.Status.COMMITTED, on=date(2026, 6, 1))
    brand_status_record(brand=gamma, status=Brand.Status.ASKED, on=date(2026, 9, 1))
    brand_status_record(brand=delta, status=Brand.Status.DECLINED, on=date(2026, 10, 1))
    evidence_add(
        brand=alpha, on=date(2025, 11, 1), summary="Published its commitment.",
        source_url="https://alpha.example/commitment",
    )  # fmt: skip


def rows(page) -> list[str]:
    return page.locator("table.tracker tbody th").all_inner_texts()


def sorted_column(page) -> list[tuple[str, str]]:
    """(label, aria-sort) of the sorted column: the label without its hidden "(sort…)"."""
    headers = page.locator("table.tracker thead th[aria-sort]")
    return [
        (
            headers.nth(n).locator("a").evaluate("a => a.firstChild.textContent"),
            headers.nth(n).get_attribute("aria-sort"),
        )
        for n in range(headers.count())
    ]


@time_machine.travel(TUESDAY, tick=True)
def test_the_tracker_counts_filters_sorts_and_opens_a_brand(brands, page):
    check_page(page, "/brands/")
    assert page.locator("ul.status-counts a").all_inner_texts() == [
        "Not yet asked: 1", "Asked: 1", "Committed: 2", "Met: 0", "Declined: 1", "No response: 0"
    ]  # fmt: skip
    assert rows(page) == [
        "Alpha Apparel", "Beta Bikes", "Delta Denim", "Epsilon Electronics", "Gamma Garments"
    ]  # fmt: skip
    expect(page.get_by_role("table").get_by_text("Overdue by 30 days")).to_be_visible()
    expect(page.get_by_text("182 days left")).to_be_visible()
    assert sorted_column(page) == [("Brand", "ascending")]

    # A count is a link to the brands with that status.
    page.get_by_role("link", name="Committed: 2").click()
    page.wait_for_url("**/brands/?status=committed")
    check_current_page(page, "brands: committed")
    assert rows(page) == ["Alpha Apparel", "Beta Bikes"]
    expect(page.get_by_role("link", name="Committed: 2")).to_have_attribute("aria-current", "true")
    assert page.get_by_label("Status").input_value() == "committed"
    expect(page.get_by_role("table").get_by_text("2 brands (filtered: show all)")).to_be_visible()

    # The selects and the Show button.
    page.get_by_label("Status").select_option(label="Any status")
    page.get_by_label("Sector").select_option("Clothing")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/brands/?status=&sector=Clothing&sort=name")
    check_current_page(page, "brands: clothing")
    assert rows(page) == ["Alpha Apparel", "Delta Denim", "Gamma Garments"]

    page.get_by_label("Status").select_option(label="Declined")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/brands/?status=declined&sector=Clothing&sort=name")
    check_current_page(page, "brands: declined clothing")
    assert rows(page) == ["Delta Denim"]

    page.get_by_label("Status").select_option(label="Met")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/brands/?status=met&sector=Clothing&sort=name")
    check_current_page(page, "brands: none match")
    expect(page.get_by_text("No brands match these choices.")).to_be_visible()
    page.get_by_role("link", name="Show all brands").click()
    page.wait_for_url("**/brands/")
    check_current_page(page, "brands: all again")
    assert len(rows(page)) == 5

    # Sorting by a column header: ascending, then descending, keeping the filters.
    page.get_by_role("link", name="Deadline (sort)").click()
    page.wait_for_url("**/brands/?status=&sector=&sort=deadline")
    check_current_page(page, "brands: by deadline")
    assert sorted_column(page) == [("Deadline", "ascending")]
    assert rows(page) == [
        "Alpha Apparel", "Beta Bikes", "Delta Denim", "Epsilon Electronics", "Gamma Garments"
    ]  # fmt: skip
    page.get_by_role("link", name="Deadline (sort descending)").click()
    page.wait_for_url("**/brands/?status=&sector=&sort=deadline&order=desc")
    check_current_page(page, "brands: by deadline, latest first")
    assert sorted_column(page) == [("Deadline", "descending")]
    assert rows(page)[:2] == ["Beta Bikes", "Alpha Apparel"]
    page.get_by_label("Status").select_option(label="Committed")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/brands/?status=committed&sector=&sort=deadline&order=desc")
    check_current_page(page, "brands: committed, latest deadline first")
    assert sorted_column(page) == [("Deadline", "descending")]  # filtering keeps the order
    assert rows(page) == ["Beta Bikes", "Alpha Apparel"]
    page.get_by_role("link", name="show all").click()
    page.wait_for_url("**/brands/")
    check_current_page(page, "brands: all, from the caption")

    page.get_by_role("link", name="Sector (sort)").click()
    page.wait_for_url("**/brands/?status=&sector=&sort=sector")
    check_current_page(page, "brands: by sector")
    assert sorted_column(page) == [("Sector", "ascending")]
    assert page.locator("table.tracker tbody td:nth-of-type(1)").all_inner_texts() == [
        "Clothing", "Clothing", "Clothing", "Cycling", "Electronics"
    ]  # fmt: skip
    assert rows(page) == [
        "Alpha Apparel", "Delta Denim", "Gamma Garments", "Beta Bikes", "Epsilon Electronics"
    ]  # fmt: skip

    page.get_by_label("Sector").select_option("Clothing")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/brands/?status=&sector=Clothing&sort=sector")
    check_current_page(page, "brands: clothing by sector")
    assert sorted_column(page) == [("Sector", "ascending")]  # the sort survives filtering
    page.get_by_role("link", name="Status (sort)").click()
    page.wait_for_url("**/brands/?status=&sector=Clothing&sort=status")
    check_current_page(page, "brands: clothing by status")
    assert rows(page) == ["Gamma Garments", "Alpha Apparel", "Delta Denim"]  # and filters sorts

    # A brand's page, from its name.
    page.get_by_role("link", name="Alpha Apparel").click()
    page.wait_for_url("**/brands/alpha/")
    check_current_page(page, "brands: a brand's page")
    expect(page.get_by_role("heading", name="Alpha Apparel", level=1)).to_be_visible()
    expect(page.get_by_text("Committed, since 1 November 2025")).to_be_visible()
    deadline = "1 November 2026 (twelve months from its commitment on 1 November 2025)"
    expect(page.get_by_text(deadline)).to_be_visible()
    expect(page.locator("strong.overdue")).to_have_text("overdue by 30 days")
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    assert timeline.all_inner_texts() == [
        "1 October 2025: Asked",
        "1 November 2025: Committed. Committed in a letter to the campaign",
    ]
    evidence = page.get_by_role("region", name="Evidence")
    expect(evidence.get_by_text("Published its commitment.")).to_be_visible()
    source = evidence.get_by_role("link", name="Source for the entry of 1 November 2025")
    assert source.get_attribute("href") == "https://alpha.example/commitment"
    # Overdue: asked why, not asked to commit again.
    expect(page.get_by_role("link", name="Ask Alpha Apparel why")).to_be_visible()
    assert page.get_by_text("Ask Alpha Apparel to commit").count() == 0

    page.get_by_role("link", name="All brands").click()
    page.wait_for_url("**/brands/")
    check_current_page(page, "brands: back to all")

    check_page(page, "/brands/epsilon/")
    expect(page.get_by_text("Not yet asked.")).to_be_visible()
    expect(page.get_by_text("No evidence recorded yet.")).to_be_visible()
    assert page.locator(".overdue").count() == 0


@pytest.fixture
def link(campaign, transactional_db):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"), format="opensanctions")
    return ScreeningLink.objects.create(
        brand=BrandFactory(name="Threadwell"), expires_at=timezone.now() + timedelta(days=14)
    )


def test_a_brand_screens_its_supplier_list_and_downloads_the_results(link, page):
    url = f"/screening/{link.token}/"
    check_page(page, url)
    expect(page.get_by_text("For Threadwell. This private link works until")).to_be_visible()

    with page.expect_response(f"**{url}") as response:
        page.get_by_role("button", name="Screen the list").click()
    assert response.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Choose the file with your supplier list.")
    ).to_be_visible()
    assert page.title().startswith("Error: ")
    check_current_page(page, "screening: no file", status=400)

    page.set_input_files("input[type=file]", files=csv_file(SUPPLIERS))
    page.get_by_role("button", name="Screen the list").click()
    page.wait_for_url("**/screening/results/**")
    check_current_page(page, "screening: results")
    run = ScreeningRun.objects.get()
    assert run.link == link
    expect(page.get_by_role("heading", name="Screening results: suppliers.csv")).to_be_visible()
    expect(page.get_by_role("note").get_by_text("Leads to review, not findings")).to_be_visible()
    assert page.locator("ul.status-counts li").all_inner_texts() == [
        "Likely match: 1", "Possible match: 0", "No match: 1"
    ]  # fmt: skip

    table = page.get_by_role("table", name="Each supplier, in the order of the file")
    likely = table.get_by_role("row").filter(has_text="Example Xinjiang Cotton Company Limited")
    expect(likely.get_by_text("Likely match")).to_be_visible()
    expect(likely.get_by_text("Example Xinjiang Cotton Co. Ltd.")).to_be_visible()
    expect(likely.get_by_text("Legal designation: UFLPA Entity List")).to_be_visible()
    none = table.get_by_role("row").filter(has_text="Acme Buttons of Leicester")
    expect(none.get_by_text("No match")).to_be_visible()
    assert none.locator("td").nth(2).inner_text() == "–"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results (CSV)").click()
    assert download.value.suggested_filename == f"screening-{run.pk}.csv"
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0][:5] == ["row", "supplier name", "address", "country", "band"]
    assert rows[1][:5] == [
        "2", "Example Xinjiang Cotton Company Limited", "1 Example Road, Urumqi", "China",
        "Likely match",
    ]  # fmt: skip
    assert rows[1][6] == "Example Xinjiang Cotton Co. Ltd."
    assert rows[1][8:10] == ["UFLPA Entity List", "Legal designation"]
    assert rows[2][:5] == [
        "3", "Acme Buttons of Leicester", "2 High Street", "United Kingdom", "No match"
    ]  # fmt: skip
    assert rows[2][6] == ""
    assert len(rows) == 3

    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    check_page(page, url, status=410)
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    assert ScreeningRun.objects.count() == 1


def test_a_file_with_missing_columns_is_refused_naming_line_1(link, page):
    url = f"/screening/{link.token}/"
    check_page(page, url)
    page.set_input_files("input[type=file]", files=csv_file(b"supplier,country\nA,China\n"))
    with page.expect_response(f"**{url}") as response:
        page.get_by_role("button", name="Screen the list").click()
    assert response.value.status == 400

    message = "suppliers.csv, line 1: missing column(s): name, address."
    expect(page.get_by_role("alert").get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".error-message").get_by_text(message)).to_be_visible()
    check_current_page(page, "screening: missing columns", status=400)
    assert not ScreeningRun.objects.exists()


def test_asking_a_brand_to_commit_through_the_site_and_from_my_own_email(
    campaign, transactional_db, page, run_tasks
):
    import re

    from django.core import mail

    BrandFactory(name="Threadwell", slug="threadwell", contact_email="sourcing@threadwell.example")
    check_page(page, "/brands/threadwell/")
    page.get_by_role("link", name="Ask Threadwell to commit").click()
    page.wait_for_url("**/brands/threadwell/ask/")
    check_current_page(page, "brand letter: write")
    body = page.get_by_label("Your letter")
    assert body.input_value().startswith("Dear Threadwell,")
    body.fill(body.input_value().replace("[say why in your own words]", "I buy your jeans."))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/ask/send/")
    check_current_page(page, "brand letter: details")
    page.get_by_label("Full name", exact=True).fill("Ruth Cohen")
    page.get_by_label("Email address", exact=True).fill("ruth@example.org")
    page.get_by_label("Send it through this site").check()
    page.get_by_label("Pass my name, email address and letter to Threadwell").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/ask/check-your-email/")
    check_current_page(page, "brand letter: check your email")

    run_tasks()
    link = re.search(r"http://127\.0\.0\.1:8000(/letters/confirm/\S+/)", mail.outbox[-1].body)[1]
    check_page(page, link)
    page.get_by_role("button", name="Send my letter to Threadwell").click()
    expect(page.get_by_role("heading", name="Your letter is on its way")).to_be_visible()
    run_tasks()
    assert any("sourcing@threadwell.example" in m.to for m in mail.outbox)

    check_page(page, "/brands/threadwell/ask/")
    body = page.get_by_label("Your letter")
    body.fill(body.input_value().replace("[say why in your own words]", "I buy your jeans."))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name", exact=True).fill("Ruth Cohen")
    page.get_by_label("Send it from my own email").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/letters/*/")
    check_current_page(page, "brand letter: ready")
    href = page.get_by_role("link", name="Open it in my email program").get_attribute("href")
    assert href.startswith("mailto:sourcing@threadwell.example?subject=")


def accessibility_roles(page) -> list[str]:
    """The roles in Chromium's own accessibility tree: what a screen reader is given."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    return [node["role"]["value"] for node in tree if not node.get("ignored")]


@time_machine.travel(TUESDAY, tick=True)
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_tracker_fits_a_phone_and_stays_a_table(brands, page, width):
    page.set_viewport_size({"width": width, "height": 844})
    check_page(page, "/brands/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    roles = accessibility_roles(page)
    assert roles.count("table") == 1
    assert roles.count("row") == 6, "a header row and a row per brand"
    assert roles.count("columnheader") == 5 and roles.count("rowheader") == 5
    assert roles.count("cell") == 5 * 4

    alpha = page.locator("table.tracker tbody tr").first
    expect(alpha.get_by_role("link", name="Alpha Apparel")).to_be_visible()
    expect(alpha.get_by_text("Overdue by 30 days")).to_be_visible()
    if width < 640:  # each brand a block of its own, its cells labelled
        deadline = alpha.locator("td[data-label=Deadline]")
        label = deadline.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.startswith('"Deadline: "')
        box = alpha.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.get_by_role("link", name="Deadline (sort)").click()
    page.wait_for_url("**/brands/?status=&sector=&sort=deadline")
