"""Delivery to MPs through a real SMTP server (aiosmtpd), failures, retries and bounces."""

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from actionhub.core.models import OutboundEmail
from actionhub.core.tests.reports import delivery_status_report
from actionhub.letters.models import Letter
from actionhub.letters.services import MAX_SEND_ATTEMPTS, letter_deliver
from actionhub.letters.tests.factories import LetterFactory

MP_ADDRESS = "alex.example.mp@parliament.example"


def queued_letter(mp):
    return LetterFactory(
        mp=mp, sender_email="ruth@example.org", status=Letter.Status.QUEUED, sent_at=None
    )


def test_a_confirmed_letter_reaches_the_mp_with_the_constituent_as_reply_to(
    smtp, run_tasks, campaign, mp
):
    letter = queued_letter(mp)
    from actionhub.letters.tasks import deliver_letter

    deliver_letter.enqueue(letter.pk)
    run_tasks()

    [to_mp] = smtp.to(MP_ADDRESS)
    assert to_mp["Reply-To"] == "Ruth Cohen <ruth@example.org>"
    assert to_mp["From"] == "Jewish Action Against Persecution of Uyghurs <noreply@localhost>"
    assert "Please act." in to_mp.get_payload(decode=True).decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert to_mp["Message-ID"] == letter.message_id
    [copy] = smtp.to("ruth@example.org")
    assert "has been sent" in copy["Subject"]


def test_a_refused_address_fails_the_letter_and_tells_the_constituent(
    smtp, run_tasks, campaign, mp
):
    smtp.refuse_recipients.add(MP_ADDRESS)
    letter = queued_letter(mp)
    from actionhub.letters.tasks import deliver_letter

    deliver_letter.enqueue(letter.pk)
    run_tasks()

    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert "550 5.1.1 No such mailbox" in letter.failure
    [notice] = smtp.to("ruth@example.org")
    assert "could not be delivered" in notice.get_payload(decode=True).decode()
    assert MP_ADDRESS in notice.get_payload(decode=True).decode()  # to send it themselves
    assert not OutboundEmail.objects.exists()


def test_a_greylisted_address_is_tried_again_not_failed(smtp, run_tasks, campaign, mp):
    smtp.refuse_recipients.add(MP_ADDRESS)
    smtp.refusal = "450 4.2.0 Greylisted, try again later"
    letter = queued_letter(mp)
    from actionhub.letters.tasks import deliver_letter

    deliver_letter.enqueue(letter.pk)
    run_tasks()

    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED
    assert "450 4.2.0" in letter.failure
    assert DBTaskResult.objects.filter(task_path=deliver_letter.module_path, status="READY")
    assert smtp.to("ruth@example.org") == []  # nobody is told it failed


def test_a_failed_letter_does_not_use_up_the_month(smtp, db, campaign, mp):
    from django.utils import timezone

    from actionhub.letters.models import SendAllowance

    smtp.refuse_recipients.add(MP_ADDRESS)
    letter = queued_letter(mp)
    SendAllowance.objects.create(
        email_normalised=letter.email_normalised, mp=mp, template=letter.template,
        last_sent_at=timezone.now(),
    )  # fmt: skip

    letter_deliver(letter_id=letter.pk)

    assert not SendAllowance.objects.exists(), "nothing kept of a letter that did not go"


def test_a_temporary_failure_is_tried_again_later(smtp, run_tasks, campaign, mp):
    smtp.temporary_failures = 1
    letter = queued_letter(mp)
    from actionhub.letters.tasks import deliver_letter

    deliver_letter.enqueue(letter.pk)
    run_tasks()

    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED
    assert letter.send_attempts == 1
    assert "451" in letter.failure
    retry = DBTaskResult.objects.get(task_path=deliver_letter.module_path, status="READY")
    assert retry.run_after is not None
    assert smtp.to(MP_ADDRESS) == []

    letter_deliver(letter_id=letter.pk)  # the retry, when its time comes

    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert len(smtp.to(MP_ADDRESS)) == 1


def test_after_the_last_try_a_temporary_failure_fails_the_letter(smtp, db, campaign, mp):
    smtp.temporary_failures = 5
    letter = queued_letter(mp)
    Letter.objects.filter(pk=letter.pk).update(send_attempts=MAX_SEND_ATTEMPTS - 1)

    letter_deliver(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert "451" in letter.failure


def dsn(message_id: str) -> bytes:
    return delivery_status_report(message_id=message_id, recipient=MP_ADDRESS)


def test_a_bounce_report_fails_the_sent_letter_and_tells_the_constituent(
    tmp_path, immediate_tasks, campaign, mp
):
    from django.core import mail

    letter = LetterFactory(mp=mp, message_id="<letter-1@example.org>")
    path = tmp_path / "bounce.eml"
    path.write_bytes(dsn("<letter-1@example.org>"))

    call_command("record_letter_bounce", str(path))

    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert "550 5.1.1 User unknown" in letter.failure
    [notice] = mail.outbox
    assert notice.to == [letter.sender_email]
    assert "could not deliver" in notice.subject


def test_a_bounce_for_another_message_changes_nothing(tmp_path, db, campaign, mp, capsys):
    letter = LetterFactory(mp=mp, message_id="<letter-1@example.org>")
    path = tmp_path / "bounce.eml"
    path.write_bytes(dsn("<someone-else@example.org>"))

    call_command("record_letter_bounce", str(path))

    assert "No email we sent has the Message-ID" in capsys.readouterr().out
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT


def test_an_ordinary_email_is_refused_as_not_a_bounce(tmp_path, db):
    path = tmp_path / "hello.eml"
    path.write_bytes(b"From: a@example.org\nSubject: hello\n\nhi\n")

    with pytest.raises(CommandError, match="not a bounce report"):
        call_command("record_letter_bounce", str(path))


def test_a_writer_erased_while_their_letter_is_being_sent_is_sent_no_copy(
    smtp, transactional_db, campaign, mp
):
    from actionhub.supporters.models import Person
    from actionhub.supporters.services import person_erase

    letter = queued_letter(mp)
    smtp.while_receiving = lambda: person_erase(person=Person.objects.get(pk=letter.person_id))

    letter_deliver(letter_id=letter.pk)  # no error: the letter is simply gone

    assert [m["To"] for m in smtp.messages] == [MP_ADDRESS], "it was in the server's hands"
    assert not Letter.objects.exists() and not Person.objects.exists()
    assert not OutboundEmail.objects.exists(), "no copy queued to the erased address"
