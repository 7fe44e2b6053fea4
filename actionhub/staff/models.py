from django.conf import settings
from django.db import models


class SetupCode(models.Model):
    """The one-time code an organiser needs, besides the password, to set up an authenticator:
    so that whoever learns a first or reset password cannot also take over the second factor.

    Only a hash is kept. It is given to the organiser by whoever made the account or reset the
    authenticator, lasts a day, and is spent when the authenticator is set up.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_code"
    )
    code_hash = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"Set-up code for {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
