"""The retention report: each kind of personal data the site holds, how many rows of it there
are now, the rule that deletes it (in words built from each app's own retention constants and
the period of the task applying them, never numbers of its own), and how many rows are gone
within the next days (their time is up and the task has come round), where a date says so.

Counts only, never anybody's details. Like the inventory, it knows each app (it sits above
them), and a test keeps it complete: every model the inventory shows is counted here.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from actionhub.core import tasks as core_tasks
from actionhub.core.email import FAILED_KEPT
from actionhub.core.models import AuditEntry, OutboundEmail, RateLimitCounter, SuppressedAddress
from actionhub.events import services as events
from actionhub.events import tasks as events_tasks
from actionhub.events.models import Rsvp, Subscription
from actionhub.groups import services as groups
from actionhub.groups import tasks as groups_tasks
from actionhub.groups.models import EventProposal, Leader
from actionhub.letters import services as letters
from actionhub.letters import tasks as letters_tasks
from actionhub.letters.models import Letter, SendAllowance
from actionhub.mailings import services as mailings
from actionhub.mailings import tasks as mailings_tasks
from actionhub.mailings.models import Recipient
from actionhub.pledges import services as pledges
from actionhub.pledges import tasks as pledges_tasks
from actionhub.pledges.models import Signature
from actionhub.rights import register
from actionhub.rights import services as rights
from actionhub.rights import tasks as rights_tasks
from actionhub.rights.inventory import cadence, period
from actionhub.rights.models import AccessLink, DataRequest, PreparedExport
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.selectors import campaign_email_consents_standing

AHEAD_DAYS = (7, 30)


@dataclass(frozen=True)
class Held:
    what: str
    count: int
    rule: str
    within: tuple[int, ...] | None  # how many go in each of AHEAD_DAYS; None: cannot be known
    models: tuple = field(default=(), repr=False)


@dataclass(frozen=True)
class Part:
    title: str
    rows: tuple[Held, ...]


def every(task) -> str:
    """`every hour`, `every day`, `every 6 hours`: how often the task applying a rule runs."""
    return "every " + period(cadence(task)).removeprefix("an ").removeprefix("a ")


class _Report:
    """Builds the rows as of one moment."""

    def __init__(self, now: datetime):
        self.now = now

    def dated(self, what, rows: QuerySet, *, moment: str, kept: timedelta, checked, rule: str,
              models: tuple, exclude: Q | None = None) -> Held:  # fmt: skip
        """Rows whose time runs out `kept` after their `moment` field: each counted in the days
        by which it is gone, so `kept` and the period of the task `checked` that deletes it."""
        gone_by = kept + cadence(checked)
        within = []
        for days in AHEAD_DAYS:
            due = rows.filter(**{f"{moment}__lte": self.now + timedelta(days=days) - gone_by})
            if exclude is not None:
                due = due.exclude(exclude)
            within.append(due.count())
        return Held(what, rows.count(), rule, tuple(within), models)

    def undated(self, what, rows: QuerySet, *, rule: str, models: tuple) -> Held:
        return Held(what, rows.count(), rule, None, models)


def retention_report(*, now: datetime | None = None) -> list[Part]:
    now = now or timezone.now()
    report = _Report(now)
    return [
        Part("Supporters", tuple(_supporters(report))),
        Part("Signatures", tuple(_signatures(report))),
        Part("Letters", tuple(_letters(report))),
        Part("Events and community groups", tuple(_events(report))),
        Part("Emails", tuple(_emails(report))),
        Part("Data protection", tuple(_rights(report))),
        Part("Kept for a short while, or for good", tuple(_short_and_long(report))),
    ]


def _supporters(report: _Report):
    every_hour = every(pledges_tasks.apply_signature_retention)
    yield report.undated(
        "Supporters (name and email address)", Person.objects.all(), models=(Person,),
        rule="Kept while any signature, letter, RSVP, “every week”, group role or standing "
        "consent to campaign emails below refers to them; then deleted by the retention tasks "
        f"(they run {every_hour}), or sooner when they erase their details.",
    )  # fmt: skip
    yield report.undated(
        "Choices (consents, with the words agreed to)", Consent.objects.all(), models=(Consent,),
        rule="Kept with the supporter as the record of each choice, withdrawn or not; deleted "
        "with them.",
    )  # fmt: skip


def _signatures(report: _Report):
    task = every(pledges_tasks.apply_signature_retention)
    status = Signature.Status
    yield report.dated(
        "Signatures waiting for confirmation", Signature.objects.filter(status=status.PENDING),
        moment="submitted_at", kept=pledges.UNCONFIRMED_KEPT, models=(Signature,),
        checked=pledges_tasks.apply_signature_retention,
        rule=f"Deleted {period(pledges.UNCONFIRMED_KEPT)} after signing unless confirmed "
        f"(checked {task}).",
    )  # fmt: skip
    yield report.dated(
        "Signatures held back for review", Signature.objects.filter(status=status.QUARANTINED),
        moment="submitted_at", kept=pledges.REVIEW_KEPT, models=(Signature,),
        checked=pledges_tasks.apply_signature_retention,
        rule=f"Deleted {period(pledges.REVIEW_KEPT)} after signing unless counted "
        f"(checked {task}).",
    )  # fmt: skip
    yield report.dated(
        "Signatures taken out of the count", Signature.objects.filter(status=status.INVALIDATED),
        moment="updated_at", kept=pledges.REVIEW_KEPT, models=(Signature,),
        checked=pledges_tasks.apply_signature_retention,
        rule=f"Deleted {period(pledges.REVIEW_KEPT)} after being taken out (checked {task}).",
    )  # fmt: skip
    yield report.undated(
        "Confirmed signatures", Signature.objects.filter(status=status.CONFIRMED),
        models=(Signature,),
        rule="Kept, and counted, until the supporter erases their details or withdraws it.",
    )  # fmt: skip
    yield report.dated(
        "IP addresses on signatures", Signature.objects.filter(ip_address__isnull=False),
        moment="submitted_at", kept=pledges.IP_ADDRESS_KEPT, models=(Signature,),
        checked=pledges_tasks.apply_signature_retention,
        rule=f"Cleared {period(pledges.IP_ADDRESS_KEPT)} after signing (checked {task}).",
    )  # fmt: skip


def _letters(report: _Report):
    task = every(letters_tasks.apply_letter_retention)
    status = Letter.Status
    with_details = Letter.objects.filter(personal_data_erased_at=None)
    yield report.dated(
        "Letters waiting for confirmation",
        Letter.objects.filter(status=status.AWAITING_CONFIRMATION),
        moment="submitted_at", kept=letters.UNCONFIRMED_KEPT, models=(Letter,),
        checked=letters_tasks.apply_letter_retention,
        rule=f"Deleted {period(letters.UNCONFIRMED_KEPT)} after writing unless confirmed "
        f"(checked {task}).",
    )  # fmt: skip
    yield report.dated(
        "Letters given to the supporter to send or print, with their details",
        with_details.filter(status=status.HANDED_OVER),
        moment="submitted_at", kept=letters.HANDED_OVER_KEPT, models=(Letter,),
        checked=letters_tasks.apply_letter_retention,
        rule=f"The writer’s details and words are deleted {period(letters.HANDED_OVER_KEPT)} "
        f"after writing (checked {task}); what remains counts in the reports.",
    )  # fmt: skip
    yield report.dated(
        "Letters sent by the site (or being sent, or failed), with their details",
        with_details.exclude(status__in=[status.AWAITING_CONFIRMATION, status.HANDED_OVER]),
        moment="submitted_at", kept=letters.SENT_KEPT, models=(Letter,),
        checked=letters_tasks.apply_letter_retention,
        rule=f"The writer’s details and words are deleted {period(letters.SENT_KEPT)} after "
        f"writing (checked {task}); what remains counts in the reports.",
    )  # fmt: skip
    window = timedelta(days=settings.LETTERS_RESEND_DAYS)
    yield report.dated(
        "When each letter was last sent for an address",
        SendAllowance.objects.filter(last_sent_at__isnull=False),
        moment="last_sent_at", kept=window, models=(SendAllowance,),
        checked=letters_tasks.apply_letter_retention,
        rule=f"Deleted {period(window)} after the letter was sent (checked {task}), or when "
        "the address is erased.",
    )  # fmt: skip
    undated = SendAllowance.objects.filter(last_sent_at__isnull=True)
    yield Held(
        "The same, for a letter that was never sent", undated.count(),
        f"Deleted at once (checked {task}): nothing says when a letter was sent.",
        (undated.count(),) * len(AHEAD_DAYS), (SendAllowance,),
    )  # fmt: skip


def _events(report: _Report):
    task = every(events_tasks.apply_rsvp_retention)
    pending = Rsvp.Status.PENDING
    yield report.dated(
        "RSVPs waiting for confirmation", Rsvp.objects.filter(status=pending),
        moment="submitted_at", kept=events.UNCONFIRMED_KEPT, models=(Rsvp,),
        checked=events_tasks.apply_rsvp_retention,
        rule=f"Deleted {period(events.UNCONFIRMED_KEPT)} after the RSVP unless confirmed "
        f"(checked {task}).",
    )  # fmt: skip
    hearing = Q(hear_more=True) & Q(Exists(campaign_email_consents_standing(OuterRef("person"))))
    yield report.dated(
        "RSVPs with a name and email address",
        Rsvp.objects.filter(personal_data_erased_at=None).exclude(status=pending),
        moment="occurrence__ends_at", kept=events.KEPT_AFTER_DATE, models=(Rsvp,),
        checked=events_tasks.apply_rsvp_retention,
        exclude=hearing,
        rule=f"Name and address deleted {period(events.KEPT_AFTER_DATE)} after the date "
        f"(checked {task}), unless the person asked to hear more and still does; the count "
        "and attendance stay.",
    )  # fmt: skip
    status = Subscription.Status
    yield report.dated(
        "“Every week” waiting for confirmation",
        Subscription.objects.filter(status=status.PENDING),
        moment="submitted_at", kept=events.UNCONFIRMED_KEPT, models=(Subscription,),
        checked=events_tasks.apply_rsvp_retention,
        rule=f"Deleted {period(events.UNCONFIRMED_KEPT)} after asking unless confirmed "
        f"(checked {task}).",
    )  # fmt: skip
    yield report.dated(
        "“Every week” stopped", Subscription.objects.filter(status=status.STOPPED),
        moment="updated_at", kept=events.KEPT_AFTER_DATE, models=(Subscription,),
        checked=events_tasks.apply_rsvp_retention,
        rule=f"Deleted {period(events.KEPT_AFTER_DATE)} after stopping (checked {task}).",
    )  # fmt: skip
    yield report.undated(
        "“Every week” going on", Subscription.objects.filter(status=status.ACTIVE),
        models=(Subscription,),
        rule="Kept while the person comes every week: each reminder has a link to stop.",
    )  # fmt: skip
    yield report.dated(
        "Group leaders not yet confirmed", Leader.objects.filter(confirmed_at__isnull=True),
        moment="submitted_at", kept=groups.UNCONFIRMED_KEPT, models=(Leader,),
        checked=groups_tasks.forget_unconfirmed_groups,
        rule=f"Deleted {period(groups.UNCONFIRMED_KEPT)} after registering or being invited "
        f"(checked {every(groups_tasks.forget_unconfirmed_groups)}).",
    )  # fmt: skip
    yield report.undated(
        "Group leaders", Leader.objects.filter(confirmed_at__isnull=False), models=(Leader,),
        rule="Kept while they lead the group: deleted when the group is removed or turned "
        "down, or when they stop leading it.",
    )  # fmt: skip
    published = EventProposal.Status.APPROVED
    yield report.undated(
        "Events groups proposed, not published (with the venue and what the leader wrote)",
        EventProposal.objects.exclude(status=published), models=(EventProposal,),
        rule="Kept while the leader who proposed it leads the group: deleted when they stop "
        "leading it or erase their details, or when the group is removed.",
    )  # fmt: skip
    yield report.undated(
        "Events groups proposed and published", EventProposal.objects.filter(status=published),
        models=(EventProposal,),
        rule="The group's published event, kept like the event itself; who proposed it is "
        "forgotten when they stop leading the group or erase their details.",
    )  # fmt: skip


def _emails(report: _Report):
    task = every(mailings_tasks.forget_mailing_recipients)
    recipients = Recipient.objects.filter(person__isnull=False)
    finished = recipients.filter(
        Q(mailing__finished_at__isnull=False) | Q(mailing__cancelled_at__isnull=False)
    )
    kept = mailings.RECIPIENTS_KEPT
    gone_by = kept + cadence(mailings_tasks.forget_mailing_recipients)
    within = tuple(
        finished.filter(
            Q(mailing__finished_at__lte=report.now + timedelta(days=days) - gone_by)
            | Q(mailing__cancelled_at__lte=report.now + timedelta(days=days) - gone_by)
        ).count()
        for days in AHEAD_DAYS
    )
    yield Held(
        "Who each campaign email went to", recipients.count(),
        f"Forgotten {period(kept)} after the email has gone to everyone (checked {task}); "
        "its figures stay, with nobody in them.",
        within, (Recipient,),
    )  # fmt: skip
    yield report.undated(
        "Emails waiting to be delivered",
        OutboundEmail.objects.exclude(status=OutboundEmail.Status.FAILED),
        models=(OutboundEmail,), rule="Deleted as soon as the mail server takes them.",
    )  # fmt: skip
    yield report.dated(
        "Emails that could not be delivered",
        OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED),
        moment="updated_at", kept=FAILED_KEPT, models=(OutboundEmail,),
        checked=core_tasks.delete_failed_emails,
        rule=f"Deleted {period(FAILED_KEPT)} after the last try "
        f"(checked {every(core_tasks.delete_failed_emails)}).",
    )  # fmt: skip
    yield report.undated(
        "Addresses never to email (bounced for good, or reported us as spam)",
        SuppressedAddress.objects.exclude(address=""), models=(SuppressedAddress,),
        rule="Kept for good, so that no email goes to them, until an organiser takes one off "
        "the list. Erasing the address removes it, and what the mail server said, and keeps "
        "the entry as below.",
    )  # fmt: skip
    yield report.undated(
        "Addresses never to email, erased (a keyed hash of the address and why, no address)",
        SuppressedAddress.objects.filter(address=""), models=(SuppressedAddress,),
        rule="Kept for good, so that the address still gets no email when someone types it in "
        "again (the objection, or the dead mailbox, outlives the erasure), until an organiser "
        "takes it off the list.",
    )  # fmt: skip


def _rights(report: _Report):
    kept = rights.ACCESS_LINK_MAX_AGE + rights.ACCESS_LASTS
    yield report.dated(
        "Links to see one’s data", AccessLink.objects.all(), moment="created_at", kept=kept,
        checked=rights_tasks.delete_expired_access_links,
        models=(AccessLink,),
        rule=f"Deleted {period(kept)} after being asked for "
        f"(checked {every(rights_tasks.delete_expired_access_links)}).",
    )  # fmt: skip
    yield report.dated(
        "Downloads of one’s data made by the task worker", PreparedExport.objects.all(),
        moment="asked_at", kept=rights.ACCESS_LASTS, models=(PreparedExport,),
        checked=rights_tasks.delete_expired_exports,
        rule=f"Deleted {period(rights.ACCESS_LASTS)} after being asked for "
        f"(checked {every(rights_tasks.delete_expired_exports)}).",
    )  # fmt: skip
    yield report.undated(
        "Requests in the register, open (with the address)",
        DataRequest.objects.filter(status=DataRequest.Status.OPEN), models=(DataRequest,),
        rule="Kept, with the address, until closed as done or refused; the address is then "
        "removed.",
    )  # fmt: skip
    yield report.dated(
        "Requests in the register, closed (without the address)",
        DataRequest.objects.exclude(status=DataRequest.Status.OPEN),
        moment="closed_at", kept=register.CLOSED_KEPT, models=(DataRequest,),
        checked=rights_tasks.apply_data_request_retention,
        rule=f"Deleted {period(register.CLOSED_KEPT)} after closing "
        f"(checked {every(rights_tasks.apply_data_request_retention)}).",
    )  # fmt: skip


def _short_and_long(report: _Report):
    if settings.RATE_LIMIT_STORE == "database":
        yield report.dated(
            "Counters of recent requests and emails (under a code made from the connection's "
            "or the email address, never either itself)", RateLimitCounter.objects.all(),
            moment="expires_at",
            kept=timedelta(0), models=(RateLimitCounter,),
            checked=core_tasks.delete_expired_rate_limit_counters,
            rule="Each ends with the period it counts; deleted "
            f"{every(core_tasks.delete_expired_rate_limit_counters)} once ended.",
        )  # fmt: skip
    yield report.dated(
        "Browser sessions (an address typed into a form, an organiser signed in)",
        Session.objects.all(), moment="expire_date", kept=timedelta(0), models=(Session,),
        checked=core_tasks.clear_expired_sessions,
        rule=f"End after at most {period(timedelta(seconds=settings.SESSION_COOKIE_AGE))}; "
        f"cleared {every(core_tasks.clear_expired_sessions)} once ended.",
    )  # fmt: skip
    yield report.undated(
        "Audit log entries", AuditEntry.objects.all(), models=(AuditEntry,),
        rule="Kept for good, and never changed: they name organisers and ids, never a "
        "supporter’s name or address.",
    )  # fmt: skip
