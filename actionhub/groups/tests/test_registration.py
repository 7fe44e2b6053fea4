"""A leader registers a group, confirms by email, and an organiser approves it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from actionhub.core.models import AuditEntry
from actionhub.groups.models import LEADER_WORDING, Group, Leader
from actionhub.groups.services import group_approve, groups_forget_unconfirmed
from actionhub.groups.tests.conftest import link_in
from actionhub.groups.tests.factories import GroupFactory
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.supporters.models import Consent, Person

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def test_registering_waits_for_email_then_for_an_organiser_then_the_leader_gets_the_page(
    client, register, confirm, organiser_client
):
    response = register()

    assert response.status_code == 303
    assert response["Location"] == "/groups/register/check-your-email/"
    group = Group.objects.get()
    assert (group.status, group.code) == (Group.Status.UNCONFIRMED, "hampstead-synagogue")
    [message] = mail.outbox
    assert message.to == ["ruth@example.org"]
    assert "Confirm your group" in message.subject
    assert "Hampstead Synagogue youth group" not in client.get("/groups/").content.decode()

    page = client.get(link_in(message, "/groups/confirm/")).content.decode()
    assert "Confirm your group" in page and "hampstead-synagogue" in page
    group.refresh_from_db()
    assert group.status == Group.Status.UNCONFIRMED  # opening the link changes nothing

    thanks = confirm().content.decode()
    assert "waiting for an organiser’s approval" in thanks
    group.refresh_from_db()
    assert group.status == Group.Status.AWAITING_APPROVAL
    consent = Consent.objects.get(purpose=Consent.Purpose.GROUP_LEADER)
    assert consent.wording == LEADER_WORDING

    dashboard = organiser_client.get("/admin/").content.decode()
    assert "1 community group waiting for approval" in dashboard
    approve = f"/admin/groups/group/{group.pk}/approve/"
    assert "Approve the group" in organiser_client.get(approve).content.decode()
    organiser_client.post(approve, {"confirm": "yes"})

    group.refresh_from_db()
    assert group.status == Group.Status.APPROVED
    approved = mail.outbox[-1]
    assert approved.subject == "Hampstead Synagogue youth group is approved"
    group_page = client.get(link_in(approved, "/groups/page/"))
    assert group_page.status_code == 200
    assert "Your group’s private page" in group_page.content.decode()
    assert AuditEntry.objects.filter(action="group.approved").exists()


def test_a_chosen_code_is_kept_in_lower_case(register):
    register(code="  Hampstead-Shul ")
    assert Group.objects.get().code == "hampstead-shul"


def test_a_code_a_look_alike_from_another_groups_is_refused_and_nothing_is_kept(campaign, register):
    GroupFactory(code="hampstead-shul")

    response = register(code="HAMPSTEAD-SHU1", name="Another group")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Another group has that code or one too like it" in page
    assert 'value="Another group"' in page  # what was typed is kept
    assert Group.objects.count() == 1
    assert not mail.outbox


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter your group’s name."),
        ({"name": "!!!"}, "Write your group’s name in words."),
        ({"name": "x" * 101}, "must be 100 characters or fewer"),
        ({"kind": ""}, "Choose what kind of group it is."),
        ({"kind": "cult"}, "Select a valid choice"),
        ({"area": ""}, "Enter where your group meets."),
        ({"code": "shul!"}, "Use only letters a to z"),
        ({"first_name": ""}, "Enter your first name."),
        ({"first_name": "ruth@example.org"}, "not an email address"),
        ({"email": "ruth"}, "Enter an email address like name@example.com."),
        ({"email": "ruth@mailinator.com"}, "Use an email address you will keep"),
        ({"agree": None}, "Tick the box to agree"),
        ({"name": "Line\nbreak"}, "must be on one line"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_nothing(register, changes, message):
    response = register(**changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Group.objects.exists() and not Person.objects.exists()


def test_the_optional_fields_left_blank_register_the_group(register):
    assert register(code="", last_name="").status_code == 303
    group = Group.objects.get()
    assert (group.listed, group.show_totals) == (False, False)


def test_totals_are_shown_only_for_a_group_that_is_listed(register):
    register(show_totals="on")
    assert Group.objects.get().show_totals is False


def test_a_robot_filling_the_hidden_field_keeps_nothing(register):
    assert register(website="http://spam.example").status_code == 303
    assert not Group.objects.exists() and not mail.outbox


def test_too_many_registrations_from_one_connection_are_refused(register, settings):
    settings.GROUP_RATE_LIMITS = [(2, 86400)]
    for n in range(2):
        assert register(name=f"Group {n}", email=f"leader{n}@example.org").status_code == 303
    refused = register(name="Group 3", email="leader3@example.org")
    assert refused.status_code == 400
    assert "Too many groups were registered from your connection" in refused.content.decode()
    assert Group.objects.count() == 2


def test_an_unconfirmed_registration_is_deleted_after_seven_days_freeing_its_code(register):
    register(code="hampstead-shul")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        assert groups_forget_unconfirmed() == 1
    assert not Group.objects.exists() and not Person.objects.exists()
    assert register(code="hampstead-shul", email="other@example.org").status_code == 303


def test_an_old_or_replaced_confirmation_link_does_not_confirm(client, register):
    register()
    link = link_in(mail.outbox[-1], "/groups/confirm/")
    assert client.post(link[:-5] + "xxxx/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        response = client.post(link)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Group.objects.get().status == Group.Status.UNCONFIRMED


def test_declining_deletes_the_registration_and_tells_the_leader(
    register, confirm, organiser_client
):
    register()
    confirm()
    group = Group.objects.get()
    organiser_client.post(f"/admin/groups/group/{group.pk}/decline/", {"confirm": "yes"})
    assert not Group.objects.exists() and not Leader.objects.exists()
    assert mail.outbox[-1].subject == "Your group registration: Hampstead Synagogue youth group"


def test_a_group_cannot_be_approved_before_its_leader_confirms(register, organiser_client):
    register()
    group = Group.objects.get()
    response = organiser_client.post(f"/admin/groups/group/{group.pk}/approve/",
                                     {"confirm": "yes"})  # fmt: skip
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.status == Group.Status.UNCONFIRMED


def test_an_organiser_without_the_permission_cannot_approve(register, confirm):
    register()
    confirm()
    group = Group.objects.get()
    volunteer = OrganiserFactory(username="volunteer", is_superuser=False)
    with pytest.raises(PermissionDenied):
        group_approve(actor=volunteer, group=group)
    group.refresh_from_db()
    assert group.status == Group.Status.AWAITING_APPROVAL


def test_the_confirmation_email_carries_no_words_the_registrant_typed(register):
    register(name="Buy cheap watches at spam.example", area="Anywhere")
    [message] = mail.outbox
    assert message.subject == "Confirm your group’s registration"
    assert "spam.example" not in message.body and "Ruth" not in message.body


def test_a_group_whose_only_leader_erased_their_details_cannot_be_approved(
    register, confirm, organiser_client
):
    from actionhub.supporters.services import person_erase

    register()
    confirm()
    group = Group.objects.get()
    person_erase(person=Person.objects.get())

    response = organiser_client.post(f"/admin/groups/group/{group.pk}/approve/",
                                     {"confirm": "yes"}, follow=True)  # fmt: skip

    assert "The group has no leader any more" in response.content.decode()
    group.refresh_from_db()
    assert group.status == Group.Status.AWAITING_APPROVAL


def test_a_declined_leader_kept_for_campaign_emails_has_their_leader_consent_withdrawn(
    register, confirm, organiser_client
):
    from actionhub.supporters.services import consent_record

    register()
    confirm()
    person = Person.objects.get()
    consent_record(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS, wording="Email me",
                   method="test")  # fmt: skip
    group = Group.objects.get()
    organiser_client.post(f"/admin/groups/group/{group.pk}/decline/", {"confirm": "yes"})
    leader_consent = Consent.objects.get(person=person, purpose=Consent.Purpose.GROUP_LEADER)
    assert leader_consent.withdrawn_at is not None
