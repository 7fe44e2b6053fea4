"""Email leaves only through a task: tested against a real SMTP server (aiosmtpd)."""

import email
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from actionhub.core.email import email_send
from actionhub.core.mail_backends import FolderEmailBackend
from actionhub.core.models import OutboundEmail
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.core.tests.smtp import free_port, smtp_use


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_a_task_delivers_the_message_to_a_real_smtp_server(smtp_server, run_tasks):
    with transaction.atomic():
        queued_id = email_send(
            to=["supporter@example.org"],
            subject="Please confirm your signature",
            body="Follow this link to confirm: http://127.0.0.1:8000/confirm/abc",
            reply_to=["organisers@example.org"],
            headers={"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/abc>"},
        ).pk
        assert not DBTaskResult.objects.exists(), "queued only once the transaction commits"
    assert DBTaskResult.objects.count() == 1
    assert smtp_server.messages == [], "email must not be sent inside the request"

    run_tasks()

    [received] = smtp_server.messages
    assert received["To"] == "supporter@example.org"
    assert received["Subject"] == "Please confirm your signature"
    assert received["Reply-To"] == "organisers@example.org"
    assert received["List-Unsubscribe"] == "<http://127.0.0.1:8000/unsubscribe/abc>"
    assert "http://127.0.0.1:8000/confirm/abc" in received.get_payload()
    assert not OutboundEmail.objects.exists(), "nothing of a delivered message is kept"
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [queued_id], "the queue holds only the id"


def test_while_the_mail_server_is_away_emails_wait_and_all_go_once_it_returns(
    settings, run_tasks, time_machine, organiser_client
):
    time_machine.move_to(SUITE_NOW, tick=False)
    port = free_port()
    smtp_use(settings, port)  # nothing listens there yet
    with transaction.atomic():
        for number in range(3):
            email_send(to=[f"supporter{number}@example.org"], subject="Confirm", body="Link")

    run_tasks()
    waiting = OutboundEmail.objects.all()
    assert {(e.status, e.attempts) for e in waiting} == {(OutboundEmail.Status.QUEUED, 1)}
    assert all("ConnectionRefusedError" in e.last_error for e in waiting)
    assert waiting[0].body == "Link", "kept for the next try"
    dashboard = organiser_client.get("/admin/").content.decode()
    assert "waiting: the mail server" not in dashboard, "a short outage is not news"

    time_machine.shift(timedelta(seconds=31))
    run_tasks()
    assert {e.attempts for e in OutboundEmail.objects.all()} == {2}
    time_machine.shift(timedelta(minutes=12))
    dashboard = organiser_client.get("/admin/").content.decode()
    assert "3 emails waiting: the mail server has not taken them since 09:00" in dashboard

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_tasks()
    finally:
        controller.stop()
    received = sorted(message["To"] for message in inbox.messages)
    assert received == [f"supporter{number}@example.org" for number in range(3)]
    assert not OutboundEmail.objects.exists()


def test_an_email_the_mail_server_never_takes_is_marked_failed_for_organisers(
    settings, run_tasks, time_machine, organiser_client
):
    time_machine.move_to(SUITE_NOW, tick=False)
    smtp_use(settings, free_port())
    settings.EMAIL_RETRY_DELAYS = [timedelta(seconds=30)]
    with transaction.atomic():
        email_send(to=["supporter@example.org"], subject="Confirm", body="Link")

    run_tasks()
    time_machine.shift(timedelta(seconds=31))
    run_tasks()

    record = OutboundEmail.objects.get()
    assert (record.status, record.attempts) == (OutboundEmail.Status.FAILED, 2)
    assert "1 email could not be sent" in organiser_client.get("/admin/").content.decode()


def test_each_message_has_its_own_message_id_fixed_when_queued(smtp_server, run_tasks):
    with transaction.atomic():
        first = email_send(to=["a@example.org"], subject="One", body="Link")
        second = email_send(to=["b@example.org"], subject="Two", body="Link")
    ids = [first.headers["Message-ID"], second.headers["Message-ID"]]

    run_tasks()

    assert sorted(m["Message-ID"] for m in smtp_server.messages) == sorted(ids)
    assert ids[0] != ids[1] and all(i.endswith("@127.0.0.1>") for i in ids)


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server, run_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(to=["supporter@example.org"], subject="Never", body="Never")
        raise RuntimeError("the signature was not saved")

    run_tasks()
    assert not DBTaskResult.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert smtp_server.messages == []


def test_the_folder_backend_writes_one_readable_file_per_message(tmp_path, caplog):
    backend = FolderEmailBackend(folder=tmp_path / "mail")
    messages = [
        mail.EmailMessage("Confirm", "Link: http://127.0.0.1:8000/c/1", to=["a@example.org"]),
        mail.EmailMessage("Ünïcode subject", "Body ✓", to=["b@example.org"]),
    ]

    with caplog.at_level("INFO", logger="actionhub.mail"):
        assert backend.send_messages(messages) == 2

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(path.read_bytes()) for path in files]
    assert {message["To"] for message in parsed} == {"a@example.org", "b@example.org"}
    assert all(str(tmp_path / "mail") in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_erasing_an_address_removes_its_undelivered_messages():
    from actionhub.core.email import email_erase_for
    from actionhub.core.tests.factories import OutboundEmailFactory

    OutboundEmailFactory(to=["Miriam@Example.org"])
    OutboundEmailFactory(to=["someone@example.org", "miriam@example.org"])
    kept = OutboundEmailFactory(to=["joannmiriam@example.org"])

    assert email_erase_for(address="miriam@example.org") == 2
    assert list(OutboundEmail.objects.all()) == [kept]


def test_failed_messages_are_deleted_after_a_week(db):
    from datetime import timedelta

    from django.utils import timezone

    from actionhub.core.email import emails_failed_delete

    failed = OutboundEmail.objects.create(
        to=["a@example.org"], subject="Hello", body="Link", status=OutboundEmail.Status.FAILED
    )
    waiting = OutboundEmail.objects.create(to=["b@example.org"], subject="Hi", body="Link")

    assert emails_failed_delete(now=timezone.now() + timedelta(days=6)) == 0
    assert emails_failed_delete(now=timezone.now() + timedelta(days=8)) == 1
    assert not OutboundEmail.objects.filter(pk=failed.pk).exists()
    assert OutboundEmail.objects.filter(pk=waiting.pk).exists()


def test_the_admin_never_shows_a_message_s_body(organiser_client):
    email = OutboundEmail.objects.create(
        to=["a@example.org"], subject="Confirm", body="SECRET-LINK", status="failed"
    )
    page = organiser_client.get(f"/admin/core/outboundemail/{email.pk}/change/")
    assert page.status_code == 200
    assert "SECRET-LINK" not in page.content.decode()


class RefusingInbox:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 No such mailbox here"


def test_an_address_refused_for_good_is_failed_at_once_not_tried_for_a_day(
    settings, run_tasks, organiser_client
):
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_use(settings, controller.port)
        with transaction.atomic():
            email_send(to=["nobody@example.org"], subject="Confirm", body="Link")
        run_tasks()
    finally:
        controller.stop()

    record = OutboundEmail.objects.get()
    assert (record.status, record.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "550" in record.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists(), "no other try is queued"
