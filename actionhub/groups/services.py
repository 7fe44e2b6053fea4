"""Registering a group, confirming its leaders, and what leaders and organisers change.

A group is registered by its leader and waits, unseen, until the leader confirms the address
(the shared confirm-by-email flow) and then until an organiser approves it. Each leader has a
private link to the group's page, signed with their own random key, so removing a co-leader
ends only their link.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from actionhub.campaigns.models import Campaign, EngagementStep
from actionhub.core.addresses import normalise_email
from actionhub.core.audit import audit_record
from actionhub.core.markdown import markdown_escape
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.events.models import Occurrence, Series
from actionhub.events.schedule import occurrences_generate, series_slug_free
from actionhub.events.services import occurrence_mark_cancelled
from actionhub.groups.codes import CodeProblem, code_check, code_key, code_normalise, code_suggest
from actionhub.groups.models import (
    LEADER_WORDING,
    NEWS_WORDING,
    EventProposal,
    Group,
    Leader,
    StepDone,
    new_link_key,
)
from actionhub.supporters.confirmation import (
    LinkInvalid,
    confirmation_nonce,
    confirmation_read,
    confirmation_token,
    consents_record,
    supporter_email_send,
)
from actionhub.supporters.links import LinkExpired
from actionhub.supporters.models import Consent
from actionhub.supporters.selectors import consents_standing
from actionhub.supporters.services import (
    consent_withdraw,
    people_delete_unattached,
    person_get_or_create,
)
from actionhub.supporters.typed_addresses import typed_address_queue, typed_address_work

CONFIRM_KIND = "group-leader"
PAGE_SALT = "group-page"
PAGE_LINK_MAX_AGE = timedelta(days=180)
UNCONFIRMED_KEPT = timedelta(days=7)


class CodeTaken(CodeProblem):
    """The code, or one a look-alike away from it, belongs to another group."""


class GroupsRateLimited(Exception):
    """Too many registrations or invitations from one connection."""


def code_taken(key: str) -> bool:
    return Group.objects.filter(code_key=key).exists()


def group_code_choose(*, typed: str, name: str, area: str) -> str:
    """The code a registration will have: the one typed, checked, or a suggestion if blank."""
    if not (typed or "").strip():
        return code_suggest(name=name, area=area, taken=code_taken)
    code = code_check(code_normalise(typed))
    if code_taken(code_key(code)):
        raise CodeTaken(
            f"Another group has that code or one too like it. Try "
            f"{code_suggest(name=code, area=area, taken=code_taken)}, or choose another."
        )
    return code


def group_register(*, campaign: Campaign, data: dict, ip_address: str | None) -> Group:
    """Save the group as unconfirmed and email its leader a link to confirm.

    CodeProblem if the code cannot be used; GroupsRateLimited if this connection has
    registered too many groups lately.
    """
    if rate_limit_exceeded(
        key=f"group-register:{rate_limit_key(ip_address)}", limits=settings.GROUP_RATE_LIMITS
    ):
        raise GroupsRateLimited(
            "Too many groups were registered from your connection. Please try again tomorrow."
        )
    code = group_code_choose(typed=data.get("code", ""), name=data["name"], area=data["area"])
    group = Group(
        campaign=campaign, name=data["name"], kind=data["kind"], area=data["area"], code=code,
        code_key=code_key(code), listed=bool(data.get("listed")),
        show_totals=bool(data.get("listed")) and bool(data.get("show_totals")),
    )  # fmt: skip
    group.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            group.save()
            leader = _leader_add(
                group=group, role=Leader.Role.LEADER, first_name=data["first_name"],
                last_name=data.get("last_name", ""), email=data["email"],
            )  # fmt: skip
            _email_confirmation(leader, template="groups/email/confirm_registration.txt",
                                subject="Confirm your group’s registration")  # fmt: skip
    except IntegrityError:  # the same code was taken a moment ago
        raise CodeTaken("Another group took that code a moment ago: choose another.") from None
    return group


def _leader_add(*, group, role, first_name, last_name, email) -> Leader:
    person = person_get_or_create(email=email, first_name=first_name, last_name=last_name)
    leader = Leader(
        group=group, person=person, role=role, confirmation_nonce=confirmation_nonce(),
        submitted_at=timezone.now(),
    )  # fmt: skip
    leader.full_clean(validate_unique=False, validate_constraints=False)
    leader.save()
    return leader


def _email_confirmation(leader: Leader, *, template: str, subject: str) -> None:
    """Sent only because someone typed the address, so it carries no words anyone typed: the
    page the link opens shows the group's details."""
    token = confirmation_token(kind=CONFIRM_KIND, pk=leader.pk, nonce=leader.confirmation_nonce)
    supporter_email_send(
        person=leader.person, sender=leader.group.campaign.name, subject=subject,
        template=template, unconfirmed=True,
        context={"confirm_url": settings.SITE_URL + reverse("group-confirm", args=[token])},
    )  # fmt: skip


def leader_for_confirmation(*, token: str) -> Leader:
    """The leadership a link is for, unchanged (opening a link confirms nothing)."""
    link = confirmation_read(kind=CONFIRM_KIND, token=token)
    leader = Leader.objects.select_related("group", "person").filter(pk=link.pk).first()
    if leader is None or leader.group.status == Group.Status.REMOVED:
        raise LinkInvalid
    if not leader.is_confirmed:
        link.check(leader.confirmation_nonce)
    return leader


def leader_confirm(*, token: str, news: bool = False) -> Leader:
    """The mailbox owner pressed the button: a registration goes to the organisers for
    approval; a co-leader joins (and gets their link, if the group is approved). `news`: the
    box for news for group leaders, as the mailbox owner left it on the confirmation page."""
    link = confirmation_read(kind=CONFIRM_KIND, token=token)
    with transaction.atomic():
        leader = (
            Leader.objects.select_for_update().select_related("group", "person")
            .filter(pk=link.pk).first()
        )  # fmt: skip
        if leader is None or leader.group.status == Group.Status.REMOVED:
            raise LinkInvalid
        if leader.is_confirmed:
            return leader
        link.check(leader.confirmation_nonce)
        now = timezone.now()
        leader.confirmed_at, leader.confirmation_nonce = now, ""
        leader.save(update_fields=["confirmed_at", "confirmation_nonce", "updated_at"])
        method = f"Group {leader.get_role_display().lower()}, confirmed by email link"
        consents_record(
            person=leader.person, choices=[(Consent.Purpose.GROUP_LEADER, LEADER_WORDING)],
            method=method, given_at=now,
        )  # fmt: skip
        leader_news_set(leader=leader, wanted=news, method=method)
        group = leader.group
        if group.status == Group.Status.UNCONFIRMED:
            group.status, group.confirmed_at = Group.Status.AWAITING_APPROVAL, now
            group.save(update_fields=["status", "confirmed_at", "updated_at"])
        elif group.status == Group.Status.APPROVED:
            _email_page_link(leader, template="groups/email/welcome_co_leader.txt",
                             subject=f"Your link to {group.name}’s page")  # fmt: skip
    return leader


def leader_invite(*, group: Group, data: dict, ip_address: str | None) -> Leader:
    """A leader invites a co-leader, who confirms by the link emailed to them."""
    if rate_limit_exceeded(
        key=f"group-invite:{rate_limit_key(ip_address)}", limits=settings.GROUP_RATE_LIMITS
    ):
        raise GroupsRateLimited("Too many invitations from your connection. Try again tomorrow.")
    normalised = normalise_email(data["email"])
    existing = group.leaders.filter(person__email_normalised=normalised).first()
    if existing is not None:
        if existing.is_confirmed:
            return existing
        existing.confirmation_nonce = confirmation_nonce()
        existing.save(update_fields=["confirmation_nonce", "updated_at"])
        leader = existing
    else:
        leader = _leader_add(
            group=group, role=Leader.Role.CO_LEADER, first_name=data["first_name"],
            last_name="", email=data["email"],
        )  # fmt: skip
    _email_confirmation(
        leader, template="groups/email/invite.txt",
        subject="You are invited to help lead a community group",
    )  # fmt: skip
    return leader


def leader_page_token(leader: Leader) -> str:
    return signing.dumps(leader.link_key, salt=PAGE_SALT)


def leader_page_url(leader: Leader) -> str:
    return settings.SITE_URL + reverse("group-page", args=[leader_page_token(leader)])


def leader_from_page_token(*, token: str) -> Leader:
    """The confirmed leader of an approved group whose private link this is."""
    try:
        key = signing.loads(token, salt=PAGE_SALT, max_age=PAGE_LINK_MAX_AGE.total_seconds())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    leader = (
        Leader.objects.select_related("group", "group__campaign", "person")
        .filter(link_key=str(key), confirmed_at__isnull=False, group__status=Group.Status.APPROVED)
        .first()
    )
    if leader is None:
        raise LinkInvalid
    return leader


def _email_leaders(group: Group, *, subject: str, template: str, **context) -> None:
    """Email each confirmed leader of the group, with their own link to its page."""
    for leader in group.leaders.filter(confirmed_at__isnull=False).select_related("person"):
        _email_page_link(leader, template=template, subject=subject, **context)


def _email_page_link(leader: Leader, *, template: str, subject: str, **context) -> None:
    supporter_email_send(
        person=leader.person, sender=leader.group.campaign.name, subject=subject,
        template=template,
        context={"group": leader.group, "leader": leader, "page_url": leader_page_url(leader),
                 "link_days": PAGE_LINK_MAX_AGE.days, **context},
    )  # fmt: skip


def page_link_send(*, email: str, ip_address: str | None) -> None:
    """Email each confirmed leadership of an approved group this address holds a fresh link;
    nothing for an address that leads none (the page says the same, in the same time, either
    way: the worker looks the address up)."""
    if rate_limit_exceeded(
        key=f"group-link:{rate_limit_key(ip_address)}", limits=settings.GROUP_RATE_LIMITS
    ):
        return
    typed_address_queue(page_link_send_now, email=email)


@typed_address_work
def page_link_send_now(*, email: str, sender: str = "") -> None:
    leaders = Leader.objects.select_related("group", "group__campaign", "person").filter(
        person__email_normalised=normalise_email(email), confirmed_at__isnull=False,
        group__status=Group.Status.APPROVED,
    )  # fmt: skip
    for leader in leaders:
        leader.link_key = new_link_key()  # a new link ends the old one, wherever it was sent
        leader.save(update_fields=["link_key", "updated_at"])
        supporter_email_send(
            person=leader.person, sender=leader.group.campaign.name,
            subject=f"Your link to {leader.group.name}’s page",
            template="groups/email/page_link.txt", unconfirmed=True,
            context={"group": leader.group, "page_url": leader_page_url(leader),
                     "link_days": PAGE_LINK_MAX_AGE.days},
        )  # fmt: skip


def group_steps_set(*, group: Group, step_ids: list[int]) -> None:
    """The steps of the campaign's plan the group has done, as the leader ticked them."""
    steps = EngagementStep.objects.filter(plan__campaign=group.campaign, pk__in=step_ids)
    with transaction.atomic():
        group.steps_done.exclude(step__in=steps).delete()
        for step in steps:
            StepDone.objects.get_or_create(group=group, step=step)


def leader_news_set(
    *, leader: Leader, wanted: bool, method: str = "Ticked on their group's private page"
) -> None:
    """A leader asks for news for group leaders, or stops it (one choice for the person,
    however many groups they lead)."""
    person = leader.person
    if not wanted:
        consent_withdraw(person=person, purpose=Consent.Purpose.GROUP_NEWS)
    elif not leader_wants_news(leader):
        consents_record(
            person=person, choices=[(Consent.Purpose.GROUP_NEWS, NEWS_WORDING)],
            method=method, given_at=timezone.now(),
        )  # fmt: skip


def leader_wants_news(leader: Leader) -> bool:
    return consents_standing(Consent.Purpose.GROUP_NEWS, leader.person).exists()


def group_listing_set(*, group: Group, listed: bool, show_totals: bool) -> None:
    group.listed, group.show_totals = listed, listed and show_totals
    group.save(update_fields=["listed", "show_totals", "updated_at"])


def _must_approve(actor) -> None:
    if not actor.has_perm("groups.approve_group"):
        raise PermissionDenied


@transaction.atomic
def group_approve(*, actor, group: Group, request=None) -> Group:
    """An organiser approves a confirmed group: it is public, and its leaders get their links."""
    _must_approve(actor)
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.status != Group.Status.AWAITING_APPROVAL:
        raise PermissionDenied
    if not group.leaders.filter(confirmed_at__isnull=False).exists():
        raise ValidationError("The group has no leader any more (they erased their details), "
                              "so nobody would get its link: decline it instead.")  # fmt: skip
    group.status, group.approved_at, group.approved_by = (
        Group.Status.APPROVED, timezone.now(), actor,
    )  # fmt: skip
    group.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    _email_leaders(group, subject=f"{group.name} is approved", template="groups/email/approved.txt")
    audit_record(action="group.approved", actor=actor, obj=group, request=request,
                 summary=f"Approved the group {group.name} (code {group.code}).")  # fmt: skip
    return group


@transaction.atomic
def group_decline(*, actor, group: Group, request=None) -> None:
    """An organiser turns down a registration: the leader is told, and nothing is kept."""
    _must_approve(actor)
    if group.status not in (Group.Status.UNCONFIRMED, Group.Status.AWAITING_APPROVAL):
        raise PermissionDenied
    _email_leaders(group, subject=f"Your group registration: {group.name}",
                   template="groups/email/declined.txt")  # fmt: skip
    audit_record(action="group.declined", actor=actor, obj=group, request=request,
                 summary=f"Declined the group registration {group.name}.")  # fmt: skip
    _leaders_let_go(group)
    group.delete()


@transaction.atomic
def group_remove(*, actor, group: Group, request=None) -> Group:
    """An organiser removes an approved group. Its code keeps counting, as "removed group";
    its leaders are told, and their details, of no more use here, are let go."""
    _must_approve(actor)
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.status != Group.Status.APPROVED:
        raise PermissionDenied
    group.status, group.removed_at, group.listed = Group.Status.REMOVED, timezone.now(), False
    group.save(update_fields=["status", "removed_at", "listed", "updated_at"])
    _email_leaders(group, subject=f"{group.name}: removed", template="groups/email/removed.txt")
    _leaders_let_go(group)
    _events_end(group)
    audit_record(
        action="group.removed", actor=actor, obj=group, request=request,
        summary=f"Removed the group {group.name}; its code {group.code} still counts.",
    )  # fmt: skip
    return group


def _leaders_let_go(group: Group) -> None:
    _leaderships_end(group.leaders.all())


@transaction.atomic
def co_leader_remove(*, group: Group, by: Leader, leader_id) -> bool:
    """A leader removes a co-leader of their group (never its leader): that link ends."""
    leaders = group.leaders.filter(pk=leader_id, role=Leader.Role.CO_LEADER).exclude(pk=by.pk)
    return _leaderships_end(leaders) > 0


def leaderships_end_for(*, person) -> int:
    """The person stops leading every group they lead or were invited to (they asked)."""
    return _leaderships_end(person.group_leaderships.all())


def proposals_forget_for(*, person) -> int:
    """Before a supporter is erased: the events they proposed that were never published."""
    return _proposals_unpublished_delete(person.group_leaderships.all())


def _proposals_unpublished_delete(leaders) -> int:
    """The events these leaders proposed that were never published (waiting for approval, or
    not approved) are deleted, with what they wrote, when they stop leading. An approved one
    is the group's published event and stays, without them."""
    deleted, _ = (
        EventProposal.objects.filter(proposed_by__in=leaders)
        .exclude(status=EventProposal.Status.APPROVED)
        .delete()
    )
    return deleted


def _leaderships_end(leaders) -> int:
    """These leaders stop being leaders: their consent is withdrawn unless they lead another
    group, and anyone with no other use for their details is deleted."""
    people = [leader.person for leader in leaders.select_related("person")]
    _proposals_unpublished_delete(leaders)
    leaders.delete()
    for person in people:
        if not person.group_leaderships.exists():
            consent_withdraw(person=person, purpose=Consent.Purpose.GROUP_LEADER)
        if not person.group_leaderships.filter(
            confirmed_at__isnull=False, group__status=Group.Status.APPROVED
        ).exists():  # news is for the leaders of approved groups
            consent_withdraw(person=person, purpose=Consent.Purpose.GROUP_NEWS)
    people_delete_unattached()
    return len(people)


def _events_end(group: Group) -> None:
    """A removed group's events: proposals never published go (with what was written in
    them, whoever wrote them), dates to come are cancelled (everyone coming is told)."""
    group.event_proposals.exclude(status=EventProposal.Status.APPROVED).delete()
    upcoming = Occurrence.objects.filter(
        series__proposal__group=group, starts_at__gte=timezone.now()
    ).exclude(status=Occurrence.Status.CANCELLED)
    for occurrence in upcoming:
        occurrence_mark_cancelled(
            occurrence=occurrence, reason="This event is no longer part of the campaign."
        )


def groups_forget_unconfirmed(*, now=None) -> int:
    """Registrations and invitations nobody confirmed within 7 days: deleted, codes freed."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT
    unconfirmed = Group.objects.filter(status=Group.Status.UNCONFIRMED, created_at__lt=cutoff)
    groups = unconfirmed.count()
    unconfirmed.delete()
    Leader.objects.filter(confirmed_at__isnull=True, submitted_at__lt=cutoff).delete()
    people_delete_unattached()
    return groups


def event_propose(*, group: Group, by: Leader, data: dict) -> EventProposal:
    """A leader proposes a one-off event; the organisers are shown it to approve."""
    proposal = EventProposal(group=group, proposed_by=by, **data)
    proposal.full_clean()
    proposal.save()
    return proposal


def event_can_be_decided(proposal: EventProposal) -> bool:
    return (
        proposal.status == EventProposal.Status.PROPOSED
        and proposal.group.status == Group.Status.APPROVED
    )


@transaction.atomic
def event_approve(*, actor, proposal: EventProposal, request=None) -> Series:
    """An organiser approves a group's event: it becomes a one-off event taking RSVPs, and
    the group's leaders are sent its page with the group's own link to it."""
    _must_approve(actor)
    proposal = EventProposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if not event_can_be_decided(proposal):
        raise PermissionDenied
    if proposal.date <= timezone.localdate():
        raise ValidationError("Its date has passed: it cannot be approved any more.")
    group = proposal.group
    series = Series(
        campaign=group.campaign, slug=series_slug_free(slugify(proposal.title)[:40] or "event"),
        title=proposal.title, summary=proposal.summary,
        description=f"Organised by {markdown_escape(group.name)}, {markdown_escape(group.area)}.",
        venue_name=proposal.venue_name, street=proposal.street, town=proposal.town,
        postcode=proposal.postcode, first_date=proposal.date, start_time=proposal.start_time,
        duration_minutes=proposal.duration_minutes, capacity=proposal.capacity,
        accessibility=proposal.accessibility,
    )  # fmt: skip
    series.full_clean()
    series.save()
    occurrences_generate(series=series)
    proposal.status, proposal.series = EventProposal.Status.APPROVED, series
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save(update_fields=["status", "series", "decided_at", "decided_by", "updated_at"])
    event_url = settings.SITE_URL + reverse("series", args=[series.slug])
    _email_leaders(
        group, subject=f"Your event is approved: {proposal.title}",
        template="groups/email/event_approved.txt", proposal=proposal, event_url=event_url,
        group_event_url=f"{event_url}?source={group.code}",
    )  # fmt: skip
    audit_record(
        action="group.event_approved", actor=actor, obj=series, request=request,
        summary=f"Approved {group.name}'s event {proposal.title} on {proposal.date}.",
    )  # fmt: skip
    return series


@transaction.atomic
def event_decline(*, actor, proposal: EventProposal, request=None) -> EventProposal:
    _must_approve(actor)
    if not event_can_be_decided(proposal):
        raise PermissionDenied
    proposal.status, proposal.decided_at, proposal.decided_by = (
        EventProposal.Status.DECLINED, timezone.now(), actor,
    )  # fmt: skip
    proposal.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    group = proposal.group
    _email_leaders(group, subject=f"Your event: {proposal.title}",
                   template="groups/email/event_declined.txt", proposal=proposal)  # fmt: skip
    audit_record(action="group.event_declined", actor=actor, obj=proposal, request=request,
                 summary=f"Did not approve {group.name}'s event {proposal.title}.")  # fmt: skip
    return proposal
