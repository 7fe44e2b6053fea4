"""Two weeks after sending: "Did your MP reply?", one reminder a week later; and retention."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from actionhub.letters.models import Letter
from actionhub.letters.services import letters_apply_retention, letters_send_follow_ups
from actionhub.letters.tests.conftest import confirmation_link, reply_link
from actionhub.supporters.models import Person

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def sent_at(client, write):
    """A letter written, confirmed and sent through the site; returns when it was sent."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        write()
        client.post(confirmation_link(mail.outbox[0]))
    mail.outbox.clear()
    return start


def asks():
    return [m for m in mail.outbox if "reply to your letter" in m.subject]


def test_the_question_comes_fourteen_days_after_sending_and_once(sent_at):
    with time_machine.travel(sent_at + timedelta(days=13, hours=23), tick=False):
        assert letters_send_follow_ups() == (0, 0)
    assert asks() == []

    with time_machine.travel(sent_at + timedelta(days=14, minutes=1), tick=False):
        assert letters_send_follow_ups() == (1, 0)
        assert letters_send_follow_ups() == (0, 0)

    [question] = asks()
    assert question.to == ["ruth@example.org"]
    assert question.subject == "Did Alex Example reply to your letter?"
    assert "/letters/reply/" in question.body
    assert "List-Unsubscribe" in question.extra_headers


def test_one_reminder_seven_days_later_and_no_more(sent_at):
    with time_machine.travel(sent_at + timedelta(days=14, minutes=1), tick=False):
        letters_send_follow_ups()
    with time_machine.travel(sent_at + timedelta(days=20, hours=23), tick=False):
        assert letters_send_follow_ups() == (0, 0)
    with time_machine.travel(sent_at + timedelta(days=21, minutes=2), tick=False):
        assert letters_send_follow_ups() == (0, 1)
    with time_machine.travel(sent_at + timedelta(days=40), tick=False):
        assert letters_send_follow_ups() == (0, 0)

    assert len(asks()) == 2
    assert "A last reminder" in asks()[1].body


def test_an_answer_is_recorded_and_stops_the_reminder(client, sent_at):
    with time_machine.travel(sent_at + timedelta(days=14, minutes=1), tick=False):
        letters_send_follow_ups()
    link = reply_link(asks()[0])
    form = client.get(link).content.decode()
    assert "Did Alex Example reply?" in form

    response = client.post(link, {"reply": "replied", "reply_text": "Thank you for writing..."})

    assert "We have noted your answer" in response.content.decode()
    letter = Letter.objects.get()
    assert letter.reply == Letter.Reply.REPLIED
    assert letter.reply_text == "Thank you for writing..."
    with time_machine.travel(sent_at + timedelta(days=22), tick=False):
        assert letters_send_follow_ups() == (0, 0)


def test_only_an_acknowledgement_keeps_no_pasted_text(client, sent_at):
    with time_machine.travel(sent_at + timedelta(days=14, minutes=1), tick=False):
        letters_send_follow_ups()

    client.post(reply_link(asks()[0]), {"reply": "acknowledged", "reply_text": "Auto-reply"})

    letter = Letter.objects.get()
    assert letter.reply == Letter.Reply.ACKNOWLEDGED
    assert letter.reply_text == ""


def test_an_answer_without_a_choice_gets_a_message(client, sent_at):
    with time_machine.travel(sent_at + timedelta(days=14, minutes=1), tick=False):
        letters_send_follow_ups()

    response = client.post(reply_link(asks()[0]), {"reply_text": "They said..."})

    assert response.status_code == 400
    assert "Choose whether your MP replied." in response.content.decode()
    assert "They said..." in response.content.decode()


def test_letters_not_sent_by_the_site_are_not_followed_up(client, write, sent_at):
    write(delivery="download", email="", pass_to_mp=None)
    with time_machine.travel(sent_at + timedelta(days=15), tick=False):
        assert letters_send_follow_ups() == (1, 0)


def test_follow_ups_and_retention_run_as_periodic_tasks():
    from actionhub.core.periodic import REGISTRY
    from actionhub.letters import tasks

    assert REGISTRY[tasks.send_letter_follow_ups.module_path][1] == timedelta(hours=1)
    assert REGISTRY[tasks.apply_letter_retention.module_path][1] == timedelta(hours=1)


def test_retention_removes_unconfirmed_letters_and_blanks_details_later(client, write, sent_at):
    with time_machine.travel(sent_at, tick=False):
        write(email="someone@example.org")  # never confirmed
        write(delivery="download", email="", pass_to_mp=None)
    Letter.objects.update(source="shul")  # as if written from a group's link

    with time_machine.travel(sent_at + timedelta(days=8), tick=False):
        letters_apply_retention()
    assert Letter.objects.count() == 2  # the unconfirmed one is gone

    with time_machine.travel(sent_at + timedelta(days=31), tick=False):
        letters_apply_retention()
    handed_over = Letter.objects.get(delivery=Letter.Delivery.DOWNLOAD)
    assert handed_over.sender_name == handed_over.body == handed_over.sender_address == ""
    assert handed_over.personal_share > 0  # the reports keep their numbers
    sent = Letter.objects.get(delivery=Letter.Delivery.SITE)
    assert sent.sender_name == "Ruth Cohen"  # still needed for the follow-up

    with time_machine.travel(sent_at + timedelta(days=61), tick=False):
        letters_apply_retention()
    sent.refresh_from_db()
    assert sent.sender_email == sent.body == sent.postcode == ""
    assert sent.person is None
    assert sent.status == Letter.Status.SENT
    assert sent.mp_name == "Alex Example"
    assert sent.source == handed_over.source == "shul"  # what each link brought: not personal
    assert not Person.objects.filter(email="ruth@example.org").exists()


def test_erasing_a_supporter_removes_their_letters(client, sent_at):
    from actionhub.supporters.services import person_erase

    person_erase(person=Person.objects.get(email="ruth@example.org"))

    assert not Letter.objects.exists()
