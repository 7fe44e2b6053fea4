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


# An empty tracker


def test_an_empty_tracker_tells_supporters_the_brands_are_on_their_way(client, campaign):
    page = client.get("/brands/").content.decode()

    assert "The brands are on their way" in page
    assert '<a href="/write-to-your-mp/">write to your MP</a>' in page
    assert "How to start the tracker" not in page
    assert "/admin/" not in page
    assert 'class="status-counts"' not in page  # no row of zeros, no filters, no table
    assert 'id="filter-status"' not in page


def test_an_empty_tracker_shows_signed_in_organisers_how_to_start_it(organiser_client, campaign):
    page = organiser_client.get("/brands/").content.decode()

    assert "How to start the tracker" in page
    assert '<a href="/admin/brands/brand/import/">Import brands from a file</a>' in page
    assert '<a href="/admin/brands/brand/add/">add a brand by hand</a>' in page
    assert page.index("How to start the tracker") < page.index("What brands are asked to do")
    assert "The brands are on their way" in page  # and what supporters see, further down


def test_an_organiser_who_has_not_entered_a_code_is_not_shown_the_note(client, campaign):
    from actionhub.staff.tests.factories import OrganiserFactory

    client.force_login(OrganiserFactory(username="halfway"))  # password only, no code yet
    page = client.get("/brands/").content.decode()
    assert "How to start the tracker" not in page
    assert "The brands are on their way" in page


def test_an_organiser_without_the_permission_is_told_whom_to_ask(client, campaign):
    from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
    from actionhub.staff.tests.sessions import sign_in_with_code

    viewer = OrganiserFactory(username="viewer", is_superuser=False)
    sign_in_with_code(client, viewer, TOTPDeviceFactory(user=viewer))
    page = client.get("/brands/").content.decode()
    assert "How to start the tracker" in page
    assert "ask an organiser who manages the console" in page
    assert "/admin/brands/brand/import/" not in page


def test_the_note_goes_once_there_is_a_brand(organiser_client, campaign):
    BrandFactory(name="Alpha Apparel")
    page = organiser_client.get("/brands/").content.decode()
    assert "How to start the tracker" not in page
    assert 'class="status-counts"' in page
