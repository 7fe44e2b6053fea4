import secrets

from django.conf import settings
from django.db import models

from actionhub.campaigns.models import Campaign, EngagementStep
from actionhub.core.models import BaseModel
from actionhub.events.models import Series
from actionhub.supporters.models import Person

# The words a leader agrees to when registering a group, recorded with the consent.
LEADER_WORDING = (
    "Keep my name and email address to run my group's page, and email me its private link"
)
# Asked separately, and optional: leading a group never depends on agreeing to news.
NEWS_WORDING = "Email me the organisers' news for group leaders (stop any time)"
LISTED_WORDING = "List our group on the site's page of groups taking part"
TOTALS_WORDING = "Show our group's totals on that list"


def new_link_key() -> str:
    return secrets.token_urlsafe(32)


class Group(BaseModel):
    """A synagogue, school, youth movement or society running the engagement plan.

    Its code is a source like any other: signatures, letters and RSVPs that came through the
    group's links carry it, so a removed group's people still count (as "removed group").
    """

    class Kind(models.TextChoices):
        CONGREGATION = "congregation", "Synagogue or congregation"
        SCHOOL = "school", "School"
        YOUTH = "youth-movement", "Youth movement"
        STUDENTS = "student-society", "Student or university society"
        COMMUNITY = "community", "Community organisation or society"
        OTHER = "other", "Another kind of group"

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Waiting for the leader to confirm their email"
        AWAITING_APPROVAL = "awaiting-approval", "Waiting for an organiser's approval"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.CharField(max_length=100, help_text="The town, city or part of it.")
    code = models.CharField(
        max_length=30, unique=True, help_text="Lower case: the source code in the group's links."
    )
    code_key = models.CharField(
        max_length=30, unique=True, editable=False,
        help_text="The code with look-alike characters made one, so no two codes can be confused.",
    )  # fmt: skip
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    listed = models.BooleanField("listed on the site", default=False)
    show_totals = models.BooleanField("totals shown on the list", default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "community group"
        permissions = [("approve_group", "Can approve and remove community groups")]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED


class Leader(BaseModel):
    """A person who runs a group: the one who registered it, or a co-leader they invited."""

    class Role(models.TextChoices):
        LEADER = "leader", "Leader"
        CO_LEADER = "co-leader", "Co-leader"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="leaders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_leaderships")
    role = models.CharField(max_length=12, choices=Role.choices)
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    link_key = models.CharField(
        max_length=43, unique=True, default=new_link_key, editable=False,
        help_text="Random: the key in this leader's private link to the group's page.",
    )  # fmt: skip

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_leadership_per_person")
        ]

    def __str__(self):
        return f"{self.get_role_display()} of {self.group}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class StepDone(BaseModel):
    """A step of the engagement plan a group's leader has ticked as done."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="steps_done")
    step = models.ForeignKey(EngagementStep, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "step"], name="one_tick_per_step")]


class EventProposal(BaseModel):
    """A one-off event a group proposes (a talk, a letter-writing evening). Once an organiser
    approves it, it becomes an event series of one date, taking RSVPs like the demonstration."""

    class Kind(models.TextChoices):
        TALK = "talk", "A talk"
        LETTER_WRITING = "letter-writing", "A letter-writing evening"
        STALL = "stall", "A stall or information table"
        OTHER = "other", "Another kind of event"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for an organiser's approval"
        APPROVED = "approved", "Approved: taking RSVPs"
        DECLINED = "declined", "Not approved"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="event_proposals")
    proposed_by = models.ForeignKey(
        Leader, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=120)
    summary = models.TextField(max_length=600, help_text="What it is, in a few sentences.")
    date = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    venue_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    accessibility = models.CharField(max_length=16, choices=Series.Access.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    series = models.OneToOneField(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = "event a group proposes"
        verbose_name_plural = "events groups propose"

    def __str__(self):
        return f"{self.title} ({self.group}, {self.date:%d %b %Y})"
