from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

from actionhub.core.addresses import normalise_email


class BaseModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One thing a person (usually staff) did: append-only, never edited or deleted."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(
        max_length=150, blank=True, help_text="Who acted, kept when the account is deleted."
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class OutboundEmail(BaseModel):
    """A message waiting to be sent. The task that delivers it takes only its id.

    Once delivered, the row is deleted: it has done its job, and it holds personal data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        FAILED = "failed", "Failed (no more tries)"

    from_email = models.CharField(
        max_length=400, blank=True, help_text="Blank for the site's DEFAULT_FROM_EMAIL."
    )
    to = models.JSONField(help_text="Recipient addresses.")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="An HTML part beside the plain text, if any.")
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="Text files: [filename, content, MIME type]."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    last_error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries to send it so far.")
    first_failed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first try failed; blank if none has."
    )

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"


class RateLimitCounter(models.Model):
    """Requests counted for one key in one window, when there is no shared cache to count in."""

    key = models.CharField(max_length=300, unique=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


# The salt of the keyed hash of a suppressed address: this use alone, keyed by SECRET_KEY.
SUPPRESSION_HASH_SALT = "actionhub.core.SuppressedAddress.address_hash"


def suppressed_address_hash(address: str) -> str:
    """HMAC-SHA256 of the mailbox the address reaches (`core.addresses.normalise_email`: case,
    Gmail's dots and `+tags`, look-alike characters), keyed by SECRET_KEY salted for this use:
    the same for `Ruth.Cohen+x@GoogleMail.com` and `ruthcohen@gmail.com`, and of no use
    without the site's key."""
    mailbox = normalise_email(address)
    return salted_hmac(SUPPRESSION_HASH_SALT, mailbox, algorithm="sha256").hexdigest()


class SuppressedAddress(models.Model):
    """An address no email goes to again: it bounced for good, or its owner reported our email
    as spam. Every email honours it, whatever sent it, by the keyed hash of the address.

    Erasing its owner keeps the entry, with its hash and reason, but removes the address and
    what the mail server said (which may quote it): the objection, or the dead mailbox, is
    honoured after the erasure too, without a list of erased people's addresses."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced for good"
        COMPLAINED = "complained", "Reported as spam"

    address = models.CharField(
        max_length=254, blank=True, default="",
        help_text="Case-folded; removed (blank) once its owner is erased.",
    )  # fmt: skip
    address_hash = models.CharField(
        max_length=64, unique=True,
        help_text="Keyed hash of the mailbox (core.models.suppressed_address_hash).",
    )  # fmt: skip
    reason = models.CharField(max_length=12, choices=Reason.choices)
    detail = models.TextField(blank=True, help_text="What the mail server said.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "suppressed addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["address"],
                condition=~models.Q(address=""),
                name="core_suppressedaddress_address_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(address_hash=""), name="core_suppressedaddress_hash_given"
            ),
        ]

    def __str__(self):
        # Never the address: this is what the admin writes to the audit log, which outlives
        # an erasure.
        return f"Suppressed address {self.pk} ({self.get_reason_display()})"

    @property
    def is_erased(self) -> bool:
        return not self.address
