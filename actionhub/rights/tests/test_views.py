"""Your data through the doors a supporter uses: the form, the emailed link, the page and its
downloads."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from actionhub.core.tests.clock import SUITE_NOW
from actionhub.rights.models import AccessLink
from actionhub.rights.services import ACCESS_LASTS, ACCESS_LINK_MAX_AGE
from actionhub.rights.tests.people import ADDRESS, link_in
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_erase
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")
SECTIONS = [
    "you", "choices", "signatures", "letters-to-mps", "letters-to-brands", "events",
    "every-week", "groups", "campaign-emails", "emails-waiting", "data-links",
]  # fmt: skip


def ask(client, email):
    return client.post("/your-data/", {"email": email})


def open_data(client, smtp, email=ADDRESS):
    """Ask for a link, follow it from the email and press the button, as a supporter does."""
    assert ask(client, email).status_code == 303
    link = link_in(smtp.to(email)[-1])
    assert client.get(link).status_code == 200
    pressed = client.post(link)
    assert pressed.status_code == 303 and pressed["Location"] == "/your-data/view/"
    return link


def test_someone_who_did_everything_sees_it_all_on_the_page_and_in_both_downloads(
    client, smtp, everything
):
    open_data(client, smtp)

    page = client.get("/your-data/view/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in [
        "Ruth Cohen", ADDRESS, "I sign this pledge", "Email me about this campaign",
        "Pass my name, postal address, email address and letter to my MP",
        "NW3 7UX", "Please act on forced labour.", "Not shown: this address has not confirmed it",
        "Sent by us, by email, from this site", "From your own email: we gave you the text",
        "Downloaded or printed, for you to post", "Example Outfitters",
        "Please audit your suppliers.", "Weekly vigil", "Checked in on", "Hampstead youth group",
        "Leader", "Join us on Sunday", "Confirm your RSVP", "192.0.2.7",
    ]:  # fmt: skip
        assert text in html, text
    assert f'href="mailto:{settings.DATA_PROTECTION_EMAIL}"' in html

    document = json.loads(client.get("/your-data/view/your-data.json").content)
    assert [section["key"] for section in document["sections"]] == SECTIONS
    assert all(section["items"] for section in document["sections"]), "every section has Ruth"
    archive = zipfile.ZipFile(io.BytesIO(client.get("/your-data/view/your-data-csv.zip").content))
    files = [name for name in archive.namelist() if name.endswith(".csv")]
    assert files == [f"{n:02d}-{key}.csv" for n, key in enumerate(SECTIONS, start=1)]

    for number, section in enumerate(document["sections"], start=1):
        assert f'id="{section["key"]}"' in html
        csv_file = archive.read(f"{number:02d}-{section['key']}.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(csv_file)))
        assert len(rows) == len(section["items"])
        for item, row in zip(section["items"], rows, strict=True):
            assert row.pop("Item") == item["title"]
            assert row.pop("When it will be deleted") == item["When it will be deleted"]
            assert {label: value for label, value in row.items() if value} == item["fields"]
            for text in (item["title"], item["When it will be deleted"], *item["fields"].values()):
                assert escape(text) in html, text


def test_an_address_we_do_not_hold_gets_the_same_page_and_no_email(client, smtp, campaign):
    PersonFactory(email="held@example.org")

    held, unknown = ask(client, "held@example.org"), ask(Client(), "stranger@example.org")

    assert (held.status_code, held["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message["To"] for message in smtp.messages] == ["held@example.org"]
    assert AccessLink.objects.count() == 1
    sent_page = client.get(held["Location"]).content.decode()
    assert "If we hold details for that address" in sent_page
    assert "held@example.org" in sent_page  # in this browser only, so a typo is seen


def test_the_email_holds_a_link_that_opening_does_not_use_up(client, smtp, everything):
    ask(client, ADDRESS)
    [message] = smtp.to(ADDRESS)
    assert "works once, for 60 minutes" in message.get_payload(decode=True).decode()
    link = link_in(message)

    for _ in range(3):  # a mail scanner, a preview, the person
        opened = client.get(link)
        assert opened.status_code == 200
        assert "See my data" in opened.content.decode()
        assert ADDRESS not in opened.content.decode()
    assert AccessLink.objects.get().used_at is None
    assert opened["X-Robots-Tag"] == "noindex"
    assert opened["Referrer-Policy"] == "strict-origin"
    assert "no-cache" in opened["Cache-Control"]


def test_the_page_is_never_cached_indexed_or_named_in_a_referer(client, smtp, everything):
    open_data(client, smtp)

    for url in ("/your-data/view/", "/your-data/view/your-data.json",
                "/your-data/view/your-data-csv.zip"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]
    assert client.get("/your-data/view/your-data.json")["Content-Disposition"] == (
        'attachment; filename="your-data-2026-11-30.json"'
    )


def test_pressing_the_button_starts_a_new_session(client, smtp, everything):
    client.get("/your-data/")
    ask(client, ADDRESS)
    before = client.session.session_key

    link = link_in(smtp.to(ADDRESS)[-1])
    client.post(link)

    assert client.session.session_key != before
    assert client.session["rights_access"]["person"] == everything.pk


def test_a_link_works_once(client, smtp, everything):
    link = open_data(client, smtp)

    again = client.post(link)
    assert again.status_code == 303, "the same browser, pressing again, is shown its data"

    elsewhere = Client()
    for method in (elsewhere.get, elsewhere.post):
        refused = method(link)
        assert refused.status_code == 400
        assert "This link has been used" in refused.content.decode()
        assert 'href="/your-data/"' in refused.content.decode()
    assert elsewhere.get("/your-data/view/").status_code == 403


def test_a_link_expires_after_an_hour(client, smtp, everything):
    with time_machine.travel(SUITE_NOW, tick=False) as traveller:
        ask(client, ADDRESS)
        link = link_in(smtp.to(ADDRESS)[-1])
        traveller.shift(ACCESS_LINK_MAX_AGE + timedelta(seconds=1))

        for method in (client.get, client.post):
            expired = method(link)
            assert expired.status_code == 400
            assert "This link has expired" in expired.content.decode()
    assert AccessLink.objects.get().used_at is None
    assert client.get("/your-data/view/").status_code == 403


def test_a_tampered_link_does_not_work(client, smtp, everything):
    ask(client, ADDRESS)
    link = link_in(smtp.to(ADDRESS)[-1])
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = [
        link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
        link.replace(token, token[: len(token) // 2]),
        "/your-data/link/not-a-token/",
    ]

    for bad in tampered:
        for method in (client.get, client.post):
            refused = method(bad)
            assert refused.status_code == 400
            assert "This link does not work" in refused.content.decode()
    assert AccessLink.objects.get().used_at is None
    assert client.get("/your-data/view/").status_code == 403


def test_a_link_for_someone_else_never_shows_either_persons_data(client, smtp, everything):
    open_data(client, smtp)
    other = PersonFactory(email="dina@example.org", first_name="Dina", last_name="Levy")
    ConsentFactory(person=other, purpose="campaign-emails", wording="Email me about this campaign")
    ask(Client(), other.email)
    other_link = link_in(smtp.to(other.email)[-1])

    for method in (client.get, client.post):
        refused = method(other_link)
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Someone else’s data is open in this browser" in html
        assert "Ruth" not in html and "Dina" not in html
    assert AccessLink.objects.get(person=other).used_at is None

    going_on = client.post("/your-data/close/", {"then": other_link.rstrip("/").rsplit("/")[-1]})
    assert going_on.status_code == 303 and going_on["Location"] == other_link
    open_data(client, smtp, email=other.email)
    html = client.get("/your-data/view/").content.decode()
    assert "Dina Levy" in html and "Ruth" not in html


def test_the_data_closes_after_an_hour_or_when_asked(client, smtp, everything):
    with time_machine.travel(SUITE_NOW, tick=False) as traveller:
        open_data(client, smtp)
        traveller.shift(ACCESS_LASTS - timedelta(seconds=1))
        assert client.get("/your-data/view/").status_code == 200
        traveller.shift(timedelta(seconds=1))
        ended = client.get("/your-data/view/")
        assert ended.status_code == 403
        assert "Your hour is up" in ended.content.decode()
        assert client.get("/your-data/view/your-data.json").status_code == 403

    open_data(client, smtp)
    closed = client.post("/your-data/close/")
    assert "Your data is closed" in closed.content.decode()
    assert client.get("/your-data/view/").status_code == 403
    assert client.get("/your-data/view/your-data-csv.zip").status_code == 403


def test_erasing_ends_the_access(client, smtp, everything):
    open_data(client, smtp)
    person_erase(person=everything)

    assert client.get("/your-data/view/").status_code == 403
    assert not Person.objects.filter(email_normalised=everything.email_normalised).exists()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter your email address."),
        ("not an address", "Enter an email address like name@example.com."),
        ("ruth\u200b@example.org", "characters in it that cannot be seen"),
    ],
)
def test_the_form_says_what_is_wrong(client, smtp, campaign, typed, error):
    response = ask(client, typed)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and error in html
    assert smtp.messages == []


def test_the_blank_form(client, campaign):
    response = client.get("/your-data/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="email"' in html and "Email me a link" in html
    assert "There is a problem" not in html


def test_requests_from_one_connection_are_limited(client, smtp, settings, everything):
    settings.SUPPORTER_DATA_LINK_LIMITS = [(2, 3600)]

    pages = {ask(client, ADDRESS)["Location"] for _ in range(4)}

    assert pages == {"/your-data/sent/"}
    assert len(smtp.to(ADDRESS)) == 2


def test_the_daily_cap_per_address_holds_keeps_no_link_and_leaves_other_emails_alone(
    client, smtp, settings, everything
):
    from actionhub.supporters.confirmation import unconfirmed_email_allowed

    settings.SUPPORTER_DATA_LINK_ADDRESS_LIMITS = [(2, 24 * 60 * 60)]
    settings.SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = 1

    for _ in range(4):
        assert ask(Client(), ADDRESS)["Location"] == "/your-data/sent/"

    assert len(smtp.to(ADDRESS)) == 2
    assert AccessLink.objects.count() == 2
    assert unconfirmed_email_allowed(person=everything), "her own confirmations still go"


def test_the_data_page_needs_a_link(client, campaign):
    response = client.get("/your-data/view/")

    assert response.status_code == 403
    assert "Ask for a link" in response.content.decode()


@pytest.mark.parametrize("path", ["/your-data/", "/supporters/erase-my-details/",
                                  "/groups/your-link/"])  # fmt: skip
def test_asking_for_a_link_does_the_same_work_whether_or_not_the_address_is_held(
    path, campaign, settings
):
    """The time a request takes must say nothing either: it only queues the work, the same
    for any address, and the worker looks the address up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from actionhub.groups.tests.factories import LeaderFactory

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    LeaderFactory(person=PersonFactory(email="held@example.org"))
    Client().post(path, {"email": "first@example.org"})  # the connection's counter now exists
    done = {}
    for address in ["held@example.org", "stranger@example.org"]:
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(path, {"email": address})
        assert response.status_code == 303
        done[address] = [query["sql"].split(" ")[0] for query in queries.captured_queries]

    assert done["held@example.org"] == done["stranger@example.org"]
    assert DBTaskResult.objects.filter(status="READY").count() == 3
    assert not AccessLink.objects.exists(), "nothing is made for the address until the worker"
