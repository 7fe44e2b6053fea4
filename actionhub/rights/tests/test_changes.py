"""From "Your data": each choice turned on or off on its own, an agreement withdrawn (and what
it was for undone), a name corrected, and everything erased."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from actionhub.campaigns.tests.factories import PledgeFactory
from actionhub.core.models import AuditEntry
from actionhub.events.models import Occurrence, Rsvp, Subscription
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory
from actionhub.groups.models import Leader
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.rights.tests.people import ADDRESS
from actionhub.rights.tests.test_views import open_data
from actionhub.staff.tests.sessions import sign_in_with_code
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
    assert "Stop: “Show my first name on the pledges I signed”" in page

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


SHOW_NAME_BUTTON = "Stop: “Show my first name on the pledges I signed”"


def names_shown(person) -> set[bool]:
    return set(Signature.objects.filter(person=person).values_list("show_name", flat=True))


def test_one_switch_shows_or_hides_her_first_name_on_every_pledge_she_signed(
    client, ruth, campaign
):
    first = Signature.objects.get(person=ruth).pledge
    second = PledgeFactory(campaign=campaign, slug="close-the-camps", title="Close the camps")
    SignatureFactory(pledge=second, person=ruth, show_name=True, confirmed_at=timezone.now())
    for pledge in (first, second):
        assert "<li>Ruth</li>" in client.get(f"/pledge/{pledge.slug}/").content.decode()

    page = client.get(PAGE).content.decode()
    assert page.count(SHOW_NAME_BUTTON) == 1, "one switch, not one for each signature"
    assert f"For every pledge you signed: “{second.title}” and “{first.title}”." in page

    client.post("/your-data/view/choice/", {"purpose": "show-name"})

    assert names_shown(ruth) == {False}
    for pledge in (first, second):
        assert "<li>Ruth</li>" not in client.get(f"/pledge/{pledge.slug}/").content.decode()
    assert not standing(ruth, Consent.Purpose.SHOW_NAME)

    client.post("/your-data/view/choice/", {"purpose": "show-name", "wanted": "on"})

    assert names_shown(ruth) == {True}
    for pledge in (first, second):
        assert "<li>Ruth</li>" in client.get(f"/pledge/{pledge.slug}/").content.decode()
    consent = ruth.consents.get(purpose=Consent.Purpose.SHOW_NAME, withdrawn_at=None)
    assert consent.wording == "Show my first name on the pledges I signed", "the words she saw"


def test_the_switch_says_where_her_name_is_shown_if_she_chose_differently_when_signing(
    client, ruth, campaign
):
    first = Signature.objects.get(person=ruth).pledge
    second = PledgeFactory(campaign=campaign, slug="close-the-camps", title="Close the camps")
    SignatureFactory(pledge=second, person=ruth, show_name=False, confirmed_at=timezone.now())

    page = client.get(PAGE).content.decode()

    assert page.count(SHOW_NAME_BUTTON) == 1
    assert f"Shown now on “{first.title}” only." in page


def test_with_one_signature_the_switch_names_its_pledge(client, ruth):
    pledge = Signature.objects.get(person=ruth).pledge
    assert f"For the pledge you signed: “{pledge.title}”." in client.get(PAGE).content.decode()


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


def attendance_rows(organisers) -> str:
    """The organisers' attendance report: for each date so far, who said and who came."""
    page = organisers.get("/admin/events/occurrence/attendance/").content.decode()
    return re.search(r"<tbody>(.*)</tbody>", page, re.DOTALL)[1]


def test_withdrawing_the_rsvp_agreement_takes_her_off_dates_to_come_and_her_name_off_every_rsvp(
    client, ruth, organiser, organiser_device
):
    coming = Rsvp.objects.get(person=ruth, occurrence__starts_at__gt=timezone.now())
    Occurrence.objects.filter(pk=coming.occurrence_id).update(capacity=F("places_taken"))  # full
    waiting = RsvpFactory(occurrence=coming.occurrence, status=Rsvp.Status.WAITING,
                          waiting_since=timezone.now())  # fmt: skip
    came = Rsvp.objects.get(person=ruth, attended_at__isnull=False)
    earlier = OccurrenceFactory(series=came.occurrence.series,
                                date=came.occurrence.date - timedelta(weeks=1))  # fmt: skip
    called_off = RsvpFactory(person=ruth, occurrence=earlier, status=Rsvp.Status.CANCELLED,
                             cancelled_at=earlier.starts_at - timedelta(days=1))  # fmt: skip
    organisers = sign_in_with_code(Client(), organiser, organiser_device)
    counted = attendance_rows(organisers)
    assert "<td>Weekly vigil</td><td>Took place</td><td>1</td><td>1</td><td>0</td>" in counted

    page = client.get("/your-data/view/withdraw/rsvp/").content.decode()
    assert "Your name and email address are taken off every RSVP" in page
    response = client.post("/your-data/view/withdraw/rsvp/")

    assert not Rsvp.objects.filter(person=ruth).exists()
    for rsvp in (coming, came, called_off):
        rsvp.refresh_from_db()
        assert rsvp.person is None and rsvp.subscription is None
        assert rsvp.first_name == rsvp.last_name == rsvp.email_normalised == ""
        assert rsvp.personal_data_erased_at is not None
    assert coming.status == Rsvp.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Rsvp.Status.CONFIRMED, "her places went to the waiting list"
    assert came.attended_at is not None
    assert attendance_rows(organisers) == counted, "who came is counted as before"
    assert not Subscription.objects.filter(person=ruth).exists(), "“every week” stops and goes"
    assert not standing(ruth, Consent.Purpose.RSVP)
    page = client.get(response["Location"]).content.decode()
    assert "We hold no RSVP of yours" in page
    assert "Weekly vigil" not in page
    assert "Withdraw “Keep my details to organise an event I am coming to”" not in page


def test_the_rsvp_agreement_can_be_withdrawn_with_only_a_past_rsvp_left(client, smtp, campaign):
    person = PersonFactory(email=ADDRESS, first_name="Ruth", last_name="Cohen")
    past = OccurrenceFactory(date=timezone.localdate() - timedelta(days=6))
    rsvp = RsvpFactory(person=person, occurrence=past, attended_at=past.starts_at)
    open_data(client, smtp)
    page = client.get(PAGE).content.decode()
    assert "Withdraw “Keep my details to organise an event I am coming to”" in page

    page = client.post("/your-data/view/withdraw/rsvp/").content.decode()

    assert "We hold nothing about you now" in page
    assert not Person.objects.filter(pk=person.pk).exists()
    rsvp.refresh_from_db()
    assert rsvp.first_name == "" and rsvp.attended_at is not None
    assert tables_holding(ADDRESS) == [] and tables_holding("Cohen") == []


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


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"first_name": "", "last_name": "Cohn"}, "id_first_name", "Enter your first name."),
        ({"first_name": "Ruth", "last_name": "C" * 101}, "id_last_name",
         "Your last name must be 100 characters or fewer."),
        ({"first_name": "R" * 101, "last_name": "Cohn"}, "id_first_name",
         "Your first name must be 100 characters or fewer."),
        ({"first_name": "A" * 80, "last_name": "B" * 80}, "id_last_name",
         "Your name must be 100 characters or fewer in all, first and last together."),
    ],
)  # fmt: skip
def test_a_name_refused_opens_the_page_with_an_error_summary_and_what_she_typed(
    client, ruth, typed, field, message
):
    response = client.post("/your-data/view/name/", typed)

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r"<title>Error: Your data", html)
    main = html[html.index('<main id="main"') :]
    [summary] = re.findall(r'<div class="error-summary"[^>]*>', main)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert main.index("error-summary") < main.index("<h1"), "at the top, before the page"
    assert "There is a problem" in main
    assert f'<li><a href="#{field}">{message}</a></li>' in main, "linking to the field"
    assert f'id="{field}"' in main
    assert "/static/js/error-summary.js" in main
    form = main[main.index('id="name"') :]
    assert f'<p class="error-message"><span class="visually-hidden">Error:</span> {message}' in form
    for name, value in typed.items():
        assert f'value="{value}"' in form or not value, f"{name} as she typed it"
    assert '<label for="id_first_name">Your first name</label>' in form
    assert '<label for="id_last_name">Your last name (optional)</label>' in form


def test_the_page_has_no_error_summary_until_a_form_on_it_is_refused(client, ruth):
    html = client.get(PAGE).content.decode()
    assert "error-summary" not in html
    assert "<title>Your data" in html


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


class Forms(HTMLParser):
    """The forms on a page, each with its action and its controls' attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.forms.append({**dict(attrs), "controls": []})
        elif tag in ("input", "textarea", "select") and self.forms:
            self.forms[-1]["controls"].append(dict(attrs))


def as_sent_with_optional_fields_blank(form: dict) -> dict:
    """What a browser sends for the form with only what it requires filled in."""
    data = {}
    for control in form["controls"]:
        if control.get("type") == "hidden":
            data[control["name"]] = control.get("value", "")
        elif control.get("type") not in ("submit", "button", "checkbox", "radio"):
            data[control["name"]] = "Ruth" if "required" in control else ""
    return data


@pytest.mark.parametrize("large", [False, True], ids=["downloads-now", "downloads-made"])
def test_every_form_on_the_page_works_with_its_optional_fields_left_blank(
    client, ruth, settings, large
):
    if large:
        settings.RIGHTS_EXPORT_IN_REQUEST_ITEMS = 3
    forms = Forms(client.get(PAGE).content.decode()).forms
    actions = [form.get("action") for form in forms]
    assert "/your-data/view/name/" in actions and "/your-data/view/choice/" in actions
    assert ("/your-data/view/your-data.json" in actions) == large
    closing = [form for form in forms if form.get("action") == "/your-data/close/"]
    assert len(closing) == 1

    for form in [form for form in forms if form not in closing] + closing:  # closing last
        data = as_sent_with_optional_fields_blank(form)
        response = client.post(form["action"], data)
        assert response.status_code in (200, 303), (form["action"], data)
        if response.status_code == 303:
            page = client.get(response["Location"])
            assert page.status_code == 200 and b"error-summary" not in page.content
    ruth.refresh_from_db()
    assert (ruth.first_name, ruth.last_name) == ("Ruth", ""), "a last name left blank is saved"
    assert client.get(PAGE).status_code == 403, "closed at last"


@pytest.mark.parametrize("purpose", ["sign-pledge", "rsvp", "group-leader"])
def test_each_withdrawal_page_form_works_as_it_is_sent(client, ruth, purpose):
    page = client.get(f"/your-data/view/withdraw/{purpose}/").content.decode()
    [form] = [form for form in Forms(page).forms if form.get("method") == "post"]
    data = as_sent_with_optional_fields_blank(form)
    assert set(data) == {"csrfmiddlewaretoken"}, "nothing to fill in but the button"

    response = client.post(form.get("action") or f"/your-data/view/withdraw/{purpose}/", data)

    assert response.status_code == 303
    assert not standing(ruth, purpose)
