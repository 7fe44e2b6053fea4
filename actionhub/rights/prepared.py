"""Downloads of a large record, made by the task worker: a record of more than
RIGHTS_EXPORT_IN_REQUEST_ITEMS items is not turned into files in the request (a page view
should not wait on it, nor a burst of them tie up the web processes). The person asks, the
worker makes the file, and the data page offers it once ready, for as long as their access
lasts; then it is deleted.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from actionhub.rights.exports import FORMATS
from actionhub.rights.inventory import Inventory, person_inventory
from actionhub.rights.models import PreparedExport
from actionhub.rights.services import ACCESS_LASTS
from actionhub.supporters.models import Person

PREPARED_KEPT = ACCESS_LASTS


def inventory_is_large(inventory: Inventory) -> bool:
    items = sum(len(section.items) for section in inventory.sections)
    return items > settings.RIGHTS_EXPORT_IN_REQUEST_ITEMS


def export_file(inventory: Inventory, kind: str) -> bytes:
    return FORMATS[kind][2](inventory)


def export_prepare_queue(*, person: Person, kind: str) -> PreparedExport:
    """Ask the worker for a download (one of each kind at a time is enough)."""
    from actionhub.rights.tasks import prepare_export

    existing = person.prepared_exports.filter(kind=kind, ready_at=None).first()
    if existing is not None:
        return existing
    export = PreparedExport.objects.create(person=person, kind=kind)
    transaction.on_commit(lambda: prepare_export.enqueue(export.pk))
    return export


def export_prepare(*, export_id: int) -> None:
    """The worker's part: make the file, if it is still wanted (not deleted, its person not
    erased)."""
    export = PreparedExport.objects.select_related("person").filter(pk=export_id).first()
    if export is None or export.ready_at is not None:
        return
    content = export_file(person_inventory(person=export.person), export.kind)
    PreparedExport.objects.filter(pk=export.pk).update(content=content, ready_at=timezone.now())


def prepared_exports_delete_expired(*, now=None) -> int:
    cutoff = (now or timezone.now()) - PREPARED_KEPT
    deleted, _ = PreparedExport.objects.filter(asked_at__lt=cutoff).delete()
    return deleted
