from django.core.management.base import BaseCommand

from actionhub.staff.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or update the roles (Organiser, Volunteer, Data protection lead)."

    def handle(self, *args, **options):
        for name, group in roles_ensure().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
