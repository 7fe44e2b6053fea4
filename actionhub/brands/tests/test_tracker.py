"""The public tracker: statuses from the dated timeline, deadlines, sorting and filtering."""

from datetime import date

import pytest
import time_machine

from actionhub.brands.models import Brand
from actionhub.brands.services import brand_status_record, evidence_add
from actionhub.brands.tests.factories import BrandFactory


def test_the_status_and_deadline_follow_the_timeline(campaign):
    brand = BrandFactory(name="Threadwell")
    brand_status_record(brand=brand, status=Brand.Status.ASKED, on=date(2026, 1, 10))
    brand_status_record(brand=brand, status=Brand.Status.COMMITTED, on=date(2026, 3, 31))

    brand.refresh_from_db()
    assert brand.status == Brand.Status.COMMITTED
    assert brand.deadline == date(2027, 3, 31)
    assert brand.days_left(date(2026, 12, 1)) == 120
    assert not brand.is_overdue(date(2027, 3, 31))
    assert brand.is_overdue(date(2027, 4, 1))

    brand_status_record(brand=brand, status=Brand.Status.MET, on=date(2027, 5, 1))
    brand.refresh_from_db()
    assert brand.status == Brand.Status.MET
    assert not brand.is_overdue(date(2027, 6, 1))  # met, late: no longer counting


def test_an_entry_dated_earlier_does_not_replace_the_latest_status(campaign):
    brand = BrandFactory()
    brand_status_record(brand=brand, status=Brand.Status.DECLINED, on=date(2026, 6, 1))
    brand_status_record(brand=brand, status=Brand.Status.ASKED, on=date(2026, 5, 1))
    brand.refresh_from_db()
    assert brand.status == Brand.Status.DECLINED


@pytest.fixture
def brands(campaign):
    alpha = BrandFactory(name="Alpha Apparel", slug="alpha", sector="Clothing")
    beta = BrandFactory(name="Beta Bikes", slug="beta", sector="Cycling")
    gamma = BrandFactory(name="Gamma Garments", slug="gamma", sector="Clothing")
    brand_status_record(brand=alpha, status=Brand.Status.COMMITTED, on=date(2025, 11, 1))
    brand_status_record(brand=beta, status=Brand.Status.COMMITTED, on=date(2026, 6, 1))
    brand_status_record(brand=gamma, status=Brand.Status.ASKED, on=date(2026, 9, 1))
    evidence_add(
        brand=alpha, on=date(2025, 11, 1), summary="Published its commitment.",
        source_url="https://alpha.example/commitment",
    )  # fmt: skip
    return alpha, beta, gamma


def rows(page: str) -> list[str]:
    body = page.split('<tbody role="rowgroup">', 1)[1].split("</tbody>", 1)[0]
    return [row.split("</a>", 1)[0].rsplit(">", 1)[1] for row in body.split('<tr role="row">')[1:]]


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_the_tracker_counts_sorts_filters_and_flags_overdue_brands(client, brands):
    page = client.get("/brands/").content.decode()

    assert "Committed: <strong>2</strong>" in page
    assert "Asked: <strong>1</strong>" in page
    assert "Met: <strong>0</strong>" in page
    assert rows(page) == ["Alpha Apparel", "Beta Bikes", "Gamma Garments"]
    assert "Overdue by 30 days" in page  # Alpha: committed 1 Nov 2025, due 1 Nov 2026
    assert "182 days left" in page  # Beta: due 1 June 2027

    by_deadline = client.get("/brands/?sort=deadline").content.decode()
    assert rows(by_deadline) == ["Alpha Apparel", "Beta Bikes", "Gamma Garments"]
    assert 'aria-sort="ascending"' in by_deadline
    latest_first = client.get("/brands/?sort=deadline&order=desc").content.decode()
    assert rows(latest_first) == ["Beta Bikes", "Alpha Apparel", "Gamma Garments"]

    assert rows(client.get("/brands/?sector=Clothing").content.decode()) == [
        "Alpha Apparel", "Gamma Garments"
    ]  # fmt: skip
    assert rows(client.get("/brands/?status=asked").content.decode()) == ["Gamma Garments"]
    nothing = client.get("/brands/?status=met").content.decode()
    assert "No brands match these choices." in nothing


def test_odd_query_strings_are_ignored(client, brands):
    page = client.get("/brands/?sort=drop+table&status=%3Cscript%3E&order=sideways")
    assert page.status_code == 200
    assert rows(page.content.decode()) == ["Alpha Apparel", "Beta Bikes", "Gamma Garments"]


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_a_brand_page_shows_its_timeline_and_evidence(client, brands):
    page = client.get("/brands/alpha/").content.decode()

    assert "Committed, since 1 November 2025" in page
    assert "1 November 2026 (twelve months from its commitment on 1 November 2025)" in page
    assert "overdue by 30 days" in page
    assert "Published its commitment." in page
    assert 'href="https://alpha.example/commitment"' in page
    assert client.get("/brands/no-such-brand/").status_code == 404


def test_organisers_import_in_the_admin(organiser_client, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("brands.csv", b"name,sector\nAlpha Apparel,Clothing\n")
    response = organiser_client.post("/admin/brands/brand/import/", {"file": upload})

    assert response.status_code == 302
    assert Brand.objects.get().name == "Alpha Apparel"
    bad = SimpleUploadedFile("brands.csv", b"title\nx\n")
    page = organiser_client.post("/admin/brands/brand/import/", {"file": bad})
    assert "missing column(s): name" in page.content.decode()


def test_a_timeline_edited_in_the_admin_sets_the_status(organiser_client, campaign):
    brand = BrandFactory(name="Alpha Apparel", slug="alpha")
    form = {
        "campaign": brand.campaign_id, "name": brand.name, "slug": brand.slug,
        "sector": brand.sector, "country": "", "website": "", "contact_email": "",
        "timeline-TOTAL_FORMS": "1", "timeline-INITIAL_FORMS": "0",
        "timeline-0-status": "committed", "timeline-0-on": "2026-03-31", "timeline-0-note": "",
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = organiser_client.post(f"/admin/brands/brand/{brand.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    brand.refresh_from_db()
    assert brand.status == Brand.Status.COMMITTED
    assert brand.committed_on == date(2026, 3, 31)
