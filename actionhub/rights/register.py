"""The data protection lead's register of supporters' requests about their data: each with the
day it arrived and the day it must be answered by and, once closed, kept a while as the record
that it was answered, without the address.

The deadline is one calendar month from the day the request arrived (UK GDPR Art. 12(3), as
the ICO counts it: the same date next month, or that month's last day when it has no such
date, so 31 January gives 28 or 29 February). Extended for a complex request, it is "two
further months" from that first deadline, as the ICO counts it: 31 January gives 28 February,
then 28 April (not 30 April, three months from 31 January; the two differ only at the end of
a month, and the ICO's is never the later). It is not moved past a weekend or a bank holiday,
as the ICO would allow: answering by the earlier date is never late.

Closing a request (done or refused) takes the address off it, and the link to the person: what
stays is what was asked, when, how it ended and by whom, and a keyed fingerprint of the address,
which finds the record again from the address without showing it. No email address stays in
its notes or its refusal reason either: their own, in any spelling the supporters app takes for
the same mailbox (capitals, Gmail's dots and `+tags`, googlemail.com), becomes ADDRESS_REMOVED,
and any other (someone writing for them, a second address of theirs) OTHER_ADDRESS_REMOVED, as
another's address is personal data too, and the record kept needs none. It is deleted
CLOSED_KEPT after closing: long enough to show the ICO, or the person, that it was answered and
when.
"""

import calendar
import re
import unicodedata
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format

from actionhub.core.addresses import normalise_email
from actionhub.core.audit import audit_record
from actionhub.rights.models import DataRequest
from actionhub.supporters.models import Person

HANDLE = "rights.handle_datarequest"
MONTHS_TO_ANSWER = 1
FURTHER_MONTHS_WHEN_EXTENDED = 2  # "extended by two further months where necessary", Art. 12(3)
CLOSED_KEPT = timedelta(days=365)
DEADLINE_NEAR_DAYS = 7  # the dashboard's warning
FINGERPRINT_SALT = "actionhub.rights.DataRequest.email"
ADDRESS_REMOVED = "[their address]"
NAME_REMOVED = "[their name]"
ERASURE_NOTED = (
    "Everything held under this address was erased on {day}. Tell them it is done (or, for "
    "another kind of request, that nothing is held any more), then close this request."
)
OTHER_ADDRESS_REMOVED = "[an address]"
# What looks like an email address in typed text: a name of up to 64 characters (letters in any
# script, digits, and . _ + - ', not starting with a dot or a quote), an @, and a domain of two
# labels or more that ends at a letter or digit, so a full stop ending the sentence stays. The
# full-width @ and dot count, as normalise_email reads them as @ and dot. (The name's limit, as
# in RFC 5321, also keeps a long run of letters from being read again from each one.)
ADDRESS_SHAPED = r"[\w+\-][\w.\uff0e+'\-]{0,63}[@\uff20\ufe6b][\w\-]+(?:[.\uff0e][\w\-]+)+"


# Dates


def months_after(day: date, months: int) -> date:
    """The same date `months` calendar months later, or that month's last day if it is
    shorter: 31 January and one month is 28 February (29 in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def data_request_deadline(*, received_on: date, extended: bool = False) -> date:
    """One calendar month from the day it arrived; extended, two further months from that:
    received 31 January, due 28 February, or 28 April when extended."""
    deadline = months_after(received_on, MONTHS_TO_ANSWER)
    if extended:
        deadline = months_after(deadline, FURTHER_MONTHS_WHEN_EXTENDED)
    return deadline


def days_left(data_request: DataRequest, today: date | None = None) -> int | None:
    """Days to its deadline (negative once past it); None once closed."""
    if not data_request.is_open:
        return None
    return (data_request.deadline - (today or timezone.localdate())).days


def days_left_words(data_request: DataRequest, today: date | None = None) -> str:
    left = days_left(data_request, today)
    if left is None:
        return "Closed"
    if left < 0:
        return f"Overdue by {-left} day{'s' if left < -1 else ''}"
    if left == 0:
        return "Due today"
    return f"{left} day{'s' if left > 1 else ''} left"


# The address


def address_fingerprint(email: str) -> str:
    """A keyed hash of the address, as the supporters app compares addresses: the same for
    `Ruth.Cohen@Example.org` and `ruth.cohen@example.org`, and no use without the site's key."""
    return salted_hmac(FINGERPRINT_SALT, normalise_email(email), algorithm="sha256").hexdigest()


def _without(text: str, addresses: list[str]) -> str:
    """The text with no email address in it: each of `addresses` as typed (in any case), or any
    spelling of the same mailbox, becomes ADDRESS_REMOVED, and any other address
    OTHER_ADDRESS_REMOVED."""
    spellings = sorted({a.strip() for a in addresses if a and a.strip()}, key=len, reverse=True)
    theirs = {normalise_email(spelling) for spelling in spellings}
    # The exact spellings first, as one may not look like an address (`ruth&co@…`), unless it is
    # only the start of a longer address (`…@example.org.uk`).
    known = [rf"{re.escape(spelling)}(?![\w\-]|[.\uff0e][\w\-])" for spelling in spellings]
    pattern = re.compile("|".join([*known, ADDRESS_SHAPED]), flags=re.IGNORECASE)

    def replaced(found: re.Match) -> str:
        return ADDRESS_REMOVED if normalise_email(found[0]) in theirs else OTHER_ADDRESS_REMOVED

    return pattern.sub(replaced, text)


# Writes


def _check(actor) -> None:
    if not actor.has_perm(HANDLE):
        raise PermissionDenied("You do not have permission to handle data protection requests.")


def _check_received(received_on: date) -> None:
    if received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": "The date it arrived cannot be after today: check the date."}
        )


def _place(data_request: DataRequest) -> None:
    """Its fingerprint, person and deadline, from its address and dates."""
    data_request.email = data_request.email.strip()
    data_request.email_fingerprint = address_fingerprint(data_request.email)
    data_request.person = Person.objects.filter(
        email_normalised=normalise_email(data_request.email)
    ).first()
    data_request.deadline = data_request_deadline(
        received_on=data_request.received_on, extended=data_request.extended
    )


@transaction.atomic
def data_request_record(*, actor, data_request: DataRequest, request=None) -> DataRequest:
    """Record a request that arrived (the console's form builds it): its deadline, its
    fingerprint, and the supporter with that address, if there is one."""
    _check(actor)
    _check_received(data_request.received_on)
    data_request.status = DataRequest.Status.OPEN
    _place(data_request)
    data_request.full_clean()
    data_request.save()
    audit_record(
        action="rights.request_recorded", actor=actor, obj=data_request, request=request,
        summary=f"Recorded: {data_request}, to answer by {data_request.deadline:%-d %B %Y}",
    )  # fmt: skip
    return data_request


@transaction.atomic
def data_request_change(*, actor, data_request: DataRequest, request=None) -> DataRequest:
    """Save corrections to an open request (a mistyped address or date, an extension, notes):
    its person and deadline follow."""
    _check(actor)
    before = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    if not before.is_open:
        raise ValidationError("This request is closed: it can no longer be changed.")
    _check_received(data_request.received_on)
    _place(data_request)
    data_request.full_clean()
    data_request.save()
    extended = " (extended)" if data_request.extended and not before.extended else ""
    audit_record(
        action="rights.request_changed", actor=actor, obj=data_request, request=request,
        summary=f"Changed: {data_request}, to answer by "
        f"{data_request.deadline:%-d %B %Y}{extended}",
    )  # fmt: skip
    return data_request


@transaction.atomic
def data_request_close(
    *, actor, data_request: DataRequest, status: str, reason: str = "", note: str = "",
    request=None,
) -> DataRequest:  # fmt: skip
    """Close a request as done or refused (a refusal gives its reason, which the person must be
    told, with their right to complain to the ICO). The address goes from it, and from its
    notes, and so does the link to the person; the fingerprint stays."""
    _check(actor)
    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    if not data_request.is_open:
        raise ValidationError("This request has been closed already.")
    if status not in (DataRequest.Status.DONE, DataRequest.Status.REFUSED):
        raise ValidationError("A request is closed as done or as refused.")
    reason = reason.strip() if status == DataRequest.Status.REFUSED else ""
    if status == DataRequest.Status.REFUSED and not reason:
        raise ValidationError("Give the reason for refusing: the person must be told it.")
    addresses = [data_request.email]
    if data_request.person is not None:
        addresses += [data_request.person.email, data_request.person.email_normalised]
    names = _names_of(data_request.person)
    data_request.notes = _without_names(_without(data_request.notes, addresses), names)
    if note:
        data_request.notes = f"{data_request.notes}\n{note}".strip()
    data_request.refusal_reason = _without_names(_without(reason, addresses), names)
    data_request.status = status
    data_request.email = ""
    data_request.person = None
    data_request.closed_at = timezone.now()
    data_request.handled_by = actor if actor.pk else None
    data_request.handled_by_label = actor.get_username()
    data_request.full_clean()
    data_request.save()
    audit_record(
        action=f"rights.request_{status}", actor=actor, obj=data_request, request=request,
        summary=f"Closed as {data_request.get_status_display().lower()}: {data_request}",
    )  # fmt: skip
    return data_request


@transaction.atomic
def data_requests_note_erasure(*, person: Person, data_requests) -> int:
    """The person is being erased: their open requests (any kind) say so in their notes, and
    their name goes from the notes, as it goes from everywhere else. The requests stay open,
    with the address as the person gave it, for the lead to tell them it is done (or that
    there is nothing left to send) and then close; an erasure never closes a request itself,
    or one the lead is closing at this moment."""
    names = _names_of(person)
    noted = 0
    for data_request in data_requests:
        data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        if not data_request.is_open:
            continue  # closed by the lead meanwhile: theirs stands
        note = ERASURE_NOTED.format(day=date_format(timezone.localdate(), "j F Y"))
        data_request.notes = f"{_without_names(data_request.notes, names)}\n{note}".strip()
        data_request.save(update_fields=["notes", "updated_at"])
        noted += 1
    return noted


def _names_of(person: Person | None) -> list[str]:
    if person is None:
        return []
    full = f"{person.first_name} {person.last_name}".strip()
    return [name for name in (full, person.first_name, person.last_name) if name]


def _without_names(text: str, names: list[str]) -> str:
    """The text with none of `names` in it, each a whole word, becoming NAME_REMOVED: the full
    name in any case; a first or last name alone as written (or in capitals), as a name is
    often a word too ("May", "Will", "He"). An email address, and what was put in place
    of one, are left whole. Best effort: a name written another way (a nickname, a suffix in
    another language) stays, so the lead reads the notes before closing."""
    text = unicodedata.normalize("NFC", text)
    words = []
    for name in sorted({unicodedata.normalize("NFC", n).replace("\u2019", "'") for n in names},
                       key=len, reverse=True):  # fmt: skip
        escaped = re.escape(name).replace("'", "['\u2019]")  # O'Brien, typed O’Brien
        if " " in name:
            words.append(rf"(?<!\w)(?i:{escaped})(?!\w)")
        else:
            words.append(rf"(?<!\w)(?:{escaped}|{re.escape(name.upper())})(?!\w)")
    if not words:
        return text
    kept = [re.escape(p) for p in (ADDRESS_REMOVED, OTHER_ADDRESS_REMOVED, NAME_REMOVED)]
    pattern = re.compile("|".join([*kept, rf"(?i:{ADDRESS_SHAPED})", *words]))

    def replaced(found: re.Match) -> str:
        whole = found[0]
        if whole in (ADDRESS_REMOVED, OTHER_ADDRESS_REMOVED, NAME_REMOVED):
            return whole
        return whole if re.fullmatch(ADDRESS_SHAPED, whole, flags=re.IGNORECASE) else NAME_REMOVED

    return pattern.sub(replaced, text)


def data_requests_apply_retention(*, now=None) -> int:
    """Closed requests are kept CLOSED_KEPT after closing, as the record that they were
    answered and when; then deleted. Open ones stay until they are closed."""
    cutoff = (now or timezone.now()) - CLOSED_KEPT
    deleted, _ = (
        DataRequest.objects.exclude(status=DataRequest.Status.OPEN)
        .filter(closed_at__lt=cutoff)
        .delete()
    )
    return deleted
