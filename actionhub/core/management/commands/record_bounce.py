import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionhub.core.bounces import BOUNCE_HANDLERS, report_parse


class Command(BaseCommand):
    help = (
        "Record a bounce report or a spam complaint about an email the site sent (a letter to "
        "an MP, a campaign email), read from a file or standard input, so the mail server can "
        "pipe them to it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="The report; standard input if absent.")

    def handle(self, *args, path=None, **options):
        raw = Path(path).read_bytes() if path else sys.stdin.buffer.read()
        report = report_parse(raw)
        if report is None:
            raise CommandError(
                "This is not a bounce report or complaint we can read: no multipart/report "
                "with the original message's Message-ID."
            )
        for handle in BOUNCE_HANDLERS:
            done = handle(report)
            if done:
                self.stdout.write(done)
                return
        self.stdout.write(f"No email we sent has the Message-ID {report.message_id}: ignored.")
