"""Reads for the data protection lead: who an address is, what is held under it that no
supporter's record shows, its requests in the register, and which requests are due."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from actionhub.core import tasks as core_tasks
from actionhub.core.addresses import DOMAIN_ALIASES, normalise_email
from actionhub.core.email import FAILED_KEPT, suppressions_of
from actionhub.core.models import OutboundEmail, SuppressedAddress
from actionhub.letters import tasks as letters_tasks
from actionhub.letters.models import SendAllowance
from actionhub.rights.inventory import Inventory, Item, Section, deleted_by, fields, when
from actionhub.rights.models import DataRequest
from actionhub.rights.register import DEADLINE_NEAR_DAYS, address_fingerprint
from actionhub.supporters.models import Person

ADDRESS_SECTION = "held-under-the-address"
SUPPRESSION_ERASED = "(erased: kept as a keyed hash)"


@dataclass(frozen=True)
class Records:
    """Everything held under one address: the person's own inventory, if there is a person
    with it, and what is held under the address beside it."""

    email: str
    person: Person | None
    inventory: Inventory | None
    address: Section
    requests: list[DataRequest]

    @property
    def sections(self) -> tuple[Section, ...]:
        return (*(self.inventory.sections if self.inventory else ()), self.address)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """Each section that holds anything, with how many things."""
        return [(section.title, len(section.items)) for section in self.sections if section.items]

    @property
    def found_anything(self) -> bool:
        return self.person is not None or bool(self.address.items)


def person_for_address(email: str) -> Person | None:
    return Person.objects.filter(email_normalised=normalise_email(email)).first()


def data_requests_from(email: str):
    """The requests in the register from this address, open or closed (by its fingerprint)."""
    return DataRequest.objects.filter(email_fingerprint=address_fingerprint(email))


def data_requests_overdue(requests, *, today: date):
    """Those of `requests` open past their deadline."""
    return requests.filter(status=DataRequest.Status.OPEN, deadline__lt=today)


def data_requests_near(requests, *, today: date):
    """Those of `requests` open and due within DEADLINE_NEAR_DAYS (today included)."""
    return requests.filter(
        status=DataRequest.Status.OPEN,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=DEADLINE_NEAR_DAYS),
    )


def data_requests_due(*, today: date) -> tuple[int, int]:
    """How many requests are open past their deadline, and how many are due soon."""
    requests = DataRequest.objects.all()
    return (
        data_requests_overdue(requests, today=today).count(),
        data_requests_near(requests, today=today).count(),
    )


def _same_mailbox(address: str, normalised: str) -> bool:
    return normalise_email(address) == normalised


def _domains(email: str, normalised: str) -> set[str]:
    domain = normalised.rpartition("@")[2]
    aliases = {alias for alias, target in DOMAIN_ALIASES.items() if target == domain}
    return {domain, email.strip().casefold().rpartition("@")[2], *aliases}


def _allowances(normalised: str, now: datetime) -> list[Item]:
    """When each letter was last sent for the address (so each goes at most once a while)."""
    window = timedelta(days=settings.LETTERS_RESEND_DAYS)
    allowances = SendAllowance.objects.filter(email_normalised=normalised).select_related(
        "template", "mp", "brand"
    )
    items = []
    for allowance in allowances.order_by("pk"):
        recipient = allowance.brand.name if allowance.brand_id else allowance.mp.name
        ends = allowance.last_sent_at + window if allowance.last_sent_at else now
        items.append(Item(
            title=f"Letter “{allowance.template.title}” to {recipient}",
            fields=fields(
                ("Kept under", "The address as the site compares addresses"),
                ("Last sent for this address", when(allowance.last_sent_at) or "Not sent"),
                ("Why it is kept", "So that each letter goes to each recipient for an address "
                 "at most once in a while."),
            ),
            deleted=deleted_by(ends, letters_tasks.apply_letter_retention, now) + ".",
        ))  # fmt: skip
    return items


def address_held(*, email: str, person: Person | None, now: datetime | None = None):
    """What is held under `email` that the person's inventory does not show (all of it when
    no person has the address): emails to it waiting or failed, the record of when a letter
    was last sent for it, its place on the list never to email. Returns the section and the
    address's other spellings those are held under (`Ruth.Cohen+x@gmail.com` for
    `ruthcohen@gmail.com`), which the person's own erasure would not reach."""
    now = now or timezone.now()
    normalised = normalise_email(email)
    shown = person.email.casefold() if person else None  # what the inventory matches
    items, variants = [], set()

    for message in OutboundEmail.objects.only(
        "pk", "to", "subject", "status", "created_at", "updated_at", "attempts"
    ).order_by("pk"):  # a queue: what is waiting or failed, never many
        matching = [to for to in message.to if _same_mailbox(to, normalised)]
        if not matching or shown in (to.casefold() for to in message.to):
            continue
        variants.update(to.casefold() for to in matching)
        failed = message.status == OutboundEmail.Status.FAILED
        items.append(Item(
            title=f"Email: {message.subject}",
            fields=fields(
                ("To", ", ".join(matching)),
                ("Status", "Could not be delivered: no more tries" if failed
                 else "Waiting to be delivered"),
                ("Queued", when(message.created_at)),
                ("Tries so far", str(message.attempts)),
            ),
            deleted=deleted_by(message.updated_at + FAILED_KEPT, core_tasks.delete_failed_emails,
                               now) + "." if failed else "Deleted as soon as it is delivered.",
        ))  # fmt: skip

    if person is None:  # otherwise the person's own letters sections show them
        items += _allowances(normalised, now)

    # The list never to email: entries for the address written any way, and, by the keyed
    # hash of the address as typed and as compared, entries whose address was erased.
    typed = {email.strip().casefold(), normalised}
    domains = _domains(email, normalised)
    candidates = suppressions_of(typed) | SuppressedAddress.objects.filter(
        Q(*(Q(address__endswith="@" + domain) for domain in domains), _connector=Q.OR)
    )
    on_page = suppressions_of([person.email]).order_by("pk").first() if person else None
    for suppressed in candidates.order_by("pk"):
        if suppressed == on_page:  # the person's own page shows it
            continue
        if not suppressed.is_erased and not _same_mailbox(suppressed.address, normalised):
            continue
        if not suppressed.is_erased:
            variants.add(suppressed.address)
        items.append(Item(
            title="On the list of addresses never to email",
            fields=fields(
                ("Address", suppressed.address or SUPPRESSION_ERASED),
                ("Why", suppressed.get_reason_display()),
                ("Since", when(suppressed.created_at)),
                ("What the mail server said", suppressed.detail),
            ),
            deleted="Kept for good, so that no email from this site goes to the address. "
            + ("Its address and what the mail server said were erased." if suppressed.is_erased
               else "Erasing the address removes it, and what the mail server said, and keeps "
               "the keyed hash and why."),
        ))  # fmt: skip

    section = Section(
        key=ADDRESS_SECTION,
        title="Also held under this address" if person else "Held under this address",
        about="Kept under the address itself, not in a supporter’s record: an email to it that "
        "is waiting or failed, when a letter was last sent for it, the list of addresses never "
        "to email; with the same address written another way.",
        none="Nothing more.",
        items=tuple(items),
    )
    return section, tuple(sorted(variants))


def address_variants(*, email: str, person: Person | None) -> tuple[str, ...]:
    """The address's other spellings that something is held under, which the person's own
    erasure would not reach (`Ruth.Cohen+x@gmail.com` for `ruthcohen@gmail.com`)."""
    return address_held(email=email, person=person)[1]
