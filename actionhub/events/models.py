from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q

from actionhub.campaigns.models import (
    Campaign,
    Demonstration,
    recurrence_text,
    validate_rrule,
    validate_timezone,
)
from actionhub.core.models import BaseModel
from actionhub.supporters.models import Person


class Series(BaseModel):
    """A recurring event (an RFC 5545 rule on local time) or a one-off (no rule).

    A series made from a campaign's demonstration takes its words, place and times from it,
    refreshed whenever occurrences are generated; capacity, end date, map position and
    accessibility are the series' own.
    """

    class Access(models.TextChoices):
        ACCESSIBLE = "accessible", "Step-free and accessible"
        PARTLY = "partly", "Partly accessible"
        NOT_ACCESSIBLE = "not-accessible", "Not accessible"
        UNKNOWN = "unknown", "Not yet assessed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="event_series")
    demonstration = models.OneToOneField(
        Demonstration, on_delete=models.SET_NULL, null=True, blank=True, related_name="series"
    )
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    description = models.TextField(help_text="Markdown.")
    safety = models.TextField(blank=True, help_text="Markdown: safety guidance.")
    venue_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    recurrence = models.CharField(
        max_length=200, blank=True, validators=[validate_rrule],
        help_text="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TU. Empty for a one-off event.",
    )  # fmt: skip
    first_date = models.DateField(help_text="The first (or only) date.")
    end_date = models.DateField(null=True, blank=True, help_text="No dates after this one.")
    start_time = models.TimeField(help_text="Local time at the venue.")
    duration_minutes = models.PositiveSmallIntegerField()
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places per date, guests included. Empty: no limit."
    )
    accessibility = models.CharField(max_length=16, choices=Access.choices, default=Access.UNKNOWN)
    accessibility_notes = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "series"
        permissions = [
            ("view_attendees", "Can see who is coming and check people in"),
            ("change_occurrence_status", "Can cancel or move a date"),
        ]

    def __str__(self):
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def address_lines(self) -> list[str]:
        town = f"{self.town} {self.postcode}".strip()
        return [line for line in (self.venue_name, self.street, self.locality, town) if line]

    @property
    def timezone_label(self) -> str:
        return "UK time" if self.timezone == "Europe/London" else f"{self.timezone} time"

    @property
    def schedule_text(self) -> str:
        return recurrence_text(self.recurrence) if self.recurrence else ""

    @property
    def end_time(self):
        return (
            datetime.combine(date(2000, 1, 1), self.start_time)
            + timedelta(minutes=self.duration_minutes)
        ).time()

    @property
    def map_url(self) -> str:
        """OpenStreetMap, as a link (never an embedded map): the point if known, else a search."""
        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=18/{self.latitude}/{self.longitude}"
            )
        return "https://www.openstreetmap.org/search?" + urlencode(
            {"query": ", ".join(self.address_lines[1:])}
        )

    def local_start(self, on: date) -> datetime:
        """The start on a local date, aware: 18:00 stays 18:00 across BST and GMT."""
        return datetime.combine(on, self.start_time, tzinfo=self.zone)

    def end_for(self, start: datetime) -> datetime:
        utc = start.astimezone(ZoneInfo("UTC")) + timedelta(minutes=self.duration_minutes)
        return utc.astimezone(self.zone)


class Occurrence(BaseModel):
    """One date of a series: a real row, with its own status and RSVPs."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField(help_text="The date the rule gives (local), even if moved.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    status_reason = models.TextField(blank=True)
    place_note = models.CharField(
        max_length=200, blank=True, help_text="Where, if moved somewhere else."
    )
    sequence = models.PositiveIntegerField(
        default=0, help_text="Raised on each change, for calendars (RFC 5545 SEQUENCE)."
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    places_taken = models.PositiveIntegerField(default=0)
    organiser_notes = models.TextField(
        blank=True,
        help_text="For organisers only, never shown to the public: stewards, the briefing, "
        "who brings the banner.",
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="one_occurrence_per_date"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="places_within_capacity",
            ),
        ]

    def __str__(self):
        return f"{self.series}: {self.date:%a %d %b %Y}"

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.series.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.series.zone)

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.places_taken, 0)

    def status_at(self, now: datetime) -> str:
        """The status as organisers read it at `now`: a date that has ended took place."""
        if self.status == self.Status.CANCELLED:
            return self.get_status_display()
        moved = " (moved)" if self.status == self.Status.MOVED else ""
        if self.ends_at <= now:
            return f"Took place{moved}"
        if self.starts_at <= now:
            return f"Under way{moved}"
        return self.get_status_display()


# The words people agree to when they say they are coming, recorded with the consent.
RSVP_WORDING = (
    "Keep my name and email address to organise this demonstration and send me the emails I "
    "choose. Deleted 30 days after the date, unless I ask to hear about the campaign"
)


class Subscription(BaseModel):
    """ "Come every week": one confirmation, an RSVP for every date until stopped."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for email confirmation"
        ACTIVE = "active", "Active"
        STOPPED = "stopped", "Stopped"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="subscriptions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="subscriptions")
    email_normalised = models.CharField(max_length=254)
    # The names as typed on the form, given to each date's RSVP.
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    guests = models.PositiveSmallIntegerField(default=0)
    remind_day_before = models.BooleanField(default=True)
    remind_two_hours = models.BooleanField(default=False)
    hear_more = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True, help_text="From ?source= on the link.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "email_normalised"], name="one_subscription_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} – every date of {self.series}"


class Rsvp(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for email confirmation"
        CONFIRMED = "confirmed", "Coming"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="rsvps"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="rsvps"
    )
    email_normalised = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    guests = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    remind_day_before = models.BooleanField(default=True)
    remind_two_hours = models.BooleanField(default=False)
    hear_more = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True, help_text="From ?source= on the link.")
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_two_hours_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(default=False)
    attended_at = models.DateTimeField(null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "email_normalised"],
                condition=~Q(email_normalised=""),
                name="one_rsvp_per_person_per_date",
            )
        ]
        indexes = [
            models.Index(fields=["status", "occurrence"]),
            models.Index(fields=["occurrence", "source"]),
        ]

    def __str__(self):
        return f"{self.display_name} – {self.get_status_display()}"

    @property
    def places(self) -> int:
        return 1 + self.guests

    @property
    def display_name(self) -> str:
        """First name and last initial: all a check-in list needs."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"
