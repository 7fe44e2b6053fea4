"""Importing in the console: upload, a preview that changes nothing, confirm; a preview kept in
the database for an hour, confirmed only as it was previewed; every bad file refused with its
lines and nothing changed."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionhub.brands.models import (
    Brand,
    EntityList,
    EntityListVersion,
    ListedEntity,
    PendingImport,
)
from actionhub.brands.operations import pending_imports_delete_expired
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.models import AuditEntry
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code

FIXTURES = Path(__file__).parent / "fixtures"
BRANDS_URL = "/admin/brands/brand/import/"
LISTS_URL = "/admin/brands/entitylist/import/"
GOOD = b"name,sector,country\nAlpha Apparel,Sportswear,United Kingdom\nBeta Bikes,Cycling,\n"


def upload(client, url, content: bytes, name="brands.csv", **fields):
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields})


def preview(client, content=GOOD, **kwargs):
    response = upload(client, BRANDS_URL, content, **kwargs)
    assert response.status_code == 303, response.content.decode()[:2000]
    return response["Location"]


def confirm(client, url):
    digest = PendingImport.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1]).digest
    return client.post(url, {"confirm": "", "digest": digest})


def page(response) -> str:
    return response.content.decode()


def test_the_import_page_explains_the_columns_and_offers_the_sample(organiser_client, campaign):
    text = page(organiser_client.get(BRANDS_URL))
    assert 'href="/static/brands/brands-sample.csv" download="brands-sample.csv"' in text
    for column in ("name", "sector", "country", "website", "contact_email"):
        assert f"<dt>{column}" in text
    assert "Import brands from a file" in page(organiser_client.get("/admin/brands/brand/"))


def test_a_preview_changes_nothing_and_confirming_imports_it(organiser_client, campaign):
    BrandFactory(name="Alpha Apparel", sector="Clothing", country="")

    url = preview(organiser_client)
    assert Brand.objects.count() == 1
    assert not AuditEntry.objects.filter(action="brands.imported").exists()
    shown = page(organiser_client.get(url))
    assert "Nothing has been imported yet." in shown
    assert "<dt>Rows read</dt><dd>2</dd>" in shown
    assert "<dt>Brands to add</dt><dd>1</dd>" in shown
    assert "<dt>Brands to update</dt><dd>1</dd>" in shown
    assert '<th scope="row">Beta Bikes</th>' in shown
    assert "<li>sector: Clothing → Sportswear</li>" in shown
    assert "<li>country: (empty) → United Kingdom</li>" in shown

    response = confirm(organiser_client, url)

    assert response.status_code == 303
    assert response["Location"] == "/admin/brands/brand/"
    assert "1 brand added, 1 updated and 0 unchanged, from brands.csv." in page(
        organiser_client.get(response["Location"])
    )
    assert Brand.objects.get(name="Alpha Apparel").sector == "Sportswear"
    assert Brand.objects.filter(name="Beta Bikes").exists()
    entry = AuditEntry.objects.get(action="brands.imported")
    assert entry.summary == "Imported brands.csv: 1 added, 1 updated, 0 unchanged"
    assert entry.actor.username == "organiser"
    assert not PendingImport.objects.exists()  # the kept file goes once it is imported


def test_confirming_twice_imports_once(organiser_client, campaign):
    url = preview(organiser_client)
    digest = PendingImport.objects.get().digest
    organiser_client.post(url, {"confirm": "", "digest": digest})

    again = organiser_client.post(url, {"confirm": "", "digest": digest})

    assert again["Location"] == BRANDS_URL
    assert "That preview is no longer kept" in page(organiser_client.get(BRANDS_URL))
    assert Brand.objects.count() == 2
    assert AuditEntry.objects.filter(action="brands.imported").count() == 1


def test_cancelling_imports_nothing_and_drops_the_file(organiser_client, campaign):
    url = preview(organiser_client)
    response = organiser_client.post(url, {"cancel": ""})
    assert response["Location"] == BRANDS_URL
    assert "Nothing was imported from brands.csv." in page(organiser_client.get(BRANDS_URL))
    assert not PendingImport.objects.exists()
    assert not Brand.objects.exists()


def test_data_changed_after_the_preview_is_said_and_previewed_again(organiser_client, campaign):
    BrandFactory(name="Alpha Apparel", sector="Clothing")
    url = preview(organiser_client)
    Brand.objects.filter(name="Alpha Apparel").update(sector="Outdoor")  # another organiser

    response = confirm(organiser_client, url)

    assert response["Location"] == url
    shown = page(organiser_client.get(url))
    assert "the data changed after your preview" in shown
    assert "<li>sector: Outdoor → Sportswear</li>" in shown  # the preview as things stand now
    assert Brand.objects.get(name="Alpha Apparel").sector == "Outdoor"
    assert not Brand.objects.filter(name="Beta Bikes").exists()

    confirm(organiser_client, url)  # checked again, and confirmed
    assert Brand.objects.get(name="Alpha Apparel").sector == "Sportswear"


def test_an_older_tab_cannot_confirm_a_preview_it_did_not_show(organiser_client, campaign):
    url = preview(organiser_client)
    old_digest = PendingImport.objects.get().digest
    PendingImport.objects.update(digest="0" * 64)  # the preview was refreshed in another tab

    response = organiser_client.post(url, {"confirm": "", "digest": old_digest})

    assert response["Location"] == url
    assert not Brand.objects.exists()


def test_a_new_upload_replaces_the_last_preview(organiser_client, campaign):
    first = preview(organiser_client)
    second = preview(organiser_client, b"name,sector\nGamma Garments,Clothing\n", name="other.csv")

    assert first != second
    assert PendingImport.objects.count() == 1
    gone = organiser_client.get(first)
    assert gone["Location"] == BRANDS_URL
    confirm(organiser_client, second)
    assert list(Brand.objects.values_list("name", flat=True)) == ["Gamma Garments"]


def test_a_preview_is_kept_an_hour(organiser_client, campaign):
    url = preview(organiser_client)
    pending = PendingImport.objects.get()
    assert pending.expires_at == pytest.approx(
        timezone.now() + timedelta(hours=1), abs=timedelta(minutes=1)
    )
    assert bytes(pending.data) == GOOD  # kept whole: at most the 10 MB an upload may be

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = confirm(organiser_client, url)
        assert response["Location"] == BRANDS_URL
        assert not Brand.objects.exists()
        assert pending_imports_delete_expired() == 1
    assert not PendingImport.objects.exists()


def test_a_preview_belongs_to_whoever_uploaded_it(organiser_client, client, campaign):
    url = preview(organiser_client)
    other = OrganiserFactory(username="other")
    sign_in_with_code(client, other, TOTPDeviceFactory(user=other))

    assert client.get(url)["Location"] == BRANDS_URL
    confirm(client, url)
    assert not Brand.objects.exists()
    assert PendingImport.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"title,sector\nA,B\n", "brands.csv", "brands.csv, line 1: missing column(s): name."),
        ("name,sector\nCaf\u00e9,B\n".encode("latin-1"), "brands.csv",
         "brands.csv, line 2: this is not UTF-8 text."),
        (b"%PDF-1.7", "brands.pdf", "brands.pdf: upload a CSV file or an Excel workbook (.xlsx)."),
        (b"name,sector\n" + b"\n" * 60_000, "brands.csv", "brands.csv has more than 50,000 rows"),
        (b"PK\x03\x04 broken", "brands.xlsx", "brands.xlsx is not an Excel workbook we can read"),
        (b"", "brands.csv", "The file is empty: choose the file with your brand list."),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_refused_on_the_upload_page(
    organiser_client, campaign, content, name, message
):
    response = upload(organiser_client, BRANDS_URL, content, name)

    assert response.status_code == 400
    text = page(response)
    assert message in text
    assert 'class="error-summary"' in text
    assert "<title>Error: " in text
    assert not PendingImport.objects.exists()
    assert not Brand.objects.exists()


def test_refused_rows_are_listed_with_their_lines_and_nothing_is_kept(organiser_client, campaign):
    content = b"name,sector,website\nGood,Clothing,\n,Clothing,\nBad,Cycling,not a link\n"

    response = upload(organiser_client, BRANDS_URL, content)

    assert response.status_code == 400
    text = page(response)
    assert "brands.csv: 2 lines cannot be imported, so nothing has been." in text
    assert "<tr><td>3</td><td>The name is empty</td></tr>" in text
    assert "<tr><td>4</td><td>Website: Enter a valid URL.</td></tr>" in text
    assert "<dt>Brands to add</dt><dd>1</dd>" in text  # what the rest would do, for checking
    assert "Upload the corrected file" in text
    assert not PendingImport.objects.exists()
    assert not Brand.objects.exists()


def test_a_file_over_10_mb_is_refused_before_it_is_read(organiser_client, campaign):
    content = b"name,sector\n" + b"A,B\n" * (10 * 1024 * 1024 // 4 + 1)
    response = upload(organiser_client, BRANDS_URL, content)
    assert response.status_code == 400
    assert "brands.csv is larger than 10 MB." in page(response)


def test_importing_needs_the_permission_to_add_and_change_brands(client, campaign):
    clerk = OrganiserFactory(username="clerk", is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_brand", "add_brand"]))
    sign_in_with_code(client, clerk, TOTPDeviceFactory(user=clerk))

    assert client.get(BRANDS_URL).status_code == 403
    assert upload(client, BRANDS_URL, GOOD).status_code == 403
    assert "Import brands from a file" not in page(client.get("/admin/brands/brand/"))
    assert client.get(LISTS_URL).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, campaign):
    response = client.get(BRANDS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")  # which sends them to sign in


# Entity lists


def test_an_entity_list_is_previewed_with_its_version_source_date_and_licence(
    organiser_client, campaign
):
    response = upload(
        organiser_client, LISTS_URL, (FIXTURES / "targets.simple.csv").read_bytes(),
        "targets.simple.csv", file_format="opensanctions", source="https://www.opensanctions.org/",
        source_date="2026-11-01", licence="", kind="",
    )  # fmt: skip
    assert response.status_code == 303, page(response)[:3000]
    shown = page(organiser_client.get(response["Location"]))

    assert "<dt>Rows read</dt><dd>5</dd>" in shown
    assert "<dt>Entities to list</dt><dd>4</dd>" in shown
    assert "<dt>Skipped: people and vessels</dt><dd>1</dd>" in shown
    assert "<dd>OpenSanctions targets.simple.csv</dd>" in shown
    assert "<dd>https://www.opensanctions.org/</dd>" in shown
    assert "<dd>1 November 2026</dd>" in shown
    assert "<dd>CC BY-NC 4.0 (OpenSanctions)</dd>" in shown
    assert "UFLPA Entity List (a new list)" in shown
    assert "<dd>Legal designation</dd>" in shown
    assert "A new version with 3 entities" in shown
    assert not EntityListVersion.objects.exists()

    response = confirm(organiser_client, response["Location"])

    assert response["Location"] == "/admin/brands/entitylist/"
    uflpa = EntityList.objects.get(slug="us_dhs_uflpa")
    assert uflpa.current.source == "https://www.opensanctions.org/"
    assert uflpa.current.source_date.isoformat() == "2026-11-01"
    assert uflpa.current.entity_count == 3
    assert ListedEntity.objects.filter(version__entity_list=uflpa).count() == 3
    listed = page(organiser_client.get("/admin/brands/entitylist/"))
    assert "Imported 30 November 2026, dated 1 November 2026" in listed
    entry = AuditEntry.objects.get(action="entity_lists.imported")
    assert entry.actor.username == "organiser"
    assert "UFLPA Entity List: 3 entities" in entry.summary


def test_our_csv_needs_a_licence_and_a_kind_for_a_new_list(organiser_client, campaign):
    data = (FIXTURES / "entities.csv").read_bytes()
    no_licence = upload(organiser_client, LISTS_URL, data, "entities.csv", file_format="csv")
    assert no_licence.status_code == 400
    assert "Say under which licence the list is published." in page(no_licence)

    no_kind = upload(organiser_client, LISTS_URL, data, "entities.csv", file_format="csv",
                     licence="CC BY 4.0")  # fmt: skip
    assert no_kind.status_code == 400
    assert "<td>The list &#x27;campaign-research&#x27; is new. Say whether" in page(no_kind)
    assert not PendingImport.objects.exists()

    chosen = upload(organiser_client, LISTS_URL, data, "entities.csv", file_format="csv",
                    licence="CC BY 4.0", kind="risk")  # fmt: skip
    assert chosen.status_code == 303
    confirm(organiser_client, chosen["Location"])
    assert EntityList.objects.get(slug="campaign-research").kind == EntityList.Kind.RISK


def test_an_existing_list_shows_the_version_the_import_replaces(organiser_client, campaign):
    from django.core.management import call_command

    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"),
                 format="opensanctions", date="2026-10-01")  # fmt: skip
    response = upload(organiser_client, LISTS_URL, (FIXTURES / "targets.simple.csv").read_bytes(),
                      "targets.simple.csv", file_format="opensanctions")  # fmt: skip
    shown = page(organiser_client.get(response["Location"]))
    assert "(a new list)" not in shown
    assert "dated 1 October 2026: 3 entities, CC BY-NC 4.0 (OpenSanctions)." in shown
    assert "the version before stays, for the record" in shown


def test_bad_entity_list_fields_are_refused_beside_the_field(organiser_client, campaign):
    response = upload(
        organiser_client, LISTS_URL, b"x", "list.csv", file_format="excel", source_date="the first of June",
        licence="CC\nBY",
    )  # fmt: skip
    text = page(response)
    assert response.status_code == 400
    assert "Select a valid choice." in text
    assert "Enter the list’s date as a date, like 2024-06-12." in text
    assert "The licence must be on one line" in text
    assert "Choose the file again: a browser does not keep it." in text
