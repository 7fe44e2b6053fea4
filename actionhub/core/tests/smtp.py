"""A real SMTP server (aiosmtpd) for the tests, which refuses what a test tells it to."""

import asyncio
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_use(settings, port: int) -> None:
    """Send the site's email to the SMTP server on `port` (plain, no sign-in)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


class MailServer(Message):
    """Accepts everything, except what a test tells it to refuse."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.refuse_recipients = set()
        self.refusal = "550 5.1.1 No such mailbox"
        self.temporary_failures = 0
        self.refuse_data = ""  # an answer to every message's DATA, such as "554 5.7.1 Spam"
        # Called (in a thread of its own) while a message is being received: what happens on
        # the site while the mail server has a message in hand.
        self.while_receiving = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.while_receiving:
            await asyncio.to_thread(self.while_receiving)
        if self.refuse_data:
            return self.refuse_data
        if self.temporary_failures:
            self.temporary_failures -= 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)

    def handle_message(self, message):
        self.messages.append(message)

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


def smtp_server_start(settings) -> tuple[MailServer, Controller]:
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_use(settings, controller.port)
    return handler, controller
