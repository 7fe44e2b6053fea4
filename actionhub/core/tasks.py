from django_tasks import task

from actionhub.core.email import email_deliver


@task()
def send_email(email_id: int) -> None:
    email_deliver(email_id=email_id)
