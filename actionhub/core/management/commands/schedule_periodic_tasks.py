from django.core.management.base import BaseCommand

from actionhub.core.periodic import REGISTRY, periodic_schedule_all


class Command(BaseCommand):
    help = "Queue every periodic task (retention, counts, milestones) that is not waiting yet."

    def handle(self, *args, **options):
        queued = periodic_schedule_all()
        waiting = len(REGISTRY) - len(queued)
        self.stdout.write(
            f"Periodic tasks: {len(queued)} queued now, {waiting} already waiting."
            + "".join(f"\n  queued {path}" for path in queued)
        )
