from django.conf import settings
from django.db import models

from actionhub.campaigns.models import Campaign
from actionhub.core.models import BaseModel
from actionhub.parliament.models import Constituency
from actionhub.supporters.models import Consent, Person


class Mailing(BaseModel):
    """A campaign email to the supporters who agreed to hear more, or some of them."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting-approval", "Waiting for a second organiser's approval"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    class Action(models.TextChoices):
        ANY = "", "Anything: everyone who agreed to hear more"
        SIGNED = "signed", "Signed the pledge"
        WROTE_TO_MP = "wrote-to-mp", "Wrote to their MP"
        RSVPED = "rsvped", "Said they are coming to a demonstration"
        ASKED_BRAND = "asked-brand", "Asked a brand to commit"
        GROUP_LEADERS = "group-leaders", "Leads a community group (leaders who asked for news)"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="mailings")
    subject = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown: what the email says.")
    # The audience: everyone whose consent to campaign emails stands, narrowed by these.
    action = models.CharField(
        "who did", max_length=16, choices=Action.choices, blank=True, default=Action.ANY
    )
    occurrence = models.ForeignKey(
        "events.Occurrence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="demonstration date",
        help_text="Only people coming on this date (with “Said they are coming”).",
    )  # fmt: skip
    constituency = models.ForeignKey(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Only people who gave a postcode in this constituency (signing or writing).",
    )  # fmt: skip
    source = models.CharField(
        "source code", max_length=40, blank=True,
        help_text="Only people who signed, wrote or said they are coming through a link with "
        "this ?source= code; with “Who did”, only those who did that through it.",
    )  # fmt: skip
    since = models.DateField(
        "on or after", null=True, blank=True,
        help_text="Only people who did it (or agreed to hear more) on this day or later.",
    )  # fmt: skip
    until = models.DateField("on or before", null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    tested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a test was last sent to an organiser."
    )
    send_at = models.DateTimeField(null=True, blank=True, help_text="When sending starts.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text="Who chose to send it.",
    )  # fmt: skip
    audience_counted = models.PositiveIntegerField(
        null=True, blank=True, help_text="The audience when sending was asked for."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(
        blank=True, help_text="Why the mail server did not take messages, the last time it did not."
    )
    # One worker sends a mailing at a time: it holds the lease while its batch runs.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_batch_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next batch was queued to run."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "campaign email"
        permissions = [
            ("send_mailing", "Can send a campaign email"),
            ("approve_mailing", "Can approve another organiser's large campaign email"),
        ]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self):
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def consent_purpose(self) -> str:
        """What its recipients agreed to: news for group leaders is asked for on its own, so
        stopping it leaves campaign emails alone, and the other way round."""
        if self.action == self.Action.GROUP_LEADERS:
            return Consent.Purpose.GROUP_NEWS
        return Consent.Purpose.CAMPAIGN_EMAILS


class Recipient(models.Model):
    """One person a mailing goes to: made when sending starts, marked as each message goes.

    A message is marked "sending" (and committed) before the mail server is given it, and
    "sent" once it has taken it; a worker killed in between leaves it "sending", and it is never
    sent again: nobody gets a mailing twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Reported as spam"
        UNSUBSCRIBED = "unsubscribed", "Not sent: unsubscribed before it went"
        SUPPRESSED = "suppressed", "Not sent: the address bounced or complained before"
        CANCELLED = "cancelled", "Not sent: the mailing was cancelled"
        INTERRUPTED = "interrupted", "Not known: sending stopped while it was being sent"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    # Blank once the person is erased: the mailing's figures stay true, and nothing of them.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="mailings_received"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="What the mail server answered, if not OK.")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Tries the mail server answered “try again later”."
    )
    retry_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "person"], name="one_message_per_person")
        ]
        indexes = [models.Index(fields=["mailing", "status", "retry_after"])]

    def __str__(self):
        return f"{self.mailing} to person {self.person_id}: {self.get_status_display()}"
