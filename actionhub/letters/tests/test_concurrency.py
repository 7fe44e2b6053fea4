"""Confirmations at the same moment: the once-a-month rule holds in the database."""

import pytest
from django.core import mail

from actionhub.core.tests.concurrency import only_where_writers_race, run_together
from actionhub.letters.models import Letter
from actionhub.letters.services import letter_confirm, letter_confirmation_token

pytestmark = [pytest.mark.usefixtures("immediate_tasks"), only_where_writers_race]


def confirm_together(tokens):
    return run_together(lambda token: letter_confirm(token=token).outcome, tokens)


def test_many_letters_confirmed_at_once_send_only_one(write):
    for _ in range(6):
        write()
    tokens = [letter_confirmation_token(letter) for letter in Letter.objects.all()]

    outcomes, errors = confirm_together(tokens)

    assert errors == []
    assert sorted(outcomes) == ["queued"] + ["too-soon"] * 5
    assert Letter.objects.filter(status=Letter.Status.SENT).count() == 1
    assert len([m for m in mail.outbox if "alex.example.mp@parliament.example" in m.to]) == 1


def test_the_rule_holds_when_the_last_letter_was_long_ago(write, mp, template):
    from datetime import timedelta

    from django.utils import timezone

    from actionhub.letters.models import SendAllowance

    SendAllowance.objects.create(
        email_normalised="ruth@example.org", mp=mp, template=template,
        last_sent_at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    for _ in range(6):
        write()
    tokens = [letter_confirmation_token(letter) for letter in Letter.objects.all()]

    outcomes, errors = confirm_together(tokens)

    assert errors == []
    assert sorted(outcomes) == ["queued"] + ["too-soon"] * 5


def test_one_link_followed_many_times_at_once_sends_once(write):
    write()
    token = letter_confirmation_token(Letter.objects.get())

    outcomes, errors = confirm_together([token] * 6)

    assert errors == []
    assert sorted(outcomes) == ["already"] * 5 + ["queued"]
    assert len([m for m in mail.outbox if "alex.example.mp@parliament.example" in m.to]) == 1
