"""The data protection lead's search by address, a supporter's records, their export and their
erasure, through the console as the lead uses it; each refused to every other role, and each
written to the audit log without the address."""

import io
import json
import zipfile

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from actionhub.campaigns.models import LetterTemplate
from actionhub.core.email import address_suppress
from actionhub.core.models import AuditEntry, OutboundEmail, SuppressedAddress
from actionhub.letters.models import SendAllowance
from actionhub.mailings.tests.test_console import organiser_in_role
from actionhub.parliament.tests.factories import MPFactory
from actionhub.rights.inventory import person_inventory
from actionhub.rights.models import DataRequest
from actionhub.rights.register import data_request_record
from actionhub.rights.tests.people import ADDRESS, link_in, someone_who_did_everything
from actionhub.staff.roles import DATA_PROTECTION_LEAD, ORGANISER, VOLUNTEER
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_get_or_create
from actionhub.supporters.tests.test_erasure_everywhere import HERS, tables_holding

SEARCH = "/admin/rights/datarequest/search/"
RETENTION = "/admin/rights/datarequest/retention/"


def person_url(person, *rest) -> str:
    return f"/admin/rights/datarequest/supporter/{person.pk}/" + "".join(rest)


def search(client, email, **more):
    return client.post(SEARCH, {"email": email, **more})


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def lead(db):
    client, _ = organiser_in_role("lead", DATA_PROTECTION_LEAD)
    return client


@pytest.fixture
def ruth(campaign):
    return someone_who_did_everything(campaign)


def open_request(actor_client_user, email=ADDRESS, kind=DataRequest.Kind.ERASURE):
    return data_request_record(
        actor=actor_client_user, data_request=DataRequest(kind=kind, email=email)
    )


# The search


def test_the_search_finds_the_person_and_shows_exactly_what_they_see(lead, ruth):
    response = search(lead, ADDRESS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "A supporter has this address" in html and "Ruth Cohen" in html
    for found in person_inventory(person=ruth).sections:
        assert f'id="{found.key}"' in html
        for item in found.items:
            for text in (item.title, item.deleted, *(value for _, value in item.fields)):
                assert escape(text) in html, text
    for text in ["Please act on forced labour.", "Hampstead youth group", "Join us on Sunday",
                 "Confirm your RSVP", "192.0.2.7", "NW3 7UX"]:  # fmt: skip
        assert text in html, text
    assert "Download it as JSON" in html and "Erase everything held under this address" in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("typed", ["RUTH.COHEN@EXAMPLE.ORG", " Ruth.Cohen@example.org "])
def test_the_search_finds_the_address_however_it_is_written(lead, ruth, typed):
    html = search(lead, typed).content.decode()

    assert "A supporter has this address" in html and "Hampstead youth group" in html


def dilnur():
    """Someone at Gmail, as the sign-up forms make a person."""
    return person_get_or_create(email="dilnur.abdulla@gmail.com", first_name="Dilnur")


def test_gmails_dots_and_tags_are_the_same_mailbox(lead, campaign):
    person = dilnur()

    html = search(lead, "Dilnur.Abdulla+pledge@googlemail.com").content.decode()

    assert "A supporter has this address" in html and person.first_name in html


def test_an_address_nobody_has_is_said_to_hold_nothing(lead, ruth):
    response = search(lead, "stranger@example.org")

    assert response.status_code == 200
    html = text_of(response)
    assert "Nothing is held under this address." in html
    assert "Ruth" not in html and "Download it as" not in html and "Erase everything" not in html


def test_an_address_held_only_in_a_queued_email_is_found(lead, campaign):
    OutboundEmail.objects.create(to=["Miriam@Example.org"], subject="Confirm your signature",
                                 body="…")  # fmt: skip

    html = text_of(search(lead, "miriam@example.org"))

    assert "No supporter has this address, but something is held under it" in html
    assert "Email: Confirm your signature" in html and "Miriam@Example.org" in html
    assert "Waiting to be delivered" in html
    assert "Erase everything" not in html  # no supporter to erase: it goes once delivered


def test_what_is_held_under_the_address_beside_the_person_is_shown_too(lead, campaign):
    """Written another way (a +tag at Gmail), the address is kept apart from the person's
    record, and their own page does not show it."""
    person = dilnur()
    OutboundEmail.objects.create(to=["Dilnur.Abdulla+news@gmail.com"], subject="Another way",
                                 body="…")  # fmt: skip
    OutboundEmail.objects.create(to=[person.email], subject="Her own", body="…")
    address_suppress(address="dilnurabdulla@googlemail.com",
                     reason=SuppressedAddress.Reason.COMPLAINED)  # fmt: skip

    html = text_of(search(lead, person.email))

    assert "Also held under this address" in html
    assert "Email: Another way" in html and "Dilnur.Abdulla+news@gmail.com" in html
    inventory = person_inventory(person=person).sections
    [listed] = [i for s in inventory for i in s.items if "never to email" in i.title]
    assert ("Why", "Reported as spam") in listed.fields, "the same mailbox: on her own page"
    assert html.count("Your address is on our list of addresses never to email") == 1
    [waiting] = [s for s in inventory if s.key == "emails-waiting"]
    assert [item.title for item in waiting.items] == ["Her own"], "her page shows her own only"
    assert html.count("Her own") == 1, "shown once, in her own part"


def test_a_note_of_a_letter_sent_for_an_address_nobody_has_is_found(lead, campaign):
    SendAllowance.objects.create(email_normalised="miriam@example.org", mp=MPFactory(),
                                 template=LetterTemplate.objects.first(),
                                 last_sent_at=timezone.now())  # fmt: skip

    html = text_of(search(lead, "Miriam@Example.org"))

    assert "No supporter has this address, but something is held under it" in html
    assert "Last sent for this address" in html and "Deleted by" in html


def test_opening_the_search_from_a_request_fills_the_address_in(lead, ruth):
    data_request = open_request(lead_user())

    page = lead.get(SEARCH + f"?request={data_request.pk}").content.decode()

    assert f'value="{ADDRESS}"' in page
    assert f'name="request" value="{data_request.pk}"' in page
    assert "For the request: Erasure request received" in page
    assert not AuditEntry.objects.filter(action="rights.searched").exists(), "not searched yet"


def lead_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="lead")


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter the email address the person gave."),
        ("ruth.cohen", "Enter an email address like name@example.com."),
        ("ruth@@example.org", "Enter an email address like name@example.com."),
        ("ruth\u200b.cohen@example.org", "characters in it that cannot be seen"),
    ],
)
def test_a_search_that_is_not_an_address_says_so_and_searches_nothing(lead, ruth, typed, error):
    response = search(lead, typed)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and error in html
    assert "Ruth" not in html
    assert not AuditEntry.objects.filter(action__startswith="rights.").exists()


def test_the_address_is_never_in_a_pages_address(lead, ruth):
    """The search is sent in the form's body; the person's page is by number."""
    html = search(lead, ADDRESS).content.decode()

    assert (
        'method="post" action="/admin/rights/datarequest/search/"'
        in lead.get(SEARCH).content.decode()
    )
    assert "?email=" not in html and "search/?q" not in html


# Audit


def test_each_search_and_each_view_is_audited_without_the_address(lead, ruth):
    search(lead, "Ruth.Cohen@example.org")
    lead.get(person_url(ruth))
    search(lead, "stranger@example.org")

    entries = list(AuditEntry.objects.filter(action__startswith="rights.").order_by("pk"))
    assert [entry.action for entry in entries] == [
        "rights.searched", "rights.records_viewed", "rights.records_viewed", "rights.searched",
    ]  # fmt: skip
    assert entries[0].summary.endswith(f"found supporter {ruth.pk}")
    assert entries[3].summary.endswith(": found nothing")
    assert entries[1].object_id == str(ruth.pk) and entries[1].object_type == "supporters.person"
    assert entries[1].summary == f"Viewed everything held on supporter {ruth.pk}"
    assert all(entry.actor.username == "lead" for entry in entries)
    for entry in entries:
        assert "ruth" not in entry.summary.casefold() and "stranger" not in entry.summary


# Export


@pytest.mark.usefixtures("immediate_tasks")
def test_the_export_is_the_very_download_the_supporter_gets(ruth, smtp):
    lead, _ = organiser_in_role("lead", DATA_PROTECTION_LEAD)
    supporter = Client()
    with time_machine.travel(timezone.now(), tick=False):
        supporter.post("/your-data/", {"email": ADDRESS})
        link = link_in(smtp.to(ADDRESS)[-1])
        supporter.post(link)
        theirs_json = supporter.get("/your-data/view/your-data.json")
        theirs_zip = supporter.get("/your-data/view/your-data-csv.zip")

        ours_json = lead.post(person_url(ruth, "export/json/"))
        ours_zip = lead.post(person_url(ruth, "export/csv/"))

    assert ours_json.status_code == 200 and ours_json["Content-Type"] == "application/json"
    assert ours_json.content == theirs_json.content
    assert ours_json["Content-Disposition"] == theirs_json["Content-Disposition"]
    assert json.loads(ours_json.content)["email"] == ADDRESS
    ours, theirs = (zipfile.ZipFile(io.BytesIO(r.content)) for r in (ours_zip, theirs_zip))
    assert ours.namelist() == theirs.namelist()
    assert all(ours.read(name) == theirs.read(name) for name in ours.namelist())
    exports = AuditEntry.objects.filter(action="rights.exported").order_by("pk")
    assert [entry.summary for entry in exports] == [
        f"Exported everything held on supporter {ruth.pk}, as JSON",
        f"Exported everything held on supporter {ruth.pk}, as CSV files",
    ]


def test_an_export_is_asked_for_with_a_button_not_a_link(lead, ruth):
    fetched = lead.get(person_url(ruth, "export/json/"))

    assert fetched.status_code == 303 and fetched["Location"] == person_url(ruth)
    assert lead.post(person_url(ruth, "export/pdf/")).status_code == 404
    assert not AuditEntry.objects.filter(action="rights.exported").exists()


# Erasure


def test_the_confirmation_says_what_is_erased_and_what_stays(lead, ruth):
    data_request = open_request(lead_user())

    page = text_of(lead.get(person_url(ruth, f"erase/?request={data_request.pk}")))

    for found in person_inventory(person=ruth).sections:
        if found.items:
            assert f"{escape(found.title)}: <strong>{len(found.items)}</strong>" in page
    assert "Your letters to MPs: <strong>4</strong>" in page, "3 letters, 1 record of sending"
    assert "What stays" in page and "audit log" in page
    assert f"In the register, closed as done: {data_request}" in page
    assert "Erase everything" in page
    assert Person.objects.filter(pk=ruth.pk).exists(), "looking erases nothing"


def test_the_confirmation_says_a_place_on_the_list_never_to_email_stays_as_a_hash(lead, ruth):
    stays = "Its place on the list of addresses never to email"
    assert stays not in text_of(lead.get(person_url(ruth, "erase/")))
    address_suppress(address=ADDRESS, reason=SuppressedAddress.Reason.COMPLAINED)

    page = text_of(lead.get(person_url(ruth, "erase/")))

    assert stays in page and "a keyed hash of the address, without the address" in page


def test_erasing_from_the_console_leaves_the_address_in_no_table(lead, ruth, settings):
    settings.RATE_LIMIT_STORE = "database"
    address_suppress(address=ADDRESS, reason=SuppressedAddress.Reason.BOUNCED,
                     detail=f"550 5.1.1 <{ADDRESS}>: no such user")  # fmt: skip
    OutboundEmail.objects.create(to=["RUTH.COHEN@example.org"], subject="In capitals",
                                 body="…")  # fmt: skip
    full_width = "ｒｕｔｈ.ｃｏｈｅｎ@example.org"  # the same mailbox, once normalised
    OutboundEmail.objects.create(to=[full_width], subject="Written otherwise", body="…")
    address_suppress(address=full_width, reason=SuppressedAddress.Reason.COMPLAINED)
    assert SuppressedAddress.objects.count() == 1, "one mailbox, one entry"
    data_request = open_request(lead_user())
    data_request.notes = f"Asked by letter; replied to {ADDRESS}."
    data_request.save()
    search(lead, ADDRESS)
    assert "rights.DataRequest.email" in tables_holding(ADDRESS)

    response = lead.post(person_url(ruth, "erase/"), {"confirm": "yes",
                                                      "request": data_request.pk})  # fmt: skip

    assert response.status_code == 303
    assert response["Location"] == f"/admin/rights/datarequest/{data_request.pk}/change/"
    assert {value: tables_holding(value) for value in HERS} == {value: [] for value in HERS}
    assert tables_holding("ruth.cohen@") == []
    kept = SuppressedAddress.objects.values_list("address", "detail", "reason")
    assert list(kept) == [("", "", "complained")], "it stays on the list never to email, as a hash"
    assert not OutboundEmail.objects.exists()
    assert not Person.objects.filter(pk=ruth.pk).exists()
    data_request.refresh_from_db()
    assert (data_request.status, data_request.email) == ("done", "")
    assert "Erased from the console" in data_request.notes
    page = text_of(lead.get(response["Location"]))
    assert (
        "Erased: nothing is held under that address any more but its place on the list never to "
        "email, as a keyed hash without the address, so that no email goes to it again. "
        "1 request closed as done."
    ) in page
    again = text_of(search(lead, ADDRESS))
    assert "No supporter has this address, but something is held under it" in again
    assert "On the list of addresses never to email" in again, "found by the keyed hash"
    assert "(erased: kept as a keyed hash)" in again and "Reported as spam" in again
    assert "Erasure: delete their data" in again, "the closed request is found by its fingerprint"


def test_the_erasure_is_audited_by_number(lead, ruth):
    lead.post(person_url(ruth, "erase/"), {"confirm": "yes"})

    entry = AuditEntry.objects.get(action="rights.erased")
    assert entry.object_id == str(ruth.pk) and entry.actor.username == "lead"
    assert entry.summary == f"Erased supporter {ruth.pk} from the console (no request)"
    assert AuditEntry.objects.filter(action="supporter.erased").exists()


def test_an_open_erasure_request_from_the_address_is_closed_by_the_erasure(lead, ruth):
    user = lead_user()
    erasure = open_request(user, email="Ruth.Cohen@Example.org")
    access = open_request(user, kind=DataRequest.Kind.ACCESS)

    lead.post(person_url(ruth, "erase/"), {"confirm": "yes"})

    erasure.refresh_from_db()
    access.refresh_from_db()
    assert erasure.status == "done"
    assert access.is_open and access.email == ADDRESS, "only the lead closes an access request"


def test_an_erasure_opened_from_another_request_does_not_close_that_request(lead, ruth):
    user = lead_user()
    someone_elses = open_request(user, email="miriam.levy@example.org")
    her_access = open_request(user, kind=DataRequest.Kind.ACCESS)

    for unrelated in (someone_elses, her_access):
        page = text_of(lead.get(person_url(ruth, f"erase/?request={unrelated.pk}")))
        assert f"Not closed by this: {unrelated}" in page
        assert "closed as done" not in page

    lead.post(person_url(ruth, f"erase/?request={someone_elses.pk}"), {"confirm": "yes"})

    someone_elses.refresh_from_db()
    her_access.refresh_from_db()
    assert someone_elses.is_open and someone_elses.email == "miriam.levy@example.org"
    assert her_access.is_open
    assert not Person.objects.filter(pk=ruth.pk).exists()


# Permissions


PAGES = [
    ("get", "/admin/rights/datarequest/"),
    ("get", "/admin/rights/datarequest/add/"),
    ("get", SEARCH),
    ("post", SEARCH),
    ("get", RETENTION),
    ("get", "person"),
    ("post", "person:export/json/"),
    ("get", "person:erase/"),
    ("post", "person:erase/"),
    ("get", "request:change/"),
    ("get", "request:close/"),
    ("post", "request:close/"),
]


@pytest.mark.parametrize("role", [VOLUNTEER, ORGANISER])
def test_every_other_role_is_refused_each_page(ruth, role):
    client, _ = organiser_in_role("someone", role)
    lead, lead_account = organiser_in_role("lead", DATA_PROTECTION_LEAD)
    data_request = open_request(lead_account)
    data = {"email": ADDRESS, "confirm": "yes", "outcome": "done"}

    for method, page in PAGES:
        if page.startswith("person"):
            url = person_url(ruth, page.partition(":")[2])
        elif page.startswith("request:"):
            url = f"/admin/rights/datarequest/{data_request.pk}/{page.partition(':')[2]}"
        else:
            url = page
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 403, (role, method, url)
        assert ADDRESS not in response.content.decode()
        if method == "get":
            assert lead.get(url).status_code == 200, url
    assert Person.objects.filter(pk=ruth.pk).exists()
    data_request.refresh_from_db()
    assert data_request.is_open
    assert not AuditEntry.objects.filter(actor__username="someone",
                                         action__startswith="rights.").exists()  # fmt: skip


def test_the_volunteer_does_not_even_see_the_register_on_the_dashboard(ruth):
    client, _ = organiser_in_role("volunteer", VOLUNTEER)

    page = client.get("/admin/").content.decode()

    assert "Register of requests" not in page and "data protection request" not in page


def test_the_lead_sees_the_register_on_the_dashboard(lead):
    page = lead.get("/admin/").content.decode()

    assert "Data protection requests" in page
    assert 'href="/admin/rights/datarequest/"' in page and "Register of requests" in page
