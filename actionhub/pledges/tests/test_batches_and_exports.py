"""Taking signatures out of the count and putting them back; exports with a reason, and large
ones with a second organiser's approval."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actionhub.core.models import AuditEntry
from actionhub.pledges import operations
from actionhub.pledges.models import ExportRequest, InvalidationBatch, Signature
from actionhub.pledges.operations import (
    export_request_decide,
    invalidation_batch_restore,
    signatures_invalidate,
)
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.roles import DATA_PROTECTION_LEAD, roles_ensure
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/pledges/signature/"
BATCHES = "/admin/pledges/invalidationbatch/"
REQUESTS = "/admin/pledges/exportrequest/"


def signatures(pledge, count, **fields):
    return [SignatureFactory(pledge=pledge, **fields) for _ in range(count)]


def count_json(client, pledge):
    return client.get(f"/pledge/{pledge.slug}/count.json").json()["count"]


def action(client, name, chosen, url=CHANGELIST, **data):
    return client.post(
        url, {"action": name, "index": "0", "_selected_action": [s.pk for s in chosen], **data}
    )


# Taking out of the count, and putting back


def test_invalidating_first_shows_how_many_and_asks_why(organiser_client, pledge):
    chosen = signatures(pledge, 3)
    page = action(organiser_client, "invalidate", chosen)
    assert page.status_code == 200
    assert "Take 3 signatures out of the count" in page.content.decode()
    assert not Signature.objects.filter(status="invalidated").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_invalidating_without_a_reason_is_refused_with_a_clear_error(
    organiser_client, pledge, reason
):
    chosen = signatures(pledge, 2)
    page = action(organiser_client, "invalidate", chosen, confirm="yes", reason=reason)
    assert page.status_code == 400
    assert "Enter a reason" in page.content.decode()
    assert not Signature.objects.filter(status="invalidated").exists()
    assert not InvalidationBatch.objects.exists()


def test_invalidating_then_restoring_moves_the_public_count(
    organiser_client, client, pledge, django_capture_on_commit_callbacks
):
    bad = signatures(pledge, 3, source="spam") + signatures(pledge, 1, status="pending")
    signatures(pledge, 2)
    assert count_json(client, pledge) == 5  # cached from now on

    with django_capture_on_commit_callbacks(execute=True):
        action(organiser_client, "invalidate", bad, confirm="yes", reason="A bot farm")
    assert count_json(client, pledge) == 2
    batch = InvalidationBatch.objects.get()
    assert batch.items.count() == 4 and batch.actor.username == "organiser"
    assert "A bot farm" in batch.reason
    assert "Invalidated 4 signatures: A bot farm" in (
        AuditEntry.objects.get(action="signatures.invalidated").summary
    )
    listing = organiser_client.get(BATCHES).content.decode()
    assert "Out of the count" in listing and "Restore" in listing

    restore = reverse("admin:pledges_invalidationbatch_restore", args=[batch.pk])
    page = organiser_client.get(restore).content.decode()
    assert "Put back 4 signatures" in page and "A bot farm" in page
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(restore, {"confirm": "yes"})

    assert count_json(client, pledge) == 5
    assert Signature.objects.filter(status="pending").count() == 1, "back as they were"
    assert "Put back 4 signatures" in AuditEntry.objects.get(action="signatures.restored").summary
    batch.refresh_from_db()
    assert batch.restored_at is not None and batch.restored_by.username == "organiser"
    assert "Restored" in organiser_client.get(BATCHES).content.decode()


def test_restoring_leaves_alone_what_changed_since_and_happens_once(organiser, pledge):
    chosen = signatures(pledge, 2)
    batch = signatures_invalidate(
        actor=organiser, signatures=Signature.objects.all(), reason="Test"
    )
    Signature.objects.filter(pk=chosen[0].pk).update(status="pending")

    assert invalidation_batch_restore(actor=organiser, batch=batch) == 1
    with pytest.raises(ValidationError, match="already been put back"):
        invalidation_batch_restore(actor=organiser, batch=batch)
    assert Signature.objects.get(pk=chosen[0].pk).status == "pending"


def test_signatures_already_invalidated_are_not_in_a_new_batch(organiser, pledge):
    signatures(pledge, 1, status="invalidated")
    signatures(pledge, 1)
    batch = signatures_invalidate(actor=organiser, signatures=Signature.objects.all(), reason="X")
    assert batch.changed == 1 and batch.items.get().previous_status == "confirmed"


def test_the_command_line_invalidation_is_a_batch_too(pledge):
    signatures(pledge, 2, source="bot-farm")
    call_command("invalidate_signatures", "--source", "bot-farm", "--yes", stdout=StringIO())
    batch = InvalidationBatch.objects.get()
    assert batch.items.count() == 2
    assert batch.actor_label == "manage.py invalidate_signatures"
    assert "source=bot-farm" in batch.reason


def test_restoring_needs_the_permission(pledge):
    batch = signatures_invalidate(actor=None, signatures=Signature.objects.all(), reason="X")
    someone = OrganiserFactory(username="someone", is_superuser=False)
    with pytest.raises(PermissionDenied):
        invalidation_batch_restore(actor=someone, batch=batch)


# Exports


def lead(client, username):
    user = OrganiserFactory(username=username, is_superuser=False)
    user.groups.add(roles_ensure()[DATA_PROTECTION_LEAD])
    return sign_in_with_code(client, user, TOTPDeviceFactory(user=user)), user


@pytest.fixture
def many(pledge):
    return signatures(pledge, 101)


def export(client, chosen, **data):
    return action(client, "export_csv", chosen, **data)


def rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_an_export_needs_a_reason(organiser_client, pledge, reason):
    chosen = signatures(pledge, 2)
    page = export(organiser_client, chosen)
    assert page.status_code == 200 and "Export 2 signers" in page.content.decode()
    page = export(organiser_client, chosen, confirm="yes", reason=reason)
    assert page.status_code == 400 and "Enter a reason" in page.content.decode()
    assert not AuditEntry.objects.filter(action="signatures.exported").exists()


def test_a_small_export_is_direct_with_its_reason_and_count_in_the_log(client, pledge):
    chosen = signatures(pledge, 100)
    first, _ = lead(client, "first")
    lead(type(client)(), "second")
    response = export(first, chosen, confirm="yes", reason="For the MP")
    assert len(rows(response)) == 100
    summary = AuditEntry.objects.get(action="signatures.exported").summary
    assert "100 confirmed signers" in summary and "For the MP" in summary


def test_a_large_export_with_two_exporters_needs_approval_then_downloads_once(
    client, pledge, many, monkeypatch
):
    monkeypatch.setattr(operations, "CHUNK", 7)  # read back in several pieces
    requester, _ = lead(client, "first")
    approver, _ = lead(type(client)(), "second")

    page = export(requester, many)
    assert "another organiser must approve it" in page.content.decode()
    response = export(requester, many, confirm="yes", reason="Hand-in at Downing Street")
    export_request = ExportRequest.objects.get()
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert export_request.count == 101 and export_request.status == "pending"
    lifetime = export_request.expires_at - export_request.created_at
    assert abs(lifetime - timedelta(hours=24)) < timedelta(seconds=1)

    assert "Waiting for another organiser" in requester.get(REQUESTS).content.decode()
    assert "Approve or refuse" in approver.get(REQUESTS).content.decode()
    download = reverse("admin:pledges_exportrequest_download", args=[export_request.pk])
    assert requester.post(download, {"confirm": "yes"}).status_code == 303, "not yet approved"
    decide = reverse("admin:pledges_exportrequest_decide", args=[export_request.pk])
    assert requester.get(decide).status_code == 403, "not by the one who asked"
    assert requester.post(decide, {"confirm": "yes", "decision": "approve"}).status_code == 403
    assert "Hand-in at Downing Street" in approver.get(decide).content.decode()
    approver.post(decide, {"confirm": "yes", "decision": "approve"})
    export_request.refresh_from_db()
    assert export_request.status == "approved" and export_request.approver.username == "second"

    assert approver.get(download).status_code == 403, "only the one who asked downloads"
    assert "Waiting for its download" in approver.get(REQUESTS).content.decode()
    assert requester.get(download).status_code == 200
    assert len(rows(requester.post(download, {"confirm": "yes"}))) == 101
    again = requester.post(download, {"confirm": "yes"})
    assert not again.has_header("Content-Disposition"), "once only"
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == [
        "signatures.export_requested", "signatures.export_approved", "signatures.exported"
    ]  # fmt: skip


def test_self_approval_is_refused(pledge, many):
    asker = OrganiserFactory(username="asker")
    OrganiserFactory(username="second")
    export_request = ExportRequest.objects.create(
        requester=asker, reason="x", count=101, expires_at=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(PermissionDenied, match="Another organiser"):
        export_request_decide(actor=asker, export_request=export_request, approve=True)


def test_a_refused_or_expired_request_cannot_be_downloaded(client, pledge, many):
    requester, _ = lead(client, "first")
    approver, _ = lead(type(client)(), "second")
    export(requester, many, confirm="yes", reason="Hand-in")
    export_request = ExportRequest.objects.get()
    decide = reverse("admin:pledges_exportrequest_decide", args=[export_request.pk])
    approver.post(decide, {"confirm": "yes", "decision": "refuse"})
    download = reverse("admin:pledges_exportrequest_download", args=[export_request.pk])
    assert not requester.post(download, {"confirm": "yes"}).has_header("Content-Disposition")

    export(requester, many, confirm="yes", reason="Hand-in again")
    second = ExportRequest.objects.latest("id")
    approver.post(
        reverse("admin:pledges_exportrequest_decide", args=[second.pk]),
        {"confirm": "yes", "decision": "approve"},
    )
    download = reverse("admin:pledges_exportrequest_download", args=[second.pk])
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        sign_in_with_code(requester, second.requester, TOTPDeviceFactory(user=second.requester))
        response = requester.post(download, {"confirm": "yes"}, follow=True)
    assert not response.has_header("Content-Disposition")
    assert "expired" in response.content.decode()


def test_with_the_setting_off_a_large_export_is_direct(client, pledge, many, settings):
    settings.EXPORT_NEEDS_SECOND_APPROVAL = False
    requester, _ = lead(client, "first")
    lead(type(client)(), "second")
    response = export(requester, many, confirm="yes", reason="Hand-in")
    assert len(rows(response)) == 101
    assert ExportRequest.objects.get().status == "downloaded", "kept, as every export is"


def test_with_one_exporter_a_large_export_is_direct_with_its_reason(client, pledge, many):
    requester, _ = lead(client, "alone")
    response = export(requester, many, confirm="yes", reason="Hand-in")
    assert len(rows(response)) == 101
    assert "Hand-in" in AuditEntry.objects.get(action="signatures.exported").summary
    assert ExportRequest.objects.get().approver is None


def test_a_large_list_taken_a_page_at_a_time_still_needs_a_second_organiser(client, pledge):
    first, user = lead(client, "first")
    lead(type(client)(), "second")
    pages = [signatures(pledge, 60), signatures(pledge, 60)]
    assert len(rows(export(first, pages[0], confirm="yes", reason="Hand-in"))) == 60
    page = export(first, pages[1])
    assert "With the 60 signers you exported in the last 24 hours" in page.content.decode()
    response = export(first, pages[1], confirm="yes", reason="Hand-in, the rest")
    assert not response.has_header("Content-Disposition")
    assert ExportRequest.objects.latest("id").status == "pending"
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        sign_in_with_code(first, user, TOTPDeviceFactory(user=user))
        assert len(rows(export(first, pages[1], confirm="yes", reason="Next day"))) == 60


def test_the_log_says_which_signers_left_in_a_direct_export(client, pledge):
    first, _ = lead(client, "alone")
    chosen = signatures(pledge, 3)
    export(first, chosen, confirm="yes", reason="For the MP")
    summary = AuditEntry.objects.get(action="signatures.exported").summary
    assert "those ticked" in summary
    assert ExportRequest.objects.get().signature_ids == sorted(s.pk for s in chosen)


def test_inactive_or_non_staff_accounts_are_not_second_exporters(client, pledge, many):
    requester, _ = lead(client, "first")
    OrganiserFactory(username="gone", is_active=False)
    OrganiserFactory(username="not-staff", is_staff=False)
    response = export(requester, many, confirm="yes", reason="Hand-in")
    assert len(rows(response)) == 101


@pytest.mark.parametrize("decision", ["", "maybe", None])
def test_a_decision_that_is_neither_approve_nor_refuse_changes_nothing(
    client, pledge, many, decision
):
    requester, _ = lead(client, "first")
    approver, _ = lead(type(client)(), "second")
    export(requester, many, confirm="yes", reason="Hand-in")
    export_request = ExportRequest.objects.get()
    decide = reverse("admin:pledges_exportrequest_decide", args=[export_request.pk])
    data = {"confirm": "yes"} | ({} if decision is None else {"decision": decision})
    assert approver.post(decide, data).status_code == 200
    export_request.refresh_from_db()
    assert export_request.status == "pending" and export_request.approver is None


def test_invalidating_every_signature_the_filters_show_across_pages(
    organiser_client, pledge, django_capture_on_commit_callbacks
):
    on_the_page = signatures(pledge, 3, source="spam")[0]  # the rest as if on later pages
    signatures(pledge, 2, source="shul")
    url = f"{CHANGELIST}?source=spam"
    chosen = {"action": "invalidate", "index": "0", "select_across": "1",
              "_selected_action": [on_the_page.pk]}  # fmt: skip
    text = organiser_client.post(url, chosen).content.decode()
    assert "Take 3 signatures out of the count" in text
    assert 'name="select_across" value="1"' in text
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {**chosen, "confirm": "yes", "reason": "Spam source"})
    assert set(Signature.objects.filter(status="invalidated").values_list("source", flat=True)) == {
        "spam"
    }
    assert Signature.objects.filter(status="confirmed").count() == 2


def test_restoring_asks_first_and_a_restored_batch_cannot_be_restored_again(
    organiser_client, pledge
):
    signatures(pledge, 2)
    batch = signatures_invalidate(actor=None, signatures=Signature.objects.all(), reason="X")
    restore = reverse("admin:pledges_invalidationbatch_restore", args=[batch.pk])
    organiser_client.post(restore)  # no confirmation: only the page again
    assert Signature.objects.filter(status="invalidated").count() == 2
    organiser_client.post(restore, {"confirm": "yes"})
    again = organiser_client.post(restore, {"confirm": "yes"}, follow=True)
    assert "already been put back" in again.content.decode()
    assert AuditEntry.objects.filter(action="signatures.restored").count() == 1


def test_a_search_for_an_address_stays_out_of_the_export_log(client, pledge):
    first, _ = lead(client, "alone")
    chosen = signatures(pledge, 1, email_normalised="miriam@example.org")
    action(first, "export_csv", chosen, url=CHANGELIST + "?q=miriam%40example.org&status__exact=confirmed",
           confirm="yes", reason="For the MP")  # fmt: skip
    summary = AuditEntry.objects.get(action="signatures.exported").summary
    assert "status__exact=confirmed" in summary and "miriam" not in summary
