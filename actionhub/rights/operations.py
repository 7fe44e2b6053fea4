"""What the data protection lead does with a supporter's data: find it by address, see it,
export it and erase it. Each checks the permission, acts, and writes the audit entry (never the
address: a search is logged by what it found, a person by their id), so
the console and a command would behave the same."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.core.email import email_erase_for
from actionhub.core.queue import tasks_forget_address
from actionhub.rights.exports import FORMATS
from actionhub.rights.inventory import person_inventory
from actionhub.rights.models import DataRequest
from actionhub.rights.register import (
    HANDLE,
    address_fingerprint,
    data_request_close,
    data_requests_note_erasure,
)
from actionhub.rights.selectors import Records, address_held, address_variants, person_for_address
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_erase

ERASED_NOTE = "Erased from the console: everything held under the address."


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    name: str


def _check(actor) -> None:
    if not actor.has_perm(HANDLE):
        raise PermissionDenied("You do not have permission to see supporters' data.")


def records_build(*, email: str, person: Person | None) -> Records:
    """Everything held under `email` (the person's inventory, if they are found, and what is
    held under the address beside it), without checking or logging: for the operations."""
    address, _ = address_held(email=email, person=person)
    return Records(
        email=email,
        person=person,
        inventory=person_inventory(person=person) if person else None,
        address=address,
        requests=list(
            DataRequest.objects.filter(email_fingerprint=address_fingerprint(email)).order_by(
                "-received_on", "-pk"
            )
        ),
    )


def _viewed(actor, person: Person, request) -> None:
    audit_record(action="rights.records_viewed", actor=actor, obj=person, request=request,
                 summary=f"Viewed everything held on supporter {person.pk}")  # fmt: skip


def records_search(*, actor, email: str, request=None) -> Records:
    """Find everything held under an address, as the supporters app compares addresses."""
    _check(actor)
    person = person_for_address(email)
    records = records_build(email=email, person=person)
    if person is not None:
        found = f"found supporter {person.pk}"
    elif records.address.items:
        found = "found no supporter, but what is held under the address alone"
    else:
        found = "found nothing"
    audit_record(action="rights.searched", actor=actor, obj=person, request=request,
                 summary=f"Searched supporters' data by email address: {found}")  # fmt: skip
    if person is not None:
        _viewed(actor, person, request)
    return records


def records_view(*, actor, person: Person, request=None) -> Records:
    """One supporter's records, by their id (from the register, or back from a page)."""
    _check(actor)
    _viewed(actor, person, request)
    return records_build(email=person.email, person=person)


def records_export(*, actor, person: Person, kind: str, request=None) -> Download:
    """The very download the supporter gets from their own data page."""
    _check(actor)
    content_type, extension, build, words = FORMATS[kind]
    content = build(person_inventory(person=person))
    audit_record(
        action="rights.exported", actor=actor, obj=person, request=request,
        summary=f"Exported everything held on supporter {person.pk}, as {words}",
    )  # fmt: skip
    return Download(content, content_type, f"your-data-{timezone.localdate():%Y-%m-%d}.{extension}")


def requests_open_for(person: Person):
    """The open requests about `person`'s data: from their address (however it is written) or
    linked to their record."""
    from_address = DataRequest.objects.filter(email_fingerprint=address_fingerprint(person.email))
    linked = DataRequest.objects.filter(person=person)
    return (from_address | linked).filter(status=DataRequest.Status.OPEN).distinct().order_by("pk")


def requests_closed_by_erasure(person: Person):
    """The open requests the lead's erasure of `person` answers: each to erase their data. A
    request of another kind, or about someone else, is never closed by it, whichever page the
    erasure was opened from."""
    return requests_open_for(person).filter(kind=DataRequest.Kind.ERASURE)


@transaction.atomic
def records_erase(*, actor, person: Person, request=None) -> list[DataRequest]:
    """Erase a supporter at their request, as their own erase link does
    (`supporters.services.person_erase`), and what is held under their address written another
    way; the requests it answers are closed as done. Returns those requests."""
    _check(actor)
    closed = [
        data_request_close(actor=actor, data_request=answered, status=DataRequest.Status.DONE,
                           note=ERASED_NOTE, request=request)
        for answered in requests_closed_by_erasure(person)
    ]  # fmt: skip
    requests = ", ".join(f"request {answered.pk}" for answered in closed) or "no request"
    audit_record(
        action="rights.erased", actor=actor, obj=person, request=request,
        summary=f"Erased supporter {person.pk} from the console ({requests})",
    )  # fmt: skip
    person_erase(person=person, actor=actor)  # with address_elsewhere_forget, below
    return closed


def address_elsewhere_forget(*, person: Person) -> None:
    """Before a supporter is erased, whoever erases them (their own erase link, their data
    page, the console): what is held under their address written another way goes too, and
    each request about their data still open says so, for the lead to tell them and close it
    (the lead's own erasure has closed the erasure requests already)."""
    for variant in address_variants(email=person.email, person=person):
        email_erase_for(address=variant)
        tasks_forget_address(address=variant)
    data_requests_note_erasure(person=person, data_requests=requests_open_for(person))
