"""The list of addresses no email goes to: an address that bounced for good, or whose owner
reported us as spam, gets no email after its owner is erased either, though the list no longer
holds the address. Tested against a real SMTP server (aiosmtpd)."""

import importlib
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from actionhub.campaigns.models import Pledge
from actionhub.core.email import address_suppress, email_erase_for, email_send
from actionhub.core.models import (
    AuditEntry,
    OutboundEmail,
    SuppressedAddress,
    suppressed_address_hash,
)
from actionhub.pledges.tests.conftest import FORM
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_erase
from actionhub.supporters.tests.factories import PersonFactory

ADDRESS = "dilnur.abdulla@example.org"
BOUNCE = f"550 5.1.1 <{ADDRESS}>: no such user"
BEFORE, AFTER = "0006_suppressedaddress_outboundemail_html", "0007_suppressedaddress_address_hash"


@pytest.fixture(autouse=True)
def _no_minimum_form_time(settings):
    settings.PLEDGE_MIN_FORM_SECONDS = 0


def sign(client, email):
    """Fill in and send the pledge form as anyone can, with any address."""
    pledge = Pledge.objects.get()
    page = client.get(f"/pledge/{pledge.slug}/").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page)[1]
    response = client.post(f"/pledge/{pledge.slug}/", {**FORM, "email": email,
                                                      "started": started, "source": ""})  # fmt: skip
    assert response.status_code in (200, 302, 303)


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def erase_link_in(message) -> str:
    return re.search(r"Withdraw and erase your details: http://127\.0\.0\.1:8000(\S+)",
                     body_of(message))[1]  # fmt: skip


def erased_after_suppression(reason, **person) -> None:
    someone = PersonFactory(email=ADDRESS, email_normalised=ADDRESS, **person)
    address_suppress(address=ADDRESS, reason=reason, detail=BOUNCE)
    person_erase(person=someone)


@pytest.mark.parametrize("reason", SuppressedAddress.Reason.values)
def test_an_erased_supporter_who_bounced_or_complained_gets_nothing_when_the_address_signs_again(
    smtp, run_tasks, campaign, reason
):
    sign(Client(), ADDRESS)
    run_tasks()
    [confirmation] = smtp.to(ADDRESS)
    address_suppress(address=ADDRESS, reason=reason, detail=BOUNCE)  # then bounced, or complained
    erase = erase_link_in(confirmation)
    owner = Client()
    owner.get(erase)
    owner.post(erase)  # erased with the link in the email, as they would
    assert not Person.objects.exists(), "erased"
    smtp.messages.clear()

    sign(Client(), ADDRESS.upper())  # typed again, by anyone, in any case
    sign(Client(), "someone.else@example.org")
    run_tasks()

    assert [message["To"] for message in smtp.messages] == ["someone.else@example.org"]
    assert not OutboundEmail.objects.filter(to__icontains="dilnur").exists(), "dropped, not kept"


def test_after_erasure_an_email_to_the_address_goes_only_to_the_others(smtp, run_tasks):
    erased_after_suppression(SuppressedAddress.Reason.COMPLAINED)

    with transaction.atomic():
        email_send(to=["Dilnur.Abdulla@Example.ORG", "organisers@example.org"],
                   subject="Hello", body="Any email, from anywhere on the site.")  # fmt: skip
        email_send(to=[f" {ADDRESS} "], subject="Confirm", body="A link")
    run_tasks()

    assert [message["To"] for message in smtp.messages] == ["organisers@example.org"]
    assert not OutboundEmail.objects.exists()


def test_after_erasure_the_mailbox_gets_nothing_however_its_address_is_written(smtp, run_tasks):
    gmail = "dilnur.abdulla@gmail.com"
    someone = PersonFactory(email=gmail, email_normalised="dilnurabdulla@gmail.com")
    address_suppress(address=gmail, reason=SuppressedAddress.Reason.COMPLAINED)
    person_erase(person=someone)

    with transaction.atomic():
        for written in ["DilnurAbdulla@gmail.com", "dilnur.abdulla+pledge@googlemail.com",
                        "ｄｉｌｎｕｒａｂｄｕｌｌａ@gmail.com", "dilnur.abdulla@example.org"]:  # fmt: skip
            email_send(to=[written], subject="Hello", body="…")
    run_tasks()

    assert [message["To"] for message in smtp.messages] == ["dilnur.abdulla@example.org"]


def test_after_erasure_the_entry_keeps_why_and_a_keyed_hash_but_not_the_address(db):
    erased_after_suppression(SuppressedAddress.Reason.BOUNCED)

    entry = SuppressedAddress.objects.get()
    assert (entry.address, entry.detail) == ("", ""), "the mail server's answer quoted it"
    assert entry.reason == SuppressedAddress.Reason.BOUNCED
    assert entry.address_hash == suppressed_address_hash("Dilnur.Abdulla@EXAMPLE.org")
    assert ADDRESS not in entry.address_hash and "dilnur" not in str(entry)
    assert entry.is_erased


def test_the_hash_is_keyed_by_the_site_s_secret(settings):
    mine = suppressed_address_hash(ADDRESS)
    assert len(mine) == 64 and mine == suppressed_address_hash(f"  {ADDRESS.upper()}")
    settings.SECRET_KEY = "another-site's-key"
    assert suppressed_address_hash(ADDRESS) != mine, "of no use without the key"


def test_suppressing_an_erased_address_again_keeps_its_one_entry_without_the_address(db):
    erased_after_suppression(SuppressedAddress.Reason.COMPLAINED)

    again = address_suppress(address=ADDRESS.upper(), reason=SuppressedAddress.Reason.BOUNCED,
                             detail=BOUNCE)  # fmt: skip
    email_erase_for(address=ADDRESS)  # an erasure finding the entry erased already

    assert list(SuppressedAddress.objects.all()) == [again]
    again.refresh_from_db()
    assert (again.address, again.detail, again.reason) == ("", "", "complained")


def test_an_entry_made_under_an_earlier_secret_key_is_still_honoured_and_erased(
    settings, smtp, run_tasks
):
    address_suppress(address=ADDRESS, reason=SuppressedAddress.Reason.COMPLAINED)
    settings.SECRET_KEY = "a-new-key-after-a-rotation"

    with transaction.atomic():
        email_send(to=[ADDRESS], subject="Hello", body="…")
    run_tasks()
    assert smtp.messages == [], "found by the address it still holds"
    email_erase_for(address=ADDRESS)
    entry = SuppressedAddress.objects.get()
    assert (entry.address, entry.address_hash) == ("", suppressed_address_hash(ADDRESS))


def test_the_admin_shows_an_erased_entry_without_its_address_and_finds_it_by_the_address(
    organiser_client,
):
    erased_after_suppression(SuppressedAddress.Reason.COMPLAINED)
    kept = address_suppress(address="kept@example.org", reason=SuppressedAddress.Reason.BOUNCED)

    found = organiser_client.get("/admin/core/suppressedaddress/", {"q": ADDRESS.title()})
    listed = organiser_client.get("/admin/core/suppressedaddress/").content.decode()

    page = found.content.decode()
    assert found.status_code == 200
    assert "(erased: kept as a keyed hash)" in page and "Reported as spam" in page
    assert "kept@example.org" not in page, "only the entry searched for"
    assert "kept@example.org" in listed and "(erased: kept as a keyed hash)" in listed
    assert (
        kept.address
        in organiser_client.get(
            "/admin/core/suppressedaddress/", {"q": "KEPT@example.org"}
        ).content.decode()
    )


def test_taking_an_erased_entry_off_the_list_in_the_admin_audits_no_address(organiser_client):
    from actionhub.core.models import AuditEntry

    erased_after_suppression(SuppressedAddress.Reason.COMPLAINED)
    entry = SuppressedAddress.objects.get()

    organiser_client.post(f"/admin/core/suppressedaddress/{entry.pk}/delete/", {"post": "yes"})

    assert not SuppressedAddress.objects.exists()
    [deleted] = AuditEntry.objects.filter(action="content.deleted")
    assert "dilnur" not in deleted.summary.casefold()


# The migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_entry_its_keyed_hash_and_can_be_undone(smtp, run_tasks):
    executor = MigrationExecutor(connection)
    executor.migrate([("core", BEFORE)])
    try:
        old = executor.loader.project_state([("core", BEFORE)]).apps
        Old = old.get_model("core", "SuppressedAddress")
        Old.objects.create(address=ADDRESS, reason="complained", detail=BOUNCE)
        Old.objects.create(address="gone@example.org", reason="bounced")
        Old.objects.create(address="ruth.cohen@gmail.com", reason="bounced")
        Old.objects.create(address="ruthcohen+news@gmail.com", reason="complained")

        MigrationExecutor(connection).migrate([("core", AFTER)])

        entries = {entry.address: entry for entry in SuppressedAddress.objects.all()}
        assert {address: entry.address_hash for address, entry in entries.items()} == {
            ADDRESS: suppressed_address_hash(ADDRESS),
            "gone@example.org": suppressed_address_hash("gone@example.org"),
            "ruth.cohen@gmail.com": suppressed_address_hash("ruthcohen@gmail.com"),
        }, "one mailbox, one entry: the earliest"
        assert entries["ruth.cohen@gmail.com"].reason == "complained", "the objection is kept"
        email_erase_for(address=ADDRESS)
        with transaction.atomic():
            email_send(to=[ADDRESS, "gone@example.org"], subject="Hello", body="…")
        run_tasks()
        assert smtp.messages == [], "honoured by the hash the migration made"

        MigrationExecutor(connection).migrate([("core", BEFORE)])  # back again
        old = MigrationExecutor(connection).loader.project_state([("core", BEFORE)]).apps
        remaining = old.get_model("core", "SuppressedAddress").objects.all()
        assert sorted(remaining.values_list("address", flat=True)) == [
            "gone@example.org",
            "ruth.cohen@gmail.com",
        ], "the old list cannot hold an entry without its address"
    finally:
        call_command("migrate", verbosity=0)


def test_the_logs_name_an_entry_by_its_number_not_its_address_once_migrated(db):
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entry = address_suppress(address=ADDRESS, reason=SuppressedAddress.Reason.COMPLAINED)
    audited = AuditEntry.objects.create(
        action="content.deleted", object_type="core.suppressedaddress", object_id=str(entry.pk),
        summary=f"{ADDRESS} (Reported as spam)",
    )  # fmt: skip
    other = AuditEntry.objects.create(action="content.deleted", object_type="pledges.signature",
                                      object_id="1", summary=f"{ADDRESS} (kept)")  # fmt: skip
    logged = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(SuppressedAddress), object_id=entry.pk,
        object_repr=f"{ADDRESS} (Reported as spam)", action_flag=3,
        user=OrganiserFactory(username="lead"),
    )  # fmt: skip
    migration = importlib.import_module(
        "actionhub.core.migrations.0008_suppressed_address_names_in_logs"
    )

    as_then = MigrationLoader(connection).project_state(("core", migration.__name__.split(".")[-1]))

    # (the application never changes an audit entry: only this migration, as it was then)
    migration.suppressed_address_names_remove(as_then.apps, None)

    audited.refresh_from_db()
    logged.refresh_from_db()
    other.refresh_from_db()
    assert audited.summary == f"Suppressed address {entry.pk} (Reported as spam)"
    assert logged.object_repr == f"Suppressed address {entry.pk} (Reported as spam)"
    assert other.summary == f"{ADDRESS} (kept)", "only the suppression list's entries"


def test_a_complaint_from_another_spelling_of_a_bounced_mailbox_makes_it_a_complaint(db):
    bounced = address_suppress(address="ruth.cohen@gmail.com", reason="bounced", detail=BOUNCE)

    again = address_suppress(address="RuthCohen+news@googlemail.com", reason="complained")
    address_suppress(address="ruthcohen@gmail.com", reason="bounced")  # a bounce changes nothing

    assert again == bounced and SuppressedAddress.objects.count() == 1
    bounced.refresh_from_db()
    assert (bounced.address, bounced.reason) == ("ruth.cohen@gmail.com", "complained")


def test_an_address_suppressed_under_two_keys_is_suppressed_again_without_a_clash(db):
    stale = address_suppress(address="ruth.cohen@gmail.com", reason="bounced")
    SuppressedAddress.objects.filter(pk=stale.pk).update(address_hash="0" * 64)  # an older key
    current = address_suppress(address="ruthcohen@gmail.com", reason="bounced")

    found = address_suppress(address="ruth.cohen@gmail.com", reason="bounced")

    assert found == current, "the entry under the site's key now"
    assert SuppressedAddress.objects.count() == 2
