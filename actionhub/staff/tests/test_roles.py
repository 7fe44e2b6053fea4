"""Each role reaches its own console pages and is refused every other one."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from actionhub.events.tests.factories import OccurrenceFactory
from actionhub.mailings.tests.factories import MailingFactory
from actionhub.pledges.models import ExportRequest, InvalidationBatch
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.rights.models import DataRequest
from actionhub.rights.register import data_request_record
from actionhub.staff.roles import (
    DATA_PROTECTION_LEAD,
    ORGANISER,
    ROLES,
    VOLUNTEER,
    roles_ensure,
)
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code
from actionhub.supporters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CONTENT = {"campaigns.campaign", "campaigns.pledge", "campaigns.appeal", "campaigns.calltoaction",
           "campaigns.lettertemplate", "campaigns.engagementplan", "campaigns.page",
           "campaigns.demonstration"}  # fmt: skip
ORGANISER_LISTS = {"events.series", "events.occurrence", "brands.brand", "brands.entitylist",
                   "brands.screeninglink", "brands.screeningrun", "parliament.constituency",
                   "parliament.mp", "pledges.signature", "pledges.invalidationbatch",
                   "mailings.mailing", "groups.group", "groups.eventproposal"}  # fmt: skip
CHANGELISTS = {
    ORGANISER: CONTENT | ORGANISER_LISTS,
    VOLUNTEER: {"events.occurrence"},
    DATA_PROTECTION_LEAD: {
        "pledges.signature",
        "pledges.invalidationbatch",
        "pledges.exportrequest",
        "letters.letter",
        "supporters.person",
        "core.auditentry",
        "rights.datarequest",
    },  # fmt: skip
}
PAGES = {
    "signature report": ({ORGANISER, DATA_PROTECTION_LEAD}, "admin:pledges_signature_report", []),
    "letters report": ({ORGANISER, DATA_PROTECTION_LEAD}, "admin:letters_letter_report", []),
    "attendance": ({ORGANISER}, "admin:events_occurrence_attendance", []),
    "check-in": ({ORGANISER, VOLUNTEER}, "admin:events_occurrence_check_in", ["occurrence"]),
    "brand import": ({ORGANISER}, "admin:brands_brand_import", []),
    "entity list import": ({ORGANISER}, "admin:brands_entitylist_import", []),
    "supplier screening": ({ORGANISER}, "admin:brands_screen", []),
    "campaign email preview": ({ORGANISER}, "admin:mailings_mailing_preview", ["mailing"]),
    "restore": (
        {ORGANISER, DATA_PROTECTION_LEAD},
        "admin:pledges_invalidationbatch_restore",
        ["batch"],
    ),  # fmt: skip
    "approve export": (
        {DATA_PROTECTION_LEAD},
        "admin:pledges_exportrequest_decide",
        ["export_request"],
    ),  # fmt: skip
    "find a supporter's data": ({DATA_PROTECTION_LEAD}, "admin:rights_datarequest_search", []),
    "a supporter's data": ({DATA_PROTECTION_LEAD}, "admin:rights_datarequest_person", ["person"]),
    "erase a supporter": ({DATA_PROTECTION_LEAD}, "admin:rights_datarequest_erase", ["person"]),
    "retention report": ({DATA_PROTECTION_LEAD}, "admin:rights_datarequest_retention", []),
    "close a data request": (
        {DATA_PROTECTION_LEAD},
        "admin:rights_datarequest_close",
        ["data_request"],
    ),  # fmt: skip
}


@pytest.fixture
def objects(campaign):
    other = OrganiserFactory(username="other")
    return {
        "occurrence": OccurrenceFactory().pk,
        "batch": InvalidationBatch.objects.create(actor_label="x", reason="test").pk,
        "mailing": MailingFactory().pk,
        "export_request": ExportRequest.objects.create(
            requester=other, reason="test", count=0, expires_at="2026-12-01T09:00Z"
        ).pk,
        "person": PersonFactory().pk,
        "data_request": data_request_record(
            actor=other, data_request=DataRequest(kind="access", email="someone@example.org")
        ).pk,
    }


def member(client, role: str):
    user = OrganiserFactory(username=role.split()[0].lower(), is_superuser=False)
    user.groups.add(roles_ensure()[role])
    return sign_in_with_code(client, user, TOTPDeviceFactory(user=user))


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_its_own_lists_and_no_other(client, campaign, role):
    signed_in = member(client, role)
    assert signed_in.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        expected = 200 if label in CHANGELISTS[role] else 403
        assert signed_in.get(url).status_code == expected, (role, label)


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_its_own_pages_and_no_other(client, objects, role):
    signed_in = member(client, role)
    for name, (roles, url_name, args) in PAGES.items():
        url = reverse(url_name, args=[objects[arg] for arg in args])
        expected = 200 if role in roles else 403
        assert signed_in.get(url).status_code == expected, (role, name)


@pytest.mark.parametrize("role", list(ROLES))
def test_only_the_data_protection_lead_exports(client, campaign, role):
    signature = SignatureFactory(pledge=campaign.pledges.get())
    signed_in = member(client, role)
    response = signed_in.post(
        reverse("admin:pledges_signature_changelist"),
        {"action": "export_csv", "index": "0", "_selected_action": [signature.pk]},
    )
    may = role == DATA_PROTECTION_LEAD
    assert (response.status_code == 200 and b"Why you need this export" in response.content) is may


def test_every_permission_named_in_a_role_exists():
    for wanted in ROLES.values():
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), dotted


def test_the_volunteer_cannot_see_signers_or_change_dates():
    volunteer = roles_ensure()[VOLUNTEER]
    codenames = set(volunteer.permissions.values_list("codename", flat=True))
    assert codenames == {"view_occurrence", "view_attendees"}


def test_ensure_roles_is_idempotent_and_puts_back_what_was_changed():
    call_command("ensure_roles", stdout=StringIO())
    organiser = Group.objects.get(name=ORGANISER)
    count = organiser.permissions.count()
    organiser.permissions.add(Permission.objects.get(codename="export_signature"))
    Group.objects.get(name=VOLUNTEER).permissions.clear()

    out = StringIO()
    call_command("ensure_roles", stdout=out)
    call_command("ensure_roles", stdout=StringIO())

    assert organiser.permissions.count() == count
    assert not organiser.permissions.filter(codename="export_signature").exists()
    assert Group.objects.get(name=VOLUNTEER).permissions.count() == 2
    assert Group.objects.filter(name__in=ROLES).count() == 3
    assert "Volunteer: 2 permissions" in out.getvalue()


def test_migrate_makes_the_roles(transactional_db):
    Group.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_the_first_organiser_is_a_superuser_in_the_organiser_role():
    call_command("ensure_organiser", stdout=StringIO())
    user = Group.objects.get(name=ORGANISER).user_set.get()
    assert user.is_superuser and user.username == "organiser"


@pytest.mark.parametrize("lookup", ["email_normalised", "first_name", "postcode", "ip_address",
                                    "person__email"])  # fmt: skip
def test_an_organiser_cannot_ask_the_list_whether_someone_signed(client, campaign, lookup):
    SignatureFactory(pledge=campaign.pledges.get(), first_name="Miriam", postcode="NW3 7UX",
                     email_normalised="miriam@example.org")  # fmt: skip
    organiser = member(client, ORGANISER)
    refused = organiser.get(f"/admin/pledges/signature/?{lookup}=miriam@example.org")
    assert refused.status_code == 400
    allowed = organiser.get("/admin/pledges/signature/?status__exact=confirmed")
    assert allowed.status_code == 200 and "1 signature" in allowed.content.decode()


def test_a_volunteer_does_not_see_the_organiser_notes(client, campaign):
    occurrence = OccurrenceFactory(organiser_notes="Stewards: Ruth and Dilnur")
    url = reverse("admin:events_occurrence_change", args=[occurrence.pk])
    volunteer = member(client, VOLUNTEER).get(url)
    assert volunteer.status_code == 200
    assert "Stewards: Ruth and Dilnur" not in volunteer.content.decode()
    organiser = member(type(client)(), ORGANISER).get(url)
    assert "Stewards: Ruth and Dilnur" in organiser.content.decode()
