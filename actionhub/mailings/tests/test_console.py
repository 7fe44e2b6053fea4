"""Writing, previewing, testing, sending, approving and cancelling a mailing in the console."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from actionhub.core.models import AuditEntry
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.mailings.models import Mailing
from actionhub.mailings.services import mailings_start_due
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.staff.roles import ORGANISER, VOLUNTEER, roles_ensure
from actionhub.staff.tests.factories import OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.sessions import sign_in_with_code

ADD = "/admin/mailings/mailing/add/"
DRAFT = {
    "subject": "Demonstrate with us on Sunday",
    "body": "Join us outside the embassy at **2pm**.",
    "action": "",
    "constituency": "",
    "source": "",
    "since": "",
    "until": "",
}


def url(mailing, page=""):
    return f"/admin/mailings/mailing/{mailing.pk}/{page}"


def organiser_in_role(username, role=ORGANISER):
    user = OrganiserFactory(username=username, is_superuser=False)
    user.groups.add(roles_ensure()[role])
    return sign_in_with_code(Client(), user, TOTPDeviceFactory(user=user)), user


@pytest.fixture
def writer(db, campaign):
    return organiser_in_role("writer")


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.MAILING_MESSAGES_PER_SECOND = 0


def test_a_draft_with_the_audience_left_blank_is_saved_and_counted(writer, campaign):
    client, user = writer
    hearing_more(), hearing_more()
    response = client.post(ADD, {**DRAFT, "campaign": campaign.pk})
    assert response.status_code == 302
    mailing = Mailing.objects.get()
    assert (mailing.status, mailing.created_by, mailing.campaign) == ("draft", user, campaign)
    page = client.get(url(mailing, "change/")).content.decode()
    assert "If sent now, it goes to <strong>2 people</strong>" in page
    assert "everyone who agreed to hear more" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "", "Enter a subject"),
        ("subject", "Hello\r\nBcc: everyone@example.org", "must be on one line"),
        ("subject", "✊✊✊", "in words"),
        ("body", "", "Write the email: its body is empty."),
        ("body", "Hello <script>alert(1)</script>", "without HTML: it has a &lt;script&gt; tag"),
        ("body", "Look ![us](https://tracker.example/pixel.gif)", "Take the image out"),
        ("until", "2026-11-01", "The last day must be on or after the first day."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_keeps_what_was_typed(
    writer, campaign, field, value, message
):
    client, _ = writer
    data = {**DRAFT, "campaign": campaign.pk, "since": "2026-11-20", field: value}
    response = client.post(ADD, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Join us outside the embassy" in page or field == "body"
    assert not Mailing.objects.exists()


def test_a_draft_previewed_shows_both_parts_and_its_html_loads_nothing_else(writer, campaign):
    client, _ = writer
    mailing = MailingFactory(body="## Sunday\n\nBring a **friend**.")
    page = client.get(url(mailing, "preview/"))
    text = page.content.decode()
    assert "Bring a **friend**." in text, "the plain text part"
    assert "(your unsubscribe link)" in text
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    html = client.get(url(mailing, "preview/email.html"))
    assert "<strong>friend</strong>" in html.content.decode()
    policy = html["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy
    assert "img-src" not in policy and "default-src 'none'" in policy
    assert html["X-Frame-Options"] == "SAMEORIGIN"


def test_a_test_goes_to_the_organisers_own_address(writer, campaign, run_tasks, settings):
    client, user = writer
    mailing = MailingFactory()
    response = client.post(url(mailing, "test/"))
    assert response.status_code == 303
    run_tasks()
    [test] = mail.outbox
    assert test.to == [user.email]
    assert test.subject == "[Test] Demonstrate with us on Sunday"
    assert AuditEntry.objects.filter(action="mailing.tested").exists()


def test_without_an_address_of_their_own_an_organiser_is_told_how_to_add_one(writer, campaign):
    client, user = writer
    user.email = ""
    user.save()
    response = client.post(url(MailingFactory(), "test/"), follow=True)
    assert "Your account has no email address" in response.content.decode()


def test_sending_now_reaches_everyone_and_the_page_reports_it(writer, campaign, run_tasks):
    client, _ = writer
    people = [hearing_more() for _ in range(3)]
    mailing = MailingFactory()
    assert client.get(url(mailing, "send/")).status_code == 200
    response = client.post(url(mailing, "send/"), {"when": "now", "send_at": ""})
    assert response.status_code == 303
    run_tasks()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    page = client.get(url(mailing, "change/")).content.decode()
    assert '<th scope="row">Sent</th><td>3</td>' in page
    assert "No opens or clicks are counted" in page


def test_an_audience_of_nobody_cannot_be_sent_to(writer, campaign):
    client, _ = writer
    mailing = MailingFactory()
    response = client.post(url(mailing, "send/"), {"when": "now"})
    assert response.status_code == 400
    assert "Nobody would get this email" in response.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


@pytest.mark.parametrize(
    ("send_at", "message"),
    [
        ("", "Enter when to send it"),
        ("2026-11-29T10:00", "Choose a time in the future"),
        ("next tuesday", "Enter the date and time like"),
    ],
)
def test_a_bad_time_to_send_is_refused(writer, campaign, send_at, message):
    client, _ = writer
    hearing_more()
    mailing = MailingFactory()
    response = client.post(url(mailing, "send/"), {"when": "later", "send_at": send_at})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_mailing_sent_at_a_time_waits_for_it(writer, campaign, run_tasks, time_machine):
    time_machine.move_to(SUITE_NOW, tick=False)
    client, _ = writer
    hearing_more()
    mailing = MailingFactory()
    later = timezone.localtime() + timedelta(days=1)
    client.post(url(mailing, "send/"), {"when": "later", "send_at": f"{later:%Y-%m-%dT%H:%M}"})
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SCHEDULED
    assert mailings_start_due() == 0
    time_machine.shift(timedelta(days=1, minutes=1))
    assert mailings_start_due() == 1
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_large_mailing_waits_for_a_second_organiser(writer, campaign, run_tasks, settings):
    settings.MAILING_APPROVAL_ABOVE = 2
    client, user = writer
    for _ in range(3):
        hearing_more()
    mailing = MailingFactory()
    second_client, second = organiser_in_role("second")

    page = client.get(url(mailing, "send/")).content.decode()
    assert "another organiser approves it first" in page
    client.post(url(mailing, "send/"), {"when": "now"})
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.AWAITING_APPROVAL
    run_tasks()
    assert mail.outbox == [], "nothing goes before it is approved"
    assert client.get(url(mailing, "approve/")).status_code == 403, "not by the one who asked"
    assert "Approve…" in second_client.get(url(mailing, "change/")).content.decode()

    response = second_client.post(url(mailing, "approve/"), {"confirm": "yes"})
    assert response.status_code == 303
    run_tasks()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.approved_by) == (Mailing.Status.SENT, second)
    assert len(mail.outbox) == 3


def test_with_one_organiser_or_approval_turned_off_a_large_mailing_goes_at_once(
    writer, campaign, settings
):
    settings.MAILING_APPROVAL_ABOVE = 0
    client, _ = writer
    hearing_more()
    first = MailingFactory()
    client.post(url(first, "send/"), {"when": "now"})
    first.refresh_from_db()
    assert first.status != Mailing.Status.AWAITING_APPROVAL, "only one organiser may send"

    organiser_in_role("second")
    settings.MAILING_NEEDS_SECOND_APPROVAL = False
    again = MailingFactory()
    client.post(url(again, "send/"), {"when": "now"})
    again.refresh_from_db()
    assert again.status != Mailing.Status.AWAITING_APPROVAL


def test_cancelling_a_scheduled_mailing_means_nothing_goes(writer, campaign, run_tasks):
    client, _ = writer
    hearing_more()
    mailing = MailingFactory()
    later = timezone.localtime() + timedelta(hours=2)
    client.post(url(mailing, "send/"), {"when": "later", "send_at": f"{later:%Y-%m-%dT%H:%M}"})
    assert "This cannot be undone" in client.get(url(mailing, "cancel/")).content.decode()
    client.post(url(mailing, "cancel/"), {"confirm": "yes"})
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CANCELLED
    assert mailings_start_due(now=timezone.now() + timedelta(hours=3)) == 0
    assert AuditEntry.objects.filter(action="mailing.cancelled").exists()


def test_a_mailing_being_sent_cannot_be_edited(writer, campaign):
    client, _ = writer
    mailing = MailingFactory(status=Mailing.Status.SENT)
    page = client.get(url(mailing, "change/")).content.decode()
    assert 'name="_save"' not in page and "Demonstrate with us on Sunday" in page
    response = client.post(url(mailing, "change/"), {**DRAFT, "campaign": campaign.pk,
                                                     "subject": "Other"})  # fmt: skip
    assert response.status_code == 403
    mailing.refresh_from_db()
    assert mailing.subject == "Demonstrate with us on Sunday"


def test_a_volunteer_cannot_see_or_send_mailings(db, campaign):
    client, _ = organiser_in_role("volunteer", VOLUNTEER)
    mailing = MailingFactory()
    for page in ("change/", "preview/", "send/"):
        assert client.get(url(mailing, page)).status_code == 403


def test_the_dashboard_tells_the_other_organiser_a_mailing_waits_for_approval(
    writer, campaign, settings
):
    settings.MAILING_APPROVAL_ABOVE = 0
    client, _ = writer
    hearing_more()
    second_client, _ = organiser_in_role("second")
    client.post(url(MailingFactory(), "send/"), {"when": "now"})
    assert (
        "1 campaign email waiting for your approval"
        in second_client.get("/admin/").content.decode()
    )
    assert "waiting for your approval" not in client.get("/admin/").content.decode()


def test_a_mailing_is_sent_only_after_a_test_of_its_words_as_they_are(writer, campaign):
    client, _ = writer
    hearing_more()
    mailing = MailingFactory(tested=False)
    untested = "Send yourself a test of this version first"
    assert untested in client.get(url(mailing, "send/")).content.decode()
    refused = client.post(url(mailing, "send/"), {"when": "now"})
    assert refused.status_code == 400 and untested in refused.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT

    client.post(url(mailing, "test/"))
    assert untested not in client.get(url(mailing, "send/")).content.decode()
    client.post(url(mailing, "change/"), {**DRAFT, "campaign": campaign.pk, "subject": "New words"})
    assert untested in client.post(url(mailing, "send/"), {"when": "now"}).content.decode()

    client.post(url(mailing, "test/"))
    assert client.post(url(mailing, "send/"), {"when": "now"}).status_code == 303


def test_the_organiser_who_asked_cannot_approve_their_own_by_posting(writer, campaign, settings):
    settings.MAILING_APPROVAL_ABOVE = 0
    client, _ = writer
    hearing_more()
    organiser_in_role("second")
    mailing = MailingFactory()
    client.post(url(mailing, "send/"), {"when": "now"})
    response = client.post(url(mailing, "approve/"), {"confirm": "yes"}, follow=True)
    assert "Another organiser must approve your email, not you." in response.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.AWAITING_APPROVAL


def test_a_date_without_choosing_people_coming_is_refused(writer, campaign):
    from actionhub.events.tests.factories import OccurrenceFactory

    client, _ = writer
    date = OccurrenceFactory()
    response = client.post(ADD, {**DRAFT, "campaign": campaign.pk, "occurrence": date.pk})
    assert "A date narrows down who is coming" in response.content.decode()
    assert not Mailing.objects.exists()
    client.post(ADD, {**DRAFT, "campaign": campaign.pk, "occurrence": date.pk,
                      "action": Mailing.Action.RSVPED})  # fmt: skip
    assert Mailing.objects.get().occurrence == date
