import hashlib
import secrets

from django.db import models

from actionhub.core.models import BaseModel

# The choice every form offers, in the same words.
CAMPAIGN_EMAILS_WORDING = "Email me about this campaign"


def new_link_key() -> str:
    return secrets.token_urlsafe(32)


class Person(BaseModel):
    """One supporter, whatever they do on the site: one row per normalised email address."""

    email = models.EmailField(help_text="As the person typed it.")
    email_normalised = models.CharField(max_length=254, unique=True)
    # Names as the person gave them, never split or joined by us: where a form asks for a full
    # name in one field (a letter), it is kept whole in first_name and last_name stays blank.
    first_name = models.CharField(
        "name", max_length=100, help_text="The first name, or the whole name as the person gave it."
    )
    last_name = models.CharField(max_length=100, blank=True)
    link_key = models.CharField(
        max_length=43, unique=True, default=new_link_key, editable=False,
        help_text="Random: the key in this person's unsubscribe and erase links.",
    )  # fmt: skip

    class Meta:
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.first_name} {self.last_name[:1]}." if self.last_name else self.first_name


class Consent(BaseModel):
    """A choice a person made, with the exact words they agreed to and when."""

    class Purpose(models.TextChoices):
        SIGN_PLEDGE = "sign-pledge", "Sign the pledge"
        SHOW_NAME = "show-name", "Show my first name on the site"
        CAMPAIGN_EMAILS = "campaign-emails", "Email me about this campaign"
        PASS_TO_MP = "pass-to-mp", "Pass my letter and details to my MP"
        PASS_TO_BRAND = "pass-to-brand", "Pass my letter and details to a brand"
        RSVP = "rsvp", "Keep my details to organise an event I am coming to"
        GROUP_LEADER = "group-leader", "Keep my details to run a community group's page"
        GROUP_NEWS = "group-news", "Email me news for community group leaders"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    wording = models.TextField(help_text="The words the person agreed to.")
    wording_version = models.CharField(max_length=16, help_text="Hash of the wording.")
    method = models.CharField(max_length=200, help_text="How and where it was given.")
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "purpose"])]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @staticmethod
    def version_of(wording: str) -> str:
        return hashlib.sha256(wording.encode()).hexdigest()[:16]
