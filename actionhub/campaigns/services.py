"""Writes to campaign content. Loading a pack is all or nothing, and loading it twice is a no-op."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from actionhub.campaigns.models import (
    Appeal,
    AppealCall,
    CallToAction,
    Campaign,
    Demonstration,
    EngagementPlan,
    EngagementStep,
    LetterTemplate,
    Page,
    Pledge,
    PledgeDemand,
)
from actionhub.campaigns.packs import PACK_FILE, InvalidPack, PackProblem, read_pack
from actionhub.core.audit import audit_record
from actionhub.core.models import AuditEntry
from actionhub.core.text import counted


@dataclass
class LoadReport:
    campaign: Campaign
    skipped: bool = False
    counts: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.counts["created"] or self.counts["updated"] or self.counts["deleted"])

    def __str__(self):
        if self.skipped:
            return f"{self.campaign.name}: the pack is unchanged since it was last loaded."
        if not self.changed:
            return f"{self.campaign.name}: loaded; nothing needed changing."
        parts = [f"{self.counts[kind]} {kind}" for kind in ("created", "updated", "deleted")]
        return f"{self.campaign.name}: loaded; {', '.join(parts)}."


# Where a model field comes from in campaign.yaml, when the names differ.
PACK_FIELD_NAMES = {
    "venue_name": "venue.name",
    "street": "venue.street",
    "locality": "venue.locality",
    "town": "venue.town",
    "postcode": "venue.postcode",
    "briefing_title": "briefing.title",
    "briefing_summary": "briefing.summary",
    "briefing": "briefing.body",
    "statement_title": "statement.title",
    "statement": "statement.body",
    "organisation_name": "organisation.name",
    "contact_email": "organisation.contact_email",
}


class _Writer:
    """Creates or updates rows to match the pack, saving only what differs."""

    def __init__(self):
        self.counts = Counter()

    def sync(
        self, model, where: str, lookup: dict, values: dict, *, create_only=()
    ) -> models.Model:
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            self._save(instance, where)
            self.counts["created"] += 1
            return instance
        changed = [
            name
            for name, value in values.items()
            if name not in create_only and getattr(instance, name) != value
        ]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            self._save(instance, where)
            self.counts["updated"] += 1
        return instance

    def prune(self, queryset, where: str = "") -> None:
        deleted = queryset.count()
        if not deleted:
            return
        try:
            with transaction.atomic():
                queryset.delete()
        except ProtectedError:
            kept = ", ".join(sorted(str(getattr(row, "slug", row)) for row in queryset))
            raise InvalidPack(
                [
                    PackProblem(
                        PACK_FILE,
                        where or "(file)",
                        f"{kept} cannot be removed: supporters have used it. Keep it in the pack.",
                    )
                ]  # fmt: skip
            ) from None
        self.counts["deleted"] += deleted

    @staticmethod
    def _save(instance, where: str) -> None:
        try:
            instance.full_clean(validate_unique=False)
        except ValidationError as error:
            problems = [
                PackProblem(PACK_FILE, _pack_field(where, name), message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
            raise InvalidPack(problems) from None
        instance.save()


class AdminEditsWouldBeLost(Exception):
    """The pack changed, and organisers edited the same campaign in the admin since it loaded."""

    def __init__(self, edits: list[AuditEntry]):
        self.edits = edits
        listed = "; ".join(f"{entry.at:%d %b %H:%M} {entry.summary}" for entry in edits[:10])
        super().__init__(
            f"{counted(len(edits), 'edit')} in the admin since the pack was loaded: {listed}"
        )


def campaign_admin_edits_since_load(*, campaign: Campaign) -> list[AuditEntry]:
    edits = AuditEntry.objects.filter(
        action__startswith="content.", object_type__startswith="campaigns."
    )
    if campaign.pack_loaded_at is not None:
        edits = edits.filter(at__gt=campaign.pack_loaded_at)
    return list(edits.order_by("at"))


def _pack_field(where: str, name: str) -> str:
    if name == "__all__":
        return where
    field = PACK_FIELD_NAMES.get(name, name)
    return field if where == "campaign" else f"{where}.{field}"


# Work other apps do when a campaign's content is loaded or edited (the demonstration's dates,
# say), registered from their AppConfig.ready: campaigns knows nothing of those apps.
CONTENT_CHANGED_STEPS: list = []


def campaign_content_changed(*, campaign: Campaign) -> None:
    for step in CONTENT_CHANGED_STEPS:
        step(campaign=campaign)


def campaign_pack_load(*, folder: str | Path, force: bool = False) -> LoadReport:
    """Load the pack in `folder`, all or nothing.

    A bad pack raises InvalidPack. An unchanged pack is skipped, so edits made in the admin
    stand; a changed pack that would overwrite such edits raises AdminEditsWouldBeLost unless
    `force` is given.
    """
    content = read_pack(folder)
    existing = Campaign.objects.filter(slug=content["slug"]).first()
    if existing and not force:
        if existing.pack_digest == content["digest"]:
            with transaction.atomic():
                campaign_content_changed(campaign=existing)  # idempotent: fills in what is due
            return LoadReport(campaign=existing, skipped=True)
        edits = campaign_admin_edits_since_load(campaign=existing)
        if edits:
            raise AdminEditsWouldBeLost(edits)
    with transaction.atomic():
        report = _write_campaign(content)
        Campaign.objects.filter(pk=report.campaign.pk).update(pack_loaded_at=timezone.now())
        campaign_content_changed(campaign=report.campaign)
        if report.changed:
            audit_record(
                action="campaign.pack_loaded",
                obj=report.campaign,
                summary=f"{content['path']}: {report}",
            )
    return report


def _write_campaign(content: dict) -> LoadReport:
    writer = _Writer()
    if content["is_default"]:
        Campaign.objects.filter(is_default=True).exclude(slug=content["slug"]).update(
            is_default=False
        )
    campaign = writer.sync(
        Campaign,
        "campaign",
        {"slug": content["slug"]},
        {
            "name": content["name"],
            "tagline": content["tagline"],
            "is_default": content["is_default"],
            "organisation_name": content["organisation_name"],
            "contact_email": content["contact_email"],
            "statement_title": content["statement_title"],
            "statement": content["statement"],
            "pack_path": content["path"],
            "pack_digest": content["digest"],
        },
    )
    _write_pledge(writer, campaign, content["pledge"])
    _write_appeal(writer, campaign, content["appeal"])
    writer.sync(CallToAction, "call_to_action", {"campaign": campaign}, content["call_to_action"])
    _write_letters(writer, campaign, content["letters"])
    demonstration = dict(content["demonstration"])
    demonstration["start_time"] = datetime.strptime(demonstration["start_time"], "%H:%M").time()
    writer.sync(Demonstration, "demonstration", {"campaign": campaign}, demonstration)
    _write_engagement(writer, campaign, content["engagement"])
    for number, page in enumerate(content["pages"], start=1):
        writer.sync(
            Page,
            f"pages[{number}]",
            {"campaign": campaign, "slug": page["slug"]},
            _without(page, "slug"),
        )
    writer.prune(
        Page.objects.filter(campaign=campaign).exclude(
            slug__in=[p["slug"] for p in content["pages"]]
        )
    )
    return LoadReport(campaign=campaign, counts=writer.counts)


def _write_pledge(writer: _Writer, campaign: Campaign, pledge: dict) -> None:
    row = writer.sync(
        Pledge,
        "pledge",
        {"campaign": campaign, "slug": pledge["slug"]},
        _without(pledge, "slug", "demands"),
    )
    writer.prune(Pledge.objects.filter(campaign=campaign).exclude(pk=row.pk))
    for position, text in enumerate(pledge["demands"], start=1):
        writer.sync(
            PledgeDemand,
            f"pledge.demands[{position}]",
            {"pledge": row, "position": position},
            {"text": text},
        )
    writer.prune(row.demands.filter(position__gt=len(pledge["demands"])))


def _write_appeal(writer: _Writer, campaign: Campaign, appeal: dict) -> None:
    row = writer.sync(
        Appeal,
        "appeal",
        {"campaign": campaign},
        _without(appeal, "calls"),
        # The organisers keep these up to date in the admin; the pack only sets a starting value.
        create_only=("target", "raised"),
    )
    for position, text in enumerate(appeal["calls"], start=1):
        writer.sync(
            AppealCall,
            f"appeal.calls[{position}]",
            {"appeal": row, "position": position},
            {"text": text},
        )
    writer.prune(row.calls.filter(position__gt=len(appeal["calls"])))


def _write_letters(writer: _Writer, campaign: Campaign, letters: list[dict]) -> None:
    for number, letter in enumerate(letters, start=1):
        writer.sync(
            LetterTemplate,
            f"letters[{number}]",
            {"campaign": campaign, "slug": letter["slug"]},
            _without(letter, "slug"),
        )
    writer.prune(
        LetterTemplate.objects.filter(campaign=campaign).exclude(
            slug__in=[letter["slug"] for letter in letters]
        ),
        "letters",
    )


def _write_engagement(writer: _Writer, campaign: Campaign, engagement: dict) -> None:
    plan = writer.sync(
        EngagementPlan, "engagement", {"campaign": campaign}, _without(engagement, "steps")
    )
    for number, step in enumerate(engagement["steps"], start=1):
        writer.sync(
            EngagementStep,
            f"engagement.steps[{number}]",
            {"plan": plan, "slug": step["slug"]},
            _without(step, "slug"),
        )
    writer.prune(plan.steps.exclude(slug__in=[step["slug"] for step in engagement["steps"]]))


def _without(values: dict, *names: str) -> dict:
    return {key: value for key, value in values.items() if key not in names}
