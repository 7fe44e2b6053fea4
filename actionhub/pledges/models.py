from django.conf import settings
from django.db import models
from django.utils import timezone

from actionhub.campaigns.models import Pledge
from actionhub.core.models import BaseModel
from actionhub.parliament.models import Constituency
from actionhub.supporters.models import Person

# The words signers agree to, shown on the form and recorded with each consent.
SIGN_WORDING = "I sign this pledge"
SHOW_NAME_WORDING = "Show my first name on the site"


class Signature(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for email confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        QUARANTINED = "quarantined", "Quarantined (over a rate limit or too fast)"
        INVALIDATED = "invalidated", "Invalidated by organisers"

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="signatures")
    # A copy of the person's normalised address, so the database itself allows one signature
    # per person per pledge, even for two identical submissions at the same moment.
    email_normalised = models.CharField(max_length=254)
    # The names as typed on the pledge form: the first name is what "Show my first name on the
    # site" shows, whatever name the person gave elsewhere (a letter's full name, say).
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=100, blank=True, help_text="For signers outside the UK.")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="signatures"
    )
    # The supporter's choices, as submitted; recorded as consents when the email is confirmed.
    show_name = models.BooleanField(default=False)
    campaign_emails = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True, help_text="From ?source= on the link.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(
        default=timezone.now,
        help_text="The latest submission (or release): retention counts from it.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "email_normalised"], name="one_signature_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["pledge", "status", "confirmed_at"]),
            models.Index(fields=["pledge", "source"]),
        ]
        permissions = [
            ("view_signer_details", "Can see signers' names, email addresses and postcodes"),
            ("export_signature", "Can export signers' personal details"),
            ("invalidate_signature", "Can invalidate signatures in bulk"),
        ]

    def __str__(self):
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial} – {self.get_status_display()}"

    @property
    def email_domain(self) -> str:
        return self.email_normalised.rpartition("@")[2]


class MilestoneNotice(models.Model):
    """A milestone organisers were told a pledge passed: once each, whatever the timing."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="milestone_notices")
    milestone = models.PositiveIntegerField()
    count = models.PositiveIntegerField(help_text="The count when the milestone was noticed.")
    noticed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pledge", "milestone"], name="one_notice_per_milestone")
        ]

    def __str__(self):
        return f"{self.pledge}: {self.milestone}"


class ConstituencyTally(models.Model):
    """Confirmed signatures per constituency, rewritten by a periodic task, never by signing."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="tallies")
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE)
    count = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pledge", "constituency"], name="one_tally_per_place")
        ]
        indexes = [models.Index(fields=["pledge", "-count"])]

    def __str__(self):
        return f"{self.constituency}: {self.count}"


class InvalidationBatch(BaseModel):
    """Signatures taken out of the count together, with why, so they can be put back together."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    actor_label = models.CharField(max_length=150, blank=True)
    reason = models.TextField()
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "taking signatures out of the count"
        verbose_name_plural = "signatures taken out of the count"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.reason[:60]}"


class InvalidatedSignature(models.Model):
    batch = models.ForeignKey(InvalidationBatch, on_delete=models.CASCADE, related_name="items")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    previous_status = models.CharField(max_length=12, choices=Signature.Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "signature"], name="once_per_batch")
        ]

    def __str__(self):
        return f"{self.signature_id} was {self.previous_status}"


class ExportRequest(BaseModel):
    """A large export of signers waiting for a second organiser's approval, then downloaded once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved, not yet downloaded"
        REFUSED = "refused", "Refused"
        DOWNLOADED = "downloaded", "Downloaded"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    # The signatures chosen, so the export is the very set that was approved.
    signature_ids = models.JSONField(default=list)
    count = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "export of signers"
        verbose_name_plural = "exports of signers"

    def __str__(self):
        return f"Export of {self.count:,} signers requested {self.created_at:%Y-%m-%d %H:%M}"
