from datetime import timedelta

from django_tasks import task

from actionhub.core.periodic import periodic
from actionhub.mailings.sending import mailing_send_batch, mailings_resume_stalled
from actionhub.mailings.services import (
    mailing_start,
    mailings_recipients_forget,
    mailings_start_due,
)


@task()
def start_mailing(mailing_id: int) -> None:
    mailing_start(mailing_id=mailing_id)


@task()
def send_mailing_batch(mailing_id: int) -> None:
    mailing_send_batch(mailing_id=mailing_id)


@periodic(every=timedelta(minutes=1))
def start_due_mailings():
    mailings_start_due()
    mailings_resume_stalled()


@periodic(every=timedelta(days=1))
def forget_mailing_recipients():
    mailings_recipients_forget()
