"""Erasing a supporter leaves their address, name and words in no table at all."""

import pytest
from django.apps import apps
from django.db import models

from actionhub.core.email import address_suppress
from actionhub.core.models import SuppressedAddress, suppressed_address_hash
from actionhub.rights.tests.people import ADDRESS, someone_who_did_everything
from actionhub.supporters.services import erase_link_send, person_erase

# What Ruth typed or is known by, each of which only she can have put in the database.
HERS = [ADDRESS, "ruth.cohen", "Cohen", "From my own mailbox.", "Printed and posted.",
        "Please audit your suppliers.", "Please act on forced labour."]  # fmt: skip


def text_columns():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                yield model, field


def tables_holding(value: str) -> list[str]:
    return [
        f"{model._meta.label}.{field.name}"
        for model, field in text_columns()
        if model._default_manager.filter(**{f"{field.name}__icontains": value}).exists()
    ]


@pytest.fixture
def ruth(campaign, settings):
    settings.RATE_LIMIT_STORE = "database"  # counters in a table, where the scan can see them
    ruth = someone_who_did_everything(campaign)
    erase_link_send(email=ADDRESS.upper(), sender=campaign.name, ip_address="192.0.2.7")
    address_suppress(address=ADDRESS, reason=SuppressedAddress.Reason.BOUNCED,
                     detail=f"550 5.1.1 <{ADDRESS}>: no such user")  # fmt: skip
    return ruth


def test_before_erasure_the_scan_finds_her_in_many_tables(ruth):
    found = tables_holding(ADDRESS)
    for table in ["supporters.Person.email", "core.OutboundEmail.to", "letters.Letter.sender_email",
                  "core.SuppressedAddress.address"]:  # fmt: skip
        assert table in found
    assert "letters.Letter.body" in tables_holding("From my own mailbox.")


def test_after_erasure_no_table_holds_her_address_her_name_or_her_words(ruth):
    person_erase(person=ruth)

    left = {value: tables_holding(value) for value in HERS}
    assert left == {value: [] for value in HERS}


def test_after_erasure_her_address_stays_on_the_list_never_to_email_only_as_a_keyed_hash(ruth):
    person_erase(person=ruth)

    [entry] = SuppressedAddress.objects.all()
    assert (entry.address, entry.detail, entry.reason) == ("", "", "bounced")
    assert entry.address_hash == suppressed_address_hash(ADDRESS)
