"""From "Your data": each choice turned on or off on its own, an agreement withdrawn (and what
it was for undone), a name corrected, and everything erased."""

import pytest

from actionhub.core.models import AuditEntry
from actionhub.events.models import Rsvp, Subscription
from actionhub.groups.models import Leader
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature
from actionhub.rights.tests.people import ADDRESS
from actionhub.rights.tests.test_views import open_data
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.selectors import consents_standing
from actionhub.supporters.tests.factories import PersonFactory
from actionhub.supporters.tests.test_erasure_everywhere import tables_holding

pytestmark = pytest.mark.usefixtures("immediate_tasks")
PAGE = "/your-data/view/"


def standing(person, purpose) -> bool:
    return consents_standing(purpose, person).exists()


@pytest.fixture
def ruth(client, smtp, everything):
    open_data(client, smtp)
    return everything


def test_each_choice_is_turned_off_and_on_by_itself(client, ruth):
    page = client.get(PAGE).content.decode()
    assert "Stop: “Email me about this campaign”" in page
    assert "Stop: “Show my first name on the site”" in page

    response = client.post("/your-data/view/choice/", {"purpose": "campaign-emails"})

    assert response.status_code == 303
    assert not standing(ruth, Consent.Purpose.CAMPAIGN_EMAILS)
    assert standing(ruth, Consent.Purpose.SHOW_NAME), "the other choices are left alone"
    page = client.get(response["Location"]).content.decode()
    assert "Your choice is saved." in page
    assert "Start: “Email me about this campaign”" in page

    client.post("/your-data/view/choice/", {"purpose": "campaign-emails", "wanted": "on"})
    consent = ruth.consents.filter(purpose=Consent.Purpose.CAMPAIGN_EMAILS, withdrawn_at=None)
    assert consent.get().method.startswith("Changed on their “Your data” page")
    assert AuditEntry.objects.filter(action="supporter.choice-changed").count() == 2
    assert not AuditEntry.objects.filter(summary__icontains="Cohen").exists()


def test_hiding_ones_first_name_hides_it_on_the_signature_too(client, ruth):
    client.post("/your-data/view/choice/", {"purpose": "show-name"})

    assert not Signature.objects.get(person=ruth).show_name
    assert not standing(ruth, Consent.Purpose.SHOW_NAME)


def test_a_choice_not_offered_or_made_up_changes_nothing(client, ruth):
    before = list(Consent.objects.values_list("pk", "withdrawn_at"))
    for purpose in ["sign-pledge", "no-such-choice", ""]:
        response = client.post("/your-data/view/choice/", {"purpose": purpose})
        assert response.status_code == 303
    assert list(Consent.objects.values_list("pk", "withdrawn_at")) == before


def test_withdrawing_the_signature_asks_first_then_deletes_it_and_keeps_the_rest(client, ruth):
    page = client.get("/your-data/view/withdraw/sign-pledge/").content.decode()
    assert "Your signature is deleted, and no longer counts." in page
    assert Signature.objects.filter(person=ruth).exists(), "opening the page changes nothing"

    response = client.post("/your-data/view/withdraw/sign-pledge/")

    assert response.status_code == 303
    assert not Signature.objects.filter(person=ruth).exists()
    assert not standing(ruth, Consent.Purpose.SIGN_PLEDGE)
    assert Letter.objects.filter(person=ruth).count() == 4, "her letters are another matter"
    page = client.get(response["Location"]).content.decode()
    assert "Withdrawn: what it was for is undone." in page


def test_withdrawing_the_rsvp_agreement_takes_her_off_dates_to_come_and_stops_every_week(
    client, ruth
):
    client.post("/your-data/view/withdraw/rsvp/")

    assert Subscription.objects.get(person=ruth).status == Subscription.Status.STOPPED
    coming = Rsvp.objects.filter(person=ruth, occurrence__starts_at__gt=ruth.created_at)
    assert set(coming.values_list("status", flat=True)) == {Rsvp.Status.CANCELLED}
    assert Rsvp.objects.filter(person=ruth, attended_at__isnull=False).exists(), "the past stays"


def test_withdrawing_the_group_leader_agreement_ends_her_leadership(client, ruth):
    client.post("/your-data/view/withdraw/group-leader/")

    assert not Leader.objects.filter(person=ruth).exists()
    assert Person.objects.filter(pk=ruth.pk).exists(), "she is kept for what else she did"


def test_an_agreement_with_nothing_to_undo_is_not_offered(client, ruth):
    for purpose in ["pass-to-mp", "campaign-emails", "made-up"]:
        response = client.get(f"/your-data/view/withdraw/{purpose}/")
        assert response.status_code == 303 and response["Location"] == PAGE


def test_someone_left_with_nothing_to_keep_is_deleted_and_told_so(client, smtp, campaign):
    from actionhub.groups.tests.factories import LeaderFactory

    leader = LeaderFactory(person=PersonFactory(email=ADDRESS, first_name="Ruth"))
    open_data(client, smtp)

    page = client.post("/your-data/view/withdraw/group-leader/").content.decode()

    assert "We hold nothing about you now" in page
    assert not Person.objects.filter(pk=leader.person_id).exists()
    assert client.get(PAGE).status_code == 403, "the browser shows nothing any more"


def test_a_corrected_name_is_put_right_wherever_it_is_still_in_use(client, ruth):
    response = client.post("/your-data/view/name/", {"first_name": "Rut", "last_name": "Cohn"})

    assert response.status_code == 303
    ruth.refresh_from_db()
    assert (ruth.first_name, ruth.last_name) == ("Rut", "Cohn")
    signature = Signature.objects.get(person=ruth)
    assert (signature.first_name, signature.last_name) == ("Rut", "Cohn")
    assert set(Rsvp.objects.filter(person=ruth).values_list("first_name", flat=True)) == {"Rut"}
    names = dict(Letter.objects.filter(person=ruth).values_list("status", "sender_name"))
    assert names[Letter.Status.HANDED_OVER] == "Rut Cohn"
    assert set(Letter.objects.filter(person=ruth, status=Letter.Status.SENT)
               .values_list("sender_name", flat=True)) == {"Ruth Cohen"}  # fmt: skip
    assert "Your name is corrected." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("", "", "Enter your first name."),
        ("ruth@example.org", "", "Enter your first name here, not an email address."),
        ("Ruth", "x" * 101, "Your last name must be 100 characters or fewer."),
        ("1234", "", "Enter your first name using letters."),
    ],
)
def test_a_name_that_cannot_be_a_name_is_refused_and_kept_to_correct(
    client, ruth, first, last, message
):
    response = client.post("/your-data/view/name/", {"first_name": first, "last_name": last})

    assert response.status_code == 400
    assert message in response.content.decode()
    ruth.refresh_from_db()
    assert (ruth.first_name, ruth.last_name) == ("Ruth", "Cohen")


def test_a_last_name_left_blank_is_a_correction_too(client, ruth):
    client.post("/your-data/view/name/", {"first_name": "Ruth", "last_name": ""})
    ruth.refresh_from_db()
    assert (ruth.first_name, ruth.last_name) == ("Ruth", "")


def test_erasing_everything_asks_first_then_leaves_her_nowhere(client, ruth):
    page = client.get("/your-data/view/erase/").content.decode()
    assert "It cannot be undone." in page
    assert Person.objects.filter(pk=ruth.pk).exists()

    page = client.post("/your-data/view/erase/").content.decode()

    assert "Everything is erased" in page
    assert not Person.objects.filter(pk=ruth.pk).exists()
    assert tables_holding(ADDRESS) == [] and tables_holding("Cohen") == []
    assert client.get(PAGE).status_code == 403


def test_changes_need_the_data_open_in_this_browser(client, everything):
    for path in ["/your-data/view/choice/", "/your-data/view/name/", "/your-data/view/erase/",
                 "/your-data/view/withdraw/sign-pledge/"]:  # fmt: skip
        response = client.post(path, {"purpose": "campaign-emails", "first_name": "Mallory"})
        assert response.status_code == 403, path
    assert Person.objects.get(pk=everything.pk).first_name == "Ruth"
    assert Signature.objects.filter(person=everything).exists()


def test_a_name_too_long_in_all_is_refused_before_it_reaches_a_letter(client, ruth):
    response = client.post("/your-data/view/name/", {"first_name": "A" * 80, "last_name": "B" * 80})

    assert response.status_code == 400
    assert "100 characters or fewer in all" in response.content.decode()
    assert set(Letter.objects.filter(person=ruth).values_list("sender_name", flat=True)) == {
        "Ruth Cohen"
    }


def test_opening_a_forms_address_again_leads_back_to_the_page(client, ruth):
    for path, back in [
        ("/your-data/view/choice/", PAGE),
        ("/your-data/view/name/", PAGE + "#name"),
    ]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (303, back)
