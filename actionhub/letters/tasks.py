import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from actionhub.core.periodic import periodic
from actionhub.letters.services import (
    letter_deliver,
    letters_apply_retention,
    letters_send_follow_ups,
)

RETRY_AFTER = timedelta(minutes=10)


@task()
def deliver_letter(letter_id: int):
    try:
        letter_deliver(letter_id=letter_id)
    except (smtplib.SMTPException, OSError):
        deliver_letter.using(run_after=timezone.now() + RETRY_AFTER).enqueue(letter_id)
        raise


@periodic(every=timedelta(hours=1))
def send_letter_follow_ups():
    letters_send_follow_ups()


@periodic(every=timedelta(hours=1))
def apply_letter_retention():
    letters_apply_retention()
