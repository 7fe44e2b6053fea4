from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actionhub.core.text import counted
from actionhub.pledges.operations import signatures_invalidate, signatures_matching


def when(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{value!r} is not a date or time like 2026-11-30 or 2026-11-30T18:00."
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Invalidate signatures in bulk (they leave the count) by IP, email domain, source or time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ip", dest="ip_address")
        parser.add_argument("--email-domain")
        parser.add_argument("--source")
        parser.add_argument("--since", type=when, help="From this date or time (inclusive).")
        parser.add_argument("--until", type=when, help="Before this date or time.")
        parser.add_argument("--yes", action="store_true", help="Do it; without this, only count.")

    def handle(self, *args, yes, **criteria):
        chosen = {key: value for key, value in criteria.items() if key in
                  {"ip_address", "email_domain", "source", "since", "until"} and value}  # fmt: skip
        if not chosen:
            raise CommandError(
                "Give at least one of --ip, --email-domain, --source, --since, --until."
            )
        signatures = signatures_matching(**chosen)
        if not yes:
            self.stdout.write(
                f"{counted(signatures.count(), 'signature')} match. Add --yes to invalidate them."
            )
            return
        batch = signatures_invalidate(
            actor=None,
            actor_label="manage.py invalidate_signatures",
            signatures=signatures,
            reason=", ".join(f"{key}={value}" for key, value in chosen.items()),
        )
        self.stdout.write(
            f"Invalidated {counted(batch.changed, 'signature')}. To put them back, restore this "
            "batch in the console under Signatures taken out of the count."
        )
