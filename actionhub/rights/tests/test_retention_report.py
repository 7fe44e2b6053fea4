"""The retention report: every kind of personal data held, counted, with its rule in words
from the apps' own constants, and how many rows are gone within its days."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from actionhub.core.models import OutboundEmail, SuppressedAddress
from actionhub.events import services as events
from actionhub.letters import services as letters
from actionhub.letters.models import SendAllowance
from actionhub.mailings import services as mailings
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.pledges import services as pledges
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.rights.inventory import SECTIONS, period
from actionhub.rights.models import DataRequest
from actionhub.rights.register import CLOSED_KEPT
from actionhub.rights.retention import AHEAD_DAYS, retention_report
from actionhub.rights.tests.people import someone_who_did_everything
from actionhub.staff.roles import DATA_PROTECTION_LEAD, ORGANISER, VOLUNTEER

RETENTION = "/admin/rights/datarequest/retention/"


def rows(now=None):
    return {row.what: row for part in retention_report(now=now) for row in part.rows}


def test_every_kind_of_personal_data_the_inventory_shows_is_counted(db):
    """A model that the supporter's own page shows, or that keeps an address by itself, must
    be in the report: add it to rights.retention."""
    counted = {model for part in retention_report() for row in part.rows for model in row.models}
    shown = {model for source in SECTIONS for model in source.covers}

    assert shown | {OutboundEmail, SuppressedAddress, SendAllowance, DataRequest} <= counted


def test_each_row_says_what_it_counts_in_words_of_its_own(db):
    names = [row.what for part in retention_report() for row in part.rows]

    assert len(names) == len(set(names))


def test_each_rule_is_in_words_from_the_apps_own_constants(db):
    found = rows()

    assert period(pledges.UNCONFIRMED_KEPT) in found["Signatures waiting for confirmation"].rule
    assert (
        f"Cleared {period(pledges.IP_ADDRESS_KEPT)} after signing"
        in found["IP addresses on signatures"].rule
    )
    assert (
        period(letters.SENT_KEPT)
        in found["Letters sent by the site (or being sent, or failed), with their details"].rule
    )
    assert period(letters.UNCONFIRMED_KEPT) in found["Letters waiting for confirmation"].rule
    assert period(events.KEPT_AFTER_DATE) in found["RSVPs with a name and email address"].rule
    assert period(mailings.RECIPIENTS_KEPT) in found["Who each campaign email went to"].rule
    assert (
        f"Deleted {period(CLOSED_KEPT)} after closing (checked every day)"
        in found["Requests in the register, closed (without the address)"].rule
    )
    assert "(checked every hour)" in found["Signatures held back for review"].rule


def test_counts_now_and_in_the_next_days(db, campaign):
    now = timezone.now()
    pledge = campaign.pledges.get()
    ages = [pledges.REVIEW_KEPT, pledges.REVIEW_KEPT - timedelta(days=10), timedelta(0)]
    for age in ages:
        signature = SignatureFactory(pledge=pledge, status=Signature.Status.QUARANTINED,
                                     confirmed_at=None)  # fmt: skip
        Signature.objects.filter(pk=signature.pk).update(submitted_at=now - age)
    # Their time is up now, in 10 days and in 30; each is gone by the hourly check after.
    gone = [now - age + pledges.REVIEW_KEPT + timedelta(hours=1) for age in ages]

    row = rows(now)["Signatures held back for review"]

    assert row.count == 3
    assert row.within == tuple(
        sum(end <= now + timedelta(days=days) for end in gone) for days in AHEAD_DAYS
    )
    assert row.within == (1, 2), "the one whose time is up in 30 days may last an hour more"
    assert rows(now)["Confirmed signatures"].within is None, "kept until erasure: no date says when"


def test_a_note_of_a_letter_never_sent_goes_at_the_next_run(db, campaign):
    someone_who_did_everything(campaign)
    SendAllowance.objects.update(last_sent_at=None)

    row = rows()["The same, for a letter that was never sent"]

    assert row.count == 1 and row.within == (1, 1)


def test_the_page_shows_counts_and_no_ones_details(campaign):
    someone_who_did_everything(campaign)
    lead, _ = organiser_in_role("lead", DATA_PROTECTION_LEAD)

    response = lead.get(RETENTION)

    assert response.status_code == 200
    html = response.content.decode()
    for part in retention_report():
        assert escape(part.title) in html
        for row in part.rows:
            assert escape(row.what) in html and escape(row.rule) in html
    assert "Gone within 7 days" in html and "Gone within 30 days" in html
    assert "ruth" not in html.casefold() and "Cohen" not in html


@pytest.mark.parametrize("role", [ORGANISER, VOLUNTEER])
def test_only_the_data_protection_lead_opens_it(campaign, role):
    client, _ = organiser_in_role("someone", role)

    assert client.get(RETENTION).status_code == 403
