from django.db import models
from django.utils import timezone

from actionhub.brands.models import Brand
from actionhub.campaigns.models import LetterTemplate
from actionhub.core.models import BaseModel
from actionhub.parliament.models import MP, Constituency
from actionhub.supporters.models import Person

# The words supporters agree to, shown on the form and recorded with each consent.
MP_CONSENT_WORDING = (
    "Pass my name, postal address, email address and letter to my MP, so that they can reply"
)


def brand_consent_wording(brand_name: str) -> str:
    return f"Pass my name, email address and letter to {brand_name}, so that they can reply"


class Letter(BaseModel):
    """One constituent's letter to their MP, from the template they chose and edited.

    The personal fields are blanked by the retention task; what remains (letter, constituency,
    MP, how personal, delivery, reply, the link's source code) feeds the organisers' reports.
    """

    class Delivery(models.TextChoices):
        SITE = "site", "Sent through this site"
        OWN_EMAIL = "own-email", "From the supporter’s own email"
        DOWNLOAD = "download", "Downloaded to print and post"

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting-confirmation", "Waiting for email confirmation"
        QUEUED = "queued", "Confirmed, being sent"
        SENT = "sent", "Sent to the MP"
        FAILED = "failed", "Could not be delivered"
        HANDED_OVER = "handed-over", "Given to the supporter to send"

    class Reply(models.TextChoices):
        REPLIED = "replied", "My MP replied"
        ACKNOWLEDGED = "acknowledged", "Only an acknowledgement"
        NO_REPLY = "no-reply", "No reply yet"

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="sent")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="letters"
    )
    email_normalised = models.CharField(max_length=254, blank=True)
    constituency = models.ForeignKey(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    mp = models.ForeignKey(
        MP, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters",
        help_text="For a letter to a brand rather than an MP.",
    )  # fmt: skip
    # The recipient (the MP, or the brand) as they were when the letter was written, for
    # reports after an election.
    mp_name = models.CharField("recipient", max_length=150)
    mp_party = models.CharField("party", max_length=100, blank=True)

    postcode = models.CharField(max_length=8, blank=True)
    sender_name = models.CharField(max_length=100, blank=True)
    sender_address = models.TextField(blank=True)
    sender_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField(blank=True)
    personal_share = models.PositiveSmallIntegerField(
        help_text="Percentage of the words that are the supporter’s own, not the template’s."
    )

    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    status = models.CharField(max_length=24, choices=Status.choices)
    campaign_emails = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True, help_text="From ?source= on the link.")
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure = models.TextField(blank=True, help_text="Why delivery failed.")

    followup_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reply = models.CharField(max_length=16, choices=Reply.choices, blank=True)
    reply_text = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "sent_at"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["template", "source"]),
        ]
        permissions = [("view_letter_report", "Can view the letters report")]

    def __str__(self):
        return f"{self.template} to {self.mp_name} ({self.get_status_display()})"

    @property
    def to_brand(self) -> bool:
        """A letter to a brand (even one since deleted), not to an MP."""
        return self.template.recipient == LetterTemplate.Recipient.BRAND


class SendAllowance(models.Model):
    """When a supporter last had this site send a letter to an MP or a brand: one a month,
    per letter.

    One row per address, recipient and letter, locked while a send is decided, so two
    confirmations at the same moment cannot both get through.
    """

    email_normalised = models.CharField(max_length=254)
    mp = models.ForeignKey(MP, on_delete=models.CASCADE, null=True, blank=True)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, null=True, blank=True)
    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email_normalised", "mp", "template"],
                condition=models.Q(mp__isnull=False),
                name="one_allowance_per_mp_letter",
            ),
            models.UniqueConstraint(
                fields=["email_normalised", "brand", "template"],
                condition=models.Q(brand__isnull=False),
                name="one_allowance_per_brand_letter",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.mp or self.brand}"
