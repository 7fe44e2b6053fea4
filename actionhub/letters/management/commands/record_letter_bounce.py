import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionhub.letters.bounces import bounce_parse
from actionhub.letters.services import letter_record_bounce


class Command(BaseCommand):
    help = (
        "Record a bounce report for a letter sent to an MP, read from a file or standard input "
        "(so the mail server can pipe bounces to it). The constituent is told."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="The bounce email; standard input if absent.")

    def handle(self, *args, path=None, **options):
        raw = Path(path).read_bytes() if path else sys.stdin.buffer.read()
        bounce = bounce_parse(raw)
        if bounce is None:
            raise CommandError(
                "This is not a bounce report we can read: no multipart/report with the "
                "original message's Message-ID."
            )
        letter = letter_record_bounce(message_id=bounce.message_id, reason=bounce.reason)
        if letter is None:
            self.stdout.write(f"No sent letter has the Message-ID {bounce.message_id}: ignored.")
            return
        self.stdout.write(f"Letter {letter.pk} to {letter.mp_name} marked as bounced.")
