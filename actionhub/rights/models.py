from django.db import models
from django.utils import timezone

from actionhub.supporters.models import Person


class AccessLink(models.Model):
    """A link emailed to a supporter to see their data: it works once, within an hour.

    Only a hash of the link's random nonce is kept, so a copy of the database makes no link
    that works; the link itself is only in the email.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_links")
    nonce_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the nonce.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Link to see their data, asked for at {self.created_at:%Y-%m-%d %H:%M}"
