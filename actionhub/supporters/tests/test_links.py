"""Unsubscribe and erase links: opaque, the first for good, the second for 180 days, then a new
one on request."""

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing

from actionhub.core.tests.clock import SUITE_NOW
from actionhub.supporters.links import ERASE_SALT, supporter_links
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")
SITE = "http://127.0.0.1:8000"


def path(url: str) -> str:
    return url.removeprefix(SITE)


def test_links_say_nothing_about_who_they_are_for(db):
    first, second = PersonFactory(), PersonFactory()

    for person in (first, second):
        links = supporter_links(person=person)
        assert links["data"] == SITE + "/your-data/", (
            "the same for everyone: it asks for the address"
        )
        for url in (links["unsubscribe"], links["erase"]):
            token = url.rstrip("/").rsplit("/", 1)[1]
            payload = token.split(":", 1)[0]
            decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
            assert str(person.pk) not in decoded.replace(person.link_key, "")
            assert person.link_key in decoded
    assert len(first.link_key) >= 43 and first.link_key != second.link_key


def test_a_link_made_from_a_person_number_works_no_more(client, db):
    person = PersonFactory()
    old_style = signing.dumps(person.pk, salt=ERASE_SALT)

    assert client.get(f"/supporters/erase-my-details/{old_style}/").status_code == 400
    assert client.post(f"/supporters/erase-my-details/{old_style}/").status_code == 400
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_unsubscribe_link_still_works_years_later(client, db):
    consent = ConsentFactory(purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    link = path(supporter_links(person=consent.person)["unsubscribe"])

    with time_machine.travel(SUITE_NOW + timedelta(days=3 * 365)):
        assert client.post(link).status_code == 200

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_an_erase_link_lasts_180_days_then_a_new_one_is_sent_on_request(client, campaign):
    with time_machine.travel(SUITE_NOW, tick=False) as traveller:
        person = PersonFactory(email="miriam@example.org")
        link = path(supporter_links(person=person)["erase"])
        traveller.shift(timedelta(days=179))
        assert "Erase my details" in client.get(link).content.decode()

        traveller.shift(timedelta(days=2))
        expired = client.get(link, follow=True)
        assert expired.redirect_chain[-1][0] == "/supporters/erase-my-details/"
        assert "work for 180 days" in expired.content.decode()
        client.post(link)
        assert Person.objects.filter(pk=person.pk).exists(), "an expired link erases nothing"

        sent = client.post("/supporters/erase-my-details/", {"email": "MIRIAM@example.org"})
        assert sent.status_code == 303
        assert "We sent it to" in client.get(sent["Location"]).content.decode()
        [message] = mail.outbox
        assert message.to == ["miriam@example.org"]
        new_link = re.search(rf"{SITE}(/supporters/erase-my-details/\S+/)", message.body)[1]
        client.post(new_link)
    assert not Person.objects.filter(pk=person.pk).exists()


def test_asking_for_a_link_for_an_address_we_do_not_hold_looks_the_same(client, campaign):
    PersonFactory(email="held@example.org")

    pages = []
    for address in ("held@example.org", "stranger@example.org"):
        response = client.post("/supporters/erase-my-details/", {"email": address})
        pages.append((response.status_code, response["Location"]))

    assert pages[0] == pages[1]
    assert [message.to for message in mail.outbox] == [["held@example.org"]]


def test_asking_for_an_erase_link_needs_a_real_address(client, campaign):
    response = client.post("/supporters/erase-my-details/", {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in response.content.decode()
