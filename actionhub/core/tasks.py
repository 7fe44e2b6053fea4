from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django_tasks import task

from actionhub.core.email import email_deliver, emails_failed_delete
from actionhub.core.periodic import periodic
from actionhub.core.queue import tasks_prune_finished, tasks_requeue_stalled
from actionhub.core.ratelimit import rate_limit_counters_delete_expired


@task()
def send_email(email_id: int) -> None:
    email_deliver(email_id=email_id)


@periodic(every=timedelta(days=1))
def clear_expired_sessions():
    """Sessions can hold a postcode carried to the next page: none outlives its expiry."""
    SessionStore.clear_expired()


@periodic(every=timedelta(days=1))
def delete_failed_emails():
    emails_failed_delete()


@periodic(every=timedelta(hours=1))
def delete_expired_rate_limit_counters():
    rate_limit_counters_delete_expired()


@periodic(every=timedelta(minutes=5))
def requeue_stalled_tasks():
    tasks_requeue_stalled()


@periodic(every=timedelta(hours=1))
def prune_finished_tasks():
    tasks_prune_finished()
