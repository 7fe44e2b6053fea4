from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionhub.staff.services import staff_two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove an organiser's authenticator (for a lost phone); they set up a new one at sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.")
        setup_code = staff_two_factor_reset(user=user, actor_label="manage.py reset_two_factor")
        self.stdout.write(
            f"Removed the authenticator of {username}. At their next sign-in they set up a new "
            f"one, with this set-up code (once, within a day): {setup_code}"
        )
