"""Faults on real processes: a task worker killed while sending, a mail server that goes away.

Each test has a database of its own, made by `migrate` (a file for SQLite, a fresh database on
PostgreSQL), which real `db_worker` processes share with this one, and a real SMTP server.
"""

import time
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from actionhub.tests.processes import (
    REPO,
    Inbox,
    Worker,
    emails_tried,
    emails_waiting,
    free_port,
    mailing_figures,
    manage,
    postgres_database_create,
    postgres_database_drop,
    queue_emails,
    queue_mailing,
    requeue_stalled_tasks,
    site_env,
)

EMAILS = 200
MAILING = 150
DEFAULT_PACK = REPO / "campaign_packs" / "uyghur-solidarity"


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.fixture
def site_database(tmp_path):
    """The environment of a site with a database of its own, migrated."""
    if connection.vendor == "postgresql":
        name = f"actionhub_faults_{uuid.uuid4().hex[:12]}"
        url = postgres_database_create(name)
    else:
        name, url = None, f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = site_env(url, tmp_path)
    try:
        manage(env, "migrate", "--no-input")
        yield env
    finally:
        if name:
            postgres_database_drop(name)


def test_a_worker_killed_mid_send_loses_no_email_and_a_repeat_is_the_same_message(
    site_database,
):
    inbox = Inbox(hold_at=EMAILS // 4)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**site_database, "EMAIL_PORT": str(controller.port)}
    queue_emails(env, EMAILS)

    first = Worker(env)
    try:
        assert inbox.holding.wait(60), "the first worker sends"
        first.kill()
    finally:
        first.stop()
    assert requeue_stalled_tasks(env) == 1, "the task the worker died in is queued again"

    second = Worker(env)
    try:
        wait_for(lambda: emails_waiting(env) == 0, 60, "the second worker sends the rest")
    finally:
        second.stop()
        controller.stop()

    recipients = Counter(recipient for recipient, _ in inbox.messages)
    assert set(recipients) == {f"supporter{n}@example.org" for n in range(EMAILS)}, "none lost"
    repeated = [recipient for recipient, times in recipients.items() if times > 1]
    assert repeated == [inbox.held], "only the message in flight when the worker died"
    ids = Counter(message_id for _, message_id in inbox.messages)
    assert len(ids) == EMAILS, "a repeat carries the same Message-ID, so it can be dropped"


def test_a_worker_killed_mid_mailing_resumes_and_nobody_gets_it_twice(site_database):
    inbox = Inbox(hold_at=MAILING // 3)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**site_database, "EMAIL_PORT": str(controller.port),
           "MAILING_MESSAGES_PER_SECOND": "0", "MAILING_BATCH_SIZE": "50",
           "MAILING_LEASE_SECONDS": "1"}  # fmt: skip
    manage(env, "load_campaign", str(DEFAULT_PACK))
    queue_mailing(env, MAILING)

    first = Worker(env)
    try:
        assert inbox.holding.wait(60), "the first worker sends"
        first.kill()  # SIGKILL while the mail server has a message it has not answered
    finally:
        first.stop()
    assert requeue_stalled_tasks(env) == 1, "the batch the worker died in is queued again"

    second = Worker(env)
    try:
        wait_for(lambda: mailing_figures(env)["status"] == "sent", 60, "the rest is sent")
    finally:
        second.stop()
        controller.stop()

    recipients = Counter(recipient for recipient, _ in inbox.messages)
    assert set(recipients) == {f"supporter{n}@example.org" for n in range(MAILING)}, "none lost"
    assert max(recipients.values()) == 1, "nobody gets it twice, not even the one in flight"
    figures = mailing_figures(env)
    assert (figures["sent"], figures["interrupted"]) == (MAILING - 1, 1), (
        "the message in flight is reported as not known, and never sent again"
    )


def test_a_mail_server_away_for_a_while_delays_email_but_loses_none(site_database):
    port = free_port()
    env = {**site_database, "EMAIL_PORT": str(port)}
    queue_emails(env, 20)

    worker = Worker(env)
    try:
        wait_for(lambda: emails_tried(env) == 20, 30, "every message tried while it is away")
        assert emails_waiting(env) == 20
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            # The first retry comes 30 seconds after each failure.
            wait_for(lambda: len(inbox.messages) == 20, 50, "all sent once it is back")
        finally:
            controller.stop()
    finally:
        worker.stop()
    assert emails_waiting(env) == 0
    assert len({recipient for recipient, _ in inbox.messages}) == 20
