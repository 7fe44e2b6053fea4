import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("actionhub.mail")


class FolderEmailBackend(BaseEmailBackend):
    """Writes each message to its own .eml file, so a newcomer can open any link without SMTP."""

    def __init__(self, *args, folder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(folder or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            logger.info(
                "Email to %s, %r, written to %s", ", ".join(message.to), message.subject, path
            )
        return len(email_messages)
