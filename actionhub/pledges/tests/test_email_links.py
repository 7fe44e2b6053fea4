"""Every email lets a signer unsubscribe in one click, and withdraw and erase, with no account."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from actionhub.core.models import AuditEntry
from actionhub.pledges.models import Signature
from actionhub.pledges.tests.conftest import confirm_link
from actionhub.supporters.models import Consent, Person

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def link_in(message, words):
    return re.search(rf"{words}: http://127\.0\.0\.1:8000(/supporters/\S+/)", message.body)[1]


@pytest.mark.parametrize("already_signed", [False, True])
def test_every_email_carries_the_links_and_one_click_headers(
    client, sign, last_link, already_signed
):
    sign()
    if already_signed:
        confirm_link(client, last_link())
        sign()
    message = mail.outbox[-1]
    unsubscribe = link_in(message, "Stop emails about this campaign")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_in(message, "Withdraw and erase your details")


def test_one_click_unsubscribe_from_a_mail_program(client, sign, last_link):
    sign(campaign_emails="on")
    confirm_link(client, last_link())
    unsubscribe = link_in(mail.outbox[-1], "Stop emails about this campaign")

    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    consent = Consent.objects.get(purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    assert consent.withdrawn_at is not None
    assert Signature.objects.exists(), "unsubscribing keeps the signature"


def test_unsubscribe_link_opened_in_a_browser_asks_first(client, sign, last_link):
    sign(campaign_emails="on")
    confirm_link(client, last_link())
    unsubscribe = link_in(mail.outbox[-1], "Stop emails about this campaign")

    page = client.get(unsubscribe)

    assert "Stop the emails" in page.content.decode()
    assert Consent.objects.get(purpose="campaign-emails").withdrawn_at is None


def test_withdraw_and_erase_removes_everything_and_the_count_drops(client, pledge, sign, last_link):
    sign(show_name="on")
    confirm_link(client, last_link())
    erase = link_in(mail.outbox[-1], "Withdraw and erase your details")
    cache.clear()  # as if the count's few seconds of caching had passed
    assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 1

    confirm_page = client.get(erase).content.decode()
    assert "your signatures (which will no longer be counted)" in confirm_page
    assert Person.objects.exists(), "opening the link erases nothing"

    done = client.post(erase)

    assert "Your details are erased" in done.content.decode()
    assert not Person.objects.exists()
    assert not Signature.objects.exists()
    assert not Consent.objects.exists()
    entry = AuditEntry.objects.get(action="supporter.erased")
    assert "miriam" not in entry.summary.casefold()
    cache.clear()  # as if the count's few seconds of caching had passed
    assert client.get(f"/pledge/{pledge.slug}/count.json").json()["count"] == 0
    assert client.post(erase).status_code == 400, "the link does nothing once used"


@pytest.mark.parametrize(
    "path", ["/supporters/unsubscribe/forged/", "/supporters/erase-my-details/forged/"]
)
def test_a_forged_link_does_nothing(client, sign, path):
    sign()
    response = client.post(path)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Person.objects.exists()


def test_an_unsubscribe_link_cannot_erase(client, sign):
    sign()
    unsubscribe = link_in(mail.outbox[-1], "Stop emails about this campaign")
    token = unsubscribe.split("/")[-2]
    assert client.post(f"/supporters/erase-my-details/{token}/").status_code == 400
    assert Person.objects.exists()
