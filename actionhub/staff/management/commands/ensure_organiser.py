import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from actionhub.core.audit import audit_record
from actionhub.staff.roles import ORGANISER, roles_ensure
from actionhub.staff.services import SETUP_CODE_LIFETIME, staff_setup_code_issue


class Command(BaseCommand):
    help = (
        "Make sure an organiser account (a superuser, in the Organiser role) exists; print how "
        "to sign in the first time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="organiser")

    def handle(self, *args, username, **options):
        User = get_user_model()
        sign_in_url = f"{settings.SITE_URL}/admin/"
        existing = list(User.objects.filter(is_superuser=True, is_active=True))
        if existing:
            names = ", ".join(user.get_username() for user in existing)
            self.stdout.write(
                f"Organiser account(s): {names}. Sign in at {sign_in_url}\n"
                "Forgotten the password? Run: make organiser-password"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        # A superuser may do everything; the role says what the account is for, and stays if
        # superuser status is later taken away.
        user.groups.add(roles_ensure()[ORGANISER])
        audit_record(action="staff.account_created", obj=user, summary="First organiser account")
        setup_code = staff_setup_code_issue(user=user, actor_label="manage.py ensure_organiser")
        hours = int(SETUP_CODE_LIFETIME.total_seconds() // 3600)
        self.stdout.write(
            self.style.SUCCESS("Created the first organiser account.")
            + f"\n  Sign in at: {sign_in_url}\n  Username:   {username}\n  Password:   {password}\n"
            f"  Set-up code: {setup_code} (once, within {hours} hours)\n"
            "  This password is shown only once: keep it in a password manager.\n"
            "  At first sign-in you enter the set-up code, then set up an authenticator app (such\n"
            "  as Aegis, Google Authenticator or 1Password) for the 6-digit codes every sign-in\n"
            "  needs. Code expired? Run: .venv/bin/python manage.py reset_two_factor "
            f"{username}"
        )
