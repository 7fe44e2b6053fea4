"""A large record's downloads are made by the task worker, then offered on the page while the
access lasts."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from actionhub.rights.exports import inventory_csv_zip
from actionhub.rights.inventory import person_inventory
from actionhub.rights.models import PreparedExport
from actionhub.rights.prepared import PREPARED_KEPT, prepared_exports_delete_expired
from actionhub.rights.tests.test_views import open_data
from actionhub.supporters.services import person_erase

pytestmark = pytest.mark.usefixtures("immediate_tasks")
PAGE = "/your-data/view/"


@pytest.fixture
def large(settings):
    settings.RIGHTS_EXPORT_IN_REQUEST_ITEMS = 3  # the "everything" record holds far more


def test_a_small_record_downloads_at_once(client, smtp, everything):
    open_data(client, smtp)
    response = client.get("/your-data/view/your-data.json")
    assert response["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert not PreparedExport.objects.exists()


def test_a_large_record_is_made_by_the_worker_then_offered_and_is_the_same_file(
    client, smtp, everything, large
):
    open_data(client, smtp)
    page = client.get(PAGE).content.decode()
    assert "Make it as JSON" in page and "All of it as JSON" not in page
    assert client.get("/your-data/view/your-data.json")["Location"] == PAGE + "#download"

    for path in ["/your-data/view/your-data.json", "/your-data/view/your-data-csv.zip"]:
        response = client.post(path)
        assert response.status_code == 303

    page = client.get(PAGE + "?saved=preparing").content.decode()
    assert "Your download is being made" in page
    json_export = PreparedExport.objects.get(kind=PreparedExport.Kind.JSON)
    csv_export = PreparedExport.objects.get(kind=PreparedExport.Kind.CSV)
    assert json_export.ready_at and csv_export.ready_at, "the worker made both"
    downloaded = client.get(f"/your-data/view/prepared/{json_export.pk}/")
    assert downloaded["Content-Type"] == "application/json"
    made, now = json.loads(downloaded.content), person_inventory(person=everything).as_dict()
    # The same, but for the downloads themselves: being made then, ready now.
    assert made["sections"][:-1] == now["sections"][:-1]
    zipped = zipfile.ZipFile(
        io.BytesIO(client.get(f"/your-data/view/prepared/{csv_export.pk}/").content)
    )
    assert zipped.read("01-you.csv") == zipfile.ZipFile(
        io.BytesIO(inventory_csv_zip(person_inventory(person=everything)))
    ).read("01-you.csv")
    assert f"/your-data/view/prepared/{json_export.pk}/" in client.get(PAGE).content.decode()


def test_asking_twice_while_it_is_being_made_makes_it_once(client, smtp, everything, large,
                                                         settings):  # fmt: skip
    open_data(client, smtp)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}  # fmt: skip
    client.post("/your-data/view/your-data.json")
    client.post("/your-data/view/your-data.json")

    [export] = PreparedExport.objects.all()
    assert export.ready_at is None
    assert "Your download as JSON: being made" in client.get(PAGE).content.decode()


def test_anothers_download_or_one_not_ready_is_not_given(client, smtp, everything, large):
    from actionhub.supporters.tests.factories import PersonFactory

    other = PreparedExport.objects.create(person=PersonFactory(), kind="json", content=b"{}",
                                          ready_at=timezone.now())  # fmt: skip
    open_data(client, smtp)

    response = client.get(f"/your-data/view/prepared/{other.pk}/")

    assert response.status_code == 303 and response["Location"] == PAGE + "#download"


def test_downloads_go_when_the_access_ends_and_with_the_person(everything):
    old = PreparedExport.objects.create(person=everything, kind="json", content=b"{}")
    with time_machine.travel(timezone.now() + PREPARED_KEPT + timedelta(minutes=1)):
        fresh = PreparedExport.objects.create(person=everything, kind="csv", content=b"")
        assert prepared_exports_delete_expired() == 1
    assert list(PreparedExport.objects.all()) == [fresh]
    assert old.pk != fresh.pk

    person_erase(person=everything)
    assert not PreparedExport.objects.exists()
