import re
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import models

from actionhub.core.models import BaseModel

# The site's tools a step of the engagement plan can point to.
TOOLS = {
    "pledge": "Sign the pledge",
    "write-to-your-mp": "Write to your MP",
    "briefings": "Read the briefings",
    "demonstration": "Join the demonstration",
    "brands": "Ask brands to act",
    "appeal": "Support the appeal",
}


def validate_timezone(value):
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a time zone name like Europe/London.") from None


RRULE_SHAPE = re.compile(r"FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Z0-9,+-]+)*")
WEEKDAYS = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
    "SA": "Saturday", "SU": "Sunday",
}  # fmt: skip
# Addresses the site's own pages use: a content page cannot take them.
RESERVED_PAGE_SLUGS = {
    "admin", "organisers", "pledge", "write-to-your-mp", "briefings", "demonstration", "brands",
    "appeal", "get-involved", "static", "media", "robots-txt", "favicon-ico", "supporters",
    "groups", "g", "events", "screening",
}  # fmt: skip


def validate_rrule(value):
    if not RRULE_SHAPE.fullmatch(value or "") or "DTSTART" in value:
        raise ValidationError(
            "Write the rule like FREQ=WEEKLY;BYDAY=TU (daily, weekly, monthly or yearly; "
            "no DTSTART, since the start time is its own field)."
        )
    try:
        rrulestr(value, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise ValidationError(f"This is not a valid recurrence rule: {error}.") from None


def validate_page_slug(value):
    if value in RESERVED_PAGE_SLUGS:
        raise ValidationError(f"{value!r} is the address of another part of the site.")


def validate_tool_lines(value):
    unknown = [line for line in value.split() if line not in TOOLS]
    if unknown:
        raise ValidationError(
            f"Unknown tool(s): {', '.join(unknown)}. Use one per line from: {', '.join(TOOLS)}."
        )


class Campaign(BaseModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    tagline = models.CharField(max_length=300, blank=True)
    organisation_name = models.CharField(max_length=200)
    contact_email = models.EmailField(
        help_text="The organisation's contact address, shown on the campaign's pages (data "
        "protection requests go to the DATA_PROTECTION_EMAIL setting)."
    )
    statement_title = models.CharField(max_length=200)
    statement = models.TextField(help_text="Markdown.")
    is_default = models.BooleanField(
        default=False, help_text="The campaign the home page shows. Only one can be the default."
    )
    pack_path = models.CharField(max_length=500, blank=True, editable=False)
    pack_digest = models.CharField(max_length=64, blank=True, editable=False)
    pack_loaded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_campaign",
            )
        ]

    def __str__(self):
        return self.name


class Pledge(BaseModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(help_text="Markdown.")
    commitment = models.TextField(help_text="The sentence that leads into the demands.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="one_pledge_per_slug")
        ]

    def __str__(self):
        return self.title


class PledgeDemand(BaseModel):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "position"], name="one_demand_per_position")
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class Appeal(BaseModel):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="appeal")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body = models.TextField(blank=True, help_text="Markdown.")
    url = models.URLField(help_text="The appeal's own page, where people give.")
    link_text = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="GBP")
    target = models.PositiveIntegerField(
        null=True, blank=True, help_text="In whole units of the currency. Leave empty to hide."
    )
    raised = models.PositiveIntegerField(
        null=True, blank=True, help_text="Amount raised so far, as shown on the appeal's page."
    )

    def __str__(self):
        return self.title

    @property
    def progress_percent(self) -> int | None:
        if not self.target or self.raised is None:
            return None
        return min(100, round(100 * self.raised / self.target))


class AppealCall(BaseModel):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="calls")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "position"], name="one_call_per_position")
        ]

    def __str__(self):
        return self.text


class CallToAction(BaseModel):
    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="call_to_action"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body = models.TextField(help_text="Markdown.")
    url = models.URLField(blank=True)
    link_text = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "Call to Action"

    def __str__(self):
        return self.title


class LetterTemplate(BaseModel):
    class Recipient(models.TextChoices):
        MP = "mp", "The supporter’s MP"
        BRAND = "brand", "A brand"

    class ForBrands(models.TextChoices):
        """Where a brand stands on the Call to Action, which decides the letter it is sent."""

        NOT_COMMITTED = "not-committed", "Brands that have not committed: ask them to commit"
        COMMITTED = "committed", "Brands that have committed: thank them, ask for more"
        OVERDUE = "overdue", "Brands past the deadline of their commitment: ask why"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letters")
    slug = models.SlugField()
    recipient = models.CharField(max_length=8, choices=Recipient.choices, default=Recipient.MP)
    for_brands = models.CharField(
        max_length=16,
        choices=ForBrands.choices,
        blank=True,
        help_text="For a letter to brands: the brands it is offered to. Empty for MPs.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text, without the greeting or sign-off, which the site adds."
    )
    briefing_title = models.CharField(max_length=200)
    briefing_summary = models.TextField()
    briefing = models.TextField(help_text="Markdown, with the sources of every fact stated.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="one_letter_per_slug")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.recipient == self.Recipient.BRAND and not self.for_brands:
            raise ValidationError({"for_brands": "Choose the brands this letter is for."})
        if self.recipient == self.Recipient.MP and self.for_brands:
            raise ValidationError({"for_brands": "A letter to MPs is not for brands: leave empty."})


class Demonstration(BaseModel):
    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="demonstration"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField()
    description = models.TextField(help_text="Markdown.")
    safety = models.TextField(help_text="Markdown: safety guidance for those who come.")
    venue_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    # Made from the day of the week on the organisers' form (or given by the pack), never typed.
    recurrence = models.CharField(
        max_length=200, validators=[validate_rrule], editable=False,
        help_text="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TU.",
    )  # fmt: skip
    start_time = models.TimeField(help_text="Local time at the venue.")
    duration_minutes = models.PositiveSmallIntegerField()
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )

    def __str__(self):
        return self.title

    @property
    def address_lines(self) -> list[str]:
        town = f"{self.town} {self.postcode}".strip()
        return [line for line in (self.venue_name, self.street, self.locality, town) if line]

    @property
    def map_url(self) -> str:
        """A search on OpenStreetMap for the address: a link, never an embedded map."""
        return "https://www.openstreetmap.org/search?" + urlencode(
            {"query": ", ".join(self.address_lines[1:])}
        )

    @property
    def end_time(self):
        start = datetime.combine(date(2000, 1, 1), self.start_time)
        return (start + timedelta(minutes=self.duration_minutes)).time()

    @property
    def timezone_label(self) -> str:
        return "UK time" if self.timezone == "Europe/London" else f"{self.timezone} time"

    @property
    def schedule_text(self) -> str:
        return recurrence_text(self.recurrence)


def recurrence_text(rule: str) -> str:
    """'Every Tuesday' for a weekly rule on named days; '' for any other rule."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    days = parts.get("BYDAY", "").split(",")
    if parts.get("FREQ") != "WEEKLY" or "INTERVAL" in parts or not all(d in WEEKDAYS for d in days):
        return ""
    names = [WEEKDAYS[day] for day in days]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Every {listed}"


class EngagementPlan(BaseModel):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="engagement")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    introduction = models.TextField(help_text="Markdown.")

    def __str__(self):
        return self.title


class EngagementStep(BaseModel):
    plan = models.ForeignKey(EngagementPlan, on_delete=models.CASCADE, related_name="steps")
    slug = models.SlugField()
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body = models.TextField(help_text="Markdown.")
    needs = models.TextField(help_text="What the step needs, one item per line.")
    tools = models.TextField(
        blank=True,
        validators=[validate_tool_lines],
        help_text=f"The site's tools it uses, one per line: {', '.join(TOOLS)}.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "slug"], name="one_step_per_slug")]

    def __str__(self):
        return self.title

    @property
    def needs_list(self) -> list[str]:
        return [line.strip() for line in self.needs.splitlines() if line.strip()]

    @property
    def tools_list(self) -> list[str]:
        return self.tools.split()


class Page(BaseModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pages")
    slug = models.SlugField(validators=[validate_page_slug])
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="one_page_per_slug")
        ]

    def __str__(self):
        return self.title
