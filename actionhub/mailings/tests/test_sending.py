"""Sending a mailing on the task worker to a real SMTP server (aiosmtpd)."""

import email
from email import policy
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from actionhub.core.email import email_send
from actionhub.core.models import OutboundEmail, SuppressedAddress
from actionhub.core.tests.reports import complaint_report, delivery_status_report
from actionhub.mailings.content import message_id_for
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.sending import mailing_send_batch
from actionhub.mailings.services import (
    mailing_cancel,
    mailing_figures,
    mailing_send_request,
    mailing_start,
    mailing_test_send,
    recipient_bounced,
)
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.supporters.models import Consent
from actionhub.supporters.services import consent_withdraw
from actionhub.supporters.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.MAILING_MESSAGES_PER_SECOND = 0


def parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def sent_now(mailing, organiser, run_tasks):
    with transaction.atomic():
        mailing_send_request(actor=organiser, mailing=mailing)
    run_tasks()
    mailing.refresh_from_db()
    return mailing


def test_each_supporter_gets_the_mailing_once_with_plain_text_html_and_one_click_unsubscribe(
    smtp, run_tasks, campaign, organiser
):
    people = [hearing_more(first_name=name) for name in ("Miriam", "Daniel", "Esther")]
    mailing = sent_now(MailingFactory(), organiser, run_tasks)

    assert mailing.status == Mailing.Status.SENT
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
    received = parsed(smtp.to(people[0].email)[0])
    assert received["Subject"] == "Demonstrate with us on Sunday"
    assert received["From"].startswith(f'"{campaign.name}"') or campaign.name in received["From"]
    assert received["Message-ID"] == message_id_for(mailing_id=mailing.pk, person_id=people[0].pk)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = received["List-Unsubscribe"].strip().strip("<>")
    assert "/unsubscribe/" in unsubscribe
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Join us outside the embassy at **2pm**" in text
    assert "<strong>2pm</strong>" in html
    assert '<a href="https://example.org/demo"' in html, "links exactly as written"
    for part in (text, html):
        assert unsubscribe in part
        assert "/erase-my-details/" in part
    assert "<img" not in html and "url(" not in html and "@import" not in html
    assert mailing_figures(mailing)[Recipient.Status.SENT] == 3


def test_only_people_whose_consent_stands_are_sent_it(smtp, run_tasks, campaign, organiser):
    stays = hearing_more()
    leaves = hearing_more()
    consent_withdraw(person=leaves, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    PersonFactory()  # never agreed
    sent_now(MailingFactory(), organiser, run_tasks)
    assert [m["To"] for m in smtp.messages] == [stays.email]


def test_an_unsubscribe_during_sending_holds_back_the_rest_of_that_mailing(
    smtp, settings, transactional_db, campaign, organiser
):
    settings.MAILING_BATCH_SIZE = 1
    first, second = hearing_more(), hearing_more()
    mailing = MailingFactory()
    mailing_send_request(actor=organiser, mailing=mailing)
    assert mailing_start(mailing_id=mailing.pk)

    assert mailing_send_batch(mailing_id=mailing.pk), "more to send after the first"
    consent_withdraw(person=second, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    while mailing_send_batch(mailing_id=mailing.pk):
        pass

    assert [m["To"] for m in smtp.messages] == [first.email]
    figures = mailing_figures(mailing)
    assert figures[Recipient.Status.SENT] == 1
    assert figures[Recipient.Status.UNSUBSCRIBED] == 1


def test_a_cancelled_mailing_sends_nothing_more(smtp, settings, transactional_db, campaign,
                                                organiser):  # fmt: skip
    settings.MAILING_BATCH_SIZE = 1
    for _ in range(3):
        hearing_more()
    mailing = MailingFactory()
    mailing_send_request(actor=organiser, mailing=mailing)
    assert mailing_start(mailing_id=mailing.pk)
    mailing_send_batch(mailing_id=mailing.pk)
    mailing_cancel(actor=organiser, mailing=mailing)
    assert not mailing_send_batch(mailing_id=mailing.pk)

    assert len(smtp.messages) == 1
    assert mailing_figures(mailing)[Recipient.Status.CANCELLED] == 2
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        mailing_cancel(actor=organiser, mailing=mailing)


def test_a_message_left_being_sent_by_a_dead_worker_is_never_sent_again(
    smtp, transactional_db, campaign, organiser
):
    first, second = hearing_more(), hearing_more()
    mailing = MailingFactory()
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing_start(mailing_id=mailing.pk)
    # The worker marked the first "sending", gave it to the mail server, and died.
    mailing.recipients.filter(person=first).update(status=Recipient.Status.SENDING)

    while mailing_send_batch(mailing_id=mailing.pk):
        pass

    assert [m["To"] for m in smtp.messages] == [second.email]
    assert mailing.recipients.get(person=first).status == Recipient.Status.INTERRUPTED


def test_an_address_the_server_refuses_for_good_is_suppressed_for_every_later_email(
    smtp, run_tasks, campaign, organiser
):
    gone, kept = hearing_more(), hearing_more()
    smtp.refuse_recipients.add(gone.email)
    mailing = sent_now(MailingFactory(), organiser, run_tasks)

    assert mailing.recipients.get(person=gone).status == Recipient.Status.BOUNCED
    assert SuppressedAddress.objects.filter(address=gone.email.casefold()).exists()
    smtp.refuse_recipients.clear()
    smtp.messages.clear()
    with transaction.atomic():
        email_send(to=[gone.email.upper()], subject="Please confirm", body="Link")
    run_tasks()
    assert smtp.messages == [], "no later email goes to a suppressed address"
    assert not OutboundEmail.objects.exists()

    sent_now(MailingFactory(subject="Next week"), organiser, run_tasks)
    assert [m["To"] for m in smtp.messages] == [kept.email]


def test_the_mail_server_away_delays_the_mailing_and_loses_nothing(
    smtp, settings, run_tasks, time_machine, campaign, organiser
):
    from datetime import timedelta

    from actionhub.core.tests.clock import SUITE_NOW
    from actionhub.core.tests.smtp import smtp_use

    time_machine.move_to(SUITE_NOW, tick=False)
    people = [hearing_more(), hearing_more()]
    port = settings.EMAIL_PORT
    smtp_use(settings, port + 1 if port < 65535 else port - 1)  # nothing listens there
    mailing = sent_now(MailingFactory(), organiser, run_tasks)
    assert mailing.status == Mailing.Status.SENDING
    assert "Connection" in mailing.last_error or "Errno" in mailing.last_error
    assert mailing_figures(mailing)[Recipient.Status.QUEUED] == 2

    smtp_use(settings, port)
    time_machine.shift(timedelta(seconds=31))
    run_tasks()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)


def test_a_test_goes_to_the_organiser_only_and_unsubscribes_nobody(
    smtp, run_tasks, campaign, organiser
):
    hearing_more()
    mailing = MailingFactory()
    with transaction.atomic():
        mailing_test_send(actor=organiser, mailing=mailing)
    run_tasks()
    [test] = smtp.messages
    assert test["To"] == organiser.email
    assert test["Subject"] == "[Test] Demonstrate with us on Sunday"
    assert "/unsubscribe/" not in test.as_string()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


def report_recorded(tmp_path, raw: bytes, capsys) -> str:
    path = tmp_path / "report.eml"
    path.write_bytes(raw)
    call_command("record_bounce", str(path))
    return capsys.readouterr().out


def test_a_bounce_report_suppresses_the_address_and_a_temporary_one_does_not(
    smtp, run_tasks, campaign, organiser, tmp_path, capsys
):
    gone, full = hearing_more(), hearing_more()
    mailing = sent_now(MailingFactory(), organiser, run_tasks)
    gone_id = mailing.recipients.get(person=gone).message_id

    out = report_recorded(tmp_path, delivery_status_report(message_id=gone_id,
                                                           recipient=gone.email), capsys)  # fmt: skip
    assert "Recorded a bounce" in out
    assert mailing.recipients.get(person=gone).status == Recipient.Status.BOUNCED
    assert SuppressedAddress.objects.get(address=gone.email).reason == "bounced"

    full_id = mailing.recipients.get(person=full).message_id
    report = delivery_status_report(message_id=full_id, recipient=full.email, status="4.2.2")
    assert "nothing changed" in report_recorded(tmp_path, report, capsys)
    assert not SuppressedAddress.objects.filter(address=full.email).exists()
    assert mailing_figures(mailing)[Recipient.Status.BOUNCED] == 1


def test_a_spam_complaint_unsubscribes_and_suppresses_the_address(
    smtp, run_tasks, campaign, organiser, tmp_path, capsys
):
    annoyed = hearing_more()
    mailing = sent_now(MailingFactory(), organiser, run_tasks)
    message_id = mailing.recipients.get(person=annoyed).message_id

    out = report_recorded(tmp_path, complaint_report(message_id=message_id,
                                                     recipient=annoyed.email), capsys)  # fmt: skip
    assert "Recorded a spam complaint" in out
    assert mailing.recipients.get(person=annoyed).status == Recipient.Status.COMPLAINED
    assert SuppressedAddress.objects.get(address=annoyed.email).reason == "complained"
    assert not annoyed.consents.filter(purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                                       withdrawn_at=None).exists()  # fmt: skip


def test_a_report_about_an_email_we_never_sent_changes_nothing(db, tmp_path, capsys):
    raw = delivery_status_report(message_id="<stranger@example.org>", recipient="a@example.org")
    assert "No email we sent has the Message-ID" in report_recorded(tmp_path, raw, capsys)
    assert not SuppressedAddress.objects.exists()


def test_who_was_sent_it_is_forgotten_30_days_after_and_the_figures_stay(
    smtp, run_tasks, campaign, organiser
):
    from datetime import timedelta

    from django.utils import timezone

    from actionhub.mailings.services import mailings_recipients_forget

    hearing_more(), hearing_more()
    mailing = sent_now(MailingFactory(), organiser, run_tasks)
    assert mailings_recipients_forget(now=timezone.now() + timedelta(days=29)) == 0
    assert mailings_recipients_forget(now=timezone.now() + timedelta(days=31)) == 2
    assert not mailing.recipients.filter(person__isnull=False).exists()
    assert not mailing.recipients.exclude(message_id="").exists()
    assert mailing_figures(mailing)[Recipient.Status.SENT] == 2


def test_a_supporter_erased_or_withdrawn_is_not_kept_on_file_by_a_mailing(
    smtp, run_tasks, campaign, organiser
):
    from actionhub.supporters.models import Person
    from actionhub.supporters.services import people_delete_unattached, person_erase

    erased, withdrawn = hearing_more(), hearing_more()
    mailing = sent_now(MailingFactory(), organiser, run_tasks)
    person_erase(person=erased)
    consent_withdraw(person=withdrawn, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    people_delete_unattached()
    assert not Person.objects.exists(), "being sent a mailing is no reason to keep anyone"
    assert mailing_figures(mailing)[Recipient.Status.SENT] == 2


def test_the_check_before_each_message_agrees_with_the_audience(
    smtp, transactional_db, campaign, organiser
):
    from actionhub.core.email import address_suppress
    from actionhub.mailings.audience import audience_people

    stays, bounces, leaves = hearing_more(), hearing_more(), hearing_more()
    mailing = MailingFactory()
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing_start(mailing_id=mailing.pk)
    address_suppress(address=bounces.email.upper(), reason=SuppressedAddress.Reason.BOUNCED)
    consent_withdraw(person=leaves, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    while mailing_send_batch(mailing_id=mailing.pk):
        pass

    assert set(audience_people(mailing)) == {stays}
    statuses = {r.person: r.status for r in mailing.recipients.select_related("person")}
    assert statuses == {stays: "sent", bounces: "suppressed", leaves: "unsubscribed"}


def test_someone_who_complained_erased_and_came_back_is_not_sent_the_mailing(
    smtp, run_tasks, campaign, organiser
):
    from actionhub.supporters.services import person_erase

    complained, other = hearing_more(email="Dilnur.Abdulla@example.org"), hearing_more()
    sent_now(MailingFactory(), organiser, run_tasks)
    recipient_bounced(message_id=smtp.to(complained.email)[0]["Message-ID"],
                      reason="Reported as abuse", complaint=True)  # fmt: skip
    person_erase(person=complained)
    back = hearing_more(email="dilnur.abdulla@EXAMPLE.org")  # signed up again, by anyone
    smtp.messages.clear()

    mailing = sent_now(MailingFactory(subject="Next week"), organiser, run_tasks)

    assert [m["To"] for m in smtp.messages] == [other.email]
    assert mailing.recipients.get(person=back).status == Recipient.Status.SUPPRESSED


def sent_through(mailing, batches=10):
    """Run its batches as the worker would, until none is left or one waits for a retry."""
    for _ in range(batches):
        if not mailing_send_batch(mailing_id=mailing.pk):
            break
    mailing.refresh_from_db()
    return mailing


def started(mailing, organiser):
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing_start(mailing_id=mailing.pk)
    return mailing


def test_a_message_the_server_refuses_for_good_fails_and_is_not_tried_again(
    smtp, transactional_db, campaign, organiser
):
    hearing_more()
    smtp.refuse_data = "554 5.7.1 Message refused as spam"
    mailing = sent_through(started(MailingFactory(), organiser))
    assert mailing.status == Mailing.Status.SENT
    [recipient] = mailing.recipients.all()
    assert (recipient.status, recipient.error) == ("failed", "554 5.7.1 Message refused as spam")
    assert not SuppressedAddress.objects.exists(), "a refused message is not a dead address"


def test_one_address_told_to_try_later_holds_back_only_its_own_message(
    smtp, settings, transactional_db, time_machine, campaign, organiser
):
    from datetime import timedelta

    from actionhub.core.tests.clock import SUITE_NOW

    time_machine.move_to(SUITE_NOW, tick=False)
    settings.EMAIL_RETRY_DELAYS = [timedelta(minutes=1)]
    busy, others = hearing_more(), [hearing_more(), hearing_more()]
    smtp.refuse_recipients.add(busy.email)
    smtp.refusal = "450 4.2.1 Mailbox busy, try later"
    mailing = sent_through(started(MailingFactory(), organiser))

    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in others)
    assert mailing.status == Mailing.Status.SENDING, "one message waits for its retry"
    waiting = mailing.recipients.get(person=busy)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert busy.email not in mailing.last_error

    smtp.refuse_recipients.clear()
    time_machine.shift(timedelta(minutes=2))
    mailing = sent_through(mailing)
    assert mailing.status == Mailing.Status.SENT
    assert len(smtp.to(busy.email)) == 1


def test_an_address_still_busy_after_every_retry_is_failed(
    smtp, settings, transactional_db, time_machine, campaign, organiser
):
    from datetime import timedelta

    from actionhub.core.tests.clock import SUITE_NOW

    time_machine.move_to(SUITE_NOW, tick=False)
    settings.EMAIL_RETRY_DELAYS = [timedelta(minutes=1)]
    busy = hearing_more()
    smtp.refuse_recipients.add(busy.email)
    smtp.refusal = "452 4.2.2 Mailbox full"
    mailing = sent_through(started(MailingFactory(), organiser))
    time_machine.shift(timedelta(minutes=2))
    mailing = sent_through(mailing)
    assert mailing.status == Mailing.Status.SENT
    assert mailing.recipients.get().status == Recipient.Status.FAILED


def test_a_second_worker_finds_the_mailing_taken_and_sends_nothing(
    smtp, transactional_db, campaign, organiser
):
    from actionhub.mailings.sending import _lease_take

    hearing_more()
    mailing = started(MailingFactory(), organiser)
    assert _lease_take(mailing) is not None, "the first worker's batch holds it"
    assert mailing_send_batch(mailing_id=mailing.pk) is False
    assert smtp.messages == []
    assert mailing.recipients.get().status == Recipient.Status.QUEUED


def test_a_mailing_whose_batch_was_lost_is_resumed(smtp, transactional_db, campaign, organiser):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from actionhub.mailings.sending import mailings_resume_stalled

    hearing_more()
    started(MailingFactory(), organiser)
    DBTaskResult.objects.all().delete()  # the queued batch lost (its task failed)
    assert mailings_resume_stalled() == 0, "not yet: its batch is only just due"
    assert mailings_resume_stalled(now=timezone.now() + timedelta(minutes=6)) == 1
    assert DBTaskResult.objects.filter(task_path__endswith="send_mailing_batch").count() == 1


def test_an_audience_grown_past_the_approval_limit_waits_for_approval_again(
    smtp, settings, transactional_db, campaign, organiser
):
    from actionhub.staff.tests.factories import OrganiserFactory

    OrganiserFactory(username="second")
    settings.MAILING_APPROVAL_ABOVE = 2
    hearing_more(), hearing_more()
    mailing = MailingFactory()
    mailing_send_request(actor=organiser, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SCHEDULED, "two people: no approval needed"
    hearing_more()  # the audience grows before it starts

    assert not mailing_start(mailing_id=mailing.pk)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.audience_counted) == ("awaiting-approval", 3)
    assert smtp.messages == [] and not mailing.recipients.exists()


def test_erasing_a_supporter_clears_what_the_server_said_about_their_message(
    smtp, transactional_db, campaign, organiser
):
    from actionhub.supporters.services import person_erase

    gone = hearing_more()
    smtp.refuse_recipients.add(gone.email)
    smtp.refusal = f"550 5.1.1 <{gone.email}>: no such user"
    mailing = sent_through(started(MailingFactory(), organiser))
    assert gone.email in mailing.recipients.get().error
    person_erase(person=gone)
    recipient = mailing.recipients.get()
    assert (recipient.person, recipient.error, recipient.message_id) == (None, "", "")
    assert mailing_figures(mailing)[Recipient.Status.BOUNCED] == 1


def test_a_supporter_erased_while_a_mailing_is_sending_is_not_sent_it(
    smtp, transactional_db, campaign, organiser
):
    from actionhub.supporters.models import Person
    from actionhub.supporters.services import person_erase

    hearing_more(), hearing_more()
    mailing = started(MailingFactory(), organiser)
    first, second = [r.person for r in mailing.recipients.select_related("person").order_by("pk")]
    # While the mail server takes the first message, the second person erases their details.
    smtp.while_receiving = lambda: person_erase(person=Person.objects.filter(pk=second.pk).first())
    smtp.while_receiving = _once(smtp.while_receiving)
    sent_through(mailing)

    assert [m["To"] for m in smtp.messages] == [first.email]
    assert not Person.objects.filter(pk=second.pk).exists()
    figures = mailing_figures(mailing)
    assert figures[Recipient.Status.SENT] == 1
    assert figures[Recipient.Status.CANCELLED] + figures[Recipient.Status.UNSUBSCRIBED] == 1
    assert mailing.status == Mailing.Status.SENT


def _once(action):
    done = []

    def first_time_only():
        if not done:
            done.append(True)
            action()

    return first_time_only


def test_the_mail_programs_one_click_unsubscribe_stops_every_later_mailing(
    smtp, run_tasks, client, campaign, organiser
):
    leaving, staying = hearing_more(), hearing_more()
    sent_now(MailingFactory(), organiser, run_tasks)
    received = parsed(smtp.to(leaving.email)[0])
    link = received["List-Unsubscribe"].strip().strip("<>")
    path = urlsplit(link).path

    # RFC 8058: the mail program POSTs this body, with no cookie and no CSRF token.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    smtp.messages.clear()
    sent_now(MailingFactory(subject="Next week"), organiser, run_tasks)
    assert [m["To"] for m in smtp.messages] == [staying.email]


def test_messages_go_no_faster_than_the_rate_set(monkeypatch):
    from actionhub.mailings import sending

    clock = {"now": 100.0}
    monkeypatch.setattr(sending.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(
        sending.time, "sleep", lambda seconds: clock.__setitem__("now", clock["now"] + seconds)
    )
    pace = sending._Pace(per_second=4)
    sent_at = []
    for _ in range(5):
        pace.wait()
        sent_at.append(clock["now"])
    assert sent_at == [100.0, 100.25, 100.5, 100.75, 101.0], "one every quarter second"
    assert sending._Pace(per_second=0).gap == 0, "0: as fast as the mail server takes them"
