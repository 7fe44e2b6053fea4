from django.conf import settings
from django.db import models
from django.utils import timezone

from actionhub.core.models import BaseModel
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


class DataRequest(BaseModel):
    """A request a supporter made about their data (by email, letter or in person), in the
    data protection lead's register, with the date it arrived and the date it must be answered
    by (one calendar month: UK GDPR Art. 12(3)).

    While it is open it holds the address as the person gave it, to find their records. Once
    done or refused the address goes (a database constraint holds to it), and so does the link
    to the person: what stays, until it is deleted a while later (`rights.register`), is what
    was asked, when, how it ended, and a keyed fingerprint of the address, which finds the
    record again from the address and does not show it.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", "Access: a copy of their data"
        ERASURE = "erasure", "Erasure: delete their data"
        CORRECTION = "correction", "Correction: put something right"
        OBJECTION = "objection", "Objection: stop using their data for something"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"

    kind = models.CharField("what they ask for", max_length=12, choices=Kind.choices)
    email = models.CharField(
        "email address", max_length=254, blank=True,
        help_text="As the person gave it. Removed when the request is closed.",
    )  # fmt: skip
    email_fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="data_requests",
        help_text="The supporter with this address, if one was found.",
    )  # fmt: skip
    received_on = models.DateField("received on", default=timezone.localdate)
    extended = models.BooleanField("extended by two months", default=False)
    deadline = models.DateField("answer by", editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    refusal_reason = models.TextField("why it was refused", blank=True)
    notes = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    handled_by_label = models.CharField(
        "closed by", max_length=150, blank=True, help_text="Kept when the account is deleted."
    )
    closed_at = models.DateTimeField("closed", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "data protection request"
        ordering = [models.F("closed_at").asc(nulls_first=True), "deadline", "pk"]
        permissions = [
            (
                "handle_datarequest",
                "Can handle data protection requests: find, see, export and erase any "
                "supporter's data",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(email="", person=None),
                name="closed_data_request_holds_no_address",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at=None)
                | (~models.Q(status="open") & models.Q(closed_at__isnull=False)),
                name="data_request_closed_when_done_or_refused",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="refused_data_request_has_a_reason",
            ),
        ]

    def __str__(self):
        kind = self.get_kind_display().split(":")[0]
        return f"{kind} request received {self.received_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PreparedExport(models.Model):
    """A download of a large record, made by the task worker rather than in the request (see
    `rights.prepared`): kept for as long as the access that asked for it, then deleted."""

    class Kind(models.TextChoices):
        JSON = "json", "JSON"
        CSV = "csv", "CSV files (a zip)"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="prepared_exports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    asked_at = models.DateTimeField(default=timezone.now, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.get_kind_display()} download asked for at {self.asked_at:%Y-%m-%d %H:%M}"
