"""Everything the site holds about one person, in plain words: what "Your data" shows and
the downloads hold, and what the console's search and export can show for any person.

One module that knows each app, rather than a function each app registers from its
AppConfig.ready (as with `supporters.services.ERASE_STEPS`). What a person is told about their
data is one text, which the data protection lead reviews as a whole: read in one place, in the
same words for every app, it is checked against the privacy notice at a glance. `rights` sits
above every app (as the console does), so reading their models and retention constants
breaks no layer, and no app depends on it. What keeps it complete is a test: every model with
a foreign key to `supporters.Person` must be in some section's `covers`.

Each section is a title and items; each item is a heading, plain-words fields (label -> value)
and when it will be deleted, computed from that app's own retention rules and the period of
the task that applies them. Everything is text already, so the page, the JSON and the CSV
files say exactly the same.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format

from actionhub.core import tasks as core_tasks
from actionhub.core.email import FAILED_KEPT, suppressions_of
from actionhub.core.models import OutboundEmail
from actionhub.core.periodic import REGISTRY
from actionhub.events import services as events
from actionhub.events import tasks as events_tasks
from actionhub.events.models import Occurrence, Rsvp, Subscription
from actionhub.groups import services as groups
from actionhub.groups import tasks as groups_tasks
from actionhub.groups.models import EventProposal, Group, Leader
from actionhub.letters import services as letters
from actionhub.letters import tasks as letters_tasks
from actionhub.letters.models import Letter, SendAllowance
from actionhub.mailings import services as mailings
from actionhub.mailings import tasks as mailings_tasks
from actionhub.mailings.models import Mailing, Recipient
from actionhub.pledges import services as pledges
from actionhub.pledges import tasks as pledges_tasks
from actionhub.pledges.models import Signature
from actionhub.rights import register
from actionhub.rights import services as rights
from actionhub.rights import tasks as rights_tasks
from actionhub.rights.models import AccessLink, DataRequest, PreparedExport
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.selectors import campaign_email_consents_standing

DELETED_LABEL = "When it will be deleted"
ERASE = "or sooner if you erase your details"
# The list never to email, as the supporter and the data protection lead are told of it.
SUPPRESSION_KEPT = (
    "Kept for good, so that no email from this site goes to this address, whoever types it in "
    "(the organisers take it off the list if you ask them to). Erasing your details removes "
    "the address and what the mail server said from the list, and keeps only why it is on the "
    "list and a keyed hash of the address: a code made from it with the site’s secret key, "
    "which knows the address again when it is typed in but cannot be turned back into it."
)
SUPPRESSION_KEPT_AS_HASH = (
    "A keyed hash of the address, not the address itself: the details it was on file with "
    "were erased."
)


@dataclass(frozen=True)
class Item:
    title: str
    fields: tuple[tuple[str, str], ...]
    deleted: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    about: str
    none: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Inventory:
    email: str
    made_at: str
    sections: tuple[Section, ...]

    def as_dict(self) -> dict:
        return {
            "email": self.email,
            "made_at": self.made_at,
            "times": "UK time (Europe/London)",
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "about": section.about,
                    "items": [
                        {
                            "title": item.title,
                            "fields": dict(item.fields),
                            DELETED_LABEL: item.deleted,
                        }
                        for item in section.items
                    ],
                }
                for section in self.sections
            ],
        }


@dataclass(frozen=True)
class SectionSource:
    key: str
    title: str
    about: str
    none: str
    covers: tuple
    build: Callable = field(repr=False)


SECTIONS: list[SectionSource] = []


def section(*, key: str, title: str, about: str, none: str, covers: tuple = ()):
    """Register a section's builder, `build(person, now) -> list[Item]`, with the models
    holding person data that it shows (`covers`)."""

    def register(build):
        SECTIONS.append(SectionSource(key, title, about, none, covers, build))
        return build

    return register


def person_inventory(*, person: Person, now: datetime | None = None) -> Inventory:
    """Everything held about `person`, section by section, as of `now`."""
    now = now or timezone.now()
    return Inventory(
        email=person.email,
        made_at=when(now),
        sections=tuple(
            Section(
                source.key,
                source.title,
                source.about,
                source.none,
                tuple(source.build(person, now)),
            )
            for source in SECTIONS
        ),
    )


# Plain words


def when(moment: datetime | None) -> str:
    """`30 November 2026 at 09:00`, UK time."""
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def period(every: timedelta) -> str:
    if every >= timedelta(days=1):
        return "a day" if every == timedelta(days=1) else f"{every.days} days"
    hours = int(every.total_seconds() // 3600)
    return "an hour" if hours <= 1 else f"{hours} hours"


def cadence(task) -> timedelta:
    """How often a periodic task runs."""
    return REGISTRY[task.module_path][1]


def deleted_by(moment: datetime, task, now: datetime, what: str = "Deleted") -> str:
    """When the retention task (which runs every so often) will have dealt with something
    whose time runs out at `moment`."""
    every = cadence(task)
    if moment <= now:
        return f"{what} within {period(every)}: its time to be kept is over"
    return f"{what} by {when(moment + every)}"


def fields(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    """The pairs that have a value: a blank field is not shown."""
    return tuple((label, value) for label, value in pairs if value)


# What someone typed on a form, which the page shows only once the address confirmed that
# record: anyone can type any address, and the page goes to whoever reads that mailbox.
TYPED = {
    "Name you gave", "Postcode", "Country", "Your name", "Your address", "Your postcode",
    "Subject", "The letter", "What they replied", "Your IP address when you signed",
    "Your IP address when you wrote",
}  # fmt: skip
WITHHELD = (
    "Not shown: this address has not confirmed it (we never emailed it about this, or it is "
    "still waiting), and anyone can type an address into a form. It is deleted as it says "
    "below; erase your details to delete it now."
)


def person_confirmed(person: Person) -> bool:
    """The address has confirmed something (every consent is recorded on a confirmation):
    until then, the name on file is only what someone typed."""
    return person.consents.exists()


def fields_unless_unconfirmed(confirmed: bool, *pairs: tuple[str, str | None]):
    """`fields`, less what was typed when the address has not confirmed the record."""
    if confirmed:
        return fields(*pairs)
    return fields(*[pair for pair in pairs if pair[0] not in TYPED], ("What was typed", WITHHELD))


def name_of(first: str, last: str) -> str:
    return f"{first} {last}".strip()


# Sections, in the order the page shows them


@section(
    key="you", title="You", covers=(DataRequest,),
    about="Your name and email address, as you gave them, and when we first had them; and "
    "any request you made to us about your data.",
    none="",
)  # fmt: skip
def _you(person: Person, now: datetime) -> list[Item]:
    kept = "Kept while any of your signatures, letters, events or group roles below is kept"
    if campaign_email_consents_standing(person).exists():
        kept += ", or while you want emails about the campaign (each has a link to stop them)"
    # Each app's retention task deletes the people it leaves with nothing (the pledge's first).
    every = period(cadence(pledges_tasks.apply_signature_retention))
    kept += f"; then deleted within {every}, {ERASE}."
    name = name_of(person.first_name, person.last_name)
    items = [
        Item(
            title="Your details",
            fields=fields(
                ("Name", name if person_confirmed(person) else WITHHELD),
                ("Email address", person.email),
                (
                    "The address as we compare it",
                    person.email_normalised if person.email_normalised != person.email else "",
                ),
                ("On file since", when(person.created_at)),
                ("Last changed", when(person.updated_at)),
                (
                    "Key to your links",
                    "A random code, unique to you, that the links in our "
                    "emails to stop them or erase your details are made from. It is not shown: "
                    "it is what makes those links work.",
                ),
            ),  # fmt: skip
            deleted=kept,
        )
    ]
    suppressed = suppressions_of([person.email]).order_by("pk").first()
    if suppressed is not None:
        items.append(
            Item(
                title="Your address is on our list of addresses never to email",
                fields=fields(
                    ("Why", suppressed.get_reason_display()),
                    ("Since", when(suppressed.created_at)),
                    ("What the mail server said", suppressed.detail),
                    ("On the list as", SUPPRESSION_KEPT_AS_HASH if suppressed.is_erased else ""),
                ),
                deleted=SUPPRESSION_KEPT,
            )
        )
    items += _requests(person, now)
    return items


REQUEST_STATUS = {
    DataRequest.Status.OPEN: "Open: we are dealing with it",
    DataRequest.Status.DONE: "Done",
    DataRequest.Status.REFUSED: "Refused",
}


def _requests(person: Person, now: datetime) -> list[Item]:
    """Requests about their data in the data protection lead's register: open ones by their
    link to the person, closed ones (which keep no address) by the address's fingerprint."""
    requests = DataRequest.objects.filter(
        Q(person=person) | Q(email_fingerprint=register.address_fingerprint(person.email))
    ).order_by("received_on", "pk")
    task = rights_tasks.apply_data_request_retention
    items = []
    for data_request in requests:
        if data_request.is_open:
            deleted = (
                "Kept, with your address, while we deal with it. Once it is answered your "
                "address is taken off it, and the record that we answered it is deleted "
                f"{period(register.CLOSED_KEPT)} later."
            )
        else:
            deleted = deleted_by(data_request.closed_at + register.CLOSED_KEPT, task, now) + (
                ". Until then it holds no address: only a code made from it, to find it again."
            )
        items.append(
            Item(
                title=f"Your request: {data_request.get_kind_display()}",
                fields=fields(
                    ("What you asked for", data_request.get_kind_display()),
                    ("We received it", date_format(data_request.received_on, "j F Y")),
                    ("We answer by", date_format(data_request.deadline, "j F Y")),
                    ("Status", REQUEST_STATUS[data_request.status]),
                    ("Why we refused", data_request.refusal_reason),
                    ("Closed", when(data_request.closed_at)),
                    ("Our notes", data_request.notes),
                ),
                deleted=deleted,
            )
        )
    return items


@section(
    key="choices", title="Your choices", covers=(Consent,),
    about="Each thing you agreed to, in the exact words you agreed to, when and how.",
    none="You have not agreed to anything yet.",
)  # fmt: skip
def _choices(person: Person, now: datetime) -> list[Item]:
    return [
        Item(
            title=consent.get_purpose_display(),
            fields=fields(
                ("The words you agreed to", consent.wording),
                ("How", consent.method),
                ("When", when(consent.given_at)),
                ("Withdrawn", when(consent.withdrawn_at) or "No: this choice stands"),
                ("Version of the words", consent.wording_version),
            ),
            deleted="Kept as the record of your choice for as long as we hold your details, "
            "and deleted with them.",
        )
        for consent in person.consents.order_by("given_at", "pk")
    ]


SIGNATURE_STATUS = {
    Signature.Status.PENDING: "Waiting for you to confirm it by email",
    Signature.Status.CONFIRMED: "Confirmed: it counts",
    Signature.Status.QUARANTINED: "Held for the organisers to review: not counted yet",
    Signature.Status.INVALIDATED: "Taken out of the count by the organisers",
}


@section(
    key="signatures", title="Your signatures", covers=(Signature,),
    about="Each pledge you signed, with the details you gave on its form.",
    none="You have not signed a pledge.",
)  # fmt: skip
def _signatures(person: Person, now: datetime) -> list[Item]:
    task = pledges_tasks.apply_signature_retention
    items = []
    for signature in person.signatures.select_related("pledge", "constituency").order_by("pk"):
        status = signature.status
        if status == Signature.Status.PENDING:
            deleted = deleted_by(signature.submitted_at + pledges.UNCONFIRMED_KEPT, task, now)
            deleted += ", unless you confirm it before then."
        elif status == Signature.Status.QUARANTINED:
            deleted = deleted_by(signature.submitted_at + pledges.REVIEW_KEPT, task, now)
            deleted += ", unless the organisers count it."
        elif status == Signature.Status.INVALIDATED:
            deleted = deleted_by(signature.updated_at + pledges.REVIEW_KEPT, task, now) + "."
        else:
            deleted = "Kept, and counted, until you erase your details."
        ip_cleared = ""
        if signature.ip_address:
            ip_cleared = signature.ip_address + " (" + deleted_by(
                signature.submitted_at + pledges.IP_ADDRESS_KEPT, task, now, what="cleared"
            ) + ")"  # fmt: skip
        items.append(
            Item(
                title=signature.pledge.title,
                fields=fields_unless_unconfirmed(
                    signature.confirmed_at is not None,
                    ("Name you gave", name_of(signature.first_name, signature.last_name)),
                    ("Postcode", signature.postcode),
                    ("Country", signature.country),
                    ("Constituency", signature.constituency.name if signature.constituency else ""),
                    ("Show your first name on the site", yes_no(signature.show_name)),
                    ("Asked for emails about the campaign", yes_no(signature.campaign_emails)),
                    ("Status", SIGNATURE_STATUS.get(status, signature.get_status_display())),
                    ("Signed", when(signature.submitted_at)),
                    ("Confirmed", when(signature.confirmed_at)),
                    ("Code of the link you came from", signature.source),
                    ("Your IP address when you signed", ip_cleared),
                ),  # fmt: skip
                deleted=deleted,
            )
        )
    return items


DELIVERY = {
    Letter.Delivery.SITE: "Sent by us, by email, from this site",
    Letter.Delivery.OWN_EMAIL: "From your own email: we gave you the text to send",
    Letter.Delivery.DOWNLOAD: "Downloaded or printed, for you to post",
}

LETTER_STATUS = {
    Letter.Status.AWAITING_CONFIRMATION: "Waiting for you to confirm it by email",
    Letter.Status.QUEUED: "Confirmed: being sent",
    Letter.Status.SENT: "Sent to the MP",
    Letter.Status.FAILED: "Could not be delivered",
    Letter.Status.HANDED_OVER: "Given to you to send",
}


def _letter_deleted(letter: Letter, now: datetime) -> str:
    task = letters_tasks.apply_letter_retention
    if letter.status == Letter.Status.AWAITING_CONFIRMATION:
        moment = letter.submitted_at + letters.UNCONFIRMED_KEPT
        return deleted_by(moment, task, now) + ", unless you confirm it before then."
    if letter.status == Letter.Status.HANDED_OVER:
        moment = letter.submitted_at + letters.HANDED_OVER_KEPT
    else:
        moment = letter.submitted_at + letters.SENT_KEPT
    return (
        deleted_by(moment, task, now, what="Your details and the letter’s words are deleted")
        + ". What remains is counted in reports with nothing about you: which letter, "
        "to whom, and how it was sent."
    )


def _allowance_ends(allowance: SendAllowance, now: datetime) -> datetime:
    """A note of a letter sent lasts the resend window; one a failed letter left, no time."""
    if allowance.last_sent_at is None:
        return now
    return allowance.last_sent_at + timedelta(days=settings.LETTERS_RESEND_DAYS)


def _letter_items(person: Person, now: datetime, *, to_brand: bool) -> list[Item]:
    letters_of = person.letters.select_related("template", "constituency").order_by("pk")
    items = []
    for letter in letters_of:
        if letter.to_brand != to_brand:
            continue
        status = LETTER_STATUS.get(letter.status, letter.get_status_display())
        if to_brand and letter.status == Letter.Status.SENT:
            status = "Sent to the brand"
        items.append(
            Item(
                title=f"{letter.template.title}, to {letter.mp_name}, "
                f"{date_format(timezone.localtime(letter.submitted_at), 'j F Y')}",
                fields=fields_unless_unconfirmed(
                    letter.confirmed_at is not None,
                    ("Letter", letter.template.title),
                    ("To", letter.mp_name),
                    ("Party", letter.mp_party),
                    ("Constituency", letter.constituency.name if letter.constituency else ""),
                    (
                        "How it was delivered",
                        DELIVERY.get(letter.delivery, letter.get_delivery_display()),
                    ),
                    ("Status", status),
                    ("Your name", letter.sender_name),
                    ("Your address", letter.sender_address),
                    ("Your postcode", letter.postcode),
                    ("Your email address", letter.sender_email),
                    ("Subject", letter.subject),
                    ("The letter", letter.body),
                    ("Written", when(letter.submitted_at)),
                    ("Confirmed", when(letter.confirmed_at)),
                    ("Sent", when(letter.sent_at)),
                    ("Why it could not be delivered", letter.failure),
                    ("We asked whether they replied", when(letter.followup_sent_at)),
                    ("We asked again", when(letter.reminder_sent_at)),
                    ("Their reply", letter.get_reply_display() if letter.reply else ""),
                    ("What they replied", letter.reply_text),
                    ("You told us", when(letter.replied_at)),
                    ("Asked for emails about the campaign", yes_no(letter.campaign_emails)),
                    ("Code of the link you came from", letter.source),
                    ("Your IP address when you wrote", letter.ip_address or ""),
                ),  # fmt: skip
                deleted=_letter_deleted(letter, now),
            )
        )
    allowances = SendAllowance.objects.filter(
        email_normalised=person.email_normalised, brand__isnull=not to_brand,
    ).select_related("template", "mp", "brand")  # fmt: skip
    for allowance in allowances:
        recipient = allowance.brand.name if to_brand else allowance.mp.name
        items.append(
            Item(
                title=f"When we last sent “{allowance.template.title}” to {recipient} for you",
                fields=fields(
                    ("Letter", allowance.template.title),
                    ("To", recipient),
                    ("Sent", when(allowance.last_sent_at) or "Not sent"),
                    (
                        "Why we keep this",
                        "So that this site sends each letter to each "
                        "recipient for you at most once in a while.",
                    ),
                ),  # fmt: skip
                deleted=deleted_by(
                    _allowance_ends(allowance, now), letters_tasks.apply_letter_retention, now
                )
                + ".",  # fmt: skip
            )
        )
    return items


@section(
    key="letters-to-mps", title="Your letters to MPs", covers=(Letter,),
    about="Each letter you wrote to an MP, its words, and how it was delivered.",
    none="You have not written to an MP.",
)  # fmt: skip
def _letters_to_mps(person: Person, now: datetime) -> list[Item]:
    return _letter_items(person, now, to_brand=False)


@section(
    key="letters-to-brands", title="Your letters to brands", covers=(Letter,),
    about="Each letter you wrote to a brand, its words, and how it was delivered.",
    none="You have not written to a brand.",
)  # fmt: skip
def _letters_to_brands(person: Person, now: datetime) -> list[Item]:
    return _letter_items(person, now, to_brand=True)


def _attendance(rsvp: Rsvp, now: datetime) -> str:
    if rsvp.attended_at and rsvp.walk_in:
        return f"Came without telling us first; checked in on {when(rsvp.attended_at)}"
    if rsvp.attended_at:
        return f"Checked in on {when(rsvp.attended_at)}"
    if rsvp.occurrence.ends_at <= now:
        return "Not checked in"
    return "The date is still to come"


def _reminders(remind_day_before: bool, remind_two_hours: bool) -> str:
    chosen = [
        words
        for wanted, words in ((remind_day_before, "the day before"),
                              (remind_two_hours, "two hours before"))
        if wanted
    ]  # fmt: skip
    return " and ".join(chosen).capitalize() if chosen else "None"


@section(
    key="events", title="Events you said you would come to", covers=(Rsvp,),
    about="Each date you said you would come to, and whether you were checked in.",
    none="We hold no RSVP of yours: you have not said you would come to an event, or your "
    "name has since been taken off.",
)  # fmt: skip
def _rsvps(person: Person, now: datetime) -> list[Item]:
    task = events_tasks.apply_rsvp_retention
    hearing = campaign_email_consents_standing(person).exists()
    items = []
    rsvps = person.rsvps.select_related("occurrence__series").order_by("occurrence__starts_at")
    for rsvp in rsvps:
        occurrence = rsvp.occurrence
        if rsvp.status == Rsvp.Status.PENDING:
            deleted = deleted_by(rsvp.submitted_at + events.UNCONFIRMED_KEPT, task, now)
            deleted += ", unless you confirm it before then."
        elif rsvp.hear_more and hearing:
            deleted = (
                "Kept while you want emails about the campaign, as you asked; otherwise your "
                f"name and email would go {period(events.KEPT_AFTER_DATE)} after the date. "
                f"Deleted {ERASE}."
            )
        else:
            deleted = (
                deleted_by(occurrence.ends_at + events.KEPT_AFTER_DATE, task, now,
                           what="Your name and email address are deleted")
                + ". The count of people and who came stays, with nothing about you."
            )  # fmt: skip
        date_status = ""
        if occurrence.status != Occurrence.Status.SCHEDULED:
            date_status = occurrence.get_status_display()
            if occurrence.status_reason:
                date_status += f": {occurrence.status_reason}"
        items.append(
            Item(
                title=f"{occurrence.series.title}, {when(occurrence.starts_at)}",
                fields=fields_unless_unconfirmed(
                    rsvp.confirmed_at is not None,
                    ("Event", occurrence.series.title),
                    ("Date", when(occurrence.starts_at)),
                    ("The date was", date_status),
                    ("Name you gave", name_of(rsvp.first_name, rsvp.last_name)),
                    ("Guests with you", str(rsvp.guests)),
                    ("Status", rsvp.get_status_display()),
                    (
                        "Reminders you asked for",
                        _reminders(rsvp.remind_day_before, rsvp.remind_two_hours),
                    ),
                    ("Asked to hear more about the campaign", yes_no(rsvp.hear_more)),
                    ("Part of “every week”", yes_no(rsvp.subscription_id is not None)),
                    ("Said you would come", when(rsvp.submitted_at)),
                    ("Confirmed", when(rsvp.confirmed_at)),
                    ("On the waiting list since", when(rsvp.waiting_since)),
                    ("Cancelled", when(rsvp.cancelled_at)),
                    ("Reminded the day before", when(rsvp.reminded_day_before_at)),
                    ("Reminded two hours before", when(rsvp.reminded_two_hours_at)),
                    ("Attendance", _attendance(rsvp, now)),
                    ("Code of the link you came from", rsvp.source),
                ),  # fmt: skip
                deleted=deleted,
            )
        )
    return items


@section(
    key="every-week", title="Coming every week", covers=(Subscription,),
    about="Each recurring event you asked to come to every week.",
    none="You have not asked to come every week.",
)  # fmt: skip
def _every_week(person: Person, now: datetime) -> list[Item]:
    task = events_tasks.apply_rsvp_retention
    items = []
    for subscription in person.subscriptions.select_related("series").order_by("pk"):
        if subscription.status == Subscription.Status.PENDING:
            deleted = deleted_by(subscription.submitted_at + events.UNCONFIRMED_KEPT, task, now)
            deleted += ", unless you confirm it before then."
        elif subscription.status == Subscription.Status.STOPPED:
            deleted = deleted_by(subscription.updated_at + events.KEPT_AFTER_DATE, task, now)
            deleted += "."
        else:
            deleted = f"Kept while you come every week (each reminder has a link to stop), {ERASE}."
        items.append(
            Item(
                title=subscription.series.title,
                fields=fields_unless_unconfirmed(
                    subscription.confirmed_at is not None,
                    ("Name you gave", name_of(subscription.first_name, subscription.last_name)),
                    ("Guests with you", str(subscription.guests)),
                    ("Status", subscription.get_status_display()),
                    (
                        "Reminders you asked for",
                        _reminders(subscription.remind_day_before, subscription.remind_two_hours),
                    ),
                    ("Asked to hear more about the campaign", yes_no(subscription.hear_more)),
                    ("Asked", when(subscription.submitted_at)),
                    ("Confirmed", when(subscription.confirmed_at)),
                    ("Code of the link you came from", subscription.source),
                ),  # fmt: skip
                deleted=deleted,
            )
        )
    return items


def _proposal_item(proposal: EventProposal) -> Item:
    return Item(
        title=f"Event you proposed: {proposal.title}",
        fields=fields(
            ("Kind", proposal.get_kind_display()),
            ("Title", proposal.title),
            ("What it is", proposal.summary),
            ("Date", date_format(proposal.date, "j F Y")),
            ("Starts", proposal.start_time.strftime("%H:%M")),
            ("Venue", proposal.venue_name),
            ("Street", proposal.street),
            ("Town", proposal.town),
            ("Postcode", proposal.postcode),
            ("Places", str(proposal.capacity or "No limit")),
            ("Accessibility", proposal.get_accessibility_display()),
            ("Status", proposal.get_status_display()),
        ),
        deleted=(
            "Published as the group's event: it stays, kept like the event itself, without "
            "your name when you stop leading the group or erase your details."
            if proposal.status == EventProposal.Status.APPROVED
            else f"Deleted when you stop leading the group or the group is removed, {ERASE}."
        ),
    )


@section(
    key="groups", title="Community groups you lead", covers=(Leader, EventProposal),
    about="Each community group you registered or were invited to help lead.",
    none="You do not lead a community group.",
)  # fmt: skip
def _groups(person: Person, now: datetime) -> list[Item]:
    items = []
    leaderships = person.group_leaderships.select_related("group").prefetch_related(
        Prefetch("group__event_proposals", queryset=EventProposal.objects.order_by("date"))
    )
    for leader in leaderships.order_by("submitted_at", "pk"):
        group = leader.group
        if leader.confirmed_at is None:
            deleted = deleted_by(
                leader.submitted_at + groups.UNCONFIRMED_KEPT,
                groups_tasks.forget_unconfirmed_groups, now,
            ) + ", unless you confirm it before then."  # fmt: skip
        else:
            deleted = (
                "Kept while you lead the group: deleted when the group is removed or turned "
                "down, or when you stop being one of its leaders, "
                f"{ERASE}."
            )
        proposed = [
            f"{proposal.title} ({date_format(proposal.date, 'j F Y')}: "
            f"{proposal.get_status_display()})"
            for proposal in group.event_proposals.all()
            if proposal.proposed_by_id == leader.pk
        ]
        items.append(
            Item(
                title=group.name,
                fields=fields(
                    ("Where it meets", group.area),
                    ("Your role", leader.get_role_display()),
                    ("Asked", when(leader.submitted_at)),
                    ("Confirmed", when(leader.confirmed_at) or "Not yet"),
                    (
                        "The group",
                        group.get_status_display()
                        if group.status != Group.Status.APPROVED
                        else "Approved",
                    ),
                    ("Events you proposed", "; ".join(proposed)),
                ),  # fmt: skip
                deleted=deleted,
            )
        )
        for proposal in group.event_proposals.all():
            if proposal.proposed_by_id == leader.pk:
                items.append(_proposal_item(proposal))
    return items


@section(
    key="campaign-emails", title="Campaign emails sent to you", covers=(Recipient,),
    about="Each email about the campaign that we sent you, or were about to.",
    none="None at the moment (we keep who was sent each email for a short while only).",
)  # fmt: skip
def _campaign_emails(person: Person, now: datetime) -> list[Item]:
    task = mailings_tasks.forget_mailing_recipients
    items = []
    received = person.mailings_received.select_related("mailing").order_by("mailing__send_at", "pk")
    for recipient in received:
        mailing: Mailing = recipient.mailing
        finished = mailing.finished_at or mailing.cancelled_at
        if finished:
            deleted = deleted_by(finished + mailings.RECIPIENTS_KEPT, task, now,
                                 what="The record that it went to you is deleted")  # fmt: skip
            deleted += ". The email’s figures remain, with nothing about you."
        else:
            deleted = (
                f"{period(mailings.RECIPIENTS_KEPT).capitalize()} after the email has gone to "
                "everyone, that it went to you is deleted."
            )
        items.append(
            Item(
                title=mailing.subject,
                fields=fields(
                    ("Status", recipient.get_status_display()),
                    ("Sent", when(recipient.sent_at)),
                    ("What the mail server said", recipient.error),
                ),
                deleted=deleted,
            )
        )
    return items


@section(
    key="emails-waiting", title="Emails waiting to go to you",
    about="Emails to you that our mail server has not delivered yet, or could not deliver.",
    none="None: every email to you so far has been delivered.",
)  # fmt: skip
def _emails_waiting(person: Person, now: datetime) -> list[Item]:
    wanted = person.email.casefold()
    emails = [
        email
        for email in OutboundEmail.objects.only("pk", "to", "subject", "status", "created_at",
                                                "updated_at", "attempts").order_by("pk")
        if wanted in (address.casefold() for address in email.to)
    ]  # fmt: skip
    items = []
    for email in emails:
        if email.status == OutboundEmail.Status.FAILED:
            status = "Could not be delivered: we have stopped trying"
            deleted = deleted_by(email.updated_at + FAILED_KEPT,
                                 core_tasks.delete_failed_emails, now) + "."  # fmt: skip
        else:
            status = "Waiting to be delivered"
            deleted = f"Deleted as soon as it is delivered, {ERASE}."
        items.append(
            Item(
                title=email.subject,
                fields=fields(
                    ("Status", status),
                    ("Queued", when(email.created_at)),
                    ("Tries so far", str(email.attempts)),
                ),
                deleted=deleted,
            )
        )
    return items


@section(
    key="data-links", title="Links to see your data", covers=(AccessLink, PreparedExport),
    about="Each link to this page that was emailed to you, and each download of it being made.",
    none="None.",
)  # fmt: skip
def _data_links(person: Person, now: datetime) -> list[Item]:
    task = rights_tasks.delete_expired_access_links
    kept = rights.ACCESS_LINK_MAX_AGE + rights.ACCESS_LASTS
    links = [
        Item(
            title=f"Asked for on {when(link.created_at)}",
            fields=fields(
                ("Asked for", when(link.created_at)),
                ("Used", when(link.used_at) or "Not used"),
            ),
            deleted=deleted_by(link.created_at + kept, task, now) + ".",
        )
        for link in person.access_links.order_by("created_at", "pk")
    ]
    downloads = [
        Item(
            title=f"A download of this page as {export.get_kind_display()}",
            fields=fields(
                ("Asked for", when(export.asked_at)),
                ("Ready", when(export.ready_at) or "Being made"),
            ),
            deleted=deleted_by(export.asked_at + rights.ACCESS_LASTS,
                               rights_tasks.delete_expired_exports, now) + ".",
        )
        for export in person.prepared_exports.order_by("asked_at", "pk")
    ]  # fmt: skip
    return links + downloads
