from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    message = EmailMessage(
        subject=subject, body=body, to=to, reply_to=reply_to or None, headers=headers or None
    )
    message.send()
