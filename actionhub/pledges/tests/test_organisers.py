"""The organisers' tools for signatures, through the admin and the command line."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from actionhub.core.audit import search_fingerprint
from actionhub.core.models import AuditEntry
from actionhub.pledges.models import Signature
from actionhub.pledges.operations import spreadsheet_safe
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.supporters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/pledges/signature/"


def signature(pledge, **fields):
    person = PersonFactory(
        email=fields.pop("email", None) or f"p{Signature.objects.count()}@example.org",
        first_name=fields.pop("first_name", "Miriam"),
        last_name=fields.pop("last_name", "Cohen"),
    )
    return SignatureFactory(pledge=pledge, person=person, **fields)


def signed_in_client(client, user):
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def viewer(client):
    """A staff member who may view signatures, but not export or invalidate them."""
    user = OrganiserFactory(username="viewer", is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_signature"))
    return signed_in_client(client, user)


def test_organisers_list_and_filter_signatures(organiser_client, pledge):
    signature(pledge, source="shul", email="a@example.org")
    signature(pledge, source="school", status="pending", email="b@example.org")

    page = organiser_client.get(CHANGELIST, {"source": "shul"}).content.decode()
    assert "a@example.org" in page and "b@example.org" not in page
    page = organiser_client.get(CHANGELIST, {"status__exact": "pending"}).content.decode()
    assert "b@example.org" in page and "a@example.org" not in page


def test_each_search_is_written_to_the_audit_log(organiser_client, organiser, pledge):
    signature(pledge, email="dilnur@example.org")

    page = organiser_client.get(CHANGELIST, {"q": "dilnur"}).content.decode()

    assert "dilnur@example.org" in page
    entry = AuditEntry.objects.get(action="signatures.searched")
    assert entry.actor == organiser
    assert "dilnur" not in entry.summary, "the log never keeps what was searched for"
    assert search_fingerprint("Dilnur") in entry.summary


def test_viewing_one_signature_is_audited(organiser_client, pledge):
    one = signature(pledge)
    assert organiser_client.get(f"{CHANGELIST}{one.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="signature.viewed").exists()


def test_without_the_details_permission_the_list_shows_no_personal_data(viewer, pledge):
    one = signature(pledge, email="dilnur@example.org", first_name="Dilnur", postcode="NW3 7UX")

    page = viewer.get(CHANGELIST).content.decode()

    assert "dilnur@example.org" not in page and "Dilnur" not in page and "NW3 7UX" not in page
    assert 'name="q"' not in page, "no search: it would be by email address"
    assert viewer.get(CHANGELIST, {"q": "dilnur"}).content.decode().count("dilnur@") == 0
    assert viewer.get(f"{CHANGELIST}{one.pk}/change/").status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="signature").exists()


def test_with_the_details_permission_every_list_view_is_audited(client, pledge):
    user = OrganiserFactory(username="caseworker", is_superuser=False)
    for codename in ("view_signature", "view_signer_details"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    caseworker = signed_in_client(client, user)
    signature(pledge, email="dilnur@example.org", source="shul")

    first = caseworker.get(CHANGELIST).content.decode()
    caseworker.get(CHANGELIST, {"source": "shul", "q": "dilnur"})

    assert "dilnur@example.org" in first
    listed = AuditEntry.objects.filter(action="signatures.listed").order_by("pk")
    assert [entry.actor for entry in listed] == [user, user]
    assert "source=shul" in listed[1].summary and "dilnur" not in listed[1].summary
    assert AuditEntry.objects.filter(action="signatures.searched").count() == 1


def test_export_needs_the_export_permission(viewer, pledge):
    one = signature(pledge)
    page = viewer.get(CHANGELIST).content.decode()
    assert 'value="export_csv"' not in page and 'value="invalidate"' not in page
    response = viewer.post(CHANGELIST, {"action": "export_csv", "_selected_action": [one.pk]})
    assert not response.has_header("Content-Disposition")
    assert "text/csv" not in response["Content-Type"]
    assert not AuditEntry.objects.filter(action="signatures.exported").exists()


def test_the_export_is_safe_to_open_in_a_spreadsheet_and_audited(organiser_client, pledge):
    signature(pledge, first_name='=HYPERLINK("http://evil.example")', last_name="+1", source="-x")
    signature(pledge, status="pending")
    ids = list(Signature.objects.values_list("pk", flat=True))
    assert 'value="export_csv"' in organiser_client.get(CHANGELIST).content.decode()

    response = organiser_client.post(
        CHANGELIST,
        {"action": "export_csv", "index": "0", "_selected_action": ids, "confirm": "yes",
         "reason": "For the MP's office"},
    )  # fmt: skip

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1, "only confirmed signers"
    assert rows[0]["first_name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["last_name"] == "'+1" and rows[0]["source"] == "'-x"
    summary = AuditEntry.objects.get(action="signatures.exported").summary
    assert "1 confirmed signer" in summary and "For the MP's office" in summary


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Miriam", "Miriam"),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_invalidated_signatures_leave_the_count(organiser_client, client, pledge):
    bad = [signature(pledge, source="spam") for _ in range(3)]
    signature(pledge)

    organiser_client.post(
        CHANGELIST,
        {"action": "invalidate", "index": "0", "_selected_action": [s.pk for s in bad],
         "confirm": "yes", "reason": "A bot"},
    )  # fmt: skip

    assert Signature.objects.filter(status="invalidated").count() == 3
    assert (
        "Invalidated 3 signatures"
        in AuditEntry.objects.get(action="signatures.invalidated").summary
    )
    assert organiser_client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--ip", "203.0.113.9"], {"by-ip"}),
        (["--email-domain", "spam.example"], {"by-domain"}),
        (["--source", "bot-farm"], {"by-source"}),
        (["--since", "2026-11-30T10:00", "--until", "2026-11-30T11:00"], {"in-window"}),
    ],
)
def test_the_invalidate_command_by_ip_domain_source_and_time(pledge, options, expected):
    window = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 30))
    made = {
        "by-ip": signature(pledge, ip_address="203.0.113.9"),
        "by-domain": signature(pledge, email="x@spam.example"),
        "by-source": signature(pledge, source="bot-farm"),
        "in-window": signature(pledge),
        "innocent": signature(pledge),
    }
    Signature.objects.filter(pk=made["in-window"].pk).update(created_at=window)
    Signature.objects.exclude(pk=made["in-window"].pk).update(created_at=window - timedelta(days=1))

    dry = StringIO()
    call_command("invalidate_signatures", *options, stdout=dry)
    matched = f"{len(expected)} signature{'' if len(expected) == 1 else 's'} match"
    assert matched in dry.getvalue()
    assert not Signature.objects.filter(status="invalidated").exists()

    call_command("invalidate_signatures", *options, "--yes", stdout=StringIO())

    invalidated = {
        name for name, s in made.items() if Signature.objects.get(pk=s.pk).status == "invalidated"
    }
    assert invalidated == expected


def test_the_invalidate_command_refuses_to_act_on_everything(pledge):
    with pytest.raises(CommandError, match="Give at least one of"):
        call_command("invalidate_signatures", "--yes")
    with pytest.raises(CommandError, match="is not a date or time"):
        call_command("invalidate_signatures", "--since", "yesterday")


def test_releasing_a_quarantined_signature_sends_its_confirmation(
    organiser_client, pledge, immediate_tasks
):
    held = signature(pledge, status="quarantined")
    organiser_client.post(CHANGELIST, {"action": "release", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == "pending"
    [message] = mail.outbox
    assert message.subject.startswith("Confirm your signature")


def test_the_report_counts_by_source_and_day(organiser_client, pledge):
    for source in ["shul", "shul", "school", ""]:
        one = signature(pledge, source=source)
        Signature.objects.filter(pk=one.pk).update(confirmed_at=timezone.now())
    signature(pledge, source="shul", status="pending")

    page = organiser_client.get(f"{CHANGELIST}report/").content.decode()

    assert f"{pledge.title}: 4 confirmed" in page
    assert "<td>shul</td><td>2</td>" in page
    assert "<td>school</td><td>1</td>" in page
    assert "<td>(no source)</td><td>1</td>" in page
    assert f"<td>{timezone.localdate():%a %-d %b %Y}</td><td>4</td>" in page


def test_the_report_needs_permission(client, pledge):
    nobody = OrganiserFactory(username="nobody", is_superuser=False)
    response = signed_in_client(client, nobody).get(f"{CHANGELIST}report/")
    assert response.status_code == 403


def test_searching_by_domain_finds_only_that_domain(organiser_client, pledge):
    signature(pledge, email="a@spam.example")
    signature(pledge, email="b@spam.example.org")
    page = organiser_client.get(CHANGELIST, {"q": "@spam.example"}).content.decode()
    assert "a@spam.example" in page and "b@spam.example.org" not in page


def test_invalidation_from_a_search_keeps_the_search_out_of_the_log(organiser_client, pledge):
    one = signature(pledge, email="target@example.org")
    organiser_client.post(
        f"{CHANGELIST}?q=target%40example.org&status__exact=confirmed",
        {"action": "invalidate", "index": "0", "_selected_action": [one.pk], "confirm": "yes",
         "reason": "Asked to"},
    )  # fmt: skip
    summary = AuditEntry.objects.get(action="signatures.invalidated").summary
    assert "target" not in summary and "status__exact=confirmed" in summary
