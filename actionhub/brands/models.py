import secrets
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models

from actionhub.campaigns.models import Campaign
from actionhub.core.models import BaseModel

COMMITMENT_PERIOD = relativedelta(months=12)


class Brand(BaseModel):
    """A brand asked to meet the Call to Action. No logos: names only."""

    class Status(models.TextChoices):
        NOT_ASKED = "not-asked", "Not yet asked"
        ASKED = "asked", "Asked"
        COMMITTED = "committed", "Committed"
        MET = "met", "Met"
        DECLINED = "declined", "Declined"
        NO_RESPONSE = "no-response", "No response"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    sector = models.CharField(max_length=100)
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(
        blank=True, help_text="Where the Call to Action and supporters' letters are sent."
    )
    # Kept in step with the timeline by brand_status_record, for sorting and filtering.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_ASKED)
    status_since = models.DateField(null=True, blank=True)
    committed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="one_brand_per_name")
        ]

    def __str__(self):
        return self.name

    @property
    def deadline(self) -> date | None:
        """Twelve months from the commitment, for a brand that has committed."""
        return self.committed_on + COMMITMENT_PERIOD if self.committed_on else None

    def days_left(self, today: date) -> int | None:
        if self.deadline is None or self.status == self.Status.MET:
            return None
        return (self.deadline - today).days

    def is_overdue(self, today: date) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

    def letter_stage(self, today: date) -> str | None:
        """Which letter a supporter writes to it (a LetterTemplate.ForBrands value): thanks
        and a further ask once committed, why once overdue, else an ask to commit; none once it
        has met the Call to Action."""
        if self.status == self.Status.MET:
            return None
        if self.is_overdue(today):
            return "overdue"
        if self.status == self.Status.COMMITTED:
            return "committed"
        return "not-committed"


class StatusChange(BaseModel):
    """One step of a brand's timeline against the Call to Action."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="timeline")
    status = models.CharField(max_length=16, choices=Brand.Status.choices)
    on = models.DateField("date")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.brand}: {self.get_status_display()} ({self.on})"


class Evidence(BaseModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="evidence")
    on = models.DateField("date")
    summary = models.TextField()
    source_url = models.URLField("source link")

    class Meta:
        ordering = ["on", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return f"{self.brand}: {self.summary[:60]}"


class EntityList(BaseModel):
    """A published list of entities implicated in forced labour."""

    class Kind(models.TextChoices):
        DESIGNATION = "designation", "Legal designation"
        RISK = "risk", "Risk indicator"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    publisher = models.CharField(max_length=200)
    url = models.URLField(blank=True)

    def __str__(self):
        return self.name

    @property
    def current(self):
        return self.versions.order_by("-imported_at").first()


class EntityListVersion(BaseModel):
    """One import of a list: what was read, from where, under which licence, and when."""

    entity_list = models.ForeignKey(EntityList, on_delete=models.CASCADE, related_name="versions")
    imported_at = models.DateTimeField()
    source = models.CharField(max_length=500, help_text="The file or address it came from.")
    source_date = models.DateField(null=True, blank=True, help_text="The list's own date.")
    licence = models.CharField(max_length=200)
    file_format = models.CharField(max_length=20)
    entity_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.entity_list} ({self.imported_at:%Y-%m-%d})"


class ListedEntity(models.Model):
    version = models.ForeignKey(
        EntityListVersion, on_delete=models.CASCADE, related_name="entities"
    )
    external_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=500)
    aliases = models.JSONField(default=list, blank=True)
    countries = models.CharField(max_length=200, blank=True)
    date_added = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "listed entities"

    def __str__(self):
        return self.name


class ScreeningLink(BaseModel):
    """A private, expiring address where a brand can screen its own supplier list."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="screening_links")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.brand} until {self.expires_at:%Y-%m-%d}"


class ScreeningRun(BaseModel):
    """One uploaded supplier list and its results. Never published: leads for a person."""

    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    link = models.ForeignKey(ScreeningLink, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    row_count = models.PositiveIntegerField()
    versions = models.ManyToManyField(EntityListVersion, related_name="+")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"


class ScreeningResult(models.Model):
    class Band(models.TextChoices):
        LIKELY = "likely", "Likely match"
        POSSIBLE = "possible", "Possible match"
        NONE = "none", "No match"

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="results")
    row_number = models.PositiveIntegerField()
    supplier_name = models.CharField(max_length=500)
    supplier_address = models.CharField(max_length=1000, blank=True)
    supplier_country = models.CharField(max_length=100, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices)
    score = models.FloatField(null=True, blank=True)
    entity = models.ForeignKey(ListedEntity, on_delete=models.SET_NULL, null=True, blank=True)
    matched_name = models.CharField(max_length=500, blank=True)
    matched_alias = models.BooleanField(default=False)
    supplier_form = models.CharField(max_length=500, blank=True)
    listed_form = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["row_number"]

    def __str__(self):
        return f"{self.supplier_name}: {self.get_band_display()}"


class PendingImport(BaseModel):
    """A file an organiser has previewed and not yet confirmed (a brand list or an entity list).

    It is kept, with the digest of its plan, so that confirming imports exactly what was
    previewed; the upload is at most 10 MB (supplier_files.MAX_BYTES), each organiser has at most
    one of each kind (a new upload replaces it), and it is deleted when it is confirmed or
    cancelled, or by a periodic task once it expires.
    """

    importer = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=64, help_text="Of the plan that was previewed.")
    summary = models.JSONField(default=dict, blank=True, help_text="The preview, as shown.")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "importer"], name="one_pending_import_per_organiser"
            )
        ]

    def __str__(self):
        return f"{self.filename} (until {self.expires_at:%Y-%m-%d %H:%M})"
